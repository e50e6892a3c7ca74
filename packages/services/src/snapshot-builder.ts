import {
  createSnapshot,
  type Freshness,
  isEdgeMiningError,
  type MiningPerformanceSnapshot,
  type MiningPerformanceTrackerPort,
  type SnapshotError,
  type SnapshotPart,
} from '@edge-mining/domain'

export interface SnapshotBuilderOptions {
  /** The live adapter of a tracker; throws TrackerNotFoundError for an unknown id. */
  adapterOf(trackerId: string): Promise<MiningPerformanceTrackerPort>
  /** Clock in ms. Default: Date.now. */
  now?: () => number
}

export interface SnapshotBuilder {
  buildSnapshot(trackerId: string): Promise<MiningPerformanceSnapshot>
}

function toSnapshotError(part: SnapshotPart, error: unknown): SnapshotError {
  if (isEdgeMiningError(error)) return { part, code: error.code, message: error.message }
  return { part, code: 'error', message: error instanceof Error ? error.message : String(error) }
}

/**
 * Builds mining-performance snapshots: the three parts are fetched in parallel through the
 * tracker's cached adapter; a failed part is listed in `errors` while the others are kept
 * (upstream dropped the whole snapshot); `data_age_seconds` is the age of the oldest pool data
 * used and `stale` says whether any of it was served past its TTL.
 */
export function createSnapshotBuilder(options: SnapshotBuilderOptions): SnapshotBuilder {
  const now = options.now ?? Date.now
  return {
    async buildSnapshot(trackerId) {
      const adapter = await options.adapterOf(trackerId)
      const freshness: Freshness[] = []
      const callOptions = { onFreshness: (f: Freshness) => freshness.push(f) }
      const [current, stats, schedule] = await Promise.allSettled([
        adapter.getCurrentHashrate(callOptions),
        adapter.getPoolStats(callOptions),
        adapter.getPayoutSchedule(callOptions),
      ])
      const errors: SnapshotError[] = []
      const settledValue = <T>(
        part: SnapshotPart,
        result: PromiseSettledResult<T | null>,
      ): T | null => {
        if (result.status === 'fulfilled') return result.value
        errors.push(toSnapshotError(part, result.reason))
        return null
      }
      return createSnapshot({
        current_hashrate: settledValue('current_hashrate', current),
        pool_stats: settledValue('pool_stats', stats),
        payout_schedule: settledValue('payout_schedule', schedule),
        timestamp: new Date(now()).toISOString(),
        data_age_seconds:
          freshness.length === 0 ? null : Math.max(...freshness.map((f) => f.age_seconds)),
        stale: freshness.some((f) => f.stale),
        errors,
      })
    },
  }
}
