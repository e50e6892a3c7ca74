import {
  type AdapterEntity,
  AdapterEntitySchema,
  type AdapterKind,
  type EntityRepository,
} from '@edge-mining/domain'
import type { StorageConnection } from './database'
import { createEntityRepository, type EntityRepositoryOptions } from './entity-repository'
import {
  type AdapterEntityTable,
  energyMonitors,
  externalServices,
  forecastProviders,
  minerControllers,
  miningPerformanceTrackers,
  notifiers,
} from './schema'

/** The table of each adapter-entity kind. */
export const ADAPTER_ENTITY_TABLES: Readonly<Record<AdapterKind, AdapterEntityTable>> = {
  mining_performance_tracker: miningPerformanceTrackers,
  energy_monitor: energyMonitors,
  miner_controller: minerControllers,
  forecast_provider: forecastProviders,
  notifier: notifiers,
  external_service: externalServices,
}

export type AdapterEntityRepositoryOptions = Pick<EntityRepositoryOptions, 'onUnreadableRow'>

/**
 * `EntityRepository<AdapterEntity>` over the table of `kind`. `created_at` / `updated_at` are
 * stored as given (the services stamp them from the platform clock). Missing ids: `get` → null,
 * `update` → EntityNotFoundError (TrackerNotFoundError for trackers), `remove` → null; a taken
 * id on `add` → ConflictError; an unreadable row: skipped and reported by `list`,
 * ConfigurationError naming the column from `get` / `remove` (TrackerConfigurationError for
 * trackers). Messages never show a stored `config`.
 */
export function createAdapterEntityRepository(
  connection: Pick<StorageConnection, 'sqlite' | 'path'>,
  kind: AdapterKind,
  options: AdapterEntityRepositoryOptions = {},
): EntityRepository<AdapterEntity> {
  return createEntityRepository(
    connection,
    {
      kind,
      table: ADAPTER_ENTITY_TABLES[kind],
      schema: AdapterEntitySchema,
      derive: (entity) => entity,
      json: ['config'],
      booleans: [],
      secret: ['config'],
      ownTimestamps: true,
    },
    options,
  )
}

/** The adapter-entity repository of `mining_performance_trackers` (what older callers use). */
export function createTrackerRepository(
  connection: Pick<StorageConnection, 'sqlite' | 'path'>,
  options: AdapterEntityRepositoryOptions = {},
): EntityRepository<AdapterEntity> {
  return createAdapterEntityRepository(connection, 'mining_performance_tracker', options)
}
