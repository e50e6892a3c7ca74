import { readFileSync } from 'node:fs'
import { ConfigurationError } from '@edge-mining/domain'
import type { KindRegistry } from '@edge-mining/services'
import type { ArgsDef, EnumArgDef } from 'citty'
import { allConfigFlags, checkField, coerceFieldValue, configFields } from './config-fields'
import { CliError, UsageError } from './errors'
import { adapterGroup } from './kinds'

/** `--type`: one of the kind's registered adapter types. */
export function typeArg(registry: KindRegistry, required = true): EnumArgDef {
  const types = registry.types()
  return {
    type: 'enum',
    required,
    options: types,
    description: `Adapter type: ${
      types.map((type) => `${type} (${registry.get(type).label})`).join(', ') ||
      'none is registered'
    }`,
  }
}

/** One string flag per config field of any adapter of the kind, described from the schemas. */
export function configFlagArgs(registry: KindRegistry): ArgsDef {
  const args: ArgsDef = {}
  for (const [flag, { field, types }] of allConfigFlags(registry)) {
    const defaultNote = field.default === undefined ? '' : ` (default ${String(field.default)})`
    const choices = field.choices ? `: ${field.choices.join(', ')}` : ''
    const secretNote = field.secret ? '; secret: pass - to read it from stdin' : ''
    args[flag] = {
      type: 'string',
      description: `${field.description ?? field.key}${choices}${defaultNote} [${types.join(', ')}]${secretNote}`,
      valueHint: field.type === 'string' ? 'value' : field.type,
    }
  }
  return args
}

/**
 * The config fields set by flags for an adapter of `type`, each checked by the adapter's
 * schema. A flag of another adapter is a usage error; a value the schema rejects is reported
 * naming the flag (never the value of a secret).
 */
export function configFromFlags(
  registry: KindRegistry,
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
        `--${flag} is not a setting of ${type} ${adapterGroup(registry.kind).plural} (they take ${fields.map((f) => `--${f.flag}`).join(', ') || 'no settings'})`,
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

/** Required fields without a flag (for `add`): a usage error naming the flags. */
export function missingRequired(
  registry: KindRegistry,
  type: string,
  config: Record<string, unknown>,
): void {
  const missing = configFields(registry, type).filter(
    (field) => field.required && field.default === undefined && config[field.key] === undefined,
  )
  if (missing.length > 0) {
    throw new UsageError(
      `${type} ${adapterGroup(registry.kind).plural} need ${missing.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
}

/** A config error from the service, reworded to name the flag that set the field. */
export function nameTheConfigFlag(error: unknown, registry: KindRegistry, type: string): unknown {
  if (!(error instanceof ConfigurationError) || error.field === null) return error
  const key = error.field.replace(/^config\./, '').split('.')[0]
  const field = configFields(registry, type).find((candidate) => candidate.key === key)
  if (!field) return error
  const detail = error.message.replace(/^.*? config [^:]*: /, '').replace(/^config\.[^:]*: /, '')
  return new CliError(`--${field.flag}: ${detail}`, { cause: error })
}
