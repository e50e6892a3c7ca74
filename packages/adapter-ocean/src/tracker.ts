import {
  createPoolFetcher,
  lastBuiltFrom,
  POOL_TTL_MS,
  type PoolEndpoint,
} from '@edge-mining/adapter-kit'
import {
  DEFAULT_REWARDS_LIMIT,
  type MiningPerformanceTrackerPort,
  type PoolStats,
  payoutSchedule,
  poolStats,
  type TrackerCallOptions,
  validateRewardsLimit,
} from '@edge-mining/domain'
import { type Cache, createCache, createHttpClient } from '@edge-mining/http-cache'
import {
  DEFAULT_OCEAN_PAYOUT_THRESHOLD_SATS,
  type OceanTrackerConfig,
  type OceanTrackerConfigInput,
  parseOceanTrackerConfig,
} from './config'
import {
  EMPTY_BALANCE,
  EMPTY_HASHRATE_SUMMARY,
  isNoSuchUser,
  mapEarnpay,
  mapStatsnap,
  mapUserHashrate,
  mapUserHashrateFull,
  newerTimestamp,
} from './ocean-api'

export interface OceanTrackerOptions {
  /**
   * The rate-limit-aware cache (`createCache()` of `@edge-mining/http-cache`). Share one between
   * trackers of the same pool so a 429 cools the whole host down for all of them.
   * Default: a new cache for this tracker, on `now`.
   */
  cache?: Cache
  /** Clock in ms for timestamps, the default cache and HTTP-date `Retry-After`. Default `Date.now`. */
  now?: () => number
  /** The fetch the HTTP client uses (tests, proxies). Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch
}

export type OceanTracker = MiningPerformanceTrackerPort & { readonly config: OceanTrackerConfig }

const POOL = 'Ocean'

/** Ocean's "No such user" may also come as an HTTP 4xx (one consumer saw a 404). */
function recoverNoSuchUser<T>(empty: () => T): (error: unknown) => T | undefined {
  return (error) => {
    const { status, body } = (error ?? {}) as { status?: unknown; body?: unknown }
    const clientError = typeof status === 'number' && status >= 400 && status < 500
    return clientError && status !== 429 && isNoSuchUser(body) ? empty() : undefined
  }
}

/**
 * A mining performance tracker for an Ocean.xyz account, keyed by its payout address. Reads
 * `user_hashrate`, `statsnap`, `user_hashrate_full` and `earnpay` through the shared cache
 * (one request per endpoint per TTL, whichever methods need it) and throws the domain's pool
 * errors. An address Ocean does not know ("No such user…") is an empty account, not a failure.
 */
export function createOceanTracker(
  config: OceanTrackerConfigInput,
  options: OceanTrackerOptions = {},
): OceanTracker {
  const parsed = parseOceanTrackerConfig(config)
  const now = options.now ?? Date.now
  const cache = options.cache ?? createCache({ now })
  const client = createHttpClient({
    baseURL: parsed.api_base_url,
    timeoutMs: parsed.request_timeout_seconds * 1000,
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  const fetcher = createPoolFetcher({
    pool: POOL,
    client,
    cache,
    cacheKeyPrefix: parsed.api_base_url,
  })
  const address = encodeURIComponent(parsed.bitcoin_address)
  const threshold = parsed.payout_threshold_sats ?? DEFAULT_OCEAN_PAYOUT_THRESHOLD_SATS

  const userHashrate = (ttlMs: number) =>
    ({
      name: 'user_hashrate',
      path: `/v1/user_hashrate/${address}`,
      ttlMs,
      parse: mapUserHashrate,
      recover: recoverNoSuchUser(() => ({ ...EMPTY_HASHRATE_SUMMARY })),
    }) satisfies PoolEndpoint<unknown>
  const statsnap = {
    name: 'statsnap',
    path: `/v1/statsnap/${address}`,
    ttlMs: POOL_TTL_MS.pool_stats,
    parse: mapStatsnap,
    recover: recoverNoSuchUser(() => ({ ...EMPTY_BALANCE })),
  } satisfies PoolEndpoint<unknown>
  const userHashrateFull = {
    name: 'user_hashrate_full',
    path: `/v1/user_hashrate_full/${address}`,
    ttlMs: POOL_TTL_MS.worker_stats,
    parse: mapUserHashrateFull,
    recover: recoverNoSuchUser(() => []),
  } satisfies PoolEndpoint<unknown>
  // No bounds: Ocean's default window (the last 30 days) keeps the cache key stable.
  const earnpay = {
    name: 'earnpay',
    path: `/v1/earnpay/${address}`,
    ttlMs: POOL_TTL_MS.recent_rewards,
    parse: mapEarnpay,
    recover: recoverNoSuchUser(() => []),
  } satisfies PoolEndpoint<unknown>

  const statsFrom = lastBuiltFrom<PoolStats>()

  return {
    config: parsed,

    async getCurrentHashrate(callOptions?: TrackerCallOptions) {
      const summary = await fetcher.fetch(userHashrate(POOL_TTL_MS.current_hashrate), callOptions)
      return summary.current_hashrate
    },

    async getPoolStats(callOptions?: TrackerCallOptions) {
      const [summary, balance, workers] = await Promise.all([
        fetcher.fetch(userHashrate(POOL_TTL_MS.pool_stats), callOptions),
        fetcher.fetch(statsnap, callOptions),
        fetcher.fetch(userHashrateFull, callOptions),
      ])
      const stats = statsFrom([summary, balance, workers], () =>
        poolStats({
          current_hashrate: summary.current_hashrate,
          average_hashrate_24h: summary.average_hashrate_24h,
          // Ocean keeps no 7-day window; null until local history can provide one.
          average_hashrate_7d: null,
          unpaid_balance: balance.unpaid_balance,
          estimated_next_payout: balance.estimated_next_payout,
          workers,
          last_share_at: newerTimestamp(summary.last_share_at, balance.last_share_at),
          timestamp: new Date(now()).toISOString(),
        }),
      )
      // A copy, stamped now: callers may change what they get.
      return { ...stats, workers: [...stats.workers], timestamp: new Date(now()).toISOString() }
    },

    async getWorkerStats(callOptions?: TrackerCallOptions) {
      return [...(await fetcher.fetch(userHashrateFull, callOptions))]
    },

    async getRecentRewards(limit = DEFAULT_REWARDS_LIMIT, callOptions?: TrackerCallOptions) {
      const valid = validateRewardsLimit(limit)
      const rewards = await fetcher.fetch(earnpay, callOptions)
      return rewards.slice(0, valid)
    },

    // TIDES pays in the coinbase of each block Ocean finds, once the balance reaches the
    // threshold; nothing to ask the pool (no API field exposes the threshold).
    async getPayoutSchedule() {
      return payoutSchedule({ frequency: 'per_block', threshold, next_payout_at: null })
    },
  }
}
