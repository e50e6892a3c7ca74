import * as v from 'valibot'
import { InvalidValueError } from './errors'
import { parseTimestamp } from './units'

/** Units the field catalogue shows next to a number. */
export type Unit = 'W' | 'Wh' | '%' | '°C' | 's' | 'TH/s' | 'sats' | 'RPM' | 'V' | 'MHz' | '°'

// ─── Primitives ───────────────────────────────────────────────────────────────

const ISO_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/

/** ISO-8601 UTC timestamp ending in `Z`, e.g. `2026-08-20T23:11:03.000Z`. */
export const TimestampSchema = v.pipe(
  v.string(),
  v.check(
    (text) => ISO_UTC_PATTERN.test(text) && parseTimestamp(text) !== null,
    'expected an ISO-8601 UTC timestamp ending in Z',
  ),
)
export type Timestamp = v.InferOutput<typeof TimestampSchema>

/** Integer amount of satoshis, never negative. */
export const SatoshiSchema = v.pipe(
  v.number(),
  v.safeInteger('expected a whole number of satoshis'),
  v.minValue(0, 'expected a non-negative amount of satoshis'),
)
export type Satoshi = v.InferOutput<typeof SatoshiSchema>

export const CountSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0))

/** Attaches the description (and unit) the rule engine's field catalogue shows for a field. */
export function described<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  description: string,
  unit?: Unit,
) {
  return v.pipe(schema, v.description(description), v.metadata(unit ? { unit } : {}))
}

export const HashRateSchema = v.object({
  value: v.pipe(v.number(), v.finite(), v.minValue(0)),
  unit: v.literal('TH/s'),
})
export type HashRate = v.InferOutput<typeof HashRateSchema>

/** Dotted path of a valibot issue (`workers.0.hashrate.value`), or the root label. */
export function issuePath(issue: v.BaseIssue<unknown>, root: string): string {
  const keys = v.getDotPath(issue)
  return keys ? `${root}.${keys}` : root
}

/**
 * Validates `input` against `schema`; throws {@link InvalidValueError} naming the first
 * offending field (`label.path`) and its value.
 */
export function parseWith<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  label: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const [issue] = result.issues
  throw new InvalidValueError(issuePath(issue, label), issue.input, issue.expected ?? issue.message)
}

/** A hash rate in TH/s. */
export function hashRate(terahashPerSecond: number): HashRate {
  return parseWith(HashRateSchema, { value: terahashPerSecond, unit: 'TH/s' }, 'hashrate')
}

/** A UUID string (any version), as ids are. */
export const UuidSchema = v.pipe(v.string(), v.uuid('expected a UUID'))
