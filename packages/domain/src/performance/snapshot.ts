import type { HashRate } from '../shared/primitives'
import { parseWith } from '../shared/primitives'
import type {
  MiningPerformanceSnapshot,
  PayoutSchedule,
  PoolStats,
  SnapshotError,
} from './value-objects'
import { MiningPerformanceSnapshotSchema } from './value-objects'

export interface SnapshotParts {
  current_hashrate: HashRate | null
  pool_stats: PoolStats | null
  payout_schedule: PayoutSchedule | null
  /** When the snapshot was assembled (ISO UTC). */
  timestamp: string
  /** Age of the oldest pool data used, in seconds (from the cache's metadata). */
  data_age_seconds?: number | null
  /** True when any part was served from cache past its TTL (pool throttled or failing). */
  stale?: boolean
  /** Parts that failed, with the error's code; the other parts are kept. */
  errors?: readonly SnapshotError[]
  /** Set to `history` when pool_stats.average_hashrate_7d was filled from our own history. */
  average_hashrate_7d_source?: 'pool' | 'history' | null
}

/** Newest share of the account: its own `last_share_at` or any worker's, whichever is later. */
function latestShareAt(stats: PoolStats | null): string | null {
  let latest: string | null = null
  const candidates = [
    stats?.last_share_at ?? null,
    ...(stats?.workers ?? []).map((w) => w.last_share_at),
  ]
  for (const at of candidates) {
    if (at !== null && (latest === null || Date.parse(at) > Date.parse(latest))) latest = at
  }
  return latest
}

function countOnlineWorkers(stats: PoolStats): number {
  return stats.workers.filter((worker) =>
    worker.state === null
      ? (worker.hashrate?.value ?? 0) > 0
      : worker.state === 'online' || worker.state === 'low',
  ).length
}

function ratio(numerator: number | null | undefined, denominator: number | null | undefined) {
  if (numerator == null || denominator == null || denominator <= 0) return null
  return numerator / denominator
}

/**
 * Assembles a snapshot and computes the derived fields that make pool rules writable:
 * - `seconds_since_last_share`: from the newest share (account or worker) to `timestamp`;
 * - `hashrate_ratio_24h`: current hash rate ÷ 24 h average (null when the average is 0/unknown);
 * - `workers_online` (state online/low, or hashing when the pool gives no state) and `workers_total`;
 * - `payout_progress`: unpaid balance ÷ payout threshold (null without a threshold).
 * Each derived field is null when its inputs are missing: rules treat null as unknown.
 */
export function createSnapshot(parts: SnapshotParts): MiningPerformanceSnapshot {
  const { pool_stats: stats, payout_schedule: schedule, timestamp } = parts
  const current = parts.current_hashrate ?? stats?.current_hashrate ?? null
  const lastShare = latestShareAt(stats)
  const sinceLastShare =
    lastShare === null
      ? null
      : Math.max(0, Math.floor((Date.parse(timestamp) - Date.parse(lastShare)) / 1000))
  const age = parts.data_age_seconds
  return parseWith(
    MiningPerformanceSnapshotSchema,
    {
      current_hashrate: parts.current_hashrate,
      pool_stats: stats,
      payout_schedule: schedule,
      timestamp,
      data_age_seconds: age == null ? null : Math.max(0, Math.round(age)),
      stale: parts.stale ?? false,
      errors: [...(parts.errors ?? [])],
      seconds_since_last_share: Number.isNaN(sinceLastShare) ? null : sinceLastShare,
      hashrate_ratio_24h: ratio(current?.value, stats?.average_hashrate_24h?.value),
      workers_online: stats ? countOnlineWorkers(stats) : null,
      workers_total: stats ? stats.workers.length : null,
      payout_progress: ratio(stats?.unpaid_balance, schedule?.threshold),
      average_hashrate_7d_source:
        parts.average_hashrate_7d_source ?? (stats?.average_hashrate_7d ? 'pool' : null),
    },
    'snapshot',
  )
}
