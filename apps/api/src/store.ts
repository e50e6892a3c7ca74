import {
  BRAIINS_SECRET_FIELDS,
  type BraiinsTrackerConfigInput,
  BraiinsTrackerConfigSchema,
  createBraiinsTracker,
} from '@edge-mining/adapter-braiins'
import {
  type AdapterRegistry,
  createAdapterRegistry,
  createMemoryTrackerRepository,
  dummyAdapter,
  oceanAdapter,
  type TrackerAdapterDefinition,
  type TrackerRepository,
} from '@edge-mining/services'
import { createTrackerRepository, openDatabase } from '@edge-mining/storage'
import type { ApiConfig } from './env'

/** Where the server keeps trackers, and how to let go of it on shutdown. */
export interface TrackerStore {
  repository: TrackerRepository
  close(): void
}

/**
 * Braiins Pool, as adapter-braiins's README defines it for a registry. (Services' default
 * registry registers dummy and ocean so far; this completes the set the server offers.)
 */
export const braiinsPoolAdapter: TrackerAdapterDefinition = {
  type: 'braiins_pool',
  label: 'Braiins Pool',
  configSchema: BraiinsTrackerConfigSchema,
  secretFields: BRAIINS_SECRET_FIELDS,
  // The registry has validated the config with this same schema before calling create.
  create: (config, { cache, now }) =>
    createBraiinsTracker(config as BraiinsTrackerConfigInput, { cache, now }),
}

/** Every tracker type the server offers: dummy, ocean, braiins_pool. */
export function defaultRegistry(): AdapterRegistry {
  return createAdapterRegistry([dummyAdapter, oceanAdapter, braiinsPoolAdapter])
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
