import {
  ADAPTER_KINDS,
  type AdapterEntity,
  type AdapterKind,
  type ConfigurationRepositories,
  controllerIdsOf,
  type EnergySource,
  EnergySourceSchema,
  type EntityRepository,
  type MinerEntity,
  MinerEntitySchema,
  type OptimizationUnit,
  OptimizationUnitSchema,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { createAdapterEntityRepository } from './adapter-entities'
import { changeClockOf } from './change-clock'
import type { StorageConnection } from './database'
import { createEntityRepository, type EntityRepositoryOptions } from './entity-repository'
import { toStorageError } from './errors'
import { createPolicyFileStore, type PolicyFileStoreOptions } from './policy-files'
import type { UnreadableRowReporter } from './rows'
import { energySources, miners, optimizationUnits } from './schema'
import { createSettingsRepository } from './settings'

type Connection = Pick<StorageConnection, 'sqlite' | 'path'>

/** Miners: `controller_ids` is derived from `features` on read, never stored. */
export function createMinerRepository(
  connection: Connection,
  options: EntityRepositoryOptions = {},
): EntityRepository<MinerEntity> {
  return createEntityRepository(
    connection,
    {
      kind: 'miner',
      table: miners,
      schema: v.omit(MinerEntitySchema, ['controller_ids']),
      derive: (miner) => ({ ...miner, controller_ids: controllerIdsOf(miner.features) }),
      json: ['hash_rate_max', 'features'],
      booleans: ['active'],
      secret: [],
      ownTimestamps: false,
    },
    options,
  )
}

export function createEnergySourceRepository(
  connection: Connection,
  options: EntityRepositoryOptions = {},
): EntityRepository<EnergySource> {
  return createEntityRepository(
    connection,
    {
      kind: 'energy_source',
      table: energySources,
      schema: EnergySourceSchema,
      derive: (source) => source,
      json: ['storage', 'grid'],
      booleans: [],
      secret: [],
      ownTimestamps: false,
    },
    options,
  )
}

export function createOptimizationUnitRepository(
  connection: Connection,
  options: EntityRepositoryOptions = {},
): EntityRepository<OptimizationUnit> {
  return createEntityRepository(
    connection,
    {
      kind: 'optimization_unit',
      table: optimizationUnits,
      schema: OptimizationUnitSchema,
      derive: (unit) => unit,
      json: ['target_miner_ids', 'notifier_ids', 'climate_zone_ids'],
      booleans: ['is_enabled'],
      secret: [],
      ownTimestamps: false,
    },
    options,
  )
}

/**
 * Runs `work` in one IMMEDIATE transaction (the write lock is taken up front, so two processes
 * cannot both read-then-write and one fail half-way with SQLITE_BUSY). A nested call becomes a
 * savepoint. What `work` throws is rethrown unchanged after the rollback; a failure to begin or
 * commit is a StorageError (`busy`, `read_only`…).
 */
export function runTransaction<T>(connection: Connection, work: () => T): T {
  // Set when `work` itself threw, to tell its error from a failing BEGIN or COMMIT.
  const thrown: { error?: unknown } = {}
  const transaction = connection.sqlite.transaction(() => {
    try {
      return work()
    } catch (error) {
      thrown.error = error
      throw error
    }
  })
  try {
    return transaction.immediate()
  } catch (error) {
    // A rolled-back transaction may have been read from: memos must forget it.
    changeClockOf(connection.sqlite).bump()
    if ('error' in thrown && thrown.error === error) throw error
    throw toStorageError(error, connection.path, { action: 'write to' })
  }
}

export interface ConfigurationRepositoriesOptions {
  /** The policy folder (`POLICIES_DIR`), e.g. `data/policies`; created on the first write. */
  policiesDir: string
  /** Told about each row a `list()` (or the settings `get()`) skips. Default: a process warning. */
  onUnreadableRow?: UnreadableRowReporter
  /** Told about each policy file `list()` skips. Default: a process warning. */
  onUnreadablePolicyFile?: PolicyFileStoreOptions['onUnreadableFile']
  /**
   * Clock for the `created_at` / `updated_at` columns of miners, energy sources and units, whose
   * domain shapes carry no timestamps (adapter entities carry theirs). Default `() => new Date()`.
   */
  now?: () => Date
}

/** Every configuration repository the services persist through, on one connection. */
export function createConfigurationRepositories(
  connection: Connection,
  options: ConfigurationRepositoriesOptions,
): ConfigurationRepositories {
  const rows: EntityRepositoryOptions = {
    ...(options.onUnreadableRow ? { onUnreadableRow: options.onUnreadableRow } : {}),
    ...(options.now ? { now: options.now } : {}),
  }
  const adapters = Object.fromEntries(
    ADAPTER_KINDS.map((kind) => [kind, createAdapterEntityRepository(connection, kind, rows)]),
  ) as Record<AdapterKind, EntityRepository<AdapterEntity>>
  return {
    adapters,
    miners: createMinerRepository(connection, rows),
    energySources: createEnergySourceRepository(connection, rows),
    units: createOptimizationUnitRepository(connection, rows),
    settings: createSettingsRepository(connection, rows),
    policies: createPolicyFileStore(
      options.policiesDir,
      options.onUnreadablePolicyFile ? { onUnreadableFile: options.onUnreadablePolicyFile } : {},
    ),
    transaction: (work) => runTransaction(connection, work),
  }
}
