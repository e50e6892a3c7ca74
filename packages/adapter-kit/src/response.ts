import { MiningPoolResponseError } from '@edge-mining/domain'
import * as v from 'valibot'

/**
 * Validates a pool response body; a mismatch becomes a MiningPoolResponseError naming the
 * endpoint and the field (`statsnap: result.unpaid: …`), never a NaN further down.
 */
export function parseResponse<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  body: unknown,
  context: { pool: string; endpoint: string },
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, body)
  if (result.success) return result.output
  const [issue] = result.issues
  const path = v.getDotPath(issue) ?? '(body)'
  throw new MiningPoolResponseError(
    `${context.pool} ${context.endpoint}: unexpected response at ${path}: ${issue.message}`,
  )
}

/** A JSON number, or a string holding one (pools are inconsistent between endpoints). */
export const NumberLikeSchema = v.union([
  v.pipe(v.number(), v.finite()),
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, 'expected a number'),
  ),
])
