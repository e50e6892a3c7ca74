import { describe, expect, it } from 'vitest'
import { createScheduler, type SchedulerTimers } from './scheduler'

/** A manual clock: timers fire only when the test advances time. */
function fakeTimers() {
  let now = 0
  let nextId = 0
  const pending = new Map<number, { at: number; callback: () => void }>()
  const timers: SchedulerTimers = {
    now: () => now,
    setTimeout(callback, ms) {
      nextId += 1
      pending.set(nextId, { at: now + ms, callback })
      return nextId
    },
    clearTimeout(handle) {
      pending.delete(handle as number)
    },
  }
  return {
    timers,
    /** Moves time forward, firing due timers in order, letting promises settle in between. */
    async advance(ms: number) {
      const until = now + ms
      for (;;) {
        await flush()
        const due = [...pending.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        pending.delete(due[0])
        now = due[1].at
        due[1].callback()
        await flush()
      }
      now = until
      await flush()
    },
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

/** A run the test finishes by hand. */
function controllableRun() {
  const finishers: (() => void)[] = []
  let calls = 0
  return {
    run: () => {
      calls += 1
      return new Promise<number>((resolve) => finishers.push(() => resolve(calls)))
    },
    finish: () => finishers.shift()?.(),
    calls: () => calls,
  }
}

describe('createScheduler', () => {
  it('runs right after start, then at a fixed rate', async () => {
    const clock = fakeTimers()
    const starts: number[] = []
    const scheduler = createScheduler({
      run: async () => {
        starts.push(clock.timers.now())
      },
      intervalMs: () => 5000,
      timers: clock.timers,
    })
    scheduler.start()
    await clock.advance(0)
    await clock.advance(15_000)
    expect(starts).toEqual([0, 5000, 10_000, 15_000])
    expect(scheduler.stats()).toMatchObject({ runs: 4, skipped: 0, next_fire_at: 20_000 })
    await scheduler.stop()
    await clock.advance(20_000)
    expect(starts).toHaveLength(4)
  })

  it('a fire while a run is in flight is skipped and counted, not queued', async () => {
    const clock = fakeTimers()
    const work = controllableRun()
    let skipped = 0
    const scheduler = createScheduler({
      run: work.run,
      intervalMs: () => 1000,
      timers: clock.timers,
      onSkip: () => {
        skipped += 1
      },
    })
    scheduler.start()
    await clock.advance(3500)
    expect(work.calls()).toBe(1)
    expect(skipped).toBe(3)
    work.finish()
    await clock.advance(500)
    expect(work.calls()).toBe(2)
    expect(scheduler.stats()).toMatchObject({ runs: 2, skipped: 3, running: true })
    work.finish()
    await scheduler.stop()
  })

  it('runNow joins the run in flight instead of starting another', async () => {
    const clock = fakeTimers()
    const work = controllableRun()
    const scheduler = createScheduler({
      run: work.run,
      intervalMs: () => 1000,
      timers: clock.timers,
    })
    scheduler.start()
    await clock.advance(0)
    const joined = scheduler.runNow()
    work.finish()
    expect(await joined).toBe(1)
    expect(work.calls()).toBe(1)
    const fresh = scheduler.runNow()
    work.finish()
    expect(await fresh).toBe(2)
    await scheduler.stop()
  })

  it('a new interval applies at once from the last fire', async () => {
    const clock = fakeTimers()
    let interval = 10_000
    const starts: number[] = []
    const scheduler = createScheduler({
      run: async () => {
        starts.push(clock.timers.now())
      },
      intervalMs: () => interval,
      timers: clock.timers,
    })
    scheduler.start()
    await clock.advance(1000)
    interval = 2000
    scheduler.reschedule()
    await clock.advance(5000)
    expect(starts).toEqual([0, 2000, 4000, 6000])
    await scheduler.stop()
  })

  it('a run that throws is reported and the schedule goes on', async () => {
    const clock = fakeTimers()
    const errors: unknown[] = []
    let calls = 0
    const scheduler = createScheduler({
      run: async () => {
        calls += 1
        if (calls === 1) throw new Error('boom')
      },
      intervalMs: () => 1000,
      timers: clock.timers,
      onError: (error) => errors.push(error),
    })
    scheduler.start()
    await clock.advance(1000)
    expect(calls).toBe(2)
    expect(errors).toHaveLength(1)
    expect(scheduler.stats().failures).toBe(1)
    await scheduler.stop()
  })

  it('stop waits for the run in flight', async () => {
    const clock = fakeTimers()
    const work = controllableRun()
    const scheduler = createScheduler({
      run: work.run,
      intervalMs: () => 1000,
      timers: clock.timers,
    })
    scheduler.start()
    await clock.advance(0)
    let stopped = false
    const stopping = scheduler.stop().then(() => {
      stopped = true
    })
    await flush()
    expect(stopped).toBe(false)
    work.finish()
    await stopping
    expect(stopped).toBe(true)
    expect(scheduler.stats().next_fire_at).toBeNull()
  })
})
