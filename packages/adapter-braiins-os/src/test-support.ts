/**
 * What this package's tests run on: a platform whose clock and timers the test drives (fetch is
 * the real one, to a loopback fake device on the same clock) and a logger that keeps what it was
 * told. Not exported from the package.
 */
import type { Logger, Platform } from '@edge-mining/domain'

export interface TestPlatform extends Platform {
  /** Moves the clock forward, firing the timers due on the way, each at its own instant. */
  advance(ms: number): void
  pendingTimers(): number
}

export function createTestPlatform(startIso: string): TestPlatform {
  let now = Date.parse(startIso)
  let nextHandle = 1
  let issued = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const handle = nextHandle++
      timers.set(handle, { at: now + Math.max(0, ms), callback })
      return handle
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    fetch: (input, init) => globalThis.fetch(input, init),
    randomUUID: () => `00000000-0000-4000-8000-${(++issued).toString(16).padStart(12, '0')}`,
    advance(ms) {
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

export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const keep =
    (level: string) =>
    (message: string): void => {
      lines.push(`${level} ${message}`)
    }
  return {
    lines,
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  }
}

/** Waits for `work` while the clock moves `stepMs` at a time (real ms between steps). */
export async function settle<T>(
  platform: TestPlatform,
  work: Promise<T>,
  stepMs: number,
): Promise<T> {
  let done = false
  const watched = work.finally(() => {
    done = true
  })
  watched.catch(() => {})
  for (let turn = 0; turn < 400 && !done; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (!done) platform.advance(stepMs)
  }
  return watched
}

export const NOON = '2026-06-21T10:00:00.000Z'
