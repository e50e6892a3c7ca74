import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPacer } from './pacer.ts'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('createPacer', () => {
  it('starts many simultaneous tasks one by one, intervalMs apart, in arrival order', async () => {
    const pacer = createPacer({ intervalMs: 5000 })
    const starts: Array<[number, number]> = []
    const results = Array.from({ length: 5 }, (_, i) =>
      pacer.schedule(async () => {
        starts.push([i, Date.now()])
        return i * 10
      }),
    )
    await vi.advanceTimersByTimeAsync(20_000)
    expect(starts).toEqual([
      [0, 0],
      [1, 5000],
      [2, 10_000],
      [3, 15_000],
      [4, 20_000],
    ])
    expect(await Promise.all(results)).toEqual([0, 10, 20, 30, 40])
  })

  it('starts a task at once when the last start is more than intervalMs ago', async () => {
    const pacer = createPacer({ intervalMs: 5000 })
    await pacer.schedule(async () => 'a')
    await vi.advanceTimersByTimeAsync(7000)
    let startedAt: number | undefined
    await pacer.schedule(async () => {
      startedAt = Date.now()
    })
    expect(startedAt).toBe(7000)
  })

  it('a failing or throwing task settles only its caller; the queue goes on', async () => {
    const pacer = createPacer({ intervalMs: 1000 })
    const first = pacer.schedule(() => Promise.reject(new Error('first failed')))
    const second = pacer.schedule(() => {
      throw new Error('second threw')
    })
    const third = pacer.schedule(async () => 'third ok')
    const settled = Promise.allSettled([first, second, third])
    await vi.advanceTimersByTimeAsync(2000)
    expect(await settled).toEqual([
      { status: 'rejected', reason: new Error('first failed') },
      { status: 'rejected', reason: new Error('second threw') },
      { status: 'fulfilled', value: 'third ok' },
    ])
  })

  it('spaces starts, not completions: a slow task does not hold the next one back', async () => {
    const pacer = createPacer({ intervalMs: 1000 })
    const starts: number[] = []
    pacer.schedule(async () => {
      starts.push(Date.now())
      await new Promise((resolve) => setTimeout(resolve, 10_000))
    })
    pacer.schedule(async () => {
      starts.push(Date.now())
    })
    await vi.advanceTimersByTimeAsync(1000)
    expect(starts).toEqual([0, 1000])
  })

  it('uses the injected clock and timer', () => {
    let clock = 100
    const timers: Array<{ fn: () => void; ms: number }> = []
    const pacer = createPacer({
      intervalMs: 5000,
      now: () => clock,
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
    })
    let runs = 0
    const task = async () => {
      runs++
    }
    pacer.schedule(task)
    pacer.schedule(task)
    expect(runs).toBe(1)
    expect(timers.map((timer) => timer.ms)).toEqual([5000])
    clock = 5100
    timers[0]?.fn()
    expect(runs).toBe(2)
  })

  it('a clock that jumps backwards delays the next start by one interval at most', () => {
    let clock = 1_000_000
    const timers: Array<{ fn: () => void; ms: number }> = []
    const pacer = createPacer({
      intervalMs: 5000,
      now: () => clock,
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
    })
    let runs = 0
    const task = async () => {
      runs++
    }
    pacer.schedule(task)
    clock = 0
    pacer.schedule(task)
    expect(timers.map((timer) => timer.ms)).toEqual([5000])
    clock = 5000
    timers[0]?.fn()
    expect(runs).toBe(2)
  })

  it('rejects bad options and non-function tasks with errors naming them', async () => {
    expect(() => createPacer({ intervalMs: -1 })).toThrow('createPacer: invalid options.intervalMs')
    expect(() => createPacer({ intervalMs: Number.NaN })).toThrow(TypeError)
    expect(() => createPacer({} as never)).toThrow('options.intervalMs')
    const pacer = createPacer({ intervalMs: 10 })
    await expect(pacer.schedule('nope' as never)).rejects.toThrow('task must be a function')
  })
})
