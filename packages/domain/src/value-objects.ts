import * as v from 'valibot'
import {
  PayoutFrequencySchema,
  SnapshotPartSchema,
  TrackerAdapterTypeSchema,
  WorkerStateSchema,
} from './enums'
import { InvalidValueError } from './errors'
import { parseTimestamp } from './units'

// ─── Primitives ───────────────────────────────────────────────────────────────

const ISO_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/

/** ISO-8601 UTC timestamp ending in `Z`, e.g. `2026-08-20T23:11:03.000Z`. */
export const TimestampSchema = v.pipe(
  v.string(),
  v.check(
    (text) => ISO_UTC_PATTERN.test(text) && parseTimestamp(text) !== null,
    'expected an ISO-8601 UTC timestamp ending in Z',
  ),
)
export type Timestamp = v.InferOutput<typeof TimestampSchema>

/** Integer amount of satoshis, never negative. */
export const SatoshiSchema = v.pipe(
  v.number(),
  v.safeInteger('expected a whole number of satoshis'),
  v.minValue(0, 'expected a non-negative amount of satoshis'),
)
export type Satoshi = v.InferOutput<typeof SatoshiSchema>

const CountSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0))

// ─── Value objects (snake_case fields, as in upstream's JSON) ───────────────

export const HashRateSchema = v.object({
  value: v.pipe(v.number(), v.finite(), v.minValue(0)),
  unit: v.literal('TH/s'),
})
export type HashRate = v.InferOutput<typeof HashRateSchema>

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
  current_hashrate: v.nullable(HashRateSchema),
  average_hashrate_24h: v.nullable(HashRateSchema),
  average_hashrate_7d: v.nullable(HashRateSchema),
  unpaid_balance: v.nullable(SatoshiSchema),
  estimated_next_payout: v.nullable(SatoshiSchema),
  workers: v.array(PoolWorkerStatsSchema),
  /** + Newest accepted share of the account, when the pool reports it at account level (Ocean). */
  last_share_at: v.nullable(TimestampSchema),
  timestamp: TimestampSchema,
})
export type PoolStats = v.InferOutput<typeof PoolStatsSchema>

export const PayoutScheduleSchema = v.object({
  frequency: PayoutFrequencySchema,
  threshold: v.nullable(SatoshiSchema),
  next_payout_at: v.nullable(TimestampSchema),
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

export const MiningPerformanceSnapshotSchema = v.object({
  current_hashrate: v.nullable(HashRateSchema),
  pool_stats: v.nullable(PoolStatsSchema),
  payout_schedule: v.nullable(PayoutScheduleSchema),
  timestamp: TimestampSchema,
  data_age_seconds: v.nullable(CountSchema),
  stale: v.boolean(),
  errors: v.array(SnapshotErrorSchema),
  seconds_since_last_share: v.nullable(CountSchema),
  hashrate_ratio_24h: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
  workers_online: v.nullable(CountSchema),
  workers_total: v.nullable(CountSchema),
  payout_progress: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
})
export type MiningPerformanceSnapshot = v.InferOutput<typeof MiningPerformanceSnapshotSchema>

/** A configured tracker as stored and served (config is validated by its adapter's schema). */
export const MiningPerformanceTrackerSchema = v.object({
  id: v.pipe(v.string(), v.uuid()),
  name: v.string(),
  adapter_type: TrackerAdapterTypeSchema,
  config: v.record(v.string(), v.unknown()),
  external_service_id: v.nullable(v.pipe(v.string(), v.uuid())),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
})
export type MiningPerformanceTracker = v.InferOutput<typeof MiningPerformanceTrackerSchema>

// ─── Parsing and constructors ─────────────────────────────────────────────────

/** Dotted path of a valibot issue (`workers.0.hashrate.value`), or the root label. */
export function issuePath(issue: v.BaseIssue<unknown>, root: string): string {
  const keys = v.getDotPath(issue)
  return keys ? `${root}.${keys}` : root
}

/**
 * Validates `input` against `schema`; throws {@link InvalidValueError} naming the first
 * offending field (`label.path`) and its value.
 */
export function parseWith<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  label: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const [issue] = result.issues
  throw new InvalidValueError(issuePath(issue, label), issue.input, issue.expected ?? issue.message)
}

/** A hash rate in TH/s. */
export function hashRate(terahashPerSecond: number): HashRate {
  return parseWith(HashRateSchema, { value: terahashPerSecond, unit: 'TH/s' }, 'hashrate')
}

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
