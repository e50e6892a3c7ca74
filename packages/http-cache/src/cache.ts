import * as v from 'valibot'
import { HttpError, HttpUnreachableError, RateLimitedError, toError } from './errors.ts'
import { type CacheEntry, type CacheStore, type Cooldown, createMemoryStore } from './store.ts'
import { describe, parseOptions } from './validate.ts'

export const DEFAULT_LADDER_MS: readonly number[] = Object.freeze([
  5000, 10000, 20000, 40000, 80000,
])
export const DEFAULT_JITTER_RATIO = 0.2
export const DEFAULT_MAX_COOLDOWN_MS = 10 * 60 * 1000
export const DEFAULT_MIN_COOLDOWN_MS = 1000

const isStore = (input: unknown): input is CacheStore =>
  typeof input === 'object' &&
  input !== null &&
  ['get', 'set', 'delete', 'getCooldown', 'setCooldown'].every(
    (method) => typeof (input as Record<string, unknown>)[method] === 'function',
  )

const positiveFiniteMs = v.pipe(v.number(), v.finite(), v.gtValue(0))

const CacheOptionsSchema = v.strictObject({
  store: v.optional(
    v.custom<CacheStore>(isStore, 'must implement get, set, delete, getCooldown and setCooldown'),
  ),
  now: v.optional(v.custom<() => number>((input) => typeof input === 'function', 'not a function')),
  random: v.optional(
    v.custom<() => number>((input) => typeof input === 'function', 'not a function'),
  ),
  scopeOf: v.optional(
    v.custom<(key: string) => string>((input) => typeof input === 'function', 'not a function'),
  ),
  ladderMs: v.optional(v.pipe(v.array(positiveFiniteMs), v.minLength(1, 'must not be empty'))),
  jitterRatio: v.optional(
    v.pipe(v.number(), v.finite(), v.minValue(0), v.ltValue(1, 'must be below 1')),
  ),
  maxCooldownMs: v.optional(positiveFiniteMs),
  minCooldownMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  isStaleIfError: v.optional(
    v.custom<(error: Error) => boolean>((input) => typeof input === 'function', 'not a function'),
  ),
})

export interface CacheOptions {
  /** Where values and cool-downs live. Default: `createMemoryStore()`. */
  store?: CacheStore
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number
  /** Uniform random in [0, 1), for the ladder's jitter. Default: `Math.random`. */
  random?: () => number
  /** Cool-down scope of a key. Default: the key's URL host, or the key itself if not a URL. */
  scopeOf?: (key: string) => string
  /** Cool-down after successive 429s without Retry-After. Default: 5, 10, 20, 40, 80 s. */
  ladderMs?: readonly number[]
  /** Ladder delays are multiplied by a uniform factor in [1 − r, 1 + r]. Default: 0.2. */
  jitterRatio?: number
  /** Longest cool-down, whatever the server says. Default: 10 min. */
  maxCooldownMs?: number
  /** Shortest cool-down, so `Retry-After: 0` or a past date cannot cause a tight loop. Default: 1 s. */
  minCooldownMs?: number
  /** Errors for which a cached value is served stale. Default: timeout, network, 5xx, 429. */
  isStaleIfError?: (error: Error) => boolean
}

export interface CacheStats {
  /** Fresh values returned without calling a fetcher. */
  hits: number
  /** Calls that found no fresh value and started a fetch (or were stopped by a cool-down). */
  misses: number
  /** Calls answered with a value past its TTL (cool-down or stale-on-error). */
  staleServed: number
  /** Fetcher calls. */
  networkCalls: number
  /** Calls that joined a fetch already in flight instead of starting one. */
  coalesced: number
  /** Fetches that failed with a 429. */
  rateLimited: number
  /** Calls answered without a fetch because their scope was cooling down. */
  blockedByCooldown: number
  /** Scopes cooling down right now, as far as this process knows. */
  openCooldowns: number
}

export interface CacheResult<T> {
  value: T
  /** True when the value is past its TTL (served during a cool-down or instead of an error). */
  stale: boolean
  /** Milliseconds since the value was fetched. */
  ageMs: number
  /** `network`: this call's fetch produced it; `cache`: it came from the store. */
  source: 'cache' | 'network'
}

export interface Cache {
  get<T>(key: string, ttlMs: number, fetcher: () => Promise<T>): Promise<T>
  getWithMeta<T>(key: string, ttlMs: number, fetcher: () => Promise<T>): Promise<CacheResult<T>>
  /** Forgets the value of `keyOrPrefix` (every key starting with it); everything when omitted. */
  invalidate(keyOrPrefix?: string): Promise<void>
  stats(): CacheStats
}

interface LoadControl {
  /** Set by `invalidate` while the fetch runs: its result is returned but not stored. */
  detached: boolean
}

interface Load {
  promise: Promise<CacheResult<unknown>>
  control: LoadControl
}

/** Default scope: the URL host of the key, so one pool host cools down as a whole. */
export function defaultScopeOf(key: string): string {
  if (!key.includes('://')) return key
  try {
    return new URL(key).host || key
  } catch {
    return key
  }
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

/** HTTP status of an error from this package, ofetch, ky or got, if it has one. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { status, statusCode, response } = error as {
    status?: unknown
    statusCode?: unknown
    response?: { status?: unknown; statusCode?: unknown }
  }
  for (const candidate of [status, statusCode, response?.status, response?.statusCode]) {
    if (typeof candidate === 'number') return candidate
  }
  return undefined
}

function isRateLimit(error: Error): boolean {
  return error instanceof RateLimitedError || statusOf(error) === 429
}

/** Timeouts and network failures, found on the error or up to three causes deep. */
function isTransportFailure(error: unknown): boolean {
  let current = error
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { name, code } = current as { name?: unknown; code?: unknown }
    if (name === 'TimeoutError') return true
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** Default stale-if-error predicate: timeout, network error, 5xx and 429. */
export function defaultIsStaleIfError(error: Error): boolean {
  if (error instanceof HttpUnreachableError || isRateLimit(error)) return true
  const status = statusOf(error)
  if (status !== undefined) return status >= 500 && status <= 599
  return isTransportFailure(error)
}

function retryAfterOf(error: Error): number | undefined {
  const { retryAfterMs } = error as { retryAfterMs?: unknown }
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
    ? retryAfterMs
    : undefined
}

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function'
}

function checkArguments(key: unknown, ttlMs: unknown, fetcher: unknown): Error | undefined {
  if (typeof key !== 'string' || key === '') {
    return new TypeError(`key must be a non-empty string, got ${describe(key)}`)
  }
  if (typeof ttlMs !== 'number') {
    return new TypeError(`ttlMs must be a number, got ${describe(ttlMs)}`)
  }
  if (!(ttlMs > 0) || ttlMs === Number.POSITIVE_INFINITY) {
    return new RangeError(`ttlMs must be a finite number > 0, got ${String(ttlMs)}`)
  }
  if (typeof fetcher !== 'function') {
    return new TypeError(`fetcher must be a function, got ${describe(fetcher)}`)
  }
  return undefined
}

const seconds = (ms: number): string => `${Math.ceil(ms / 1000)} s`

/**
 * A keyed TTL cache in front of a rate-limited API: single-flight per key, a cool-down per scope
 * after a 429 (no fetcher is called while it lasts), stale values instead of transient errors,
 * and never a wait inside the cache: every call settles within its own fetch's time.
 */
export function createCache(options: CacheOptions = {}): Cache {
  const parsed = parseOptions(CacheOptionsSchema, options, 'createCache')
  const store = parsed.store ?? createMemoryStore()
  const now = parsed.now ?? Date.now
  const random = parsed.random ?? Math.random
  const scopeOf = parsed.scopeOf ?? defaultScopeOf
  const ladderMs = parsed.ladderMs ?? DEFAULT_LADDER_MS
  const jitterRatio = parsed.jitterRatio ?? DEFAULT_JITTER_RATIO
  const maxCooldownMs = parsed.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS
  const minCooldownMs = Math.min(parsed.minCooldownMs ?? DEFAULT_MIN_COOLDOWN_MS, maxCooldownMs)
  const isStaleIfError = parsed.isStaleIfError ?? defaultIsStaleIfError
  const lastStep = ladderMs.length - 1

  const loads = new Map<string, Load>()
  /** scope → `until` of cool-downs this process has opened or seen, for `stats().openCooldowns`. */
  const knownCooldowns = new Map<string, number>()
  const counters = {
    hits: 0,
    misses: 0,
    staleServed: 0,
    networkCalls: 0,
    coalesced: 0,
    rateLimited: 0,
    blockedByCooldown: 0,
  }

  const clampStep = (step: number): number =>
    Number.isInteger(step) ? Math.min(Math.max(step, 0), lastStep) : 0

  const staleResult = (entry: CacheEntry, at: number): CacheResult<unknown> => ({
    value: entry.value,
    stale: true,
    ageMs: Math.max(0, at - entry.storedAt),
    source: 'cache',
  })

  /** The scope's cool-down if open at `at`; one further away than the maximum is cut back. */
  async function stillOpen(
    scope: string,
    cooldown: Cooldown,
    at: number,
  ): Promise<Cooldown | undefined> {
    if (!(cooldown.until > at)) return undefined
    if (cooldown.until - at > maxCooldownMs) {
      // A clock that jumped back (or another process's clock) must not block a scope for longer.
      const cut = { until: at + maxCooldownMs, step: clampStep(cooldown.step) }
      await store.setCooldown(scope, cut)
      knownCooldowns.set(scope, cut.until)
      return cut
    }
    knownCooldowns.set(scope, cooldown.until)
    return cooldown
  }

  /** Opens (or extends) the scope's cool-down after a 429; returns when it ends. */
  async function openCooldown(scope: string, retryAfterMs: number | undefined): Promise<number> {
    const at = now()
    const current = await store.getCooldown(scope)
    const step = current === undefined ? 0 : clampStep(current.step)
    const alreadyOpen = current !== undefined && current.until > at
    let until: number
    if (retryAfterMs !== undefined) {
      until = at + Math.min(Math.max(retryAfterMs, minCooldownMs), maxCooldownMs)
      if (alreadyOpen) until = Math.max(until, Math.min(current.until, at + maxCooldownMs))
    } else if (alreadyOpen) {
      // This request left before the scope's cool-down opened: the pool has already been
      // backed off from, so the ladder does not climb twice for one burst.
      return Math.min(current.until, at + maxCooldownMs)
    } else {
      const draw = random()
      const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0.5
      const base = ladderMs[step] ?? DEFAULT_LADDER_MS[0] ?? 5000
      until = at + Math.min(Math.round(base * (1 + jitterRatio * (2 * unit - 1))), maxCooldownMs)
    }
    const nextStep = alreadyOpen ? step : Math.min(step + 1, lastStep)
    await store.setCooldown(scope, { until, step: nextStep })
    knownCooldowns.set(scope, until)
    return until
  }

  async function failed(
    thrown: unknown,
    scope: string,
    entry: CacheEntry | undefined,
  ): Promise<CacheResult<unknown>> {
    const error = toError(thrown)
    if (isRateLimit(error)) {
      counters.rateLimited++
      const until = await openCooldown(scope, retryAfterOf(error))
      if (entry !== undefined && isStaleIfError(error)) return staleResult(entry, now())
      const waitMs = Math.max(0, until - now())
      const http = error instanceof HttpError ? error : undefined
      // The fetcher's message names the request (our client's never holds headers).
      throw new RateLimitedError(`${error.message} (cooling down for ${seconds(waitMs)})`, {
        retryAfterMs: waitMs,
        cause: error,
        body: http?.body,
        method: http?.method,
        path: http?.path,
      })
    }
    if (entry !== undefined && isStaleIfError(error)) return staleResult(entry, now())
    throw error
  }

  async function load(
    key: string,
    entry: CacheEntry | undefined,
    fetcher: () => Promise<unknown>,
    control: LoadControl,
  ): Promise<CacheResult<unknown>> {
    const scope = scopeOf(key)
    const startedAt = now()
    const cooldown = await store.getCooldown(scope)
    const open = cooldown === undefined ? undefined : await stillOpen(scope, cooldown, startedAt)
    if (open !== undefined) {
      counters.blockedByCooldown++
      if (entry !== undefined) return staleResult(entry, startedAt)
      const waitMs = open.until - startedAt
      throw new RateLimitedError(`Rate limited: cooling down for another ${seconds(waitMs)}`, {
        retryAfterMs: waitMs,
      })
    }
    counters.networkCalls++
    let value: unknown
    try {
      value = await fetcher()
    } catch (thrown) {
      return failed(thrown, scope, entry)
    }
    const storedAt = now()
    if (!control.detached) await store.set(key, { value, storedAt })
    if (cooldown !== undefined) {
      // The scope had cooled down before; success resets its ladder, unless a 429 from a
      // concurrent request opened a new cool-down meanwhile.
      const current = await store.getCooldown(scope)
      if (current !== undefined && !(current.until > now())) {
        await store.setCooldown(scope, undefined)
        knownCooldowns.delete(scope)
      }
    }
    return { value, stale: false, ageMs: 0, source: 'network' }
  }

  function afterLookup(
    key: string,
    ttlMs: number,
    fetcher: () => Promise<unknown>,
    entry: CacheEntry | undefined,
  ): CacheResult<unknown> | Promise<CacheResult<unknown>> {
    if (entry !== undefined) {
      const ageMs = now() - entry.storedAt
      if (ageMs < ttlMs) {
        counters.hits++
        return { value: entry.value, stale: false, ageMs: Math.max(0, ageMs), source: 'cache' }
      }
    }
    const running = loads.get(key)
    if (running !== undefined) {
      counters.coalesced++
      return running.promise
    }
    counters.misses++
    const control: LoadControl = { detached: false }
    const started: Load = { promise: load(key, entry, fetcher, control), control }
    loads.set(key, started)
    const forget = () => {
      if (loads.get(key) === started) loads.delete(key)
    }
    started.promise.then(forget, forget)
    return started.promise
  }

  const countStale = <R extends CacheResult<unknown>>(result: R): R => {
    if (result.stale) counters.staleServed++
    return result
  }

  function getWithMeta<T>(
    key: string,
    ttlMs: number,
    fetcher: () => Promise<T>,
  ): Promise<CacheResult<T>> {
    const invalid = checkArguments(key, ttlMs, fetcher)
    if (invalid !== undefined) return Promise.reject(invalid)
    const found = store.get(key)
    const result = isPromiseLike(found)
      ? found.then((entry) => afterLookup(key, ttlMs, fetcher, entry))
      : afterLookup(key, ttlMs, fetcher, found)
    if (!isPromiseLike(result)) return Promise.resolve(result as CacheResult<T>)
    // A copy per caller: coalesced callers must not share one mutable object.
    return result.then((shared) => ({ ...countStale(shared) }) as CacheResult<T>)
  }

  function get<T>(key: string, ttlMs: number, fetcher: () => Promise<T>): Promise<T> {
    const invalid = checkArguments(key, ttlMs, fetcher)
    if (invalid !== undefined) return Promise.reject(invalid)
    const found = store.get(key)
    if (!isPromiseLike(found) && found !== undefined && now() - found.storedAt < ttlMs) {
      // The hot path: a fresh hit from a synchronous store, one promise and nothing else.
      counters.hits++
      return Promise.resolve(found.value as T)
    }
    const result = isPromiseLike(found)
      ? found.then((entry) => afterLookup(key, ttlMs, fetcher, entry))
      : afterLookup(key, ttlMs, fetcher, found)
    if (!isPromiseLike(result)) return Promise.resolve(result.value as T)
    return result.then((shared) => countStale(shared).value as T)
  }

  async function invalidate(keyOrPrefix?: string): Promise<void> {
    if (keyOrPrefix !== undefined && (typeof keyOrPrefix !== 'string' || keyOrPrefix === '')) {
      throw new TypeError(
        `keyOrPrefix must be a non-empty string or omitted, got ${describe(keyOrPrefix)}`,
      )
    }
    for (const [key, running] of loads) {
      if (keyOrPrefix === undefined || key.startsWith(keyOrPrefix)) {
        running.control.detached = true
        loads.delete(key)
      }
    }
    await store.delete(keyOrPrefix)
  }

  function stats(): CacheStats {
    const at = now()
    for (const [scope, until] of knownCooldowns) {
      if (!(until > at)) knownCooldowns.delete(scope)
    }
    return { ...counters, openCooldowns: knownCooldowns.size }
  }

  return { get, getWithMeta, invalidate, stats }
}
