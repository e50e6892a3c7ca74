import type { KindRegistry } from '@edge-mining/services'
import * as v from 'valibot'

/** One field of an adapter's config, as the wizard asks it and as a `--flag` sets it. */
export interface ConfigField {
  /** The config key (snake_case), e.g. `bitcoin_address`. */
  key: string
  /** The command-line flag without dashes, e.g. `bitcoin-address`. */
  flag: string
  type: 'string' | 'integer' | 'number' | 'boolean'
  description: string | undefined
  default: unknown
  required: boolean
  /** Write-only: read hidden, never echoed or printed. */
  secret: boolean
  /** The allowed values, when the schema lists them (a picklist). */
  choices: string[] | undefined
}

/** Flags of the adapter commands themselves; a config key that would clash gets `config-`. */
const RESERVED_FLAGS = new Set([
  'name',
  'type',
  'json',
  'debug',
  'help',
  'limit',
  'version',
  'external-service',
  'force',
  'yes',
])

const kebab = (key: string) => key.replace(/_/g, '-')

function flagOf(key: string): string {
  const flag = kebab(key)
  return RESERVED_FLAGS.has(flag) ? `config-${flag}` : flag
}

interface JsonSchemaProperty {
  type?: string | string[]
  description?: string
  default?: unknown
  writeOnly?: boolean
  enum?: unknown[]
}

function fieldType(property: JsonSchemaProperty): ConfigField['type'] {
  const types = Array.isArray(property.type) ? property.type : [property.type]
  for (const type of ['integer', 'number', 'boolean'] as const) {
    if (types.includes(type)) return type
  }
  return 'string'
}

/** The fields of `type`'s config, in schema order, read from the adapter's JSON Schema. */
export function configFields(registry: KindRegistry, type: string): ConfigField[] {
  const schema = registry.configJsonSchema(type) as {
    properties?: Record<string, JsonSchemaProperty>
    required?: string[]
  }
  const required = new Set(schema.required ?? [])
  const secrets = new Set(registry.get(type).secretFields)
  return Object.entries(schema.properties ?? {}).map(([key, property]) => ({
    key,
    flag: flagOf(key),
    type: fieldType(property),
    description: property.description,
    default: property.default,
    required: required.has(key),
    secret: secrets.has(key) || property.writeOnly === true,
    choices: property.enum?.map(String),
  }))
}

/** Every config flag any registered adapter takes: flag → its field (as the first adapter describes it) and the adapter types that take it. */
export function allConfigFlags(
  registry: KindRegistry,
): Map<string, { field: ConfigField; types: string[] }> {
  const flags = new Map<string, { field: ConfigField; types: string[] }>()
  for (const type of registry.types()) {
    for (const field of configFields(registry, type)) {
      const known = flags.get(field.flag)
      if (known) known.types.push(type)
      else flags.set(field.flag, { field, types: [type] })
    }
  }
  return flags
}

/**
 * Text typed by a person (flag or wizard answer) → the value the schema expects. Text that is not
 * a number for a numeric field is passed on unchanged so the schema's own message explains it.
 */
export function coerceFieldValue(field: ConfigField, text: string): unknown {
  const trimmed = text.trim()
  if (field.type === 'integer' || field.type === 'number') {
    const parsed = Number(trimmed)
    return trimmed !== '' && Number.isFinite(parsed) ? parsed : text
  }
  if (field.type === 'boolean') {
    if (/^(true|yes|y|1)$/i.test(trimmed)) return true
    if (/^(false|no|n|0)$/i.test(trimmed)) return false
    return text
  }
  return text
}

/**
 * Checks one field's value with the adapter's own schema; returns the schema's message, or
 * undefined when the value is fine. Messages never quote the value (secrets stay unprinted).
 */
export function checkField(
  registry: KindRegistry,
  type: string,
  key: string,
  value: unknown,
): string | undefined {
  const definition = registry.get(type)
  const schema = definition.configSchema as v.GenericSchema & {
    entries?: Record<string, v.GenericSchema>
  }
  const entry = schema.entries?.[key]
  if (!entry) return undefined
  const result = v.safeParse(entry, value)
  if (result.success) return undefined
  const message = result.issues[0]?.message ?? 'is invalid'
  // Some default messages quote the received value; a secret must not be shown.
  return definition.secretFields.includes(key) && typeof value === 'string' && value !== ''
    ? message.replaceAll(value, '***')
    : message
}
