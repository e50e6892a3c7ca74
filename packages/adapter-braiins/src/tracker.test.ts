// Contract tests: the tracker against the Braiins simulator over real loopback HTTP, on
// simulated time. Expected values come from pool-apis.md §2.3 (the simulator's `reference`
// data mode serves those examples verbatim) and from the rules in issue 5, never from the code.
import { inspect } from 'node:util'
import {
  type Freshness,
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
} from '@edge-mining/domain'
import { createCache } from '@edge-mining/http-cache'
import {
  type BraiinsScenario,
  type BraiinsSimulator,
  createSimulatedTime,
  tokenTag as simulatorTokenTag,
  startBraiinsSimulator,
} from '@edge-mining/pool-simulator'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBraiinsTracker, createPacerRegistry } from './index'
import { REFERENCE_WORKERS_EXPECTED } from './test-support'

const TOKEN = 'brA1nsT0kenUnderTest-9f8e7d6c5b4a3210'
const OTHER_TOKEN = 'anotherAccessProfileToken-0011223344'
const START = Date.parse('2026-08-30T12:00:00.000Z')
const th = (value: number) => ({ value, unit: 'TH/s' })

/** Everything thrown or logged during the suite, searched for the token at the end. */
const seenErrors: unknown[] = []
const logLines: string[] = []
const simulators: BraiinsSimulator[] = []

beforeEach(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logLines.push(args.map((arg) => inspect(arg, { depth: 10 })).join(' '))
    })
  }
})

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((sim) => sim.close()))
})

interface SetupOptions {
  scenario?: BraiinsScenario
  rateLimit?: { intervalMs?: number; mode: 'off' | 'synthetic-429' | 'drop' }
  timeoutSeconds?: number
  token?: string
}

async function setup(options: SetupOptions = {}) {
  const time = createSimulatedTime(START)
  const sim = await startBraiinsSimulator({
    now: time.now,
    tokens: { [TOKEN]: 'miner_alice', [OTHER_TOKEN]: 'miner_alice' },
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.scenario ? { scenario: options.scenario } : {}),
  })
  simulators.push(sim)
  const trackerOptions = { now: time.now, setTimeout: time.setTimeout, fetch: time.fetch }
  const config = {
    api_token: options.token ?? TOKEN,
    api_base_url: sim.url,
    request_timeout_seconds: options.timeoutSeconds ?? 10,
  }
  const tracker = createBraiinsTracker(config, trackerOptions)
  return { time, sim, tracker, config, trackerOptions }
}

/** Awaits `promise` on simulated time and returns what it threw (recorded for the secret scan). */
async function failure(time: { run<T>(p: Promise<T>): Promise<T> }, promise: Promise<unknown>) {
  try {
    await time.run(promise)
  } catch (error) {
    seenErrors.push(error)
    return error
  }
  throw new Error('expected a failure')
}

/** The simulator's arrival times (ms) of one token's requests, in order. */
function arrivals(sim: BraiinsSimulator, token = TOKEN): number[] {
  return sim
    .requests()
    .log.filter((entry) => entry.token === simulatorTokenTag(token))
    .map((entry) => entry.at)
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((at, i) => at - (times[i] ?? at))
}

describe('mapping against the simulator (reference data)', () => {
  it('maps profile + workers into PoolStats and sends Pool-Auth-Token on every request', async () => {
    const { time, sim, tracker } = await setup({ scenario: { data: 'reference' } })
    const seen: Freshness[] = []
    const stats = await time.run(tracker.getPoolStats({ onFreshness: (f) => seen.push(f) }))
    expect(stats).toEqual({
      current_hashrate: th(101.234),
      average_hashrate_24h: th(99.512),
      average_hashrate_7d: null,
      unpaid_balance: 412_300,
      estimated_next_payout: 11_940,
      last_share_at: null,
      timestamp: expect.stringMatching(/^2026-08-30T12:00:\d\d\.000Z$/),
      workers: REFERENCE_WORKERS_EXPECTED,
    })
    expect(seen.map((f) => [f.source, f.stale, f.from_cache])).toEqual([
      ['profile', false, false],
      ['workers', false, false],
    ])
    expect(sim.requests().byEndpoint).toEqual({ profile: 1, workers: 1 })
    const headers = time.sentHeaders()
    expect(headers).toHaveLength(2)
    for (const sent of headers) expect(sent['pool-auth-token']).toBe(TOKEN)
  })

  it('answers the current hash rate and the workers from the same cached endpoints', async () => {
    const { time, sim, tracker } = await setup({ scenario: { data: 'reference' } })
    expect(await time.run(tracker.getCurrentHashrate())).toEqual(th(101.234))
    const workers = await time.run(tracker.getWorkerStats())
    expect(workers.map((w) => [w.worker_name, w.state])).toEqual([
      ['miner_alice.s21', 'online'],
      ['miner_alice.s19', 'low'],
      ['miner_alice.bitaxe', 'offline'],
      ['miner_alice.[auto]', 'disabled'],
    ])
    const seen: Freshness[] = []
    await time.run(tracker.getPoolStats({ onFreshness: (f) => seen.push(f) }))
    expect(seen.every((f) => f.from_cache === true)).toBe(true)
    expect(sim.requests().byEndpoint).toEqual({ profile: 1, workers: 1 })
  })

  it('maps daily rewards (total_reward, midnight UTC) and asks for a from/to window', async () => {
    const { time, sim, tracker } = await setup({ scenario: { data: 'reference' } })
    expect(await time.run(tracker.getRecentRewards(5))).toEqual([
      { amount: 61_081, timestamp: '2026-08-29T00:00:00.000Z' },
    ])
    const [entry] = sim.requests().log
    expect(entry?.endpoint).toBe('rewards')
    expect(entry?.query).toBe('?from=2026-06-02&to=2026-08-30')
  })

  it('answers a daily payout schedule without a request', async () => {
    const { time, sim, tracker } = await setup()
    expect(await time.run(tracker.getPayoutSchedule())).toEqual({
      frequency: 'daily',
      threshold: null,
      next_payout_at: null,
    })
    expect(sim.requests().total).toBe(0)
  })

  it('reads a 9-decimal BTC string exactly', async () => {
    const profile = {
      username: 'miner_alice',
      btc: {
        hash_rate_unit: 'Gh/s',
        hash_rate_5m: 101234,
        hash_rate_24h: 99512,
        current_balance: '0.004123009',
        estimated_reward: '0.000166667',
      },
    }
    const { time, tracker } = await setup({
      scenario: {
        faults: [
          {
            endpoint: 'profile',
            // The simulator's raw-body fault, used here to serve a JSON body of our choosing.
            fault: {
              kind: 'non_json',
              body: JSON.stringify(profile),
              contentType: 'application/json',
            },
          },
        ],
      },
    })
    const stats = await time.run(tracker.getPoolStats())
    expect(stats?.unpaid_balance).toBe(412_301)
    expect(stats?.estimated_next_payout).toBe(16_667)
  })
})

describe('mapping against the simulator (model data)', () => {
  it('returns the newest rewards first, at most `limit`, whatever the pool order', async () => {
    const { time, sim, tracker } = await setup({ scenario: { rewardsOrder: 'oldest_first' } })
    const rewards = await time.run(tracker.getRecentRewards(5))
    expect(rewards).toHaveLength(5)
    // At 12:00 on 08-30 the newest calculated day is 08-29 (the pool calculates a day 26 h
    // after it starts, as the reference's calculation_date shows).
    expect(rewards[0]?.timestamp).toBe('2026-08-29T00:00:00.000Z')
    const dates = rewards.map((r) => Date.parse(r.timestamp))
    expect(gaps(dates).every((gap) => gap === -86_400_000)).toBe(true)
    // Limits up to 90 share the one cached 90-day response.
    expect(await time.run(tracker.getRecentRewards(3))).toEqual(rewards.slice(0, 3))
    expect(sim.requests().byEndpoint).toEqual({ rewards: 1 })
  })

  it('treats an unknown hash_rate_unit as Gh/s', async () => {
    const { time, tracker, sim } = await setup()
    const inGhs = await time.run(tracker.getWorkerStats())
    sim.setScenario({ hashRateUnit: 'Xh/s' })
    time.advance(301_000)
    const unknownUnit = await time.run(tracker.getWorkerStats())
    // The simulator leaves the numbers in Gh/s under an unknown label; the hash rate window
    // moved on, so compare the magnitude: s21 ≈ 89.31 TH/s, not 89 310 or 0.089.
    const s21 = unknownUnit.find((w) => w.worker_name === 'miner_alice.s21')
    expect(s21?.hashrate?.value).toBeGreaterThan(80)
    expect(s21?.hashrate?.value).toBeLessThan(100)
    expect(inGhs.map((w) => w.worker_name)).toEqual(unknownUnit.map((w) => w.worker_name))
  })

  it('reads Th/s when the pool says Th/s', async () => {
    const { time, tracker } = await setup({ scenario: { hashRateUnit: 'Th/s' } })
    const current = await time.run(tracker.getCurrentHashrate())
    // Default account: 89.31 + 11.92 TH/s hashing (±3 % noise on the 5-minute window).
    expect(current?.value).toBeGreaterThan(98)
    expect(current?.value).toBeLessThan(104.3)
  })

  it('maps an upper-case "OK" state and a null last_share', async () => {
    const { time, tracker } = await setup({ scenario: { upperCaseOkState: true } })
    const workers = await time.run(tracker.getWorkerStats())
    const byName = Object.fromEntries(workers.map((w) => [w.worker_name, w]))
    expect(byName['miner_alice.s21']?.state).toBe('online')
    expect(byName['miner_alice.[auto]']).toMatchObject({ state: 'disabled', last_share_at: null })
    expect(byName['miner_alice.bitaxe']).toMatchObject({
      state: 'offline',
      last_share_at: new Date(START - 3 * 86_400_000).toISOString(),
    })
  })
})

describe('errors', () => {
  it('a wrong token: 403 text/plain → auth error, one request, never cached', async () => {
    const { time, sim, tracker } = await setup({ token: 'not-a-token-the-pool-knows' })
    const error = await failure(time, tracker.getPoolStats())
    expect(error).toBeInstanceOf(MiningPoolAuthError)
    expect((error as Error).message).toMatch(/Braiins Pool rejected the credentials \(HTTP 403\)/)
    // The profile failed: the workers endpoint was not asked with a rejected token.
    expect(sim.requests().log.map((e) => [e.endpoint, e.status])).toEqual([['profile', 403]])
    // Not cached: the next call asks again (and fails again).
    expect(await failure(time, tracker.getCurrentHashrate())).toBeInstanceOf(MiningPoolAuthError)
    expect(sim.requests().total).toBe(2)
  })

  it('a token revoked after data was cached: auth error, not the stale value', async () => {
    const { time, sim, tracker } = await setup()
    await time.run(tracker.getCurrentHashrate())
    sim.setScenario({ faults: [{ endpoint: 'profile', fault: { kind: 'forbidden' } }] })
    time.advance(61_000)
    expect(await failure(time, tracker.getCurrentHashrate())).toBeInstanceOf(MiningPoolAuthError)
  })

  it('5xx → unreachable; with an expired cached value, that value is served stale', async () => {
    const { time, sim, tracker } = await setup({
      scenario: { faults: [{ endpoint: 'workers', fault: { kind: 'server_error', status: 503 } }] },
    })
    expect(await failure(time, tracker.getWorkerStats())).toBeInstanceOf(MiningPoolUnreachableError)
    const good = await time.run(tracker.getCurrentHashrate())
    sim.setScenario({ faults: [{ endpoint: 'profile', fault: { kind: 'server_error' } }] })
    time.advance(61_000)
    const seen: Freshness[] = []
    expect(
      await time.run(tracker.getCurrentHashrate({ onFreshness: (f) => seen.push(f) })),
    ).toEqual(good)
    expect(seen).toEqual([{ source: 'profile', stale: true, age_seconds: 61, from_cache: true }])
  })

  it('429 → rate-limited with the wait; no request reaches the pool during the cool-down', async () => {
    const { time, sim, tracker } = await setup({
      scenario: {
        faults: [
          {
            endpoint: 'profile',
            times: 1,
            fault: { kind: 'too_many_requests', retryAfterSeconds: 30 },
          },
        ],
      },
    })
    const error = await failure(time, tracker.getCurrentHashrate())
    expect(error).toBeInstanceOf(MiningPoolRateLimitedError)
    expect((error as MiningPoolRateLimitedError).retry_after_seconds).toBe(30)
    const during = await failure(time, tracker.getWorkerStats())
    expect(during).toBeInstanceOf(MiningPoolRateLimitedError)
    expect(sim.requests().total).toBe(1)
    time.advance(31_000)
    expect(await time.run(tracker.getCurrentHashrate())).not.toBeNull()
    expect(sim.requests().total).toBe(2)
  })

  it('a request the pool never answers (hang) → unreachable after the timeout', async () => {
    const { time, tracker } = await setup({
      timeoutSeconds: 0.05,
      scenario: { faults: [{ endpoint: 'profile', fault: { kind: 'hang' } }] },
    })
    const error = await failure(time, tracker.getCurrentHashrate())
    expect(error).toBeInstanceOf(MiningPoolUnreachableError)
    expect((error as Error).message).toMatch(/timed out/)
  })

  it('a pool that is not listening → unreachable', async () => {
    const { time, sim, tracker } = await setup()
    await sim.close()
    const error = await failure(time, tracker.getWorkerStats())
    expect(error).toBeInstanceOf(MiningPoolUnreachableError)
    expect((error as Error).message).toMatch(/network error/)
  })

  it('an over-limit request the pool ignores (drop) → unreachable after the timeout', async () => {
    const { time, config, trackerOptions } = await setup({ rateLimit: { mode: 'drop' } })
    // Two trackers with separate pacers: the second breaks the limit, as an unpaced client would.
    const separately = () => createPacerRegistry({ now: time.now, setTimeout: time.setTimeout })
    const first = createBraiinsTracker(config, { ...trackerOptions, pacers: separately() })
    const second = createBraiinsTracker(
      // Only the ignored request may time out: a short timeout for it alone.
      { ...config, request_timeout_seconds: 0.05 },
      { ...trackerOptions, pacers: separately() },
    )
    await time.run(first.getCurrentHashrate())
    expect(await failure(time, second.getCurrentHashrate())).toBeInstanceOf(
      MiningPoolUnreachableError,
    )
  })

  it.each([
    ['an HTML page', { kind: 'non_json' as const }],
    ['a plain-text 200', { kind: 'non_json' as const, body: 'OK', contentType: 'text/plain' }],
    ['an empty body', { kind: 'empty_body' as const }],
    ['truncated JSON', { kind: 'truncated' as const }],
  ])('%s where JSON was expected → bad response', async (_, fault) => {
    const { time, tracker } = await setup({ scenario: { faults: [{ fault }] } })
    expect(await failure(time, tracker.getWorkerStats())).toBeInstanceOf(MiningPoolResponseError)
  })

  it('a rewards limit outside 1..500 is refused before any request', async () => {
    const { time, sim, tracker } = await setup()
    for (const limit of [0, 501, 2.5, Number.NaN]) {
      expect(await failure(time, tracker.getRecentRewards(limit))).toMatchObject({
        code: 'invalid_value',
        field: 'limit',
      })
    }
    expect(sim.requests().total).toBe(0)
  })
})

describe('pacing: at most one request per 5 s per token', () => {
  it('20 concurrent cold callers of every method: 3 requests, ≥ 5 s apart', async () => {
    const { time, sim, tracker } = await setup({ rateLimit: { mode: 'synthetic-429' } })
    const calls = Array.from({ length: 20 }, (_, i) =>
      [
        () => tracker.getPoolStats(),
        () => tracker.getCurrentHashrate(),
        () => tracker.getWorkerStats(),
        () => tracker.getRecentRewards(10),
      ][i % 4]?.(),
    )
    await time.run(Promise.all(calls))
    const log = sim.requests().log
    expect(log.map((e) => e.status)).toEqual([200, 200, 200])
    expect(sim.requests().byEndpoint).toEqual({ profile: 1, workers: 1, rewards: 1 })
    for (const gap of gaps(arrivals(sim))) expect(gap).toBeGreaterThanOrEqual(5000)
  })

  it('20 concurrent cold getPoolStats: profile then workers, 5 s apart', async () => {
    const { time, sim, tracker } = await setup({ rateLimit: { mode: 'synthetic-429' } })
    await time.run(Promise.all(Array.from({ length: 20 }, () => tracker.getPoolStats())))
    expect(sim.requests().log.map((e) => [e.endpoint, e.at - START, e.status])).toEqual([
      ['profile', 0, 200],
      ['workers', 5000, 200],
    ])
  })

  it('two trackers of one token sharing a registry share a pacer; another token has its own', async () => {
    const { time, sim, config, trackerOptions } = await setup({
      rateLimit: { mode: 'synthetic-429' },
    })
    const pacers = createPacerRegistry({ now: time.now, setTimeout: time.setTimeout })
    const first = createBraiinsTracker(config, { ...trackerOptions, pacers })
    const second = createBraiinsTracker(config, { ...trackerOptions, pacers })
    const other = createBraiinsTracker(
      { ...config, api_token: OTHER_TOKEN },
      { ...trackerOptions, pacers },
    )
    await time.run(
      Promise.all([
        first.getPoolStats(),
        second.getPoolStats(),
        first.getRecentRewards(),
        other.getPoolStats(),
      ]),
    )
    // Separate caches: the two trackers of one token fetch separately, but in one queue.
    const mine = arrivals(sim)
    expect(mine).toHaveLength(5)
    for (const gap of gaps(mine)) expect(gap).toBeGreaterThanOrEqual(5000)
    expect(gaps(arrivals(sim, OTHER_TOKEN))).toEqual([5000])
    expect(sim.requests().log.every((e) => e.status === 200)).toBe(true)
  })

  it('a shared cache: trackers of one token fetch each endpoint once', async () => {
    const { time, sim, config, trackerOptions } = await setup({
      rateLimit: { mode: 'synthetic-429' },
    })
    const cache = createCache({ now: time.now })
    const pacers = createPacerRegistry({ now: time.now, setTimeout: time.setTimeout })
    const trackers = [1, 2, 3].map(() =>
      createBraiinsTracker(config, { ...trackerOptions, cache, pacers }),
    )
    await time.run(Promise.all(trackers.map((t) => t.getPoolStats())))
    expect(sim.requests().byEndpoint).toEqual({ profile: 1, workers: 1 })
  })

  it('callers over 10 simulated minutes never break the pacing', async () => {
    const { time, sim, tracker } = await setup({ rateLimit: { mode: 'synthetic-429' } })
    const calls: Promise<unknown>[] = []
    for (let second = 0; second < 600; second += 7) {
      calls.push(
        new Promise((resolve) => {
          time.setTimeout(() => {
            resolve(Promise.all([tracker.getPoolStats(), tracker.getRecentRewards(20)]))
          }, second * 1000)
        }),
      )
    }
    await time.run(Promise.all(calls))
    const log = sim.requests().log
    expect(log.every((e) => e.status === 200)).toBe(true)
    for (const gap of gaps(arrivals(sim))) expect(gap).toBeGreaterThanOrEqual(5000)
  })
})

describe('secrets', () => {
  it('the tracker and its config never show the token', async () => {
    const { tracker } = await setup()
    expect(JSON.stringify(tracker)).not.toContain(TOKEN)
    expect(inspect(tracker, { depth: 10, showHidden: true })).not.toContain(TOKEN)
    expect(tracker.config.api_token).toBe('***')
  })

  afterAll(() => {
    // Every error thrown in this file (and its cause chain), every console line.
    expect(seenErrors.length).toBeGreaterThan(10)
    for (const error of seenErrors) {
      for (let current: unknown = error; current instanceof Error; current = current.cause) {
        expect(JSON.stringify(current, Object.getOwnPropertyNames(current))).not.toContain(TOKEN)
        expect(String(current.message)).not.toContain(TOKEN)
      }
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(TOKEN)
    }
    for (const line of logLines) expect(line).not.toContain(TOKEN)
  })
})
