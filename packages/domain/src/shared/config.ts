import * as v from 'valibot'
import { ConfigurationError, describeValue, TrackerConfigurationError } from './errors'

export interface ParseAdapterConfigOptions {
  /** Adapter type named in messages, e.g. `ocean`. */
  adapterType: string
  /** Config keys whose values must never appear in a message (tokens, passwords). */
  secretFields?: readonly string[]
  /** Prefix of the reported field, e.g. `config` → `config.entity_grid`. Default: none. */
  fieldPrefix?: string
}

/** Options of {@link parseTrackerConfig} (the tracker flavour of {@link parseAdapterConfig}). */
export type ParseTrackerConfigOptions = ParseAdapterConfigOptions

function redact(message: string, secret: unknown): string {
  if (typeof secret !== 'string' || secret.length === 0) return message
  return message.split(secret).join('***')
}

function parseWithError<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  options: ParseAdapterConfigOptions,
  toError: (message: string, field: string | null) => ConfigurationError,
): v.InferOutput<TSchema> {
  const prefixed = (field: string | null) =>
    options.fieldPrefix ? (field ? `${options.fieldPrefix}.${field}` : options.fieldPrefix) : field
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw toError(
      `${options.adapterType} config: expected an object, got ${describeValue(input)}`,
      prefixed(null),
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
  throw toError(`${options.adapterType} config ${field ?? '(root)'}: ${detail}`, prefixed(field))
}

/**
 * Validates an adapter config with its adapter's schema (defaults applied); throws a
 * ConfigurationError whose `field` names the first offending key (unknown keys included) and
 * whose message shows the bad value — except for secret fields, whose values are never shown.
 */
export function parseAdapterConfig<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  options: ParseAdapterConfigOptions,
): v.InferOutput<TSchema> {
  return parseWithError(schema, input, options, (message, field) => {
    return new ConfigurationError(message, { field })
  })
}

/** {@link parseAdapterConfig} for trackers: throws TrackerConfigurationError. */
export function parseTrackerConfig<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  options: ParseTrackerConfigOptions,
): v.InferOutput<TSchema> {
  return parseWithError(schema, input, options, (message, field) => {
    return new TrackerConfigurationError(message, { field })
  })
}
