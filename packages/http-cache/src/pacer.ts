import * as v from 'valibot'
import { describe, parseOptions } from './validate.ts'

const PacerOptionsSchema = v.strictObject({
  intervalMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  now: v.optional(v.custom<() => number>((input) => typeof input === 'function', 'not a function')),
  setTimeout: v.optional(
    v.custom<(fn: () => void, ms: number) => unknown>(
      (input) => typeof input === 'function',
      'not a function',
    ),
  ),
})

export interface PacerOptions {
  /** Minimum time between the starts of two tasks. */
  intervalMs: number
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number
  /** Timer used to wait for the next slot. Default: the global `setTimeout`. */
  setTimeout?: (fn: () => void, ms: number) => unknown
}

export interface Pacer {
  /** Runs `task` in its turn, at least `intervalMs` after the previous task started. */
  schedule<T>(task: () => Promise<T>): Promise<T>
}

interface Queued {
  task: () => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * Spaces task starts at least `intervalMs` apart, first come first served, however many callers
 * arrive at once (like bottleneck's `minTime`). A task that fails or throws settles only its own
 * caller; the queue goes on. Tasks are not awaited before the next starts: the pacer bounds the
 * request rate, not concurrency.
 */
export function createPacer(options: PacerOptions): Pacer {
  const parsed = parseOptions(PacerOptionsSchema, options, 'createPacer')
  const intervalMs = parsed.intervalMs
  const now = parsed.now ?? Date.now
  const setTimer = parsed.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms))

  const queue: Queued[] = []
  let nextStartAt = Number.NEGATIVE_INFINITY
  let timerPending = false

  function start(item: Queued): void {
    try {
      Promise.resolve(item.task()).then(item.resolve, item.reject)
    } catch (error) {
      item.reject(error)
    }
  }

  function drain(): void {
    while (queue.length > 0 && !timerPending) {
      const at = now()
      // A clock that jumped backwards must not stall the queue: wait one interval at most.
      if (nextStartAt - at > intervalMs) nextStartAt = at + intervalMs
      const waitMs = nextStartAt - at
      if (waitMs > 0) {
        timerPending = true
        setTimer(() => {
          timerPending = false
          drain()
        }, waitMs)
        return
      }
      const item = queue.shift()
      if (item === undefined) return
      nextStartAt = at + intervalMs
      start(item)
    }
  }

  function schedule<T>(task: () => Promise<T>): Promise<T> {
    if (typeof task !== 'function') {
      return Promise.reject(new TypeError(`task must be a function, got ${describe(task)}`))
    }
    return new Promise<T>((resolve, reject) => {
      queue.push({ task, resolve: resolve as (value: unknown) => void, reject })
      drain()
    })
  }

  return { schedule }
}
