import * as v from 'valibot'
import {
  CountSchema,
  described,
  HashRateSchema,
  parseWith,
  SatoshiSchema,
  TimestampSchema,
} from '../shared/primitives'
import { PayoutFrequencySchema, SnapshotPartSchema, WorkerStateSchema } from './enums'

// ─── Value objects (snake_case fields, as in upstream's JSON) ───────────────

export const PoolWorkerStatsSchema = v.object({
  worker_name: v.pipe(v.string(), v.minLength(1)),
  hashrate: v.nullable(HashRateSchema),
  last_share_at: v.nullable(TimestampSchema),
  valid_shares: v.nullable(CountSchema),
  stale_shares: v.nullable(CountSchema),
  rejected_shares: v.nullable(CountSchema),
  state: v.nullable(WorkerStateSchema),
})
export type PoolWorkerStats = v.InferOutput<typeof PoolWorkerStatsSchema>

export const PoolStatsSchema = v.object({
  current_hashrate: described(v.nullable(HashRateSchema), 'Current hash rate reported by the pool'),
  average_hashrate_24h: described(v.nullable(HashRateSchema), 'Average hash rate over 24 hours'),
  average_hashrate_7d: described(v.nullable(HashRateSchema), 'Average hash rate over 7 days'),
  unpaid_balance: described(
    v.nullable(SatoshiSchema),
    'Balance earned but not paid out yet',
    'sats',
  ),
  estimated_next_payout: described(
    v.nullable(SatoshiSchema),
    'Estimated amount of the next payout',
    'sats',
  ),
  workers: described(
    v.array(PoolWorkerStatsSchema),
    'Per-worker statistics (a list: not comparable, no indexing)',
  ),
  /** + Newest accepted share of the account, when the pool reports it at account level (Ocean). */
  last_share_at: described(
    v.nullable(TimestampSchema),
    'Newest accepted share of the account, ISO-8601 UTC',
  ),
  timestamp: described(TimestampSchema, 'When the pool statistics were read, ISO-8601 UTC'),
})
export type PoolStats = v.InferOutput<typeof PoolStatsSchema>

export const PayoutScheduleSchema = v.object({
  frequency: described(PayoutFrequencySchema, 'Payout frequency of the pool'),
  threshold: described(v.nullable(SatoshiSchema), 'Balance at which the pool pays out', 'sats'),
  next_payout_at: described(
    v.nullable(TimestampSchema),
    'Expected time of the next payout, ISO-8601 UTC',
  ),
})
export type PayoutSchedule = v.InferOutput<typeof PayoutScheduleSchema>

export const MiningRewardSchema = v.object({
  amount: SatoshiSchema,
  timestamp: TimestampSchema,
})
export type MiningReward = v.InferOutput<typeof MiningRewardSchema>

export const SnapshotErrorSchema = v.object({
  part: SnapshotPartSchema,
  code: v.string(),
  message: v.string(),
})
export type SnapshotError = v.InferOutput<typeof SnapshotErrorSchema>

const RatioSchema = v.pipe(v.number(), v.finite(), v.minValue(0))

export const MiningPerformanceSnapshotSchema = v.object({
  current_hashrate: described(v.nullable(HashRateSchema), 'Current hash rate seen by the pool'),
  pool_stats: described(v.nullable(PoolStatsSchema), 'Pool statistics for the account'),
  payout_schedule: described(v.nullable(PayoutScheduleSchema), 'How and when the pool pays out'),
  timestamp: described(TimestampSchema, 'When the snapshot was assembled, ISO-8601 UTC'),
  data_age_seconds: described(
    v.nullable(CountSchema),
    'Age of the oldest pool data in the snapshot',
    's',
  ),
  stale: described(v.boolean(), 'True when pool data was served from cache past its lifetime'),
  errors: described(
    v.array(SnapshotErrorSchema),
    'Snapshot parts that failed (a list: not comparable)',
  ),
  seconds_since_last_share: described(
    v.nullable(CountSchema),
    'Time since the newest share of the account or any worker',
    's',
  ),
  hashrate_ratio_24h: described(
    v.nullable(RatioSchema),
    'Current hash rate divided by the 24 h average (1 = on par)',
  ),
  workers_online: described(v.nullable(CountSchema), 'Workers online (or hashing)'),
  workers_total: described(v.nullable(CountSchema), 'Workers known to the pool'),
  payout_progress: described(
    v.nullable(RatioSchema),
    'Unpaid balance divided by the payout threshold (1 = threshold reached)',
  ),
  average_hashrate_7d_source: described(
    v.nullable(v.picklist(['pool', 'history'])),
    "Where pool_stats.average_hashrate_7d comes from: the pool, or Edge Mining's own history when the pool gives none (Ocean)",
  ),
})
export type MiningPerformanceSnapshot = v.InferOutput<typeof MiningPerformanceSnapshotSchema>

// ─── Parsing and constructors ─────────────────────────────────────────────────

export function poolWorkerStats(
  input: Pick<PoolWorkerStats, 'worker_name'> & Partial<PoolWorkerStats>,
): PoolWorkerStats {
  return parseWith(
    PoolWorkerStatsSchema,
    {
      hashrate: null,
      last_share_at: null,
      valid_shares: null,
      stale_shares: null,
      rejected_shares: null,
      state: null,
      ...input,
    },
    'worker',
  )
}

export function poolStats(input: Partial<PoolStats> & Pick<PoolStats, 'timestamp'>): PoolStats {
  return parseWith(
    PoolStatsSchema,
    {
      current_hashrate: null,
      average_hashrate_24h: null,
      average_hashrate_7d: null,
      unpaid_balance: null,
      estimated_next_payout: null,
      workers: [],
      last_share_at: null,
      ...input,
    },
    'pool_stats',
  )
}

export function payoutSchedule(input: Partial<PayoutSchedule> = {}): PayoutSchedule {
  return parseWith(
    PayoutScheduleSchema,
    { frequency: 'unknown', threshold: null, next_payout_at: null, ...input },
    'payout_schedule',
  )
}

export function miningReward(amount: number, timestamp: string): MiningReward {
  return parseWith(MiningRewardSchema, { amount, timestamp }, 'reward')
}

/** Rewards newest first, at most `limit` (stable for equal timestamps). */
export function newestRewards(rewards: readonly MiningReward[], limit: number): MiningReward[] {
  return [...rewards]
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
    .slice(0, Math.max(0, limit))
}
