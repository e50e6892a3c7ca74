export {
  parseTelegramConfig,
  REDACTED,
  redactTelegramConfig,
  TELEGRAM_API_BASE_URL,
  TELEGRAM_SECRET_FIELDS,
  type TelegramNotifierConfig,
  type TelegramNotifierConfigInput,
  TelegramNotifierConfigSchema,
  telegramNotifierConfigJsonSchema,
} from './config'
export {
  cutCleanly,
  escapeHtml,
  escapeMarkdownV2,
  formatTelegramText,
  plainTelegramParts,
  TELEGRAM_MAX_TEXT,
  TELEGRAM_MAX_TITLE,
  type TelegramParseMode,
  TRUNCATED_SUFFIX,
} from './format'
export {
  createTelegramNotifier,
  type TelegramNotifier,
  type TelegramNotifierOptions,
  telegramNotifierDefinition,
} from './notifier'
