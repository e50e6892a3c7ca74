import * as v from 'valibot'
import { describeValue, TrackerConfigurationError } from './errors'

export interface ParseTrackerConfigOptions {
  /** Adapter type named in messages, e.g. `ocean`. */
  adapterType: string
  /** Config keys whose values must never appear in a message (tokens). */
  secretFields?: readonly string[]
}

function redact(message: string, secret: unknown): string {
  if (typeof secret !== 'string' || secret.length === 0) return message
  return message.split(secret).join('***')
}

/**
 * Validates a tracker config with its adapter's schema; throws a TrackerConfigurationError whose
 * `field` names the first offending key (unknown keys included) and whose message shows the bad
 * value — except for secret fields, whose values are never shown.
 */
export function parseTrackerConfig<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  options: ParseTrackerConfigOptions,
): v.InferOutput<TSchema> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TrackerConfigurationError(
      `${options.adapterType} config: expected an object, got ${describeValue(input)}`,
      { field: null },
    )
  }
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const [issue] = result.issues
  const field = v.getDotPath(issue) ?? null
  const rootKey = field?.split('.')[0]
  const secret = rootKey !== undefined && (options.secretFields ?? []).includes(rootKey)
  // strictObject reports an unexpected key as expected "never", a missing one with no input.
  const unknownKey = issue.expected === 'never'
  const missingKey = !unknownKey && issue.input === undefined && issue.kind === 'schema'
  const detail = unknownKey
    ? 'unknown key'
    : missingKey
      ? 'required'
      : secret
        ? redact(issue.message, (input as Record<string, unknown>)[rootKey ?? ''])
        : issue.message
  throw new TrackerConfigurationError(
    `${options.adapterType} config ${field ?? '(root)'}: ${detail}`,
    { field },
  )
}
