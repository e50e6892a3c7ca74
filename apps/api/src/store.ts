import {
  type AdapterRegistry,
  createDefaultAdapterRegistry,
  createMemoryTrackerRepository,
  type TrackerRepository,
} from '@edge-mining/services'
import { createTrackerRepository, openDatabase } from '@edge-mining/storage'
import type { ApiConfig } from './env'

/** Where the server keeps trackers, and how to let go of it on shutdown. */
export interface TrackerStore {
  repository: TrackerRepository
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
 * can no longer be read are skipped by `list()` and reported through `onUnreadableRow`.
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
  return { repository, close: () => connection.close() }
}
