import {
  createMemoryTrackerRepository,
  createTrackerService,
  type TrackerService,
} from '@edge-mining/services'
import { createCliRegistry } from './registry'

/** What commands work with: the tracker service over the shared database, and how to let go of it. */
export interface CliServices {
  trackers: TrackerService
  close(): void
}

export interface ComposeOptions {
  env: Record<string, string | undefined>
  now?: () => number
}

export function openServices(options: ComposeOptions): CliServices {
  const now = options.now ?? Date.now
  const trackers = createTrackerService({
    repository: createMemoryTrackerRepository(),
    registry: createCliRegistry(),
    now,
  })
  return { trackers, close() {} }
}
