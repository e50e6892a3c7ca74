import { inspect } from 'node:util'
import {
  apiBaseUrlField,
  configJsonSchema,
  requestTimeoutSecondsField,
} from '@edge-mining/adapter-kit'
import { parseTrackerConfig } from '@edge-mining/domain'
import * as v from 'valibot'

/** What a secret field shows wherever a config is printed or serialised. */
export const REDACTED = '***'

/** Config keys that are secrets (write-only): for registries and `parseTrackerConfig`. */
export const BRAIINS_SECRET_FIELDS = ['api_token'] as const

// Custom messages only: valibot's defaults would quote the token.
const ApiTokenSchema = v.pipe(
  v.string('must be a string'),
  v.description('Braiins Pool access-profile token (sent as the Pool-Auth-Token header)'),
  v.check((token) => token.trim().length > 0, 'must not be blank'),
  v.check(
    (token) => !/[\s\p{Cc}]/u.test(token),
    'must not contain whitespace or control characters',
  ),
  // An HTTP header value must be ASCII; anything else would fail inside fetch instead.
  v.check((token) => /^[\x21-\x7e]+$/.test(token), 'must contain only printable ASCII characters'),
  v.check((token) => token.length <= 512, 'must be at most 512 characters'),
)

export const BraiinsTrackerConfigSchema = v.strictObject({
  api_token: ApiTokenSchema,
  api_base_url: apiBaseUrlField('https://pool.braiins.com', 'Braiins Pool API base URL'),
  request_timeout_seconds: requestTimeoutSecondsField,
})

export type BraiinsTrackerConfigInput = v.InferInput<typeof BraiinsTrackerConfigSchema>
export type BraiinsTrackerConfig = v.InferOutput<typeof BraiinsTrackerConfigSchema>

/** JSON Schema of the config (the API's config-schema endpoint, the CLI wizard). */
export const braiinsTrackerConfigJsonSchema = configJsonSchema(BraiinsTrackerConfigSchema, {
  secretFields: BRAIINS_SECRET_FIELDS,
})

/** The config as it may be shown: the token replaced by {@link REDACTED}. */
export function redactBraiinsTrackerConfig(config: BraiinsTrackerConfig): BraiinsTrackerConfig {
  return { ...config, api_token: REDACTED }
}

/**
 * Validates a Braiins config and applies the defaults. Throws TrackerConfigurationError naming
 * the field, never showing the token. The result holds the real token (the caller stores it),
 * but `JSON.stringify` and `util.inspect` of it show {@link REDACTED}: a config that ends up
 * in a log line or an API answer does not leak it. To persist it, read the fields explicitly.
 */
export function parseBraiinsTrackerConfig(input: unknown): BraiinsTrackerConfig {
  const config = parseTrackerConfig(BraiinsTrackerConfigSchema, input, {
    adapterType: 'braiins_pool',
    secretFields: BRAIINS_SECRET_FIELDS,
  })
  const redacted = () => redactBraiinsTrackerConfig(config)
  Object.defineProperties(config, {
    toJSON: { value: redacted, enumerable: false },
    [inspect.custom]: { value: redacted, enumerable: false },
  })
  return config
}
