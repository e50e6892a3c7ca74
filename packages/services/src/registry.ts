import { configJsonSchema } from '@edge-mining/adapter-kit'
import {
  createDummyTracker,
  DummyTrackerConfigSchema,
  type MiningPerformanceTrackerPort,
  parseTrackerConfig,
  type TrackerAdapterType,
  TrackerConfigurationError,
} from '@edge-mining/domain'
import type { Cache } from '@edge-mining/http-cache'
import type * as v from 'valibot'

/** What an adapter gets from the services layer when it is instantiated. */
export interface AdapterContext {
  /** The process-wide pool-data cache, shared by every tracker and caller. */
  cache: Cache
  /** Clock in ms. */
  now: () => number
  /** Timers for request pacing (Braiins). */
  setTimeout?: (callback: () => void, ms: number) => unknown
  /** fetch for the pools' HTTP clients. */
  fetch?: typeof globalThis.fetch
}

/** One kind of tracker: how to validate its config, describe it, and create it. */
export interface TrackerAdapterDefinition {
  type: TrackerAdapterType
  /** Human name, e.g. "Ocean.xyz". */
  label: string
  configSchema: v.GenericSchema
  /** Config keys that are secrets: write-only, never returned or printed. */
  secretFields: readonly string[]
  create(config: Record<string, unknown>, context: AdapterContext): MiningPerformanceTrackerPort
}

export interface AdapterRegistry {
  types(): TrackerAdapterType[]
  /** Throws TrackerConfigurationError (field `adapter_type`) for an unregistered type. */
  get(type: string): TrackerAdapterDefinition
  /** Validates a config for `type`, applying defaults; throws TrackerConfigurationError naming the field. */
  parseConfig(type: string, config: unknown): Record<string, unknown>
  /** JSON Schema of a type's config (secret fields write-only). */
  configJsonSchema(type: string): Record<string, unknown>
}

export const dummyAdapter: TrackerAdapterDefinition = {
  type: 'dummy',
  label: 'Dummy (made-up data)',
  configSchema: DummyTrackerConfigSchema,
  secretFields: [],
  create: (config, context) => createDummyTracker(config, { now: context.now }),
}

export function createAdapterRegistry(
  definitions: readonly TrackerAdapterDefinition[],
): AdapterRegistry {
  const byType = new Map(definitions.map((definition) => [definition.type as string, definition]))
  const get = (type: string) => {
    const definition = byType.get(type)
    if (!definition) {
      throw new TrackerConfigurationError(
        `adapter_type: unknown adapter type ${JSON.stringify(type)} (expected one of ${[...byType.keys()].join(', ')})`,
        { field: 'adapter_type' },
      )
    }
    return definition
  }
  return {
    types: () => definitions.map((definition) => definition.type),
    get,
    parseConfig(type, config) {
      const definition = get(type)
      return parseTrackerConfig(definition.configSchema, config, {
        adapterType: definition.type,
        secretFields: definition.secretFields,
      }) as Record<string, unknown>
    },
    configJsonSchema(type) {
      const definition = get(type)
      return configJsonSchema(definition.configSchema, { secretFields: definition.secretFields })
    },
  }
}
