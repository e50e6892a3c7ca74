import type {
  AdapterEntity,
  HashRate,
  MiningPerformanceSnapshot,
  MiningPerformanceTrackerPort,
  Platform,
} from '@edge-mining/domain'
import type { AdapterEntityService } from './adapter-entities'
import type { AdapterInstances } from './instances'
import { createSnapshotBuilder } from './snapshot-builder'

export interface ConnectivityReport {
  /** `success`: the pool answered; `stale`: the pool is throttling or failing, cached data served. */
  status: 'success' | 'stale'
  message: string
  latency_ms: number
  current_hashrate: HashRate | null
  /** False when this test reached the pool; true when a call within the cache TTL answered. */
  from_cache: boolean
  data_age_seconds: number | null
}

/** The tracker kind's configuration service plus what only trackers do: read the pool. */
export interface TrackerService extends AdapterEntityService {
  /** The tracker's live adapter: one instance per tracker, so every caller shares its cache. */
  adapter(id: string): MiningPerformanceTrackerPort
  /** The same, for a tracker already read. */
  adapterFor(tracker: AdapterEntity): MiningPerformanceTrackerPort
  /** Asks the pool for the current hash rate and says how it went. */
  test(id: string): Promise<ConnectivityReport>
  buildSnapshot(id: string): Promise<MiningPerformanceSnapshot>
}

export function createTrackerService(options: {
  entities: AdapterEntityService
  instances: AdapterInstances
  platform: Platform
  /** Completes a snapshot with what the pool does not give (the history's 7-day average). */
  completeSnapshot?: (
    trackerId: string,
    snapshot: MiningPerformanceSnapshot,
  ) => MiningPerformanceSnapshot
}): TrackerService {
  const { entities, instances, platform } = options
  const adapterFor = (tracker: AdapterEntity) =>
    instances.getFor('mining_performance_tracker', tracker)
  const adapter = (id: string) => adapterFor(entities.get(id))
  const snapshots = createSnapshotBuilder({
    adapterOf: async (id) => adapter(id),
    now: () => platform.now(),
  })
  return {
    ...entities,
    adapter,
    adapterFor,
    async test(id) {
      const port = adapter(id)
      let freshness = { stale: false, from_cache: false, age_seconds: null as number | null }
      const started = platform.now()
      const current = await port.getCurrentHashrate({
        onFreshness: (f) => {
          freshness = {
            stale: f.stale,
            from_cache: f.from_cache ?? false,
            age_seconds: f.age_seconds,
          }
        },
      })
      const latency = Math.max(0, platform.now() - started)
      const reading = current
        ? `${Math.round(current.value * 1000) / 1000} ${current.unit}`
        : 'no hash rate for this account'
      const message = freshness.stale
        ? `Pool not answering; serving cached data ${freshness.age_seconds ?? 0} s old (${reading})`
        : freshness.from_cache
          ? `Tracker reachable: ${reading} (pool answered ${freshness.age_seconds ?? 0} s ago; cached to respect its rate limit)`
          : `Tracker reachable: ${reading}`
      return {
        status: freshness.stale ? 'stale' : 'success',
        message,
        latency_ms: latency,
        current_hashrate: current,
        from_cache: freshness.from_cache,
        data_age_seconds: freshness.age_seconds,
      }
    },
    // async: an unknown id rejects the promise rather than throwing at the call.
    buildSnapshot: async (id) => {
      entities.get(id)
      const snapshot = await snapshots.buildSnapshot(id)
      return options.completeSnapshot ? options.completeSnapshot(id, snapshot) : snapshot
    },
  }
}
