import { createCache } from '@edge-mining/http-cache'
import { createTrackerService, type TrackerService } from '@edge-mining/services'
import {
  createSqliteCacheStore,
  createTrackerRepository,
  openDatabase,
  type StorageConnection,
  StorageError,
} from '@edge-mining/storage'
import { CliError } from './errors'
import { createCliRegistry } from './registry'

/** What commands work with: the tracker service over the shared database, and how to let go of it. */
export interface CliServices {
  trackers: TrackerService
  close(): void
}

export interface ComposeOptions {
  /** `DB_PATH` is read from here (default `data/db/edgemining.db`, as the API server). */
  env: Record<string, string | undefined>
  now?: () => number
  /** drizzle migrations folder. Default: storage's own (the bundled bin passes its copy). */
  migrationsFolder?: string | undefined
}

/**
 * Opens the database the API server uses and composes the services on it: trackers from the
 * SQLite repository, pool data through a cache whose values and cool-downs live in the same
 * database, so a running server and this CLI never double a pool's traffic.
 */
export function openServices(options: ComposeOptions): CliServices {
  const now = options.now ?? Date.now
  let connection: StorageConnection
  try {
    connection = openDatabase({
      ...(options.env.DB_PATH?.trim() ? { path: options.env.DB_PATH } : {}),
      ...(options.migrationsFolder ? { migrationsFolder: options.migrationsFolder } : {}),
    })
  } catch (error) {
    if (error instanceof StorageError) throw new CliError(error.message, { cause: error })
    throw error
  }
  const trackers = createTrackerService({
    repository: createTrackerRepository(connection),
    registry: createCliRegistry(),
    cache: createCache({ store: createSqliteCacheStore(connection), now }),
    now,
  })
  return { trackers, close: () => connection.close() }
}
