import { describe, expect, it } from 'vitest'
import { acceleratedPlatform, manualPlatform, type Platform } from './platform'

/** A base whose timers only record how long they were asked to wait. */
function recordingBase() {
  let now = 1_000
  const waits: number[] = []
  const platform: Platform = {
    now: () => now,
    setTimeout: (_callback, ms) => {
      waits.push(ms)
      return waits.length
    },
    clearTimeout: () => {},
    fetch: globalThis.fetch,
    randomUUID: () => 'id',
  }
  return { platform, waits, advance: (ms: number) => (now += ms) }
}

describe('acceleratedPlatform', () => {
  it('runs the clock speed times faster from the start instant; timers wait 1/speed', () => {
    const base = recordingBase()
    const fast = acceleratedPlatform(base.platform, {
      speed: 60,
      startMs: Date.parse('2026-06-21T06:00:00Z'),
    })
    expect(new Date(fast.now()).toISOString()).toBe('2026-06-21T06:00:00.000Z')
    base.advance(1000) // one real second = one simulated minute
    expect(new Date(fast.now()).toISOString()).toBe('2026-06-21T06:01:00.000Z')
    fast.setTimeout(() => {}, 60_000)
    expect(base.waits).toEqual([1000])
  })

  it('refuses a speed that is not a positive number', () => {
    expect(() => acceleratedPlatform(recordingBase().platform, { speed: 0, startMs: 0 })).toThrow(
      'speed: expected a positive number, got 0',
    )
  })
})

describe('manualPlatform', () => {
  it('stands still until moved, then fires the timers due in order, each at its instant', () => {
    const platform = manualPlatform('2026-06-21T10:00:00.000Z')
    const start = platform.now()
    const fired: string[] = []
    platform.setTimeout(() => fired.push(`b@${platform.now() - start}`), 2000)
    platform.setTimeout(() => fired.push(`a@${platform.now() - start}`), 1000)
    const cancelled = platform.setTimeout(() => fired.push('never'), 1500)
    platform.setTimeout(() => fired.push(`tie@${platform.now() - start}`), 1000)
    platform.clearTimeout(cancelled)
    expect(platform.nextTimerIn()).toBe(1000)
    expect(platform.pendingTimers()).toBe(3)
    platform.advance(999)
    expect(fired).toEqual([])
    platform.advance(1001)
    expect(fired).toEqual(['a@1000', 'tie@1000', 'b@2000'])
    expect(platform.now() - start).toBe(2000)
    expect(platform.nextTimerIn()).toBe(null)
  })

  it('fires a timer set by a timer within the same advance', () => {
    const platform = manualPlatform('2026-06-21T10:00:00.000Z')
    const fired: number[] = []
    platform.setTimeout(() => {
      fired.push(1)
      platform.setTimeout(() => fired.push(2), 500)
    }, 500)
    platform.advance(1000)
    expect(fired).toEqual([1, 2])
  })

  it('names a start that is not an instant', () => {
    expect(() => manualPlatform('yesterday')).toThrow(/startIso/)
  })
})
