import {
  InvalidValueError,
  MiningRewardSchema,
  PoolStatsSchema,
  TrackerConfigurationError,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { createDummyTracker } from './tracker'

const now = () => Date.UTC(2026, 10, 26, 12, 0, 0)

describe('createDummyTracker', () => {
  it('is reproducible with a seed', async () => {
    const first = createDummyTracker({ seed: 7 }, { now })
    const second = createDummyTracker({ seed: 7 }, { now })
    expect(await first.getPoolStats()).toEqual(await second.getPoolStats())
    expect(await first.getCurrentHashrate()).toEqual(await second.getCurrentHashrate())
  })

  it('returns valid value objects in upstream ranges', async () => {
    const tracker = createDummyTracker({ seed: 1 }, { now })
    const current = await tracker.getCurrentHashrate()
    expect(current?.value).toBeGreaterThanOrEqual(90)
    expect(current?.value).toBeLessThanOrEqual(110)
    const stats = await tracker.getPoolStats()
    expect(v.is(PoolStatsSchema, stats)).toBe(true)
    expect(stats?.average_hashrate_7d?.value).toBeGreaterThanOrEqual(80)
    expect(await tracker.getPayoutSchedule()).toEqual({
      frequency: 'unknown',
      threshold: null,
      next_payout_at: null,
    })
  })

  it('returns daily rewards newest first, honouring the limit', async () => {
    const rewards = await createDummyTracker({ seed: 1 }, { now }).getRecentRewards(3)
    expect(rewards.map((reward) => reward.timestamp)).toEqual([
      '2026-11-26T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
      '2026-11-24T00:00:00.000Z',
    ])
    expect(rewards.every((reward) => v.is(MiningRewardSchema, reward))).toBe(true)
  })

  it('rejects a bad limit and a bad config, naming the field', async () => {
    const tracker = createDummyTracker({ seed: 1 }, { now })
    await expect(tracker.getRecentRewards(0)).rejects.toBeInstanceOf(InvalidValueError)
    await expect(tracker.getRecentRewards(501)).rejects.toThrow(/limit/)
    expect(() => createDummyTracker({ seed: 1.5 })).toThrow(TrackerConfigurationError)
    expect(() => createDummyTracker({ colour: 'red' } as never)).toThrow(/colour/)
  })
})
