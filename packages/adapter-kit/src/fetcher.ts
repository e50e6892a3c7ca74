import type { TrackerCallOptions } from '@edge-mining/domain'
import { toPoolError } from './errors'

/** The HTTP client surface adapters need (from `@edge-mining/http-cache`'s createHttpClient). */
export interface JsonClient {
  getJson(path: string, options?: { query?: Record<string, string> }): Promise<unknown>
}

/** The cache surface adapters need (from `@edge-mining/http-cache`'s createCache). */
export interface CacheWithMeta {
  getWithMeta<T>(
    key: string,
    ttlMs: number,
    fetcher: () => Promise<T>,
  ): Promise<{ value: T; stale: boolean; ageMs: number; source: 'cache' | 'network' }>
}

export interface PoolEndpoint<T> {
  /** Short name, reported as the freshness `source` and used in messages (e.g. `statsnap`). */
  name: string
  path: string
  query?: Record<string, string>
  ttlMs: number
  /** Maps a response body to domain data; throws MiningPoolResponseError for bad shapes. */
  parse(body: unknown): T
  /** Turns a known HTTP failure into data (e.g. Ocean's "No such user" → an empty account). */
  recover?(error: unknown): T | undefined
}

export interface PoolFetcherOptions {
  /** Pool name in messages: "Ocean", "Braiins Pool". */
  pool: string
  client: JsonClient
  cache: CacheWithMeta
  /**
   * The pool's base URL. Cache keys are `baseURL + path + query`, real URLs, so the cache's
   * default cool-down scope (the URL host) pauses the whole pool host after a 429.
   */
  cacheKeyPrefix: string
  /**
   * Who is asking, when the path does not say it (Braiins: a short hash of the token, never the
   * token itself); appended to cache keys as a URL fragment.
   */
  cacheKeyIdentity?: string
  /** Runs each network request (a pacer keeps Braiins to one request per 5 s); default: now. */
  schedule?: <T>(task: () => Promise<T>) => Promise<T>
}

export interface PoolFetcher {
  fetch<T>(endpoint: PoolEndpoint<T>, options?: TrackerCallOptions): Promise<T>
}

function cacheKey(
  prefix: string,
  path: string,
  query: Record<string, string> | undefined,
  identity: string | undefined,
) {
  const search = query ? new URLSearchParams(Object.entries(query).sort()).toString() : ''
  return `${prefix}${path}${search ? `?${search}` : ''}${identity ? `#${identity}` : ''}`
}

/**
 * Fetches pool endpoints through the cache: parsed data is cached (so methods sharing an
 * endpoint share one request within its TTL), failures are mapped to domain errors, and each
 * read reports its freshness through `options.onFreshness`.
 */
export function createPoolFetcher(options: PoolFetcherOptions): PoolFetcher {
  const schedule = options.schedule ?? ((task) => task())
  return {
    async fetch(endpoint, callOptions) {
      const { path, query } = endpoint
      const load = async () => {
        try {
          const body = await schedule(() =>
            options.client.getJson(path, query ? { query } : undefined),
          )
          return endpoint.parse(body)
        } catch (error) {
          const recovered = endpoint.recover?.(error)
          if (recovered !== undefined) return recovered
          throw error
        }
      }
      try {
        const result = await options.cache.getWithMeta(
          cacheKey(options.cacheKeyPrefix, path, query, options.cacheKeyIdentity),
          endpoint.ttlMs,
          load,
        )
        callOptions?.onFreshness?.({
          source: endpoint.name,
          stale: result.stale,
          age_seconds: Math.max(0, Math.floor(result.ageMs / 1000)),
          from_cache: result.source === 'cache',
        })
        return result.value
      } catch (error) {
        throw toPoolError(error, options.pool)
      }
    },
  }
}

/** Cache TTLs per kind of data (upstream's, tuned to how often pools update them). */
export const POOL_TTL_MS = {
  current_hashrate: 60_000,
  pool_stats: 300_000,
  worker_stats: 300_000,
  recent_rewards: 600_000,
  payout_schedule: 3_600_000,
} as const

/**
 * Remembers the last value built from some parts and builds again only when one of them is a
 * different object. Pool data comes out of the cache as the same parsed objects until it is
 * fetched again, so a value combined from several endpoints (pool statistics) is mapped and
 * validated once per fetch, not once per read.
 */
export function lastBuiltFrom<T>(): (parts: readonly unknown[], build: () => T) => T {
  let last: { parts: readonly unknown[]; value: T } | null = null
  return (parts, build) => {
    const previous = last
    if (
      previous === null ||
      previous.parts.length !== parts.length ||
      parts.some((part, index) => part !== previous.parts[index])
    ) {
      last = { parts, value: build() }
      return last.value
    }
    return previous.value
  }
}
