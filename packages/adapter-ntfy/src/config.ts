import { inspect } from 'node:util'
import { apiBaseUrlField, configJsonSchema } from '@edge-mining/adapter-kit'
import { parseAdapterConfig } from '@edge-mining/domain'
import * as v from 'valibot'

/** What a secret field shows wherever a config is printed or serialised. */
export const REDACTED = '***'

/** Config keys that are secrets (write-only). */
export const NTFY_SECRET_FIELDS = ['access_token'] as const

export const NTFY_DEFAULT_SERVER = 'https://ntfy.sh'

/** ntfy's priority names and numbers (1 min … 5 max). */
export const NTFY_PRIORITIES = {
  min: 1,
  low: 2,
  default: 3,
  high: 4,
  max: 5,
  urgent: 5,
} as const

const PRIORITY_MESSAGE = 'must be 1–5 or min, low, default, high, max, urgent'

const PrioritySchema = v.pipe(
  v.union(
    [
      v.pipe(
        v.number(PRIORITY_MESSAGE),
        v.integer(PRIORITY_MESSAGE),
        v.minValue(1, PRIORITY_MESSAGE),
        v.maxValue(5, PRIORITY_MESSAGE),
      ),
      v.pipe(
        v.string(),
        v.trim(),
        v.toLowerCase(),
        v.check((text) => /^[1-5]$/.test(text) || text in NTFY_PRIORITIES, PRIORITY_MESSAGE),
      ),
    ],
    PRIORITY_MESSAGE,
  ),
  v.description('Priority of every message (1–5 or a name); default: by event, failures high'),
  v.transform((value): number =>
    typeof value === 'number'
      ? value
      : /^[1-5]$/.test(value)
        ? Number(value)
        : NTFY_PRIORITIES[value as keyof typeof NTFY_PRIORITIES],
  ),
)

const TagsSchema = v.pipe(
  v.union([v.string(), v.array(v.string())], 'must be a comma-separated text or a list of tags'),
  v.description('Extra tags (emoji shortcodes such as house, or words), comma-separated'),
  v.transform((value) =>
    (Array.isArray(value) ? value : value.split(','))
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0),
  ),
  v.check(
    (tags) => tags.every((tag) => !/[,\r\n]/.test(tag) && tag.length <= 64),
    'each tag must be at most 64 characters, without commas or line breaks',
  ),
)

// Custom messages only: valibot's defaults would quote the token.
const AccessTokenSchema = v.pipe(
  v.string('must be a string'),
  v.description('Access token (tk_…) for a protected topic or a self-hosted server; write-only'),
  v.trim(),
  v.check((token) => token.length > 0, 'must not be blank'),
  v.check((token) => /^[\x21-\x7e]+$/.test(token), 'must contain only printable ASCII characters'),
  v.check((token) => token.length <= 512, 'must be at most 512 characters'),
)

export const NtfyNotifierConfigSchema = v.strictObject({
  server: apiBaseUrlField(NTFY_DEFAULT_SERVER, 'ntfy server (https://ntfy.sh or your own)'),
  topic: v.pipe(
    v.string('must be a string'),
    v.description('Topic to publish to (letters, digits, - and _; treat it as a password)'),
    v.trim(),
    v.regex(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1–64 letters, digits, - or _'),
  ),
  access_token: v.optional(AccessTokenSchema),
  priority: v.optional(PrioritySchema),
  tags: v.optional(TagsSchema),
  click: v.optional(
    v.pipe(
      v.string(),
      v.description('URL opened when the notification is tapped (e.g. your dashboard)'),
      v.trim(),
      v.url('must be a URL'),
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

export type NtfyNotifierConfigInput = v.InferInput<typeof NtfyNotifierConfigSchema>
export type NtfyNotifierConfig = v.InferOutput<typeof NtfyNotifierConfigSchema>

/** JSON Schema of the config (the config-schema route, the CLI wizard); the token writeOnly. */
export const ntfyNotifierConfigJsonSchema = configJsonSchema(NtfyNotifierConfigSchema, {
  secretFields: NTFY_SECRET_FIELDS,
})

/** The config as it may be shown: a token replaced by {@link REDACTED}. */
export function redactNtfyConfig(config: NtfyNotifierConfig): NtfyNotifierConfig {
  return config.access_token === undefined ? { ...config } : { ...config, access_token: REDACTED }
}

/**
 * Validates an ntfy config and applies the defaults; throws ConfigurationError naming the
 * field, never showing the token. `JSON.stringify` and `util.inspect` of the result show
 * {@link REDACTED} for the token.
 */
export function parseNtfyConfig(input: unknown): NtfyNotifierConfig {
  const config = parseAdapterConfig(NtfyNotifierConfigSchema, input, {
    adapterType: 'ntfy',
    secretFields: NTFY_SECRET_FIELDS,
  })
  const redacted = () => redactNtfyConfig(config)
  Object.defineProperties(config, {
    toJSON: { value: redacted, enumerable: false },
    [inspect.custom]: { value: redacted, enumerable: false },
  })
  return config
}
