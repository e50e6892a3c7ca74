import {
  ConfigurationError,
  DeviceError,
  describeValue,
  InvalidValueError,
  type Platform,
} from '@edge-mining/domain'
import * as v from 'valibot'

export const MAX_NAME_LENGTH = 200

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A trimmed name, at most 200 characters; undefined stays undefined (keep the stored one). */
export function checkName(
  name: unknown,
  field = 'name',
  ErrorClass: typeof ConfigurationError = ConfigurationError,
): string | undefined {
  if (name === undefined) return undefined
  if (typeof name !== 'string') {
    throw new ErrorClass(`${field}: expected a string, got ${describeValue(name)}`, { field })
  }
  const trimmed = name.trim()
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new ErrorClass(`${field}: at most ${MAX_NAME_LENGTH} characters`, { field })
  }
  return trimmed
}

/** ISO-8601 UTC of an epoch-ms clock reading. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString()
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Validates `input` with a valibot schema; throws InvalidValueError naming the first offending
 * field (`target_miner_ids.1`) and its value. What services use at their boundary.
 */
export function parseInput<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  label?: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const [issue] = result.issues
  const path = v.getDotPath(issue)
  const field = [label, path].filter(Boolean).join('.') || label || 'body'
  const expected = issue.message
    .replace(/^Invalid (type|key|length|value): /, '')
    .replace(/^expected /i, '')
  throw new InvalidValueError(field, issue.input, expected)
}

/**
 * Resolves with `work`, or rejects with DeviceError `unreachable` after `ms` (one slow device
 * never stalls the caller); the timer is always cleared.
 */
export function withTimeout<T>(
  platform: Pick<Platform, 'setTimeout' | 'clearTimeout'>,
  work: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = platform.setTimeout(() => {
      reject(new DeviceError('unreachable', `${what}: no answer within ${ms / 1000} s`))
    }, ms)
    work.then(
      (value) => {
        platform.clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        platform.clearTimeout(timer)
        reject(error)
      },
    )
  })
}
