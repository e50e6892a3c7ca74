import { startOceanSimulator } from '@edge-mining/pool-simulator'
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
    expect(registry.types()).toEqual(expect.arrayContaining(['dummy', 'ocean']))
    const schema = registry.configJsonSchema('ocean') as { required: string[] }
    expect(schema.required).toEqual(['bitcoin_address'])
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
    expect(report.from_cache).toBe(true) // the snapshot's user_hashrate call is still fresh
  })
})
