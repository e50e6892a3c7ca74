import { createHash } from 'node:crypto'
import {
  createPoolFetcher,
  lastBuiltFrom,
  POOL_TTL_MS,
  type PoolEndpoint,
} from '@edge-mining/adapter-kit'
import {
  type MiningPerformanceTrackerPort,
  type PoolStats,
  payoutSchedule,
  poolStats,
  type TrackerCallOptions,
  validateRewardsLimit,
} from '@edge-mining/domain'
import { type Cache, createCache, createHttpClient } from '@edge-mining/http-cache'
import {
  type BraiinsTrackerConfig,
  parseBraiinsTrackerConfig,
  redactBraiinsTrackerConfig,
} from './config'
import { mapDailyRewards, mapProfile, mapWorkers, POOL_NAME, rewardsWindow } from './mapping'
import { createPacerRegistry, type PacerRegistry } from './pacing'

/** Header Braiins reads the access-profile token from. */
export const TOKEN_HEADER = 'Pool-Auth-Token'

export const BRAIINS_PATHS = {
  profile: '/accounts/profile/json/btc/',
  workers: '/accounts/workers/json/btc/',
  rewards: '/accounts/rewards/json/btc/',
} as const

export interface BraiinsTrackerOptions {
  /**
   * Shared `@edge-mining/http-cache` instance (TTL, single-flight, 429 cool-down, stale-on-error).
   * Default: a private cache on `now`. Share one across trackers so the same token is fetched once.
   */
  cache?: Pick<Cache, 'getWithMeta'>
  /** Clock in ms (timestamps, rewards window, default cache and pacers). Default `Date.now`. */
  now?: () => number
  /** Timer the pacer waits with. Default the global `setTimeout`. */
  setTimeout?: (fn: () => void, ms: number) => unknown
  /** fetch implementation of the HTTP client. Default the global `fetch`. */
  fetch?: typeof globalThis.fetch
  /**
   * Request pacers, one per token (see `createPacerRegistry`). Trackers of one token must share
   * a registry to share one queue (the services layer passes one per adapter registry).
   * Default: a registry of this tracker's own.
   */
  pacers?: PacerRegistry
}

export type BraiinsTracker = MiningPerformanceTrackerPort & {
  /** The validated config with the token replaced by `***`. */
  readonly config: BraiinsTrackerConfig
}

/** A short non-reversible tag of the token for cache and pacer keys: never the token itself. */
export function tokenTag(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16)
}

/**
 * A Braiins Pool tracker (post-FPPS API). Every request carries `Pool-Auth-Token`, goes through
 * the cache and waits for its token's pacer slot (one request per 5 s). Failures are thrown as
 * the domain's MiningPool* errors; the token never appears in them.
 */
export function createBraiinsTracker(
  input: unknown,
  options: BraiinsTrackerOptions = {},
): BraiinsTracker {
  const config = parseBraiinsTrackerConfig(input)
  const now = options.now ?? Date.now
  const tag = tokenTag(config.api_token)
  const pacers =
    options.pacers ??
    createPacerRegistry({
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.setTimeout === undefined ? {} : { setTimeout: options.setTimeout }),
    })
  const pacer = pacers.pacerFor(`${config.api_base_url}|${tag}`)
  const fetcher = createPoolFetcher({
    pool: POOL_NAME,
    client: createHttpClient({
      baseURL: config.api_base_url,
      headers: { [TOKEN_HEADER]: config.api_token },
      timeoutMs: config.request_timeout_seconds * 1000,
      now,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    }),
    cache: options.cache ?? createCache({ now }),
    // Keys are `https://pool.braiins.com/accounts/…#token-<tag>`: the default cool-down scope
    // (the URL host) pauses the whole pool host after a 429; two tokens never share an entry.
    cacheKeyPrefix: config.api_base_url,
    cacheKeyIdentity: `token-${tag}`,
    schedule: (task) => pacer.schedule(task),
  })

  const profile = (ttlMs: number): PoolEndpoint<ReturnType<typeof mapProfile>> => ({
    name: 'profile',
    path: BRAIINS_PATHS.profile,
    ttlMs,
    parse: mapProfile,
  })
  const workers = (ttlMs: number): PoolEndpoint<ReturnType<typeof mapWorkers>> => ({
    name: 'workers',
    path: BRAIINS_PATHS.workers,
    ttlMs,
    parse: mapWorkers,
  })

  const statsFrom = lastBuiltFrom<PoolStats>()

  return {
    config: redactBraiinsTrackerConfig(config),

    async getCurrentHashrate(callOptions?: TrackerCallOptions) {
      const figures = await fetcher.fetch(profile(POOL_TTL_MS.current_hashrate), callOptions)
      return figures.current_hashrate
    },

    async getPoolStats(callOptions?: TrackerCallOptions) {
      // One after the other: a rejected token fails on the profile without a second request.
      const figures = await fetcher.fetch(profile(POOL_TTL_MS.pool_stats), callOptions)
      const workerStats = await fetcher.fetch(workers(POOL_TTL_MS.pool_stats), callOptions)
      const stats = statsFrom([figures, workerStats], () =>
        poolStats({
          ...figures,
          // Post-FPPS Braiins reports no 7-day average.
          average_hashrate_7d: null,
          workers: workerStats,
          timestamp: new Date(now()).toISOString(),
        }),
      )
      // A copy, stamped now: callers may change what they get.
      return { ...stats, workers: [...stats.workers], timestamp: new Date(now()).toISOString() }
    },

    async getWorkerStats(callOptions?: TrackerCallOptions) {
      return fetcher.fetch(workers(POOL_TTL_MS.worker_stats), callOptions)
    },

    async getRecentRewards(limit = 10, callOptions?: TrackerCallOptions) {
      const count = validateRewardsLimit(limit)
      const rewards = await fetcher.fetch(
        {
          name: 'rewards',
          path: BRAIINS_PATHS.rewards,
          query: rewardsWindow(count, now()),
          ttlMs: POOL_TTL_MS.recent_rewards,
          parse: mapDailyRewards,
        },
        callOptions,
      )
      return rewards.slice(0, count)
    },

    async getPayoutSchedule() {
      // FPPS credits rewards daily; the API no longer reports a payout threshold. No request.
      return payoutSchedule({ frequency: 'daily', threshold: null, next_payout_at: null })
    },
  }
}
