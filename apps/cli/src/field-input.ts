import { ConfigurationError, describeValue, InvalidValueError } from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import { type Invocation, repeatedFlag } from './command-kit'
import { CliError } from './errors'
import type { FieldSpec } from './fields'
import { resolveId } from './find'

/** The word that clears an optional value (`--energy-monitor none`). */
export const NONE = 'none'

/**
 * A typed value → the value the service takes: numbers checked (the message names the flag
 * and the value), choices checked, `none` → null. References are resolved separately.
 */
export function parseFieldText(field: FieldSpec, text: string): unknown {
  const trimmed = text.trim()
  if (field.type !== 'text' && trimmed.toLowerCase() === NONE) return null
  if (field.type === 'number' || field.type === 'integer') {
    const value = Number(trimmed)
    const whole = field.type === 'integer'
    if (trimmed === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value))) {
      throw new CliError(
        `--${field.flag}: expected ${field.expected ?? (whole ? 'a whole number' : 'a number')}, got ${describeValue(text)}`,
      )
    }
    return value
  }
  if (field.type === 'choice') {
    const choice = field.choices?.find((candidate) => candidate === trimmed.toLowerCase())
    if (choice === undefined) {
      throw new CliError(
        `--${field.flag}: expected one of ${field.choices?.join(', ')}, got ${describeValue(text)}`,
      )
    }
    return choice
  }
  return text
}

/** Sets `key` (dotted keys nest; a null nested value clears the whole group). */
export function setField(input: Record<string, unknown>, key: string, value: unknown): void {
  const [group, member] = key.split('.')
  if (group === undefined) return
  if (member === undefined) input[group] = value
  else input[group] = value === null ? null : { [member]: value }
}

/** The value of a field as stored (dotted keys read nested). */
export function fieldValue(entity: object, key: string): unknown {
  let value: unknown = entity
  for (const part of key.split('.')) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : null
  }
  return value ?? null
}

/** The service input the given flags describe; fields without a flag are left out (kept). */
export function inputFromFlags(
  services: Services,
  fields: readonly FieldSpec[],
  { args, rawArgs }: Pick<Invocation, 'args' | 'rawArgs'>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  for (const field of fields) {
    const raw = args[field.flag]
    if (typeof raw !== 'string') continue
    const refers = field.refers
    if (field.type === 'references' && refers) {
      const given = repeatedFlag(rawArgs, field.flag)
      const cleared = given.length === 1 && given[0]?.toLowerCase() === NONE
      setField(
        input,
        field.key,
        cleared ? [] : given.map((reference) => resolveId(services, refers, reference, field)),
      )
    } else if (field.type === 'reference' && refers) {
      setField(
        input,
        field.key,
        raw.trim().toLowerCase() === NONE ? null : resolveId(services, refers, raw, field),
      )
    } else setField(input, field.key, parseFieldText(field, raw))
  }
  return input
}

/** The field spec an error's `field` (`storage`, `target_miner_ids.1`) is about. */
function specOf(fields: readonly FieldSpec[], errorField: string): FieldSpec | undefined {
  return fields.find(
    (field) =>
      field.key === errorField ||
      errorField.startsWith(`${field.key}.`) ||
      field.key.startsWith(`${errorField}.`),
  )
}

/**
 * A service's error about a field, reworded to name the flag that set it:
 * `storage.nominal_capacity: expected …, got 0` → `--storage-capacity: expected …, got 0`.
 */
export function nameTheFlag(error: unknown, fields: readonly FieldSpec[]): unknown {
  if (!(error instanceof ConfigurationError || error instanceof InvalidValueError)) return error
  if (error.field === null) return error
  const spec = specOf(fields, error.field)
  const prefix = `${error.field}: `
  if (!spec || !error.message.startsWith(prefix)) return error
  return new CliError(`--${spec.flag}: ${error.message.slice(prefix.length)}`, { cause: error })
}

/** Runs a service call; an error about a field names its flag. */
export function naming<T>(fields: readonly FieldSpec[], work: () => T): T {
  try {
    return work()
  } catch (error) {
    throw nameTheFlag(error, fields)
  }
}
