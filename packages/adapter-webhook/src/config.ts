import { inspect } from 'node:util'
import { configJsonSchema } from '@edge-mining/adapter-kit'
import { parseAdapterConfig } from '@edge-mining/domain'
import * as v from 'valibot'

/** What a secret field shows wherever a config is printed or serialised. */
export const REDACTED = '***'

/** Config keys that are secrets (write-only). */
export const WEBHOOK_SECRET_FIELDS = ['secret'] as const

export const WebhookNotifierConfigSchema = v.strictObject({
  url: v.pipe(
    v.string('must be a string'),
    v.description('Where each event is POSTed (http or https)'),
    v.trim(),
    v.nonEmpty('must not be blank'),
    v.url('must be an http(s) URL'),
    v.check((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL'),
    v.check((url) => {
      const parsed = new URL(url)
      return parsed.username === '' && parsed.password === ''
    }, 'must not contain a user or password (fetch refuses them): sign with secret instead'),
  ),
  // Custom messages only: valibot's defaults would quote the secret.
  secret: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.description(
        'Shared secret: the body is signed with HMAC-SHA256 in X-Signature; write-only',
      ),
      v.check((secret) => secret.trim().length > 0, 'must not be blank'),
      v.check((secret) => secret.length <= 1024, 'must be at most 1024 characters'),
    ),
  ),
  request_timeout_seconds: v.optional(
    v.pipe(
      v.number('must be a number of seconds'),
      v.gtValue(0, 'must be more than 0 seconds'),
      v.maxValue(14, 'must be at most 14 seconds (a send has 15 s in all)'),
      v.description('Timeout of each attempt, in seconds'),
    ),
    5,
  ),
  max_retries: v.optional(
    v.pipe(
      v.number('must be a whole number'),
      v.integer('must be a whole number'),
      v.minValue(0, 'must be 0 or more'),
      v.maxValue(5, 'must be at most 5'),
      v.description('Retries after a 5xx, a timeout or a network error (1 s, 2 s, 4 s … apart)'),
    ),
    2,
  ),
})

export type WebhookNotifierConfigInput = v.InferInput<typeof WebhookNotifierConfigSchema>
export type WebhookNotifierConfig = v.InferOutput<typeof WebhookNotifierConfigSchema>

/** JSON Schema of the config (the config-schema route, the CLI wizard); the secret writeOnly. */
export const webhookNotifierConfigJsonSchema = configJsonSchema(WebhookNotifierConfigSchema, {
  secretFields: WEBHOOK_SECRET_FIELDS,
})

/** The config as it may be shown: a secret replaced by {@link REDACTED}. */
export function redactWebhookConfig(config: WebhookNotifierConfig): WebhookNotifierConfig {
  return config.secret === undefined ? { ...config } : { ...config, secret: REDACTED }
}

/**
 * Validates a webhook config and applies the defaults; throws ConfigurationError naming the
 * field, never showing the secret. `JSON.stringify` and `util.inspect` of the result show
 * {@link REDACTED} for the secret.
 */
export function parseWebhookConfig(input: unknown): WebhookNotifierConfig {
  const config = parseAdapterConfig(WebhookNotifierConfigSchema, input, {
    adapterType: 'webhook',
    secretFields: WEBHOOK_SECRET_FIELDS,
  })
  const redacted = () => redactWebhookConfig(config)
  Object.defineProperties(config, {
    toJSON: { value: redacted, enumerable: false },
    [inspect.custom]: { value: redacted, enumerable: false },
  })
  return config
}
