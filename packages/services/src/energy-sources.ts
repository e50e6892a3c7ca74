import {
  ConfigurationError,
  type ConfigurationRepositories,
  ENERGY_SOURCE_TYPES,
  type EnergySource,
  type EnergySourceType,
  EnergySourceTypeSchema,
  EntityNotFoundError,
  FORECAST_TYPES_BY_SOURCE,
  type Platform,
  UuidSchema,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { checkName, isoAt, parseInput } from './common'
import type { AdapterInstances } from './instances'
import { inUseError, type ReferenceIndex } from './references'

const Watts = v.pipe(
  v.number('expected a number of watts'),
  v.finite(),
  v.minValue(0, 'expected 0 or more watts'),
)

const StorageInput = v.object({
  nominal_capacity: v.pipe(
    v.number('expected a capacity in Wh'),
    v.finite(),
    v.gtValue(0, 'expected a capacity above 0 Wh'),
  ),
})
const GridInput = v.object({ contracted_power: Watts })

export const CreateEnergySourceInputSchema = v.object({
  name: v.optional(v.string('expected a string')),
  type: v.optional(EnergySourceTypeSchema),
  nominal_power_max: v.nullish(Watts),
  storage: v.nullish(StorageInput),
  grid: v.nullish(GridInput),
  external_source: v.nullish(Watts),
  energy_monitor_id: v.nullish(UuidSchema),
  forecast_provider_id: v.nullish(UuidSchema),
})

/** Fields left out are kept; null clears an optional one. */
export const UpdateEnergySourceInputSchema = v.object({
  name: v.optional(v.string('expected a string')),
  type: v.optional(EnergySourceTypeSchema),
  nominal_power_max: v.optional(v.nullable(Watts)),
  storage: v.optional(v.nullable(StorageInput)),
  grid: v.optional(v.nullable(GridInput)),
  external_source: v.optional(v.nullable(Watts)),
  energy_monitor_id: v.optional(v.nullable(UuidSchema)),
  forecast_provider_id: v.optional(v.nullable(UuidSchema)),
})

export interface EnergySourceService {
  types(): EnergySourceType[]
  list(): EnergySource[]
  /** Throws EntityNotFoundError. */
  get(id: string): EnergySource
  create(input: unknown): EnergySource
  update(id: string, input: unknown): EnergySource
  /** Refused (ConflictError) while a unit uses it, unless `force`. */
  remove(id: string, options?: { force?: boolean }): EnergySource
}

export function createEnergySourceService(options: {
  repositories: ConfigurationRepositories
  references: ReferenceIndex
  platform: Platform
  instances: Pick<AdapterInstances, 'drop'>
}): EnergySourceService {
  const { repositories, references, platform, instances } = options
  const sources = repositories.energySources

  /** Closes the monitor and forecast instances built for `source` that it no longer uses. */
  function release(source: EnergySource, kept: EnergySource | null): void {
    if (source.energy_monitor_id !== null && source.energy_monitor_id !== kept?.energy_monitor_id) {
      instances.drop('energy_monitor', source.energy_monitor_id, source.id)
    }
    if (
      source.forecast_provider_id !== null &&
      source.forecast_provider_id !== kept?.forecast_provider_id
    ) {
      instances.drop('forecast_provider', source.forecast_provider_id, source.id)
    }
  }

  function get(id: string): EnergySource {
    const source = sources.get(id)
    if (!source) throw new EntityNotFoundError('energy_source', id)
    return source
  }

  /** Upstream's check (§11.1) plus the monitor, which upstream did not check. */
  function check(source: EnergySource): EnergySource {
    if (
      source.energy_monitor_id !== null &&
      !repositories.adapters.energy_monitor.get(source.energy_monitor_id)
    ) {
      throw new ConfigurationError(
        `energy_monitor_id: no energy monitor ${source.energy_monitor_id}`,
        { field: 'energy_monitor_id' },
      )
    }
    if (source.forecast_provider_id !== null) {
      const provider = repositories.adapters.forecast_provider.get(source.forecast_provider_id)
      if (!provider) {
        throw new ConfigurationError(
          `forecast_provider_id: no forecast provider ${source.forecast_provider_id}`,
          { field: 'forecast_provider_id' },
        )
      }
      const allowed = FORECAST_TYPES_BY_SOURCE[source.type]
      if (!allowed.includes(provider.adapter_type)) {
        throw new ConfigurationError(
          `forecast_provider_id: a ${source.type} source takes a forecast provider of type ${allowed.join(' or ')}, not ${provider.adapter_type}`,
          { field: 'forecast_provider_id' },
        )
      }
    }
    return source
  }

  return {
    types: () => [...ENERGY_SOURCE_TYPES],
    list: () => sources.list(),
    get,
    create(input) {
      const body = parseInput(CreateEnergySourceInputSchema, input)
      return sources.add(
        check({
          id: platform.randomUUID(),
          name: checkName(body.name) ?? '',
          type: body.type ?? 'solar',
          nominal_power_max: body.nominal_power_max ?? null,
          storage: body.storage ?? null,
          grid: body.grid ?? null,
          external_source: body.external_source ?? null,
          energy_monitor_id: body.energy_monitor_id ?? null,
          forecast_provider_id: body.forecast_provider_id ?? null,
        }),
      )
    },
    update(id, input) {
      const stored = get(id)
      const body = parseInput(UpdateEnergySourceInputSchema, input)
      const keep = <K extends keyof EnergySource>(key: K): EnergySource[K] =>
        (body[key as keyof typeof body] === undefined
          ? stored[key]
          : body[key as keyof typeof body]) as EnergySource[K]
      const updated = sources.update(
        check({
          ...stored,
          name: checkName(body.name) ?? stored.name,
          type: body.type ?? stored.type,
          nominal_power_max: keep('nominal_power_max'),
          storage: keep('storage'),
          grid: keep('grid'),
          external_source: keep('external_source'),
          energy_monitor_id: keep('energy_monitor_id'),
          forecast_provider_id: keep('forecast_provider_id'),
        }),
      )
      release(stored, updated)
      return updated
    },
    remove(id, removeOptions = {}) {
      const stored = get(id)
      const usages = references.usagesOf('energy_source', id)
      if (usages.length > 0 && !removeOptions.force) {
        throw inUseError('energy_source', stored.name, usages)
      }
      repositories.transaction(() => {
        if (usages.length > 0) references.detach('energy_source', id, isoAt(platform.now()))
        sources.remove(id)
      })
      release(stored, null)
      return stored
    },
  }
}
