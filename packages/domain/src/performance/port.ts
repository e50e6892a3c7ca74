import { InvalidValueError } from '../shared/errors'
import type { HashRate } from '../shared/primitives'
import type { MiningReward, PayoutSchedule, PoolStats, PoolWorkerStats } from './value-objects'

/** How fresh the pool data behind a returned value is (from the adapter's cache). */
export interface Freshness {
  /** What was read, e.g. the endpoint or cache key (never a secret). */
  source: string
  /** True when served from cache past its TTL because the pool was throttling or failing. */
  stale: boolean
  age_seconds: number
  /** True when answered from the cache, false when this call reached the pool. */
  from_cache?: boolean
}

export interface TrackerCallOptions {
  /** Called once for every piece of pool data the call used; the snapshot builder sums them up. */
  onFreshness?: (freshness: Freshness) => void
}

/**
 * What every mining performance tracker adapter implements. Pool adapters report account-level
 * data. Failures are thrown as the domain's MiningPool* errors (rate limited, auth, unreachable,
 * bad response), never swallowed into null or [] — null means "the pool has no such data".
 */
export interface MiningPerformanceTrackerPort {
  getCurrentHashrate(options?: TrackerCallOptions): Promise<HashRate | null>
  getPoolStats(options?: TrackerCallOptions): Promise<PoolStats | null>
  getWorkerStats(options?: TrackerCallOptions): Promise<PoolWorkerStats[]>
  /** Newest first, at most `limit` (default 10). */
  getRecentRewards(limit?: number, options?: TrackerCallOptions): Promise<MiningReward[]>
  getPayoutSchedule(options?: TrackerCallOptions): Promise<PayoutSchedule | null>
}

export const DEFAULT_REWARDS_LIMIT = 10
export const MAX_REWARDS_LIMIT = 500

/** `limit` of getRecentRewards: an integer from 1 to 500; throws InvalidValueError otherwise. */
export function validateRewardsLimit(limit: unknown): number {
  if (
    typeof limit !== 'number' ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > MAX_REWARDS_LIMIT
  ) {
    throw new InvalidValueError('limit', limit, `an integer from 1 to ${MAX_REWARDS_LIMIT}`)
  }
  return limit
}
