/** The simulated clock the whole site runs on: the model, the HA timestamps and every delay. */
export interface SimClock {
  /** Simulated ms since the epoch. */
  now(): number
  /** Simulated seconds per real second (1 when `now` was injected). */
  readonly speed: number
  /** Runs `callback` after `ms` of simulated time. */
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface SimClockOptions {
  /** An injected clock (tests): the simulator then never reads the real time. */
  now?: (() => number) | undefined
  /** Timers of the injected clock; default the global ones (real ms). */
  setTimeout?: ((callback: () => void, ms: number) => unknown) | undefined
  clearTimeout?: ((handle: unknown) => void) | undefined
  /** Without `now`: how many simulated seconds pass per real second. Default 1. */
  speed?: number | undefined
  /** Without `now`: the simulated instant to start at (ms). Default the real now. */
  start?: number | undefined
}

/**
 * The injected clock when given (its timers or the global ones), else a clock that starts at
 * `start` and runs `speed` times faster than real time, its timers scaled to match.
 */
export function createSimClock(options: SimClockOptions = {}): SimClock {
  const realSetTimeout = (callback: () => void, ms: number): unknown =>
    globalThis.setTimeout(callback, Math.max(0, ms))
  const realClearTimeout = (handle: unknown) =>
    globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>)
  if (options.now) {
    return {
      now: options.now,
      speed: 1,
      setTimeout: options.setTimeout ?? realSetTimeout,
      clearTimeout: options.clearTimeout ?? realClearTimeout,
    }
  }
  const speed = options.speed ?? 1
  const realStart = Date.now()
  const start = options.start ?? realStart
  return {
    now: () => Math.round(start + (Date.now() - realStart) * speed),
    speed,
    setTimeout: (callback, ms) => realSetTimeout(callback, ms / speed),
    clearTimeout: realClearTimeout,
  }
}
