import {
  ADAPTER_KINDS,
  type AdapterDefinition,
  type AdapterKind,
  type AnyAdapterDefinition,
  ConfigurationError,
  entityLabel,
  parseAdapterConfig,
  parseTrackerConfig,
  TrackerConfigurationError,
} from '@edge-mining/domain'
import { toJsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'

/** The adapter types of one kind: what the generic service, routes and CLI wizard work from. */
export interface KindRegistry<K extends AdapterKind = AdapterKind> {
  readonly kind: K
  /** Registered adapter type names, in registration order. */
  types(): string[]
  has(type: string): boolean
  /** Throws ConfigurationError (field `adapter_type`) naming the known types. */
  get(type: string): AdapterDefinition<K>
  /** Validates a config for `type`, applying defaults; throws ConfigurationError naming the field. */
  parseConfig(type: string, config: unknown, fieldPrefix?: string): Record<string, unknown>
  /** JSON Schema of a type's config (secret fields writeOnly, format password). */
  configJsonSchema(type: string): Record<string, unknown>
}

/** Every adapter definition Edge Mining knows, by kind. */
export interface AdapterRegistry {
  forKind<K extends AdapterKind>(kind: K): KindRegistry<K>
  /** Every definition, of every kind. */
  definitions(): AnyAdapterDefinition[]
}

/**
 * JSON Schema of an adapter config (for the config-schema routes and the CLI wizard). Secret
 * fields are marked `writeOnly` with format `password`, so clients hide them.
 */
export function configJsonSchema(
  schema: v.GenericSchema,
  options: { secretFields?: readonly string[] } = {},
): Record<string, unknown> {
  const json = toJsonSchema(schema, { errorMode: 'ignore', typeMode: 'input' }) as {
    properties?: Record<string, Record<string, unknown>>
  }
  for (const field of options.secretFields ?? []) {
    const property = json.properties?.[field]
    if (property) Object.assign(property, { writeOnly: true, format: 'password' })
  }
  return json
}

function kindRegistry<K extends AdapterKind>(
  kind: K,
  definitions: readonly AdapterDefinition<K>[],
): KindRegistry<K> {
  const byType = new Map(definitions.map((definition) => [definition.type, definition]))
  const schemas = new Map<string, Record<string, unknown>>()
  // Trackers keep their own error class (TrackerConfigurationError) for existing callers.
  const ErrorClass =
    kind === 'mining_performance_tracker' ? TrackerConfigurationError : ConfigurationError
  const parse = kind === 'mining_performance_tracker' ? parseTrackerConfig : parseAdapterConfig
  const get = (type: string): AdapterDefinition<K> => {
    const definition = byType.get(type)
    if (definition) return definition
    const known = [...byType.keys()]
    throw new ErrorClass(
      `adapter_type: unknown ${entityLabel(kind).toLowerCase()} type ${JSON.stringify(type)} (${known.length > 0 ? `expected one of ${known.join(', ')}` : 'none is registered'})`,
      { field: 'adapter_type' },
    )
  }
  return {
    kind,
    types: () => [...byType.keys()],
    has: (type) => byType.has(type),
    get,
    parseConfig(type, config, fieldPrefix) {
      const definition = get(type)
      return parse(definition.configSchema, config, {
        adapterType: definition.type,
        secretFields: definition.secretFields,
        ...(fieldPrefix ? { fieldPrefix } : {}),
      }) as Record<string, unknown>
    },
    configJsonSchema(type) {
      let schema = schemas.get(type)
      if (!schema) {
        const definition = get(type)
        schema = configJsonSchema(definition.configSchema, {
          secretFields: definition.secretFields,
        })
        schemas.set(type, schema)
      }
      return structuredClone(schema)
    },
  }
}

/**
 * One registry over every kind. Adding an adapter is one more definition; a type registered
 * twice for one kind is a programming error and throws.
 */
export function createAdapterRegistry(
  definitions: readonly AnyAdapterDefinition[],
): AdapterRegistry {
  const byKind = new Map<AdapterKind, KindRegistry>()
  for (const kind of ADAPTER_KINDS) {
    const ofKind = definitions.filter((definition) => definition.kind === kind)
    const seen = new Set<string>()
    for (const definition of ofKind) {
      if (seen.has(definition.type)) {
        throw new Error(`Adapter type ${definition.type} is registered twice for ${kind}`)
      }
      seen.add(definition.type)
    }
    byKind.set(kind, kindRegistry(kind, ofKind as AdapterDefinition[]))
  }
  return {
    forKind: <K extends AdapterKind>(kind: K) => byKind.get(kind) as unknown as KindRegistry<K>,
    definitions: () => [...definitions],
  }
}
