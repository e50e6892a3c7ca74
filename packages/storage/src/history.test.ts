import { historyTierFor as tierFor } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { createHistoryRepository } from './history'
import { useTempFolder } from './test-helpers'

const db = useTempFolder('history')
const T0 = Date.parse('2026-06-21T10:00:00Z')
const MIN = 60_000
const DAY = 86_400_000

describe('history', () => {
  it('averages readings into the buckets of the step asked for', () => {
    const history = createHistoryRepository(db.open())
    // Every 20 s for 3 minutes: 100, 110, 120 in the first minute, then 200 ×3, then 300 ×3.
    const values = [100, 110, 120, 200, 200, 200, 300, 300, 300]
    history.record(
      values.map((value, i) => ({ series: 'unit:u:production', at: T0 + i * 20_000, value })),
    )
    const [minutes] = history.query({
      series: ['unit:u:production'],
      from: T0,
      to: T0 + 3 * MIN,
      stepMs: MIN,
      now: T0 + 3 * MIN,
    })
    expect(minutes?.points).toEqual([
      [T0, 110],
      [T0 + MIN, 200],
      [T0 + 2 * MIN, 300],
    ])
    const [whole] = history.query({
      series: ['unit:u:production'],
      from: T0,
      to: T0 + 3 * MIN,
      stepMs: 3 * MIN,
      now: T0 + 3 * MIN,
    })
    // (100 + 110 + 120 + 3·200 + 3·300) / 9 = 203.33…
    expect(whole?.points[0]?.[1]).toBeCloseTo(1830 / 9, 6)
  })

  it('chooses the tier: raw within 24 h for fine steps, minutes within 7 days, 15 min beyond', () => {
    const now = T0
    expect(tierFor(now - DAY / 2, now, 5000)).toBe(0)
    expect(tierFor(now - DAY / 2, now, 15 * MIN)).toBe(2)
    expect(tierFor(now - 3 * DAY, now, 5000)).toBe(1)
    expect(tierFor(now - 3 * DAY, now, 5 * MIN)).toBe(1)
    expect(tierFor(now - 30 * DAY, now, MIN)).toBe(2)
    expect(tierFor(now - 200 * DAY, now, MIN)).toBe(2)
  })

  it('prunes each tier past its retention, in bounded batches', () => {
    const history = createHistoryRepository(db.open())
    // One reading a day for 100 days before T0.
    history.record(
      Array.from({ length: 100 }, (_, day) => ({
        series: 's',
        at: T0 - (day + 0.5) * DAY,
        value: day,
      })),
    )
    expect(history.stats()).toEqual({ rows: 300, series: 1 })
    // Tier 0 keeps only what is younger than 24 h (day 0); tier 1 what is within 7 days
    // (days 0–6); tier 2 within 90 days (days 0–89): 300 − (1 + 7 + 90) = 202 rows go.
    let removed = 0
    for (let batch = history.prune(T0, 50); batch > 0; batch = history.prune(T0, 50)) {
      expect(batch).toBeLessThanOrEqual(50)
      removed += batch
    }
    expect(removed).toBe(202)
    expect(history.stats().rows).toBe(98)
  })

  it('an average over the 1-minute tier says how much of the window it covers', () => {
    const history = createHistoryRepository(db.open())
    history.record([
      { series: 'tracker:t:hashrate', at: T0, value: 100 },
      { series: 'tracker:t:hashrate', at: T0 + 30_000, value: 110 },
      { series: 'tracker:t:hashrate', at: T0 + 5 * MIN, value: 130 },
    ])
    expect(history.average('tracker:t:hashrate', T0, T0 + 10 * MIN)).toEqual({
      value: (100 + 110 + 130) / 3,
      covered_ms: 2 * MIN,
    })
    expect(history.average('tracker:none:hashrate', T0, T0 + MIN)).toBeNull()
  })

  it('skips readings that are not finite numbers rather than storing them', () => {
    const history = createHistoryRepository(db.open())
    history.record([
      { series: 's', at: T0, value: Number.NaN },
      { series: 's', at: T0, value: Number.POSITIVE_INFINITY },
      { series: 's', at: T0, value: 1 },
    ])
    expect(history.stats().rows).toBe(3)
  })
})
