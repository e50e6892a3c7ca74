import { inspect } from 'node:util'
import { apiBaseUrlField, configJsonSchema } from '@edge-mining/adapter-kit'
import { parseAdapterConfig } from '@edge-mining/domain'
import * as v from 'valibot'

/** What a secret field shows wherever a config is printed or serialised. */
export const REDACTED = '***'

/** Config keys that are secrets (write-only). */
export const TELEGRAM_SECRET_FIELDS = ['bot_token'] as const

export const TELEGRAM_API_BASE_URL = 'https://api.telegram.org'

// Custom messages only: valibot's defaults would quote the token.
const BotTokenSchema = v.pipe(
  v.string('must be a string'),
  v.description('Bot token from @BotFather (123456789:AA…); write-only'),
  v.trim(),
  v.check((token) => token.length > 0, 'must not be blank'),
  v.check(
    (token) => /^\d{1,20}:[A-Za-z0-9_-]{1,200}$/.test(token),
    'must look like 123456789:AA… (digits, a colon, then letters, digits, _ or -) as @BotFather gives it',
  ),
)

const ChatIdSchema = v.pipe(
  v.union(
    [
      v.pipe(
        v.string(),
        v.trim(),
        v.regex(
          /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/,
          'must be a numeric chat id (e.g. 123456789 or -1001234567890) or @channelusername',
        ),
      ),
      v.pipe(v.number(), v.safeInteger('must be a whole number')),
    ],
    'must be a numeric chat id (e.g. 123456789 or -1001234567890) or @channelusername',
  ),
  v.description('Chat to write to: a user or group id (e.g. -1001234567890) or @channelusername'),
  v.transform((id) => String(id)),
)

export const TelegramNotifierConfigSchema = v.strictObject({
  bot_token: BotTokenSchema,
  chat_id: ChatIdSchema,
  api_base_url: apiBaseUrlField(
    TELEGRAM_API_BASE_URL,
    'Bot API base URL (a fake or a local Bot API server)',
  ),
  parse_mode: v.optional(
    v.pipe(
      v.picklist(['MarkdownV2', 'HTML'], 'must be MarkdownV2 or HTML'),
      v.description("How the text is formatted: MarkdownV2 (upstream's) or HTML"),
    ),
    'MarkdownV2',
  ),
  disable_notification: v.optional(
    v.pipe(v.boolean('must be true or false'), v.description('Deliver silently (no sound)')),
    false,
  ),
  message_thread_id: v.optional(
    v.pipe(
      v.number(),
      v.safeInteger('must be a whole number'),
      v.minValue(1, 'must be a positive topic id'),
      v.description('Forum topic of a supergroup to post in'),
    ),
  ),
  request_timeout_seconds: v.optional(
    v.pipe(
      v.number('must be a number of seconds'),
      v.gtValue(0, 'must be more than 0 seconds'),
      v.maxValue(60, 'must be at most 60 seconds'),
      v.description('Timeout of each request, in seconds'),
    ),
    10,
  ),
})

export type TelegramNotifierConfigInput = v.InferInput<typeof TelegramNotifierConfigSchema>
export type TelegramNotifierConfig = v.InferOutput<typeof TelegramNotifierConfigSchema>

/** JSON Schema of the config (the config-schema route, the CLI wizard); the token writeOnly. */
export const telegramNotifierConfigJsonSchema = configJsonSchema(TelegramNotifierConfigSchema, {
  secretFields: TELEGRAM_SECRET_FIELDS,
})

/** The config as it may be shown: the token replaced by {@link REDACTED}. */
export function redactTelegramConfig(config: TelegramNotifierConfig): TelegramNotifierConfig {
  return { ...config, bot_token: REDACTED }
}

/**
 * Validates a Telegram config and applies the defaults; throws ConfigurationError naming the
 * field, never showing the token. The result holds the real token, but `JSON.stringify` and
 * `util.inspect` of it show {@link REDACTED}.
 */
export function parseTelegramConfig(input: unknown): TelegramNotifierConfig {
  const config = parseAdapterConfig(TelegramNotifierConfigSchema, input, {
    adapterType: 'telegram',
    secretFields: TELEGRAM_SECRET_FIELDS,
  })
  const redacted = () => redactTelegramConfig(config)
  Object.defineProperties(config, {
    toJSON: { value: redacted, enumerable: false },
    [inspect.custom]: { value: redacted, enumerable: false },
  })
  return config
}
