/**
 * @edge-mining/storage — the SQLite implementation of every repository port of
 * `@edge-mining/domain` (configuration and decision loop), the policy YAML folder, and the
 * shared pool-data cache store.
 */
export {
  ADAPTER_ENTITY_TABLES,
  type AdapterEntityRepositoryOptions,
  createAdapterEntityRepository,
  createTrackerRepository,
} from './adapter-entities'
export { createSqliteCacheStore } from './cache-store'
export { type ChangeClock, type ChangeClockOptions, changeClockOf } from './change-clock'
export {
  type ConfigurationRepositoriesOptions,
  createConfigurationRepositories,
  createEnergySourceRepository,
  createMinerRepository,
  createOptimizationUnitRepository,
  runTransaction,
} from './configuration'
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_DB_PATH,
  type OpenDatabaseOptions,
  openDatabase,
  resolveDatabasePath,
  type StorageConnection,
} from './database'
export {
  createDecisionLogRepository,
  DEFAULT_DECISION_QUERY_LIMIT,
  MAX_DECISION_QUERY_LIMIT,
} from './decision-log'
export {
  createEntityRepository,
  type EntityRepositoryOptions,
  type EntityTableSpec,
} from './entity-repository'
export { StorageError, type StorageErrorCode } from './errors'
export { createHistoryRepository } from './history'
export { createSchedulerLeaseRepository, SCHEDULER_LEASE_NAME } from './lease'
export { createLoopRepositories } from './loop'
export {
  createMinerRuntimeRepository,
  createOverrideRepository,
  createRuleStateRepository,
} from './loop-state'
export { DEFAULT_MIGRATIONS_FOLDER } from './migrate'
export {
  createPolicyFileStore,
  type PolicyFileStoreOptions,
  type PolicyFileSystem,
  type UnreadablePolicyFile,
} from './policy-files'
export type { UnreadableRow, UnreadableRowReporter } from './rows'
export type { AdapterEntityRow } from './schema'
export * as schema from './schema'
export {
  createSettingsRepository,
  SETTINGS_ROW_ID,
  type SettingsRepositoryOptions,
} from './settings'
