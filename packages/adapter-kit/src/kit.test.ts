import {
  type Freshness,
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  apiBaseUrlField,
  type CacheWithMeta,
  configJsonSchema,
  createPoolFetcher,
  lastBuiltFrom,
  NumberLikeSchema,
  parseResponse,
  requestTimeoutSecondsField,
  toPoolError,
} from './index'

function httpError(name: string, fields: Record<string, unknown>) {
  return Object.assign(new Error(`${name} GET /v1/statsnap`), { name, ...fields })
}

describe('toPoolError', () => {
  it('maps a 429 to rate-limited, rounding the wait up to whole seconds', () => {
    const error = toPoolError(
      httpError('RateLimitedError', { status: 429, retryAfterMs: 29_200 }),
      'Ocean',
    )
    expect(error).toBeInstanceOf(MiningPoolRateLimitedError)
    expect((error as MiningPoolRateLimitedError).retry_after_seconds).toBe(30)
    expect((error as Error).message).toMatch(/^Ocean rate-limited/)
  })

  it('maps 401/403 to auth, 5xx/timeouts/network to unreachable, other 4xx to bad response', () => {
    expect(toPoolError(httpError('HttpAuthError', { status: 403 }), 'Braiins Pool')).toBeInstanceOf(
      MiningPoolAuthError,
    )
    expect(toPoolError(httpError('HttpUnreachableError', { status: 503 }), 'X')).toBeInstanceOf(
      MiningPoolUnreachableError,
    )
    expect(
      toPoolError(httpError('HttpUnreachableError', { reason: 'timeout' }), 'X'),
    ).toBeInstanceOf(MiningPoolUnreachableError)
    expect(toPoolError(httpError('HttpResponseError', { status: 404 }), 'X')).toBeInstanceOf(
      MiningPoolResponseError,
    )
  })

  it('lets domain errors and programming errors through unchanged', () => {
    const domain = new MiningPoolResponseError('bad')
    const bug = new TypeError('x is undefined')
    expect(toPoolError(domain, 'X')).toBe(domain)
    expect(toPoolError(bug, 'X')).toBe(bug)
  })
})

describe('parseResponse', () => {
  const Schema = v.object({ result: v.object({ unpaid: NumberLikeSchema }) })

  it('accepts numbers and numeric strings', () => {
    expect(
      parseResponse(
        Schema,
        { result: { unpaid: '0.00412345' } },
        { pool: 'Ocean', endpoint: 'statsnap' },
      ),
    ).toEqual({ result: { unpaid: '0.00412345' } })
    expect(v.is(NumberLikeSchema, 12)).toBe(true)
    expect(v.is(NumberLikeSchema, 'twelve')).toBe(false)
  })

  it('names the endpoint and the field of a mismatch', () => {
    expect(() =>
      parseResponse(Schema, { result: { unpaid: 'n/a' } }, { pool: 'Ocean', endpoint: 'statsnap' }),
    ).toThrow(/Ocean statsnap: unexpected response at result\.unpaid/)
    expect(() => parseResponse(Schema, '<html>', { pool: 'Ocean', endpoint: 'statsnap' })).toThrow(
      MiningPoolResponseError,
    )
  })
})

describe('config fields', () => {
  const Schema = v.strictObject({
    api_base_url: apiBaseUrlField('https://api.ocean.xyz', 'Base URL'),
    request_timeout_seconds: requestTimeoutSecondsField,
  })

  it('default, trim and drop trailing slashes', () => {
    expect(v.parse(Schema, {})).toEqual({
      api_base_url: 'https://api.ocean.xyz',
      request_timeout_seconds: 10,
    })
    expect(v.parse(Schema, { api_base_url: ' http://127.0.0.1:8080/ ' }).api_base_url).toBe(
      'http://127.0.0.1:8080',
    )
  })

  it.each([
    [{ api_base_url: 'ftp://pool.example' }],
    [{ api_base_url: '   ' }],
    [{ api_base_url: 'not a url' }],
    [{ request_timeout_seconds: 0 }],
    [{ request_timeout_seconds: -1 }],
    [{ request_timeout_seconds: 121 }],
    [{ request_timeout_seconds: '10' }],
  ])('reject %j', (input) => {
    expect(v.is(Schema, input)).toBe(false)
  })

  it('describe themselves as JSON Schema with defaults, secrets write-only', () => {
    const WithToken = v.strictObject({ ...Schema.entries, api_token: v.string() })
    const schema = configJsonSchema(WithToken, { secretFields: ['api_token'] }) as {
      properties: Record<string, Record<string, unknown>>
      required: string[]
    }
    expect(schema.properties.api_base_url).toMatchObject({
      default: 'https://api.ocean.xyz',
      description: 'Base URL',
    })
    expect(schema.properties.api_token).toMatchObject({ writeOnly: true, format: 'password' })
    expect(schema.required).toEqual(['api_token'])
    expect(schema.properties.request_timeout_seconds).toMatchObject({ type: 'number', default: 10 })
  })
})

/** A minimal TTL cache with the http-cache surface, enough to exercise the fetcher's wiring. */
function createTestCache(now: () => number): CacheWithMeta & { keys(): string[] } {
  const entries = new Map<string, { value: unknown; storedAt: number }>()
  return {
    keys: () => [...entries.keys()],
    async getWithMeta<T>(key: string, ttlMs: number, fetcher: () => Promise<T>) {
      const entry = entries.get(key)
      if (entry && now() - entry.storedAt < ttlMs) {
        return {
          value: entry.value as T,
          stale: false,
          ageMs: now() - entry.storedAt,
          source: 'cache' as const,
        }
      }
      const value = await fetcher()
      entries.set(key, { value, storedAt: now() })
      return { value, stale: false, ageMs: 0, source: 'network' as const }
    },
  }
}

describe('createPoolFetcher', () => {
  it('caches parsed data per endpoint and reports freshness', async () => {
    let clock = 0
    const cache = createTestCache(() => clock)
    const calls: string[] = []
    const fetcher = createPoolFetcher({
      pool: 'Ocean',
      cache,
      cacheKeyPrefix: 'https://api.ocean.xyz',
      cacheKeyIdentity: 'acct-1',
      client: {
        async getJson(path, options) {
          calls.push(`${path}?${new URLSearchParams(options?.query).toString()}`)
          return { result: { n: '5' } }
        },
      },
    })
    const endpoint = {
      name: 'statsnap',
      path: '/v1/statsnap/bc1q',
      query: { b: '2', a: '1' },
      ttlMs: 60_000,
      parse: (body: unknown) => Number((body as { result: { n: string } }).result.n),
    }
    const seen: Freshness[] = []
    expect(await fetcher.fetch(endpoint)).toBe(5)
    clock = 30_000
    expect(await fetcher.fetch(endpoint, { onFreshness: (f) => seen.push(f) })).toBe(5)
    expect(calls).toEqual(['/v1/statsnap/bc1q?b=2&a=1'])
    expect(cache.keys()).toEqual(['https://api.ocean.xyz/v1/statsnap/bc1q?a=1&b=2#acct-1'])
    // Keys are URLs, so a cool-down scoped by host covers the whole pool.
    expect(new URL(cache.keys()[0] ?? '').host).toBe('api.ocean.xyz')
    expect(seen).toEqual([{ source: 'statsnap', stale: false, age_seconds: 30, from_cache: true }])
  })

  it('recovers known failures as data and maps the others to domain errors', async () => {
    const fetcher = createPoolFetcher({
      pool: 'Ocean',
      cache: createTestCache(() => 0),
      cacheKeyPrefix: 'p|',
      client: {
        async getJson(path) {
          throw httpError(path.includes('nouser') ? 'HttpResponseError' : 'HttpUnreachableError', {
            status: path.includes('nouser') ? 404 : 502,
          })
        },
      },
    })
    const base = { name: 'statsnap', ttlMs: 1000, parse: () => 'data' }
    const recover = (error: unknown) =>
      (error as { status?: number }).status === 404 ? 'empty' : undefined
    expect(await fetcher.fetch({ ...base, path: '/nouser', recover })).toBe('empty')
    await expect(fetcher.fetch({ ...base, path: '/down', recover })).rejects.toBeInstanceOf(
      MiningPoolUnreachableError,
    )
  })

  it('runs each request through the schedule', async () => {
    const scheduled: string[] = []
    const fetcher = createPoolFetcher({
      pool: 'Braiins Pool',
      cache: createTestCache(() => 0),
      cacheKeyPrefix: 'p|',
      client: { getJson: async () => ({}) },
      schedule: (task) => {
        scheduled.push('task')
        return task()
      },
    })
    await fetcher.fetch({ name: 'profile', path: '/a', ttlMs: 1000, parse: () => 1 })
    expect(scheduled).toEqual(['task'])
  })
})

describe('lastBuiltFrom', () => {
  it('builds again only when one of the parts is another object', () => {
    const statsFrom = lastBuiltFrom<{ n: number }>()
    let builds = 0
    const build = () => ({ n: ++builds })
    const summary = { hashrate: 1 }
    const workers: unknown[] = []
    expect(statsFrom([summary, workers], build)).toEqual({ n: 1 })
    expect(statsFrom([summary, workers], build)).toEqual({ n: 1 })
    // Equal but not the same object: fetched again, so built again.
    expect(statsFrom([{ hashrate: 1 }, workers], build)).toEqual({ n: 2 })
    expect(statsFrom([{ hashrate: 1 }, workers, null], build)).toEqual({ n: 3 })
  })
})
