export {
  type CommonFault,
  SinkOptionsError,
  type TelegramFault,
} from './core/faults'
export type { SinkBaseOptions } from './core/options'
export { keepsPromise, type ReadmeSnippetRun, runReadmeSnippet } from './core/readme-snippet'
export type { SinkRequestLogEntry, SinkTimers } from './core/server'
export {
  decodeHeaderValue,
  NTFY_MAX_MESSAGE_BYTES,
  NTFY_TOPIC,
  type NtfyFake,
  type NtfyFakeOptions,
  type NtfyFault,
  type NtfyReceived,
  startNtfyFake,
} from './ntfy/fake'
export {
  FAKE_BOT_TOKEN,
  startTelegramFake,
  TELEGRAM_MAX_TEXT,
  type TelegramFake,
  type TelegramFakeOptions,
  type TelegramReceived,
} from './telegram/fake'
export {
  EntityParseError,
  MARKDOWN_V2_RESERVED,
  type ParsedText,
  parseHtml,
  parseMarkdownV2,
  type TelegramEntity,
} from './telegram/parse'
export {
  SIGNATURE_HEADER,
  startWebhookFake,
  verifyWebhookSignature,
  type WebhookFake,
  type WebhookFakeOptions,
  type WebhookFault,
  type WebhookReceived,
  webhookSignature,
} from './webhook/fake'
