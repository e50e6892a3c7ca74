import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { MiningPerformanceTrackerSchema } from '../adapters'
import { InvalidValueError } from '../shared/errors'
import { hashRate, TimestampSchema } from '../shared/primitives'
import {
  miningReward,
  newestRewards,
  payoutSchedule,
  poolStats,
  poolWorkerStats,
} from './value-objects'

const at = '2026-08-29T10:40:00.000Z'

describe('value object constructors', () => {
  it('build upstream-shaped objects with null defaults', () => {
    expect(poolWorkerStats({ worker_name: 'rig01', hashrate: hashRate(50) })).toEqual({
      worker_name: 'rig01',
      hashrate: { value: 50, unit: 'TH/s' },
      last_share_at: null,
      valid_shares: null,
      stale_shares: null,
      rejected_shares: null,
      state: null,
    })
    expect(payoutSchedule()).toEqual({
      frequency: 'unknown',
      threshold: null,
      next_payout_at: null,
    })
    expect(poolStats({ timestamp: at }).workers).toEqual([])
  })

  it('name the offending field and value', () => {
    expect(() => hashRate(Number.NaN)).toThrow(InvalidValueError)
    expect(() => hashRate(-1)).toThrow(/hashrate\.value/)
    expect(() => miningReward(1.5, at)).toThrow(/reward\.amount.*1\.5/)
    expect(() => miningReward(10, '2026-08-29T10:40:00')).toThrow(/reward\.timestamp/)
    expect(() => payoutSchedule({ threshold: -5 })).toThrow(/payout_schedule\.threshold.*-5/)
    try {
      poolStats({ timestamp: at, workers: [{ worker_name: '' } as never] })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidValueError)
      expect((error as InvalidValueError).field).toBe('pool_stats.workers.0.worker_name')
    }
  })

  it('accept only ISO UTC timestamps ending in Z', () => {
    expect(v.is(TimestampSchema, '2026-08-29T10:40:00Z')).toBe(true)
    expect(v.is(TimestampSchema, '2026-08-29T10:40:00.123Z')).toBe(true)
    expect(v.is(TimestampSchema, '2026-08-29T10:40:00+00:00')).toBe(false)
    expect(v.is(TimestampSchema, '2026-02-30T10:40:00Z')).toBe(false)
  })

  it('sorts rewards newest first and limits them', () => {
    const rewards = [
      miningReward(1, '2026-08-20T06:04:11Z'),
      miningReward(3, '2026-08-20T23:11:03Z'),
      miningReward(2, '2026-08-20T09:39:27Z'),
    ]
    expect(newestRewards(rewards, 2).map((reward) => reward.amount)).toEqual([3, 2])
    expect(rewards[0]?.amount).toBe(1)
  })

  it('describe a stored tracker', () => {
    const tracker = {
      id: '550e8400-e29b-41d4-a716-446655440000',
      name: 'Ocean',
      adapter_type: 'ocean',
      config: { bitcoin_address: 'bc1qexample' },
      external_service_id: null,
      created_at: at,
      updated_at: at,
    }
    expect(v.is(MiningPerformanceTrackerSchema, tracker)).toBe(true)
    // adapter_type is an open name (checked against the registry), but never blank or spaced.
    expect(v.is(MiningPerformanceTrackerSchema, { ...tracker, adapter_type: 'slush' })).toBe(true)
    expect(v.is(MiningPerformanceTrackerSchema, { ...tracker, adapter_type: '' })).toBe(false)
    expect(v.is(MiningPerformanceTrackerSchema, { ...tracker, adapter_type: 'a b' })).toBe(false)
  })
})
