import type { MiningPerformanceTracker } from '@edge-mining/domain'

type MaybePromise<T> = T | Promise<T>

/**
 * Where trackers are kept. `@edge-mining/storage` provides the SQLite one; methods may answer
 * synchronously or with a promise. `add` and `update` may return the tracker as stored (a
 * repository that stamps its own timestamps); when they return nothing, what was passed is kept.
 */
export interface TrackerRepository {
  add(tracker: MiningPerformanceTracker): MaybePromise<MiningPerformanceTracker | undefined>
  get(id: string): MaybePromise<MiningPerformanceTracker | null | undefined>
  list(): MaybePromise<MiningPerformanceTracker[]>
  update(tracker: MiningPerformanceTracker): MaybePromise<MiningPerformanceTracker | undefined>
  remove(id: string): MaybePromise<unknown>
}

/** An in-process repository (tests, demos); stores copies so callers cannot mutate it. */
export function createMemoryTrackerRepository(): TrackerRepository {
  const trackers = new Map<string, MiningPerformanceTracker>()
  const copy = (tracker: MiningPerformanceTracker) => structuredClone(tracker)
  return {
    add(tracker) {
      trackers.set(tracker.id, copy(tracker))
      return undefined
    },
    get: (id) => {
      const tracker = trackers.get(id)
      return tracker ? copy(tracker) : undefined
    },
    list: () => [...trackers.values()].map(copy),
    update(tracker) {
      trackers.set(tracker.id, copy(tracker))
      return undefined
    },
    remove(id) {
      trackers.delete(id)
    },
  }
}
