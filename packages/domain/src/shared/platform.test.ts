import { describe, expect, it } from 'vitest'
import { acceleratedPlatform, type Platform } from './platform'

function manualPlatform() {
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
    const base = manualPlatform()
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
    expect(() => acceleratedPlatform(manualPlatform().platform, { speed: 0, startMs: 0 })).toThrow(
      'speed: expected a positive number, got 0',
    )
  })
})
