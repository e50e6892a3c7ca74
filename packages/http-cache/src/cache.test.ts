import { describe, expect, it, vi } from 'vitest'
import { createCache } from './cache.ts'
import { HttpResponseError, HttpUnreachableError, RateLimitedError } from './errors.ts'
import { type CacheStore, createMemoryStore } from './store.ts'

const T0 = 1_700_000_000_000
const POOL = 'https://pool.example'
const KEY = `${POOL}/accounts/profile`
const OTHER_KEY = `${POOL}/accounts/workers`

/** A fake clock, a pinned random (0.5 → no jitter) and a cache built on them. */
function setup(options: Parameters<typeof createCache>[0] = {}) {
  const clock = { t: T0 }
  const store = options.store ?? createMemoryStore()
  const cache = createCache({ now: () => clock.t, random: () => 0.5, ...options, store })
  return { clock, store, cache }
}

function deferred<T>() {
  let resolve: (value: T) => void = () => {}
  let reject: (error: unknown) => void = () => {}
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const rateLimited = (retryAfterMs?: number) =>
  new RateLimitedError('HTTP 429', { retryAfterMs: retryAfterMs })

/** Settles `promise` or reports 'pending' if it is still pending after the next macrotask. */
async function settledBeforeNextMacrotask(promise: Promise<unknown>): Promise<boolean> {
  const macrotask = new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))
  const outcome = await Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    macrotask,
  ])
  return outcome === 'settled'
}

describe('fresh hits', () => {
  it('returns the stored value without calling the fetcher until the TTL has passed', async () => {
    const { clock, cache } = setup()
    const fetcher = vi.fn(async () => ({ hashrate: 100 }))
    expect(await cache.get(KEY, 60_000, fetcher)).toEqual({ hashrate: 100 })
    clock.t += 59_999
    expect(await cache.get(KEY, 60_000, fetcher)).toEqual({ hashrate: 100 })
    expect(fetcher).toHaveBeenCalledTimes(1)
    clock.t += 1
    await cache.get(KEY, 60_000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(2)
  })

  it('applies each call its own TTL to the same stored value', async () => {
    const { clock, cache } = setup()
    const fetcher = vi.fn(async () => 'v')
    await cache.get(KEY, 600_000, fetcher)
    clock.t += 120_000
    await cache.get(KEY, 600_000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(1)
    await cache.get(KEY, 60_000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(2)
  })

  it('reports value metadata: network, then cached with its age', async () => {
    const { clock, cache } = setup()
    const fetcher = async () => 42
    expect(await cache.getWithMeta(KEY, 60_000, fetcher)).toEqual({
      value: 42,
      stale: false,
      ageMs: 0,
      source: 'network',
    })
    clock.t += 7_000
    expect(await cache.getWithMeta(KEY, 60_000, fetcher)).toEqual({
      value: 42,
      stale: false,
      ageMs: 7_000,
      source: 'cache',
    })
  })

  it('caches falsy values such as null, 0 and an empty list', async () => {
    const { cache } = setup()
    for (const [key, value] of [
      ['a', null],
      ['b', 0],
      ['c', []],
    ] as const) {
      const fetcher = vi.fn(async () => value)
      await cache.get(key, 1000, fetcher)
      expect(await cache.get(key, 1000, fetcher)).toEqual(value)
      expect(fetcher).toHaveBeenCalledTimes(1)
    }
  })
})

describe('single-flight', () => {
  it('100 concurrent cold gets make exactly 1 fetcher call and share its result', async () => {
    const { cache } = setup()
    const gate = deferred<{ n: number }>()
    const fetcher = vi.fn(() => gate.promise)
    const calls = Array.from({ length: 100 }, () => cache.get(KEY, 60_000, fetcher))
    gate.resolve({ n: 1 })
    const results = await Promise.all(calls)
    expect(fetcher).toHaveBeenCalledTimes(1)
    expect(results.every((result) => result === results[0])).toBe(true)
    expect(results[0]).toEqual({ n: 1 })
    expect(cache.stats()).toMatchObject({ misses: 1, coalesced: 99, networkCalls: 1 })
  })

  it('100 concurrent cold gets share one error too, and the next call fetches again', async () => {
    const { cache } = setup()
    const boom = new HttpResponseError('GET /x failed: HTTP 404', { status: 404 })
    const fetcher = vi.fn(async () => {
      throw boom
    })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, () => cache.get(KEY, 60_000, fetcher)),
    )
    expect(fetcher).toHaveBeenCalledTimes(1)
    for (const outcome of outcomes) expect(outcome).toEqual({ status: 'rejected', reason: boom })
    await expect(cache.get(KEY, 60_000, fetcher)).rejects.toBe(boom)
    expect(fetcher).toHaveBeenCalledTimes(2)
  })

  it('keeps keys apart: different keys fetch separately', async () => {
    const { cache } = setup()
    const fetcher = vi.fn(async () => 1)
    await Promise.all([cache.get(KEY, 1000, fetcher), cache.get(OTHER_KEY, 1000, fetcher)])
    expect(fetcher).toHaveBeenCalledTimes(2)
  })

  it('gives each getWithMeta caller its own result object', async () => {
    const { cache } = setup()
    const [a, b] = await Promise.all([
      cache.getWithMeta(KEY, 1000, async () => 1),
      cache.getWithMeta(KEY, 1000, async () => 2),
    ])
    expect(a).toEqual(b)
    expect(a).not.toBe(b)
  })
})

describe('failures never replace good values', () => {
  it('keeps the good value when a later fetch fails with an error that propagates', async () => {
    const { clock, store, cache } = setup()
    await cache.get(KEY, 60_000, async () => ({ balance: 12345 }))
    clock.t += 61_000
    const notFound = new HttpResponseError('GET /x failed: HTTP 404', { status: 404 })
    await expect(
      cache.get(KEY, 60_000, async () => {
        throw notFound
      }),
    ).rejects.toBe(notFound)
    expect(store.get(KEY)).toEqual({ value: { balance: 12345 }, storedAt: T0 })
    const served = await cache.getWithMeta(KEY, 60_000, async () => {
      throw new HttpUnreachableError('down', { reason: 'server', status: 503 })
    })
    expect(served).toEqual({
      value: { balance: 12345 },
      stale: true,
      ageMs: 61_000,
      source: 'cache',
    })
  })

  it('a fetcher throwing a non-Error value still gives the caller an Error', async () => {
    const { cache } = setup()
    const rejection = cache.get(KEY, 1000, () => Promise.reject('boom'))
    await expect(rejection).rejects.toBeInstanceOf(Error)
    await expect(rejection).rejects.toMatchObject({ cause: 'boom' })
    await expect(
      cache.get(OTHER_KEY, 1000, () => {
        throw undefined
      }),
    ).rejects.toBeInstanceOf(Error)
  })
})

describe('cool-down after a 429', () => {
  it('Retry-After 30 s: zero fetcher calls for 30 s of fake time, then one', async () => {
    const { clock, cache } = setup()
    const fetcher = vi.fn(async () => 'fresh')
    await expect(cache.get(KEY, 60_000, () => Promise.reject(rateLimited(30_000)))).rejects.toThrow(
      RateLimitedError,
    )
    for (let elapsed = 0; elapsed < 30_000; elapsed += 500) {
      clock.t = T0 + elapsed
      await expect(cache.get(KEY, 60_000, fetcher)).rejects.toThrow(RateLimitedError)
      await expect(cache.get(OTHER_KEY, 60_000, fetcher)).rejects.toThrow(RateLimitedError)
    }
    clock.t = T0 + 29_999
    await expect(cache.get(KEY, 60_000, fetcher)).rejects.toThrow(RateLimitedError)
    expect(fetcher).not.toHaveBeenCalled()
    clock.t = T0 + 30_000
    expect(await cache.get(KEY, 60_000, fetcher)).toBe('fresh')
    expect(fetcher).toHaveBeenCalledTimes(1)
  })

  it('a cold key during the cool-down gets RateLimitedError at once with the remaining wait', async () => {
    const { clock, cache } = setup()
    await cache.get(KEY, 60_000, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    clock.t = T0 + 12_000
    const fetcher = vi.fn(async () => 'x')
    const call = cache.get(OTHER_KEY, 60_000, fetcher)
    expect(await settledBeforeNextMacrotask(call)).toBe(true)
    const error = await call.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RateLimitedError)
    expect(error).toMatchObject({ status: 429, retryAfterMs: 18_000 })
    expect(fetcher).not.toHaveBeenCalled()
  })

  it('the caller that hit the 429 with nothing cached gets RateLimitedError with the full wait', async () => {
    const { cache } = setup()
    const original = rateLimited(30_000)
    const error = await cache.get(KEY, 1000, () => Promise.reject(original)).catch((e) => e)
    expect(error).toBeInstanceOf(RateLimitedError)
    expect(error).toMatchObject({ retryAfterMs: 30_000, cause: original })
  })

  it('serves a cached value (even past its TTL) stale, in the same tick, without fetching', async () => {
    const { clock, cache } = setup()
    await cache.get(KEY, 60_000, async () => ({ hashrate: 100 }))
    clock.t = T0 + 120_000
    await cache.get(OTHER_KEY, 60_000, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    clock.t = T0 + 125_000
    const fetcher = vi.fn(async () => ({ hashrate: 1 }))
    const call = cache.getWithMeta(KEY, 60_000, fetcher)
    expect(await settledBeforeNextMacrotask(call)).toBe(true)
    expect(await call).toEqual({
      value: { hashrate: 100 },
      stale: true,
      ageMs: 125_000,
      source: 'cache',
    })
    expect(fetcher).not.toHaveBeenCalled()
  })

  it('the caller that hit the 429 gets the cached value stale instead of the error', async () => {
    const { clock, cache } = setup()
    await cache.get(KEY, 60_000, async () => 'good')
    clock.t += 60_000
    const served = await cache.getWithMeta(KEY, 60_000, () => Promise.reject(rateLimited(30_000)))
    expect(served).toMatchObject({ value: 'good', stale: true, ageMs: 60_000 })
  })

  it('recognises any error whose status is 429 as a rate limit', async () => {
    const { clock, cache } = setup()
    const generic = Object.assign(new Error('Too Many Requests'), { status: 429 })
    await cache.get(KEY, 1000, () => Promise.reject(generic)).catch(() => {})
    clock.t += 4_999
    const fetcher = vi.fn(async () => 1)
    await expect(cache.get(KEY, 1000, fetcher)).rejects.toThrow(RateLimitedError)
    expect(fetcher).not.toHaveBeenCalled()
  })

  it('cools down the whole host, not other hosts; scopeOf can change that', async () => {
    const { cache } = setup()
    await cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    const fetcher = vi.fn(async () => 'ok')
    await expect(cache.get(`${POOL}/other?x=1`, 1000, fetcher)).rejects.toThrow(RateLimitedError)
    expect(await cache.get('https://api.other.example/v1/x', 1000, fetcher)).toBe('ok')
    expect(await cache.get('not a url', 1000, fetcher)).toBe('ok')

    const perToken = setup({ scopeOf: (key) => key.split('|')[0] ?? key }).cache
    await perToken.get('tokenA|/x', 1000, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    await expect(perToken.get('tokenA|/y', 1000, fetcher)).rejects.toThrow(RateLimitedError)
    expect(await perToken.get('tokenB|/x', 1000, fetcher)).toBe('ok')
  })

  it('never jitters a server Retry-After', async () => {
    for (const draw of [0, 0.999_999]) {
      const { clock, cache } = setup({ random: () => draw })
      await cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000))).catch(() => {})
      const fetcher = vi.fn(async () => 1)
      clock.t = T0 + 29_999
      await expect(cache.get(KEY, 1000, fetcher)).rejects.toMatchObject({ retryAfterMs: 1 })
      clock.t = T0 + 30_000
      await cache.get(KEY, 1000, fetcher)
      expect(fetcher).toHaveBeenCalledTimes(1)
    }
  })

  it('clamps a Retry-After years away to maxCooldownMs (default 10 min)', async () => {
    const { clock, cache } = setup()
    const yearsMs = 5 * 365 * 24 * 3600 * 1000
    const error = await cache
      .get(KEY, 1000, () => Promise.reject(rateLimited(yearsMs)))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ retryAfterMs: 600_000 })
    const fetcher = vi.fn(async () => 1)
    clock.t = T0 + 599_999
    await expect(cache.get(KEY, 1000, fetcher)).rejects.toThrow(RateLimitedError)
    clock.t = T0 + 600_000
    await cache.get(KEY, 1000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(1)
  })

  it('honours a custom maxCooldownMs', async () => {
    const { clock, cache } = setup({ maxCooldownMs: 20_000 })
    await cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    clock.t = T0 + 20_000
    expect(await cache.get(KEY, 1000, async () => 'ok')).toBe('ok')
  })

  it('raises Retry-After 0 (or a date in the past) to minCooldownMs (default 1 s), no tight loop', async () => {
    const { clock, cache } = setup()
    await cache.get(KEY, 1000, () => Promise.reject(rateLimited(0))).catch(() => {})
    const fetcher = vi.fn(async () => 1)
    clock.t = T0 + 999
    await expect(cache.get(KEY, 1000, fetcher)).rejects.toThrow(RateLimitedError)
    clock.t = T0 + 1_000
    await cache.get(KEY, 1000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(1)
  })

  it('ignores a negative or non-finite retryAfterMs and uses the ladder', async () => {
    for (const bad of [-5_000, Number.NaN, Number.POSITIVE_INFINITY]) {
      const { clock, cache } = setup()
      await cache.get(KEY, 1000, () => Promise.reject(rateLimited(bad))).catch(() => {})
      const fetcher = vi.fn(async () => 1)
      clock.t = T0 + 4_999
      await expect(cache.get(KEY, 1000, fetcher)).rejects.toThrow(RateLimitedError)
      clock.t = T0 + 5_000
      await cache.get(KEY, 1000, fetcher)
      expect(fetcher).toHaveBeenCalledTimes(1)
    }
  })

  it('parks nobody: the cache never schedules a timer, a call settles with its fetch', async () => {
    vi.useFakeTimers()
    try {
      const { cache } = setup()
      const call = cache.get(KEY, 1000, () => Promise.reject(rateLimited(80_000)))
      await expect(call).rejects.toThrow(RateLimitedError)
      await expect(cache.get(KEY, 1000, async () => 1)).rejects.toThrow(RateLimitedError)
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('ladder without Retry-After', () => {
  /** Makes the scope return 429 now and finds how long the cool-down lasts, to the ms. */
  async function cooldownAfter429(
    { clock, cache }: ReturnType<typeof setup>,
    key = KEY,
  ): Promise<number> {
    const start = clock.t
    await cache.get(key, 1, () => Promise.reject(rateLimited())).catch(() => {})
    const error = await cache.get(key, 1, async () => 'never').catch((e: RateLimitedError) => e)
    if (!(error instanceof RateLimitedError) || error.retryAfterMs === undefined) {
      throw new Error('expected an open cool-down')
    }
    clock.t = start + error.retryAfterMs
    return error.retryAfterMs
  }

  it('climbs 5, 10, 20, 40, 80 s, stays at 80 s, and a success resets it to 5 s', async () => {
    const ctx = setup()
    const seen: number[] = []
    for (let i = 0; i < 6; i++) seen.push(await cooldownAfter429(ctx))
    expect(seen).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 80_000])
    const fetcher = vi.fn(async () => 'ok')
    expect(await ctx.cache.get(OTHER_KEY, 1, fetcher)).toBe('ok')
    expect(fetcher).toHaveBeenCalledTimes(1)
    expect(await cooldownAfter429(ctx)).toBe(5_000)
    expect(await cooldownAfter429(ctx)).toBe(10_000)
  })

  it('no fetcher runs before each ladder step ends', async () => {
    const ctx = setup()
    await ctx.cache.get(KEY, 1, () => Promise.reject(rateLimited())).catch(() => {})
    const fetcher = vi.fn(async () => 'ok')
    ctx.clock.t = T0 + 4_999
    await expect(ctx.cache.get(KEY, 1, fetcher)).rejects.toThrow(RateLimitedError)
    ctx.clock.t = T0 + 5_000
    await ctx.cache.get(KEY, 1, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(1)
  })

  it('jitters each step within ±20 %', async () => {
    const low = setup({ random: () => 0 })
    expect(await cooldownAfter429(low)).toBe(4_000)
    expect(await cooldownAfter429(low)).toBe(8_000)
    const high = setup({ random: () => 0.75 })
    expect(await cooldownAfter429(high)).toBe(5_500)
    expect(await cooldownAfter429(high)).toBe(11_000)
  })

  it('uses a custom ladder and jitter ratio', async () => {
    const ctx = setup({ ladderMs: [1_000, 3_000], jitterRatio: 0.5, random: () => 1 })
    expect(await cooldownAfter429(ctx)).toBe(1_500)
    expect(await cooldownAfter429(ctx)).toBe(4_500)
    expect(await cooldownAfter429(ctx)).toBe(4_500)
  })

  it('a Retry-After 429 also climbs the ladder for the next header-less 429', async () => {
    const ctx = setup()
    await ctx.cache.get(KEY, 1, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    ctx.clock.t = T0 + 30_000
    expect(await cooldownAfter429(ctx)).toBe(10_000)
  })

  it('concurrent 429s from one burst climb the ladder once', async () => {
    const ctx = setup()
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()]
    const calls = gates.map((gate, i) =>
      ctx.cache.get(`${POOL}/part/${i}`, 1, () => gate.promise).catch(() => {}),
    )
    await Promise.resolve()
    // Each 429 lands after the previous one has opened the cool-down.
    for (const [i, gate] of gates.entries()) {
      gate.reject(rateLimited())
      await calls[i]
    }
    expect(await ctx.cache.get(KEY, 1, async () => 1).catch((e) => e)).toMatchObject({
      retryAfterMs: 5_000,
    })
    ctx.clock.t = T0 + 5_000
    expect(await cooldownAfter429(ctx)).toBe(10_000)
  })

  it('a success from a request sent before a concurrent 429 does not end the cool-down', async () => {
    const ctx = setup()
    // An old cool-down record makes the success path consider a ladder reset.
    expect(await cooldownAfter429(ctx)).toBe(5_000)
    const slow = deferred<string>()
    const slowCall = ctx.cache.get(OTHER_KEY, 1, () => slow.promise)
    await Promise.resolve()
    await ctx.cache.get(KEY, 1, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    slow.resolve('late success')
    expect(await slowCall).toBe('late success')
    const fetcher = vi.fn(async () => 1)
    await expect(ctx.cache.get(KEY, 1, fetcher)).rejects.toThrow(RateLimitedError)
    expect(fetcher).not.toHaveBeenCalled()
  })
})

describe('stale-on-error', () => {
  const transient: Array<[string, () => Error]> = [
    ['5xx', () => new HttpUnreachableError('HTTP 503', { status: 503, reason: 'server' })],
    ['timeout', () => new HttpUnreachableError('timed out', { reason: 'timeout' })],
    ['network', () => new HttpUnreachableError('ECONNREFUSED', { reason: 'network' })],
    ['generic 502', () => Object.assign(new Error('bad gateway'), { statusCode: 502 })],
    ['TimeoutError', () => Object.assign(new Error('timeout'), { name: 'TimeoutError' })],
    [
      'fetch failed (ECONNRESET)',
      () =>
        new TypeError('fetch failed', {
          cause: Object.assign(new Error(), { code: 'ECONNRESET' }),
        }),
    ],
    ['429', () => rateLimited(30_000)],
  ]

  it.each(transient)('serves the cached value stale on %s', async (_name, makeError) => {
    const { clock, cache } = setup()
    await cache.get(KEY, 60_000, async () => 'good')
    clock.t += 90_000
    const served = await cache.getWithMeta(KEY, 60_000, () => Promise.reject(makeError()))
    expect(served).toEqual({ value: 'good', stale: true, ageMs: 90_000, source: 'cache' })
    expect(cache.stats().staleServed).toBe(1)
  })

  it.each(transient)('propagates %s when nothing is cached', async (_name, makeError) => {
    const { cache } = setup()
    const error = makeError()
    const caught = await cache.get(KEY, 60_000, () => Promise.reject(error)).catch((e) => e)
    if (error instanceof RateLimitedError) expect(caught).toMatchObject({ cause: error })
    else expect(caught).toBe(error)
  })

  it('propagates errors outside the predicate (4xx, auth, plain errors) even with a cached value', async () => {
    const { clock, cache } = setup()
    await cache.get(KEY, 1000, async () => 'good')
    clock.t += 2000
    for (const error of [
      new HttpResponseError('HTTP 404', { status: 404 }),
      Object.assign(new Error('forbidden'), { status: 403 }),
      new Error('bug in the adapter'),
    ]) {
      await expect(cache.get(KEY, 1000, () => Promise.reject(error))).rejects.toBe(error)
    }
  })

  it('uses a custom isStaleIfError predicate', async () => {
    const { clock, cache } = setup({ isStaleIfError: (error) => error.message === 'flaky' })
    await cache.get(KEY, 1000, async () => 'good')
    clock.t += 2000
    expect(await cache.get(KEY, 1000, () => Promise.reject(new Error('flaky')))).toBe('good')
    const unavailable = new HttpUnreachableError('HTTP 503', { status: 503, reason: 'server' })
    await expect(cache.get(KEY, 1000, () => Promise.reject(unavailable))).rejects.toBe(unavailable)
  })

  it('a predicate excluding 429 makes the 429 caller get the error, but the cool-down still serves stale', async () => {
    const { clock, cache } = setup({ isStaleIfError: () => false })
    await cache.get(KEY, 1000, async () => 'good')
    clock.t += 2000
    await expect(cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000)))).rejects.toThrow(
      RateLimitedError,
    )
    expect(await cache.getWithMeta(KEY, 1000, async () => 'new')).toMatchObject({
      value: 'good',
      stale: true,
    })
  })
})

describe('invalidate', () => {
  it('forgets one key, a prefix, or everything', async () => {
    const { cache } = setup()
    const fetcher = vi.fn(async () => 1)
    const keys = [`${POOL}/a/1`, `${POOL}/a/2`, `${POOL}/b/1`, 'https://other.example/x']
    for (const key of keys) await cache.get(key, 60_000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(4)

    await cache.invalidate(`${POOL}/a/1`)
    for (const key of keys) await cache.get(key, 60_000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(5)

    await cache.invalidate(`${POOL}/`)
    for (const key of keys) await cache.get(key, 60_000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(8)

    await cache.invalidate()
    for (const key of keys) await cache.get(key, 60_000, fetcher)
    expect(fetcher).toHaveBeenCalledTimes(12)
  })

  it('a fetch in flight during invalidate does not store its result; new callers fetch anew', async () => {
    const { store, cache } = setup()
    const old = deferred<string>()
    const before = cache.get(KEY, 60_000, () => old.promise)
    await cache.invalidate(KEY)
    const after = cache.get(KEY, 60_000, async () => 'new config')
    old.resolve('old config')
    expect(await before).toBe('old config')
    expect(await after).toBe('new config')
    expect(store.get(KEY)).toMatchObject({ value: 'new config' })
  })

  it('does not end a cool-down (the server still throttles)', async () => {
    const { cache } = setup()
    await cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000))).catch(() => {})
    await cache.invalidate()
    await expect(cache.get(KEY, 1000, async () => 1)).rejects.toThrow(RateLimitedError)
  })

  it('rejects an empty prefix instead of silently wiping everything', async () => {
    const { cache } = setup()
    await expect(cache.invalidate('')).rejects.toThrow(TypeError)
  })
})

describe('stats', () => {
  it('counts hits, misses, stale served, network calls, coalesced, 429s and open cool-downs', async () => {
    const { clock, cache } = setup()
    expect(cache.stats()).toEqual({
      hits: 0,
      misses: 0,
      staleServed: 0,
      networkCalls: 0,
      coalesced: 0,
      rateLimited: 0,
      blockedByCooldown: 0,
      openCooldowns: 0,
    })
    await Promise.all([cache.get(KEY, 1000, async () => 1), cache.get(KEY, 1000, async () => 1)])
    await cache.get(KEY, 1000, async () => 1)
    clock.t += 1000
    await cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000)))
    await cache.get(KEY, 1000, async () => 1)
    await cache.get(OTHER_KEY, 1000, async () => 1).catch(() => {})
    await cache
      .get('https://quiet.example/x', 1000, () => Promise.reject(rateLimited()))
      .catch(() => {})
    expect(cache.stats()).toEqual({
      hits: 1,
      misses: 5,
      staleServed: 2,
      networkCalls: 3,
      coalesced: 1,
      rateLimited: 2,
      blockedByCooldown: 2,
      openCooldowns: 2,
    })
    clock.t += 6_000
    expect(cache.stats().openCooldowns).toBe(1)
    clock.t += 30_000
    expect(cache.stats().openCooldowns).toBe(0)
  })
})

describe('bad input', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects ttlMs %s with a RangeError naming it',
    async (ttlMs) => {
      const { cache } = setup()
      const fetcher = vi.fn(async () => 1)
      await expect(cache.get(KEY, ttlMs, fetcher)).rejects.toThrow(RangeError)
      await expect(cache.getWithMeta(KEY, ttlMs, fetcher)).rejects.toThrow(
        `ttlMs must be a finite number > 0, got ${String(ttlMs)}`,
      )
      expect(fetcher).not.toHaveBeenCalled()
    },
  )

  it('rejects an empty or non-string key, a non-number TTL and a missing fetcher', async () => {
    const { cache } = setup()
    const fetcher = async () => 1
    await expect(cache.get('', 1000, fetcher)).rejects.toThrow(
      new TypeError('key must be a non-empty string, got ""'),
    )
    await expect(cache.get(undefined as unknown as string, 1000, fetcher)).rejects.toThrow(
      TypeError,
    )
    await expect(cache.get(KEY, '1000' as unknown as number, fetcher)).rejects.toThrow(
      'ttlMs must be a number, got "1000"',
    )
    await expect(
      cache.get(KEY, 1000, undefined as unknown as () => Promise<number>),
    ).rejects.toThrow('fetcher must be a function, got undefined')
  })

  it.each([
    [{ ladderMs: [] }, 'options.ladderMs'],
    [{ ladderMs: [5000, -1] }, 'options.ladderMs.1'],
    [{ jitterRatio: 1 }, 'options.jitterRatio'],
    [{ jitterRatio: -0.1 }, 'options.jitterRatio'],
    [{ maxCooldownMs: 0 }, 'options.maxCooldownMs'],
    [{ maxCooldownMs: Number.NaN }, 'options.maxCooldownMs'],
    [{ now: 5 }, 'options.now'],
    [{ store: {} }, 'options.store'],
    [{ ttlMs: 5 }, 'options'],
  ])('createCache(%o) throws a TypeError naming %s', (options, field) => {
    expect(() => createCache(options as never)).toThrow(TypeError)
    expect(() => createCache(options as never)).toThrow(`createCache: invalid ${field}`)
  })
})

describe('store interface', () => {
  /** The memory store behind promises, as a SQLite or Redis store would answer. */
  function asyncStore(inner: CacheStore = createMemoryStore()): CacheStore {
    return {
      get: async (key) => inner.get(key),
      set: async (key, entry) => inner.set(key, entry),
      delete: async (prefix) => inner.delete(prefix),
      getCooldown: async (scope) => inner.getCooldown(scope),
      setCooldown: async (scope, cooldown) => inner.setCooldown(scope, cooldown),
    }
  }

  it('keeps single-flight, fresh hits and stale serving with an asynchronous store', async () => {
    const { clock, cache } = setup({ store: asyncStore() })
    const fetcher = vi.fn(async () => 'v')
    const results = await Promise.all(
      Array.from({ length: 100 }, () => cache.get(KEY, 1000, fetcher)),
    )
    expect(results).toEqual(Array(100).fill('v'))
    expect(await cache.getWithMeta(KEY, 1000, fetcher)).toMatchObject({ source: 'cache' })
    expect(fetcher).toHaveBeenCalledTimes(1)
    clock.t += 5000
    await cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000)))
    expect(await cache.getWithMeta(KEY, 1000, fetcher)).toMatchObject({ value: 'v', stale: true })
  })

  it('a cool-down written by one cache blocks another cache sharing the store (two processes)', async () => {
    const shared = createMemoryStore()
    const api = setup({ store: asyncStore(shared) })
    const cli = setup({ store: asyncStore(shared) })
    await api.cache.get(KEY, 1000, async () => 'from api')
    api.clock.t += 2000
    cli.clock.t += 2000
    await api.cache.get(KEY, 1000, () => Promise.reject(rateLimited(30_000)))
    const fetcher = vi.fn(async () => 'from cli')
    expect(await cli.cache.getWithMeta(KEY, 1000, fetcher)).toMatchObject({
      value: 'from api',
      stale: true,
    })
    await expect(cli.cache.get(OTHER_KEY, 1000, fetcher)).rejects.toMatchObject({
      retryAfterMs: 30_000,
    })
    expect(fetcher).not.toHaveBeenCalled()
    expect(cli.cache.stats().openCooldowns).toBe(1)
  })

  it('cuts back a stored cool-down further away than maxCooldownMs (clock jumped back)', async () => {
    const { clock, store, cache } = setup()
    await store.setCooldown('pool.example', { until: T0 + 86_400_000, step: 2 })
    await expect(cache.get(KEY, 1000, async () => 1)).rejects.toMatchObject({
      retryAfterMs: 600_000,
    })
    clock.t = T0 + 600_000
    expect(await cache.get(KEY, 1000, async () => 'back')).toBe('back')
  })

  it('the memory store deletes by exact key or prefix', () => {
    const store = createMemoryStore()
    store.set('a:1', { value: 1, storedAt: 0 })
    store.set('a:2', { value: 2, storedAt: 0 })
    store.set('b:1', { value: 3, storedAt: 0 })
    store.delete('a:1')
    expect(store.get('a:1')).toBeUndefined()
    expect(store.get('a:2')).toBeDefined()
    store.delete('a:')
    expect(store.get('a:2')).toBeUndefined()
    store.delete()
    expect(store.get('b:1')).toBeUndefined()
    store.setCooldown('s', { until: 1, step: 1 })
    expect(store.getCooldown('s')).toEqual({ until: 1, step: 1 })
    store.setCooldown('s', undefined)
    expect(store.getCooldown('s')).toBeUndefined()
  })
})
