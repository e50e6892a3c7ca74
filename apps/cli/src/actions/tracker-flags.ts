import { readFileSync } from 'node:fs'
import { TrackerConfigurationError } from '@edge-mining/domain'
import type { AdapterRegistry } from '@edge-mining/services'
import type { ArgsDef, EnumArgDef } from 'citty'
import { allConfigFlags, checkField, coerceFieldValue, configFields } from '../config-fields'
import { CliError, UsageError } from '../errors'
import { createCliRegistry } from '../registry'

/** `--type`: one of the registered adapter types. */
export function typeArg(registry: AdapterRegistry = createCliRegistry()): EnumArgDef {
  return {
    type: 'enum',
    required: true,
    options: registry.types(),
    description: `Adapter type: ${registry
      .types()
      .map((type) => `${type} (${registry.get(type).label})`)
      .join(', ')}`,
  }
}

/** One string flag per config field of any adapter, described from the adapters' schemas. */
export function configFlagArgs(registry: AdapterRegistry = createCliRegistry()): ArgsDef {
  const args: ArgsDef = {}
  for (const [flag, { field, types }] of allConfigFlags(registry)) {
    const defaultNote = field.default === undefined ? '' : ` (default ${String(field.default)})`
    const secretNote = field.secret ? '; secret: pass - to read it from stdin' : ''
    args[flag] = {
      type: 'string',
      description: `${field.description ?? field.key}${defaultNote} [${types.join(', ')}]${secretNote}`,
      valueHint: field.type === 'string' ? 'value' : field.type,
    }
  }
  return args
}

/**
 * The config fields set by flags for a tracker of `type`, each checked by the adapter's schema.
 * A flag of another adapter is a usage error; a value the schema rejects is reported naming the flag.
 */
export function configFromFlags(
  registry: AdapterRegistry,
  type: string,
  args: Record<string, unknown>,
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): Record<string, unknown> {
  const fields = configFields(registry, type)
  const config: Record<string, unknown> = {}
  for (const flag of allConfigFlags(registry).keys()) {
    const raw = args[flag]
    if (raw === undefined) continue
    const field = fields.find((candidate) => candidate.flag === flag)
    if (!field) {
      throw new UsageError(
        `--${flag} is not a setting of ${type} trackers (they take ${fields.map((f) => `--${f.flag}`).join(', ') || 'no settings'})`,
      )
    }
    const text = String(raw)
    const given = field.secret && text === '-' ? readStdin().trim() : text
    const value = coerceFieldValue(field, given)
    const problem = checkField(registry, type, field.key, value)
    if (problem) throw new CliError(`--${flag}: ${problem}`)
    config[field.key] = value
  }
  return config
}

/** Required fields without a flag (for `add`). */
export function missingRequired(
  registry: AdapterRegistry,
  type: string,
  config: Record<string, unknown>,
): void {
  const missing = configFields(registry, type).filter(
    (field) => field.required && field.default === undefined && config[field.key] === undefined,
  )
  if (missing.length > 0) {
    throw new UsageError(
      `${type} trackers need ${missing.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
}

/** A schema error from the service, reworded to name the flag that set the field. */
export function nameTheFlag(error: unknown, registry: AdapterRegistry, type: string): unknown {
  if (!(error instanceof TrackerConfigurationError) || error.field === null) return error
  const key = error.field.split('.')[0]
  const field = configFields(registry, type).find((candidate) => candidate.key === key)
  if (!field) return error
  const detail = error.message.replace(/^.*? config [^:]*: /, '')
  return new CliError(`--${field.flag}: ${detail}`, { cause: error })
}
