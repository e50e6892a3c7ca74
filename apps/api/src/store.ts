import {
  type AdapterRegistry,
  createAdapterRegistry,
  createMemoryTrackerRepository,
  dummyAdapter,
  type TrackerRepository,
} from '@edge-mining/services'
import type { ApiConfig } from './env'

/** Where the server keeps trackers, and how to let go of it on shutdown. */
export interface TrackerStore {
  repository: TrackerRepository
  close(): void
}

export function defaultRegistry(): AdapterRegistry {
  return createAdapterRegistry([dummyAdapter])
}

export function openMemoryStore(): TrackerStore {
  return { repository: createMemoryTrackerRepository(), close() {} }
}

export function openSqliteStore(_config: ApiConfig): TrackerStore {
  return openMemoryStore()
}
