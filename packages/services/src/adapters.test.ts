import {
  createSimulatedTime,
  startBraiinsSimulator,
  startOceanSimulator,
} from '@edge-mining/pool-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createDefaultAdapterRegistry,
  createMemoryTrackerRepository,
  createTrackerService,
} from './index'

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.()
})

describe('default adapter registry', () => {
  it('knows the shipped tracker types and describes their configs', () => {
    const registry = createDefaultAdapterRegistry()
    expect(registry.types()).toEqual(['dummy', 'ocean', 'braiins_pool'])
    const schema = registry.configJsonSchema('ocean') as { required: string[] }
    expect(schema.required).toEqual(['bitcoin_address'])
    const braiins = registry.configJsonSchema('braiins_pool') as {
      properties: Record<string, Record<string, unknown>>
    }
    expect(braiins.properties.api_token).toMatchObject({ writeOnly: true })
  })

  it('builds an Ocean snapshot from the reference example responses', async () => {
    const ocean = await startOceanSimulator({ scenario: { data: 'reference' } })
    stops.push(() => ocean.close())
    const trackers = createTrackerService({
      repository: createMemoryTrackerRepository(),
      registry: createDefaultAdapterRegistry(),
    })
    const tracker = await trackers.create({
      adapter_type: 'ocean',
      config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
    })
    const snapshot = await trackers.buildSnapshot(tracker.id)
    expect(snapshot.errors).toEqual([])
    // pool-apis.md §1.3 small miner: hashrate_300s "199715979264000" H/s, unpaid "0.00412345" BTC.
    expect(snapshot.current_hashrate?.value).toBe(199.715979264)
    expect(snapshot.pool_stats?.unpaid_balance).toBe(412_345)
    // TIDES pays per block above Ocean's 1,048,576-sat on-chain threshold.
    expect(snapshot.payout_schedule).toMatchObject({ frequency: 'per_block', threshold: 1_048_576 })
    expect(snapshot.payout_progress).toBe(412_345 / 1_048_576)
    expect(snapshot.workers_total).toBe(2)
    expect(snapshot.stale).toBe(false)

    const report = await trackers.test(tracker.id)
    expect(report.status).toBe('success')
    // 199.715979264 TH/s, rounded for people; the exact value stays in current_hashrate.
    expect(report.message).toMatch(/^Tracker reachable: 199\.716 TH\/s \(pool answered \d+ s ago/)
    expect(report.from_cache).toBe(true) // the snapshot's user_hashrate call is still fresh
  })
})

describe('Braiins through the services', () => {
  it('stores the token, never shows it, and builds a snapshot from the reference values', async () => {
    // Simulated time: the adapter paces Braiins requests 5 s apart; waiting advances the clock.
    let clock = Date.UTC(2026, 7, 29, 12, 0, 0)
    const now = () => clock
    const braiins = await startBraiinsSimulator({ now, scenario: { data: 'reference' } })
    stops.push(() => braiins.close())
    const trackers = createTrackerService({
      repository: createMemoryTrackerRepository(),
      registry: createDefaultAdapterRegistry(),
      now,
      setTimeout: (callback, ms) => {
        clock += ms
        queueMicrotask(callback)
      },
    })
    const token = braiins.token()
    const tracker = await trackers.create({
      adapter_type: 'braiins_pool',
      config: { api_token: token, api_base_url: braiins.url },
    })
    expect(JSON.stringify(trackers.toPublic(tracker))).not.toContain(token)
    const snapshot = await trackers.buildSnapshot(tracker.id)
    expect(snapshot.errors).toEqual([])
    // pool-apis.md §2.3 profile: hash_rate_5m 101234 Gh/s, current_balance "0.00412300" BTC.
    expect(snapshot.current_hashrate?.value).toBe(101.234)
    expect(snapshot.pool_stats?.unpaid_balance).toBe(412_300)
    expect(snapshot.payout_schedule).toMatchObject({ frequency: 'daily', threshold: null })
    expect(snapshot.payout_progress).toBeNull()
    expect(JSON.stringify(snapshot)).not.toContain(token)
  })
})

describe('Braiins pacing across adapter instances', () => {
  it('an adapter rebuilt after an edit waits in the same per-token queue as the old one', async () => {
    const time = createSimulatedTime(Date.UTC(2026, 7, 29, 12, 0, 0))
    // Synthetic 429s: any request closer than 5 s to the previous one of the token would fail.
    const braiins = await startBraiinsSimulator({
      now: time.now,
      rateLimit: { intervalMs: 5000, mode: 'synthetic-429' },
    })
    stops.push(() => braiins.close())
    const trackers = createTrackerService({
      repository: createMemoryTrackerRepository(),
      registry: createDefaultAdapterRegistry(),
      now: time.now,
      setTimeout: time.setTimeout,
      fetch: time.fetch,
    })
    const tracker = await trackers.create({
      adapter_type: 'braiins_pool',
      config: { api_token: braiins.token(), api_base_url: braiins.url },
    })
    const before = await trackers.adapter(tracker.id)
    const stats = before.getPoolStats()
    await trackers.update(tracker.id, { name: 'renamed' })
    const after = await trackers.adapter(tracker.id)
    expect(after).not.toBe(before)
    await time.run(Promise.all([stats, after.getRecentRewards(3)]))
    const log = braiins.requests().log
    expect(log.map((entry) => entry.status)).toEqual([200, 200, 200])
    expect(log.map((entry) => entry.at - (log[0]?.at ?? 0))).toEqual([0, 5000, 10_000])
  })
})
