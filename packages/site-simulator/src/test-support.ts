/**
 * A clock the test moves, with a timer queue fired in order as it moves. Not exported from the
 * package index; tests of this package import it directly.
 */
export function createFakeClock(startIso: string) {
  let now = Date.parse(startIso)
  let nextId = 1
  const timers = new Map<number, { at: number; callback: () => void }>()
  return {
    now: () => now,
    setTimeout(callback: () => void, ms: number): unknown {
      const id = nextId++
      timers.set(id, { at: now + Math.max(0, ms), callback })
      return id
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number)
    },
    /** Moves the clock `ms` forward, firing every timer due on the way at its own instant. */
    advance(ms: number) {
      const target = now + ms
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= target)
          .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].callback()
      }
      now = target
    },
    pendingTimers: () => timers.size,
  }
}

export type FakeClock = ReturnType<typeof createFakeClock>
