import { describe, expect, it } from 'vitest'
import { hashRate } from '../shared/primitives'
import { createSnapshot } from './snapshot'
import { payoutSchedule, poolStats, poolWorkerStats } from './value-objects'

const now = '2026-08-29T10:40:00.000Z'

const stats = poolStats({
  current_hashrate: hashRate(150),
  average_hashrate_24h: hashRate(200),
  unpaid_balance: 943_718,
  workers: [
    poolWorkerStats({ worker_name: 'a', state: 'online', last_share_at: '2026-08-29T10:39:00Z' }),
    poolWorkerStats({ worker_name: 'b', state: 'low', last_share_at: '2026-08-29T10:30:00Z' }),
    poolWorkerStats({ worker_name: 'c', state: 'offline', last_share_at: null }),
    poolWorkerStats({ worker_name: 'd', state: null, hashrate: hashRate(10) }),
    poolWorkerStats({ worker_name: 'e', state: null, hashrate: hashRate(0) }),
  ],
  timestamp: now,
})

describe('createSnapshot', () => {
  it('derives the fields rules need', () => {
    const snapshot = createSnapshot({
      current_hashrate: hashRate(100),
      pool_stats: stats,
      payout_schedule: payoutSchedule({ frequency: 'per_block', threshold: 1_048_576 }),
      timestamp: now,
      data_age_seconds: 42.4,
      stale: true,
    })
    expect(snapshot.seconds_since_last_share).toBe(60) // newest share 10:39:00 → 10:40:00
    expect(snapshot.hashrate_ratio_24h).toBe(0.5) // 100 / 200
    expect(snapshot.workers_online).toBe(3) // online, low, and d (no state, hashing)
    expect(snapshot.workers_total).toBe(5)
    expect(snapshot.payout_progress).toBe(943_718 / 1_048_576)
    expect(snapshot.data_age_seconds).toBe(42)
    expect(snapshot.stale).toBe(true)
    expect(snapshot.errors).toEqual([])
  })

  it('falls back to the pool stats hash rate and leaves unknowns null', () => {
    const snapshot = createSnapshot({
      current_hashrate: null,
      pool_stats: stats,
      payout_schedule: payoutSchedule({ frequency: 'daily' }),
      timestamp: now,
    })
    expect(snapshot.hashrate_ratio_24h).toBe(0.75)
    expect(snapshot.payout_progress).toBeNull()
    expect(snapshot.data_age_seconds).toBeNull()
    expect(snapshot.stale).toBe(false)
  })

  it('keeps the parts that worked and lists the failures', () => {
    const snapshot = createSnapshot({
      current_hashrate: null,
      pool_stats: null,
      payout_schedule: payoutSchedule(),
      timestamp: now,
      errors: [{ part: 'pool_stats', code: 'rate_limited', message: 'Pool rate-limited' }],
    })
    expect(snapshot.payout_schedule?.frequency).toBe('unknown')
    expect(snapshot.seconds_since_last_share).toBeNull()
    expect(snapshot.hashrate_ratio_24h).toBeNull()
    expect(snapshot.workers_online).toBeNull()
    expect(snapshot.workers_total).toBeNull()
    expect(snapshot.errors).toHaveLength(1)
  })

  it('uses the account-level last share when workers have none (Ocean)', () => {
    const ocean = poolStats({
      workers: [poolWorkerStats({ worker_name: 'rig', state: 'online' })],
      last_share_at: '2026-08-29T09:40:00Z',
      timestamp: now,
    })
    const snapshot = createSnapshot({
      current_hashrate: null,
      pool_stats: ocean,
      payout_schedule: null,
      timestamp: now,
    })
    expect(snapshot.seconds_since_last_share).toBe(3600)
  })

  it('treats a zero 24 h average as no baseline', () => {
    const zero = poolStats({ average_hashrate_24h: hashRate(0), timestamp: now })
    const snapshot = createSnapshot({
      current_hashrate: hashRate(5),
      pool_stats: zero,
      payout_schedule: null,
      timestamp: now,
    })
    expect(snapshot.hashrate_ratio_24h).toBeNull()
  })
})
