import { postOnce } from '@edge-mining/adapter-kit'
import {
  type AdapterDefinition,
  DeviceError,
  type Logger,
  type Notification,
  type NotifierPort,
  silentLogger,
} from '@edge-mining/domain'
import {
  parseTelegramConfig,
  redactTelegramConfig,
  TELEGRAM_SECRET_FIELDS,
  type TelegramNotifierConfig,
  TelegramNotifierConfigSchema,
} from './config'
import { formatTelegramText } from './format'

export interface TelegramNotifierOptions {
  /** fetch implementation (the platform's). Default the global `fetch`. */
  fetch?: typeof globalThis.fetch
  /** Where a delivered message is noted (debug). Default: nowhere. */
  logger?: Logger
}

export interface TelegramNotifier extends NotifierPort {
  /** The validated config with the token replaced by `***`. */
  readonly config: TelegramNotifierConfig
}

interface BotApiAnswer {
  ok?: unknown
  error_code?: unknown
  description?: unknown
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown }
}

function answerOf(text: string): BotApiAnswer | null {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? (parsed as BotApiAnswer) : null
  } catch {
    return null
  }
}

/** A short, printable rendering of a service's description (bounded, one line). */
function shortText(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null
  const line = value.replace(/\s+/g, ' ').trim()
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}

/** Why a 400/403 happened and what to do, for the descriptions people actually meet. */
function hintFor(description: string, parameters: BotApiAnswer['parameters']): string {
  const lower = description.toLowerCase()
  const migrated = parameters?.migrate_to_chat_id
  if (typeof migrated === 'number' || typeof migrated === 'string') {
    return ` — the group became a supergroup: set chat_id to ${migrated}`
  }
  if (lower.includes('chat not found')) {
    return ' — check chat_id: the person must have sent /start to the bot, or the bot must be a member of the group or channel'
  }
  if (lower.includes('blocked by the user')) {
    return ' — the person blocked the bot: they must unblock it (or send /start) before it can write to them'
  }
  if (lower.includes("can't initiate conversation")) {
    return ' — the person must send /start to the bot first'
  }
  if (lower.includes('kicked') || lower.includes('not a member')) {
    return ' — add the bot to the group or channel again'
  }
  if (lower.includes('not enough rights')) return ' — give the bot the right to post messages'
  return ''
}

/**
 * A Telegram notifier: one Bot API `sendMessage` per notification, to `chat_id`, formatted in
 * MarkdownV2 (default, upstream's) or HTML with everything escaped. `send` resolves when
 * Telegram answered `ok: true` and throws DeviceError otherwise: `rate_limited` with
 * `retry_after_seconds` from `parameters.retry_after` (429), `auth_failed` (401 bad token,
 * 404 malformed token, 403 blocked or kicked), `bad_response` (400: chat not found, a group
 * upgraded to a supergroup, anything Telegram refuses), `unreachable` (5xx, timeout, network).
 * It never retries: the caller (the delivery queue) decides. The token — part of the Bot API's
 * URL — is in no message, `cause`, log line, `JSON.stringify` or `inspect` of anything it returns.
 */
export function createTelegramNotifier(
  input: unknown,
  options: TelegramNotifierOptions = {},
): TelegramNotifier {
  const config = parseTelegramConfig(input)
  const logger = options.logger ?? silentLogger
  const token = config.bot_token
  const scrub = (text: string) => text.split(token).join('***')
  const fail = (
    code: DeviceError['code'],
    message: string,
    extra: { retry_after_seconds?: number | null } = {},
  ) => new DeviceError(code, scrub(message), extra)
  const url = `${config.api_base_url}/bot${token}/sendMessage`
  const timeoutMs = config.request_timeout_seconds * 1000

  async function send(notification: Notification): Promise<void> {
    const body: Record<string, unknown> = {
      chat_id: config.chat_id,
      text: formatTelegramText(notification, config.parse_mode),
      parse_mode: config.parse_mode,
      link_preview_options: { is_disabled: true },
    }
    if (config.disable_notification) body.disable_notification = true
    if (config.message_thread_id !== undefined) body.message_thread_id = config.message_thread_id
    const outcome = await postOnce({
      fetch: options.fetch,
      url,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs,
    })
    if (outcome.kind === 'timeout') {
      throw fail(
        'unreachable',
        `Telegram did not answer within ${config.request_timeout_seconds} s`,
      )
    }
    if (outcome.kind === 'network') {
      throw fail(
        'unreachable',
        `Telegram unreachable: network error (${outcome.code ?? 'no response'})`,
      )
    }
    const { status } = outcome
    const answer = answerOf(outcome.text)
    if (status === 200 && answer?.ok === true) {
      logger.debug(`Telegram: '${scrub(notification.title)}' delivered to chat ${config.chat_id}`)
      return
    }
    const description = shortText(answer?.description) ?? `HTTP ${status}`
    const errorCode = typeof answer?.error_code === 'number' ? answer.error_code : status
    if (status === 429 || errorCode === 429) {
      const retryAfter = answer?.parameters?.retry_after
      const header = Number(outcome.headers.get('retry-after'))
      const seconds =
        typeof retryAfter === 'number' && Number.isFinite(retryAfter)
          ? retryAfter
          : Number.isFinite(header) && header >= 0 && outcome.headers.has('retry-after')
            ? header
            : null
      throw fail('rate_limited', `Telegram rate-limited the bot: ${description} (429)`, {
        retry_after_seconds: seconds,
      })
    }
    if (status === 401) {
      throw fail(
        'auth_failed',
        `Telegram rejected the bot token: ${description} (401) — check bot_token`,
      )
    }
    if (status === 404) {
      throw fail(
        'auth_failed',
        `Telegram answered ${description} (404): the bot token is not valid, or api_base_url is not the Bot API`,
      )
    }
    if (status === 403) {
      throw fail(
        'auth_failed',
        `Telegram refused the message: ${description} (403)${hintFor(description, answer?.parameters)}`,
      )
    }
    if (status >= 500) {
      throw fail(
        'unreachable',
        `Telegram unavailable: HTTP ${status}${answer ? `: ${description}` : ''}`,
      )
    }
    if (status >= 400) {
      throw fail(
        'bad_response',
        `Telegram refused the message: ${description} (${status})${hintFor(description, answer?.parameters)}`,
      )
    }
    throw fail('bad_response', `Telegram returned an unexpected answer (HTTP ${status})`)
  }

  return { config: redactTelegramConfig(config), send }
}

/** The `telegram` notifier type (upstream's name and `{bot_token, chat_id}`; the token write-only). */
export const telegramNotifierDefinition: AdapterDefinition<'notifier'> = {
  kind: 'notifier',
  type: 'telegram',
  label: 'Telegram',
  configSchema: TelegramNotifierConfigSchema,
  secretFields: TELEGRAM_SECRET_FIELDS,
  create: (config, { platform, logger }) =>
    createTelegramNotifier(config, { fetch: platform.fetch, logger }),
}
