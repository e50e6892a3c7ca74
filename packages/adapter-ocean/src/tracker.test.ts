import {
  type Freshness,
  InvalidValueError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
  TrackerConfigurationError,
} from '@edge-mining/domain'
import { createCache } from '@edge-mining/http-cache'
import {
  type OceanScenario,
  type OceanSimulator,
  startOceanSimulator,
} from '@edge-mining/pool-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { createOceanTracker, type OceanTrackerConfigInput } from './index'

/** The reference examples' snapshot time (`snap_ts` 1788000060) plus a little. */
const START = Date.parse('2026-08-29T10:41:00Z')
const th = (value: number) => ({ value, unit: 'TH/s' })

const opened: OceanSimulator[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((simulator) => simulator.close()))
})

/**
 * A simulator and a tracker on one fake clock (the cache's and the simulator's), with jitter
 * pinned to the middle of its range so ladder cool-downs are exact.
 */
async function setup(
  scenario: OceanScenario = { data: 'reference' },
  config: Partial<OceanTrackerConfigInput> = {},
) {
  let clock = START
  const now = () => clock
  const simulator = await startOceanSimulator({ now, scenario })
  opened.push(simulator)
  const cache = createCache({ now, random: () => 0.5 })
  const tracker = createOceanTracker(
    { bitcoin_address: simulator.address(), api_base_url: simulator.url, ...config },
    { cache, now },
  )
  const freshness: Freshness[] = []
  const onFreshness = (entry: Freshness) => {
    freshness.push(entry)
  }
  return {
    simulator,
    cache,
    tracker,
    now,
    freshness,
    track: { onFreshness },
    advance(seconds: number) {
      clock += seconds * 1000
    },
    requests: () => simulator.requests().byEndpoint,
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Error) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

const REFERENCE_WORKERS = [
  {
    worker_name: 'bitaxe-desk',
    hashrate: th(9.9857989632), // "9985798963200" H/s
    last_share_at: null,
    valid_shares: null,
    stale_shares: null,
    rejected_shares: null,
    state: 'online',
  },
  {
    worker_name: 's21-rack1',
    hashrate: th(189.7301803008), // "189730180300800" H/s
    last_share_at: null,
    valid_shares: null,
    stale_shares: null,
    rejected_shares: null,
    state: 'online',
  },
]

describe('mapping the reference example responses (over loopback HTTP)', () => {
  it('current hash rate ← user_hashrate.hashrate_300s, H/s → TH/s', async () => {
    const { tracker, track, freshness } = await setup()
    expect(await tracker.getCurrentHashrate(track)).toEqual(th(199.715979264)) // "199715979264000"
    expect(freshness).toEqual([
      { source: 'user_hashrate', stale: false, age_seconds: 0, from_cache: false },
    ])
  })

  it('pool stats ← user_hashrate + statsnap + user_hashrate_full', async () => {
    const { tracker, track, freshness } = await setup()
    expect(await tracker.getPoolStats(track)).toEqual({
      current_hashrate: th(199.715979264),
      average_hashrate_24h: th(150.1238464512), // "150123846451200"
      average_hashrate_7d: null,
      unpaid_balance: 412345, // "0.00412345" BTC
      estimated_next_payout: 0, // estimated_payout_next_block "0.00000000"
      workers: REFERENCE_WORKERS,
      // user_hashrate's lastest_share_ts "1788000059" is newer than statsnap's "1787999998"
      last_share_at: '2026-08-29T10:40:59.000Z',
      timestamp: '2026-08-29T10:41:00.000Z',
    })
    expect(freshness.map((entry) => entry.source).sort()).toEqual([
      'statsnap',
      'user_hashrate',
      'user_hashrate_full',
    ])
  })

  it('workers ← user_hashrate_full.workers (name → first element)', async () => {
    const { tracker, track, freshness } = await setup()
    expect(await tracker.getWorkerStats(track)).toEqual(REFERENCE_WORKERS)
    expect(freshness.map((entry) => entry.source)).toEqual(['user_hashrate_full'])
  })

  it('rewards ← earnpay earnings, net sats, naive-UTC ts, newest first, limited', async () => {
    const { tracker, track, freshness, requests } = await setup()
    expect(await tracker.getRecentRewards(undefined, track)).toEqual([
      { amount: 12468, timestamp: '2026-08-29T07:12:44.000Z' },
      { amount: 12391, timestamp: '2026-08-28T19:40:02.000Z' },
    ])
    expect(await tracker.getRecentRewards(1)).toEqual([
      { amount: 12468, timestamp: '2026-08-29T07:12:44.000Z' },
    ])
    expect(freshness.map((entry) => entry.source)).toEqual(['earnpay'])
    expect(requests()).toEqual({ earnpay: 1 }) // one fetch serves every limit
  })

  it.each([0, 501, 1.5, -1])(
    'rejects the rewards limit %j before asking the pool',
    async (limit) => {
      const { tracker, requests } = await setup()
      expect(await rejection(tracker.getRecentRewards(limit))).toBeInstanceOf(InvalidValueError)
      expect(requests()).toEqual({})
    },
  )

  it('payout schedule: per block, 1,048,576 sats threshold, no request', async () => {
    const { tracker, simulator } = await setup()
    expect(await tracker.getPayoutSchedule()).toEqual({
      frequency: 'per_block',
      threshold: 1_048_576,
      next_payout_at: null,
    })
    expect(simulator.requests().total).toBe(0)
  })

  it('payout schedule threshold follows payout_threshold_sats', async () => {
    const { tracker } = await setup(undefined, { payout_threshold_sats: 2_000_000 })
    expect((await tracker.getPayoutSchedule())?.threshold).toBe(2_000_000)
  })
})

describe('mapping the live captures (over loopback HTTP)', () => {
  it('maps a ~930 PH/s account', async () => {
    const { tracker } = await setup({ data: 'captured' })
    const stats = await tracker.getPoolStats()
    expect(stats).toMatchObject({
      current_hashrate: th(Number('926277.853359426816')), // "926277853359426816" H/s
      average_hashrate_24h: th(Number('810287.957706473728')),
      unpaid_balance: 0,
      estimated_next_payout: 14294639, // "0.14294639"
      last_share_at: '2026-08-21T00:23:03.000Z', // user_hashrate "1787271783"
    })
    expect(stats?.workers.map((worker) => [worker.worker_name, worker.hashrate?.value])).toEqual([
      ['cc550a000ca5', 202.661983231672],
      ['cc5719000408', 262.709978263279],
      ['cc5719001b71', 405.323966463345],
    ])
    expect(await tracker.getRecentRewards()).toEqual([
      { amount: 14297234, timestamp: '2026-08-20T23:11:03.000Z' },
      { amount: 14562604, timestamp: '2026-08-20T09:39:27.000Z' },
      { amount: 14690711, timestamp: '2026-08-20T06:04:11.000Z' },
    ])
  })
})

describe('the simulated miners model', () => {
  it('gives a consistent ≈200 TH/s account with two workers and newest-first rewards', async () => {
    const { tracker } = await setup({ data: 'model' })
    const stats = await tracker.getPoolStats()
    const current = stats?.current_hashrate?.value ?? 0
    expect(current).toBeGreaterThan(150)
    expect(current).toBeLessThan(250)
    expect(stats?.workers.map((worker) => worker.worker_name)).toEqual(['bitaxe-desk', 's21-rack1'])
    expect(stats?.unpaid_balance).toEqual(expect.any(Number))
    const rewards = await tracker.getRecentRewards(50)
    expect(rewards.length).toBeGreaterThan(0)
    const times = rewards.map((reward) => Date.parse(reward.timestamp))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    for (const reward of rewards) expect(Number.isSafeInteger(reward.amount)).toBe(true)
  })
})

describe('caching', () => {
  it('one user_hashrate request serves the current hash rate and the pool stats', async () => {
    const { tracker, requests, advance } = await setup()
    await tracker.getCurrentHashrate()
    await tracker.getPoolStats()
    expect(requests()).toEqual({ user_hashrate: 1, statsnap: 1, user_hashrate_full: 1 })

    advance(61) // past the current hash rate's 60 s, within the pool stats' 5 min
    await tracker.getPoolStats()
    expect(requests().user_hashrate).toBe(1)
    await tracker.getCurrentHashrate()
    expect(requests().user_hashrate).toBe(2)

    advance(240) // 301 s after the first fetch of statsnap and user_hashrate_full
    await tracker.getPoolStats()
    expect(requests()).toEqual({ user_hashrate: 2, statsnap: 2, user_hashrate_full: 2 })
  })

  it('workers share user_hashrate_full with the pool stats; rewards live 10 minutes', async () => {
    const { tracker, requests, advance, track, freshness } = await setup()
    await tracker.getPoolStats()
    advance(120)
    await tracker.getWorkerStats(track)
    expect(freshness).toEqual([
      { source: 'user_hashrate_full', stale: false, age_seconds: 120, from_cache: true },
    ])
    await tracker.getRecentRewards()
    advance(599)
    await tracker.getRecentRewards()
    expect(requests().earnpay).toBe(1)
    advance(1)
    await tracker.getRecentRewards()
    expect(requests()).toEqual({ user_hashrate: 1, statsnap: 1, user_hashrate_full: 1, earnpay: 2 })
  })

  it('50 concurrent getPoolStats() on a cold cache → one request per endpoint', async () => {
    const { tracker, requests } = await setup()
    const results = await Promise.all(Array.from({ length: 50 }, () => tracker.getPoolStats()))
    expect(requests()).toEqual({ user_hashrate: 1, statsnap: 1, user_hashrate_full: 1 })
    for (const stats of results) expect(stats?.unpaid_balance).toBe(412345)
  })

  it('keys entries by base URL and address: trackers sharing a cache never mix accounts', async () => {
    const { tracker, cache, simulator, now, requests } = await setup()
    const other = createOceanTracker(
      {
        bitcoin_address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        api_base_url: simulator.url,
      },
      { cache, now },
    )
    expect(await tracker.getCurrentHashrate()).toEqual(th(199.715979264))
    expect(await other.getCurrentHashrate()).toBeNull() // unknown to the simulator
    expect(requests()).toEqual({ user_hashrate: 2 })

    const second = await startOceanSimulator({ now, scenario: { data: 'captured' } })
    opened.push(second)
    const elsewhere = createOceanTracker(
      { bitcoin_address: simulator.address(), api_base_url: second.url },
      { cache, now },
    )
    expect(await elsewhere.getCurrentHashrate()).toEqual(th(Number('926277.853359426816')))
    expect(second.requests().total).toBe(1)
  })
})

describe('an address Ocean does not know ("No such user…")', () => {
  it.each([200, 404] as const)(
    'with HTTP %i → an empty, honest account, cached like data',
    async (status) => {
      const { tracker, requests, track, freshness } = await setup({
        data: 'reference',
        faults: [{ fault: { kind: 'unknown_user', status } }],
      })
      expect(await tracker.getCurrentHashrate(track)).toBeNull()
      expect(freshness).toEqual([
        { source: 'user_hashrate', stale: false, age_seconds: 0, from_cache: false },
      ])
      expect(await tracker.getPoolStats()).toEqual({
        current_hashrate: null,
        average_hashrate_24h: null,
        average_hashrate_7d: null,
        unpaid_balance: null,
        estimated_next_payout: null,
        workers: [],
        last_share_at: null,
        timestamp: '2026-08-29T10:41:00.000Z',
      })
      expect(await tracker.getWorkerStats()).toEqual([])
      expect(await tracker.getRecentRewards()).toEqual([])
      await tracker.getPoolStats()
      expect(requests()).toEqual({
        user_hashrate: 1,
        statsnap: 1,
        user_hashrate_full: 1,
        earnpay: 1,
      })
    },
  )

  it('an empty account reports 0 TH/s, no workers and no rewards', async () => {
    const { tracker } = await setup({
      data: 'model',
      faults: [{ fault: { kind: 'empty_account' } }],
    })
    expect(await tracker.getCurrentHashrate()).toEqual(th(0))
    expect(await tracker.getWorkerStats()).toEqual([])
    expect(await tracker.getRecentRewards()).toEqual([])
  })
})

describe('faults', () => {
  it.each([
    [{ retryAfterSeconds: 30 }, 30],
    [{ retryAfterSeconds: 30, retryAfterFormat: 'http-date' as const }, 30],
    [{}, 5], // no Retry-After: the cache's first ladder step, 5 s (jitter pinned to 0)
  ])('429 %j → rate-limited with retry-after %i s', async (retryAfter, seconds) => {
    const { tracker } = await setup({
      data: 'reference',
      faults: [{ endpoint: 'user_hashrate', fault: { kind: 'too_many_requests', ...retryAfter } }],
    })
    const error = await rejection(tracker.getCurrentHashrate())
    expect(error).toBeInstanceOf(MiningPoolRateLimitedError)
    expect((error as MiningPoolRateLimitedError).retry_after_seconds).toBe(seconds)
    expect(error.message).toMatch(/^Ocean rate-limited/)
  })

  it('a 429 cools the whole host down: zero further requests until it ends', async () => {
    const { tracker, simulator, advance } = await setup({
      data: 'reference',
      faults: [
        {
          endpoint: 'statsnap',
          times: 1,
          fault: { kind: 'too_many_requests', retryAfterSeconds: 30 },
        },
      ],
    })
    await tracker.getCurrentHashrate()
    await tracker.getWorkerStats()
    // user_hashrate and user_hashrate_full are cached: only statsnap goes out, and gets the 429.
    expect(await rejection(tracker.getPoolStats())).toBeInstanceOf(MiningPoolRateLimitedError)
    const seen = simulator.requests().total
    expect(seen).toBe(3)
    advance(10)
    // What is cached still answers; what is not fails at once, without a request.
    expect(await tracker.getCurrentHashrate()).toEqual(th(199.715979264))
    expect(await tracker.getWorkerStats()).toEqual(REFERENCE_WORKERS)
    const errors = await Promise.all([
      rejection(tracker.getRecentRewards()),
      rejection(tracker.getPoolStats()),
    ])
    for (const error of errors) {
      expect(error).toBeInstanceOf(MiningPoolRateLimitedError)
      expect((error as MiningPoolRateLimitedError).retry_after_seconds).toBe(20)
    }
    expect(simulator.requests().total).toBe(seen)

    advance(21)
    expect(await tracker.getRecentRewards(1)).toHaveLength(1)
    expect(simulator.requests().total).toBe(seen + 1)
  })

  it('a 429 after the TTL serves the cached value, marked stale', async () => {
    const { tracker, simulator, advance, track, freshness } = await setup()
    await tracker.getCurrentHashrate()
    simulator.setScenario({
      data: 'reference',
      faults: [{ fault: { kind: 'too_many_requests', retryAfterSeconds: 120 } }],
    })
    advance(90)
    expect(await tracker.getCurrentHashrate(track)).toEqual(th(199.715979264))
    expect(freshness).toEqual([
      { source: 'user_hashrate', stale: true, age_seconds: 90, from_cache: true },
    ])
    // During the cool-down the stale value is served without asking the pool.
    const seen = simulator.requests().total
    advance(30)
    expect(await tracker.getCurrentHashrate()).toEqual(th(199.715979264))
    expect(simulator.requests().total).toBe(seen)
  })

  it.each([500, 503])('HTTP %i → unreachable; with a cached value → stale', async (status) => {
    const { tracker, simulator, advance, track, freshness } = await setup({
      data: 'reference',
      faults: [
        { endpoint: 'user_hashrate_full', times: 1, fault: { kind: 'server_error', status } },
      ],
    })
    const error = await rejection(tracker.getWorkerStats())
    expect(error).toBeInstanceOf(MiningPoolUnreachableError)
    expect(await tracker.getWorkerStats()).toEqual(REFERENCE_WORKERS)

    simulator.setScenario({
      data: 'reference',
      faults: [{ fault: { kind: 'server_error', status } }],
    })
    advance(301)
    expect(await tracker.getWorkerStats(track)).toEqual(REFERENCE_WORKERS)
    expect(freshness).toEqual([
      { source: 'user_hashrate_full', stale: true, age_seconds: 301, from_cache: true },
    ])
  })

  it.each([
    ['hang', { kind: 'hang' as const }],
    ['slower than the timeout', { kind: 'slow' as const, delayMs: 5_000 }],
  ])('%s → unreachable (timeout)', async (_, fault) => {
    const { tracker } = await setup(
      { data: 'reference', faults: [{ fault }] },
      { request_timeout_seconds: 0.2 },
    )
    const error = await rejection(tracker.getCurrentHashrate())
    expect(error).toBeInstanceOf(MiningPoolUnreachableError)
  })

  it('slow but within the timeout → the value', async () => {
    const { tracker } = await setup({
      data: 'reference',
      faults: [{ fault: { kind: 'slow', delayMs: 20 } }],
    })
    expect(await tracker.getCurrentHashrate()).toEqual(th(199.715979264))
  })

  it.each([
    ['truncated JSON', { kind: 'truncated' as const }],
    ['an HTML page with HTTP 200', { kind: 'non_json' as const }],
    ['an empty body', { kind: 'empty_body' as const }],
  ])('%s → bad response', async (_, fault) => {
    const { tracker } = await setup({ data: 'reference', faults: [{ fault }] })
    const error = await rejection(tracker.getPoolStats())
    expect(error).toBeInstanceOf(MiningPoolResponseError)
    expect(error.message).toMatch(/^Ocean /)
  })

  it('a connection reset mid-body → unreachable', async () => {
    const { tracker } = await setup({
      data: 'reference',
      faults: [{ fault: { kind: 'truncated', abort: true } }],
    })
    expect(await rejection(tracker.getCurrentHashrate())).toBeInstanceOf(MiningPoolUnreachableError)
  })

  it('an HTML maintenance page with HTTP 503 → unreachable', async () => {
    const { tracker } = await setup({
      data: 'reference',
      faults: [{ fault: { kind: 'non_json', status: 503 } }],
    })
    expect(await rejection(tracker.getCurrentHashrate())).toBeInstanceOf(MiningPoolUnreachableError)
  })

  it.each([
    ['{"error":"Internal server error"}', /statsnap: the pool answered with an error: Internal/],
    ['{"result":{"unpaid":"n/a","estimated_payout_next_block":"0"}}', /statsnap: .*result\.unpaid/],
    ['{"result":"PONG"}', /statsnap: unexpected response at result/],
  ])('HTTP 200 with %s → bad response naming it', async (body, message) => {
    const { tracker } = await setup({
      data: 'reference',
      faults: [
        {
          endpoint: 'statsnap',
          fault: { kind: 'non_json', body, contentType: 'application/json' },
        },
      ],
    })
    const error = await rejection(tracker.getPoolStats())
    expect(error).toBeInstanceOf(MiningPoolResponseError)
    expect(error.message).toMatch(message)
  })

  it('a refused connection → unreachable', async () => {
    const { simulator, now } = await setup()
    const url = simulator.url
    await simulator.close()
    const tracker = createOceanTracker(
      { bitcoin_address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', api_base_url: url },
      { now },
    )
    expect(await rejection(tracker.getCurrentHashrate())).toBeInstanceOf(MiningPoolUnreachableError)
  })
})

describe('options', () => {
  it('sends every request through the injected fetch', async () => {
    const { simulator, now } = await setup()
    const seen: string[] = []
    const tracker = createOceanTracker(
      { bitcoin_address: simulator.address(), api_base_url: simulator.url },
      {
        now,
        fetch: (input, init) => {
          seen.push(String(input instanceof Request ? input.url : input))
          return fetch(input, init)
        },
      },
    )
    await tracker.getWorkerStats()
    expect(seen).toEqual([`${simulator.url}/v1/user_hashrate_full/${simulator.address()}`])
  })
})

describe('bad config', () => {
  it('throws TrackerConfigurationError naming the field before any request', () => {
    expect(() => createOceanTracker({ bitcoin_address: ' ' })).toThrow(TrackerConfigurationError)
    expect(() =>
      createOceanTracker({
        bitcoin_address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        api_base_url: 'file:///etc',
      }),
    ).toThrow(/api_base_url/)
  })
})
