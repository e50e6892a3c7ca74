import { toJsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'

/** `api_base_url`: an http(s) URL; trailing slashes are dropped so paths join cleanly. */
export function apiBaseUrlField(defaultUrl: string, description: string) {
  return v.optional(
    v.pipe(
      v.string(),
      v.description(description),
      v.trim(),
      v.nonEmpty('must not be blank'),
      v.url('must be an http(s) URL'),
      v.check((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL'),
      v.transform((url) => url.replace(/\/+$/, '')),
    ),
    defaultUrl,
  )
}

/** `request_timeout_seconds`: more than 0, at most 120; default 10 (upstream's). */
export const requestTimeoutSecondsField = v.optional(
  v.pipe(
    v.number('must be a number of seconds'),
    v.gtValue(0, 'must be more than 0 seconds'),
    v.maxValue(120, 'must be at most 120 seconds'),
    v.description('Timeout of each request to the pool, in seconds'),
  ),
  10,
)

/**
 * JSON Schema of an adapter config (for the API's config-schema endpoint and the CLI wizard).
 * Secret fields are marked `writeOnly` with format `password`, so clients hide them.
 */
export function configJsonSchema(
  schema: v.GenericSchema,
  options: { secretFields?: readonly string[] } = {},
): Record<string, unknown> {
  const json = toJsonSchema(schema, { errorMode: 'ignore', typeMode: 'input' }) as {
    properties?: Record<string, Record<string, unknown>>
  }
  for (const field of options.secretFields ?? []) {
    const property = json.properties?.[field]
    if (property) Object.assign(property, { writeOnly: true, format: 'password' })
  }
  return json
}
