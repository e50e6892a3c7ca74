export { createSqliteCacheStore } from './cache-store'
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_DB_PATH,
  type OpenDatabaseOptions,
  openDatabase,
  resolveDatabasePath,
  type StorageConnection,
  type StorageDb,
} from './database'
export {
  StorageError,
  type StorageErrorCode,
  TrackerAlreadyExistsError,
} from './errors'
export { DEFAULT_MIGRATIONS_FOLDER } from './migrate'
export type { MiningPerformanceTrackerRow } from './schema'
export * as schema from './schema'
export {
  createTrackerRepository,
  type NewMiningPerformanceTracker,
  NewTrackerSchema,
  type TrackerRepository,
  type TrackerRepositoryOptions,
  type UnreadableTrackerRow,
} from './trackers'
