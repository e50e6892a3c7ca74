import * as v from 'valibot'

/**
 * Parses factory options with a valibot schema; on failure throws a TypeError naming the
 * factory, the option and the offending value. String values are shown only outside
 * `headers` (where tokens live), and truncated.
 */
export function parseOptions<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  factory: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = v.getDotPath(issue)
  const field = path === null ? 'options' : `options.${path}`
  const secret = path?.startsWith('headers') === true
  throw new TypeError(
    `${factory}: invalid ${field}: ${issue.message} (got ${describe(issue.input, secret)})`,
  )
}

export function describe(value: unknown, secret = false): string {
  if (typeof value === 'string') return secret ? 'a string' : JSON.stringify(value.slice(0, 60))
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : typeof value
}
