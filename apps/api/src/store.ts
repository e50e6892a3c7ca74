import type { CacheStore } from '@edge-mining/http-cache'
import {
  type AdapterRegistry,
  createDefaultAdapterRegistry,
  createMemoryTrackerRepository,
  type TrackerRepository,
} from '@edge-mining/services'
import { createSqliteCacheStore, createTrackerRepository, openDatabase } from '@edge-mining/storage'
import type { ApiConfig } from './env'

/** Where the server keeps trackers, and how to let go of it on shutdown. */
export interface TrackerStore {
  repository: TrackerRepository
  /** Where the pool-data cache keeps values and cool-downs; default: this process's memory. */
  cacheStore?: CacheStore
  close(): void
}

/** Every tracker type the server offers: dummy, ocean, braiins_pool. */
export function defaultRegistry(): AdapterRegistry {
  return createDefaultAdapterRegistry()
}

export function openMemoryStore(): TrackerStore {
  return { repository: createMemoryTrackerRepository(), close() {} }
}

/**
 * The SQLite database at DB_PATH (folder created, file 0600, WAL, migrations applied). Rows that
 * can no longer be read are skipped by `list()` and reported through `onUnreadableRow`. The
 * pool-data cache lives in the same file, so the CLI and a restarted server share the server's
 * cached pool data and open cool-downs instead of asking the pool again.
 */
export function openSqliteStore(
  config: Pick<ApiConfig, 'dbPath'>,
  options: { onUnreadableRow?: (message: string) => void } = {},
): TrackerStore {
  const connection = openDatabase({ path: config.dbPath })
  const report = options.onUnreadableRow
  const repository = createTrackerRepository(
    connection,
    report ? { onUnreadableRow: (row) => report(row.message) } : {},
  )
  return {
    repository,
    cacheStore: createSqliteCacheStore(connection),
    close: () => connection.close(),
  }
}
