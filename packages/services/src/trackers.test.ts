import { MiningPoolRateLimitedError, TrackerNotFoundError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { setup, uuidNumber } from './test-support/fakes'

const NOW = '2026-06-21T10:00:00.000Z'

function arrange() {
  const s = setup({ start: NOW })
  const tracker = s.services.trackers.create({
    name: 'Ocean account',
    adapter_type: 'fake_pool',
    config: { account: 'alice', api_token: 'pool-token-1' },
  })
  s.world.pools.set('alice', {
    hashrate: { value: 105.12349, unit: 'TH/s' },
    stats: null,
    payout: { frequency: 'threshold', threshold: 100_000, next_payout_at: null },
  })
  return { ...s, tracker, trackers: s.services.trackers }
}

describe('tracker service', () => {
  it('test says the pool answered, with the hash rate rounded and the latency', async () => {
    const { trackers, tracker, world, platform } = arrange()
    const pool = world.pools.get('alice')
    if (!pool) throw new Error('missing')
    pool.hashrate = () => {
      platform.setNow('2026-06-21T10:00:00.250Z')
      return { value: 105.12349, unit: 'TH/s' }
    }
    expect(await trackers.test(tracker.id)).toEqual({
      status: 'success',
      message: 'Tracker reachable: 105.123 TH/s',
      latency_ms: 250,
      current_hashrate: { value: 105.12349, unit: 'TH/s' },
      from_cache: false,
      data_age_seconds: null,
    })
    pool.hashrate = null
    expect((await trackers.test(tracker.id)).message).toBe(
      'Tracker reachable: no hash rate for this account',
    )
  })

  it('test says when the answer came from the cache, or was stale', async () => {
    const { trackers, tracker, world } = arrange()
    const pool = world.pools.get('alice')
    if (!pool) throw new Error('missing')
    pool.freshness = { source: 'hashrate', stale: false, age_seconds: 30, from_cache: true }
    expect(await trackers.test(tracker.id)).toMatchObject({
      status: 'success',
      message:
        'Tracker reachable: 105.123 TH/s (pool answered 30 s ago; cached to respect its rate limit)',
      from_cache: true,
      data_age_seconds: 30,
    })
    pool.freshness = { source: 'hashrate', stale: true, age_seconds: 600, from_cache: true }
    expect(await trackers.test(tracker.id)).toMatchObject({
      status: 'stale',
      message: 'Pool not answering; serving cached data 600 s old (105.123 TH/s)',
    })
  })

  it('test passes pool errors through as domain errors', async () => {
    const { trackers, tracker, world } = arrange()
    const pool = world.pools.get('alice')
    if (!pool) throw new Error('missing')
    pool.hashrate = () => {
      throw new MiningPoolRateLimitedError('slow down', { retry_after_seconds: 12.2 })
    }
    await expect(trackers.test(tracker.id)).rejects.toMatchObject({
      code: 'rate_limited',
      retry_after_seconds: 13,
    })
    await expect(trackers.test(uuidNumber(99))).rejects.toBeInstanceOf(TrackerNotFoundError)
  })

  it('buildSnapshot keeps the parts that answered and lists the one that failed', async () => {
    const { trackers, tracker, world } = arrange()
    const pool = world.pools.get('alice')
    if (!pool) throw new Error('missing')
    pool.stats = () => {
      throw new MiningPoolRateLimitedError('429 from pool')
    }
    pool.freshness = { source: 'x', stale: true, age_seconds: 42.4, from_cache: true }
    const snapshot = await trackers.buildSnapshot(tracker.id)
    expect(snapshot).toMatchObject({
      current_hashrate: { value: 105.12349, unit: 'TH/s' },
      pool_stats: null,
      payout_schedule: { frequency: 'threshold', threshold: 100_000 },
      timestamp: NOW,
      data_age_seconds: 42,
      stale: true,
      errors: [{ part: 'pool_stats', code: 'rate_limited', message: '429 from pool' }],
      workers_total: null,
    })
    expect(trackers.adapter(tracker.id)).toBe(trackers.adapter(tracker.id))
    await expect(trackers.buildSnapshot(uuidNumber(99))).rejects.toBeInstanceOf(
      TrackerNotFoundError,
    )
  })
})
