import { InvalidValueError } from './errors'
/**
 * What the outside world gives the core: time, timers, network and ids. Injected in one place
 * (the runtime) so every library and test runs on the same clock — no hidden globals.
 */
export interface Platform {
  /** Wall clock, ms since the epoch. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  fetch: typeof globalThis.fetch
  randomUUID(): string
}

/** The process's own platform: Date.now, the global timers, fetch and crypto.randomUUID. */
export function systemPlatform(): Platform {
  return {
    now: () => Date.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    fetch: (input, init) => globalThis.fetch(input, init),
    randomUUID: () => crypto.randomUUID(),
  }
}

/** Structured logging: the subset of consola the libraries use. Messages never hold secrets. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

/** A logger that drops everything (the default where nobody listens). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
}

/**
 * A platform whose clock runs `speed` times faster than `base`'s, starting at `startMs`:
 * timers wait `ms / speed` of real time. For the demo and simulated days ("a whole day in 24
 * minutes"); fetch and ids are the base's.
 */
export function acceleratedPlatform(
  base: Platform,
  options: { speed: number; startMs: number },
): Platform {
  if (!(options.speed > 0) || !Number.isFinite(options.speed)) {
    throw new InvalidValueError('speed', options.speed, 'a positive number')
  }
  const realStart = base.now()
  return {
    now: () => Math.round(options.startMs + (base.now() - realStart) * options.speed),
    setTimeout: (callback, ms) => base.setTimeout(callback, Math.max(0, ms) / options.speed),
    clearTimeout: (handle) => base.clearTimeout(handle),
    fetch: base.fetch,
    randomUUID: () => base.randomUUID(),
  }
}

/** A platform whose clock moves only when told: tests, simulated days, benchmarks. */
export interface ManualPlatform extends Platform {
  /** Moves the clock forward, firing the timers due on the way, each at its own instant. */
  advance(ms: number): void
  /** How many timers are set. */
  pendingTimers(): number
  /** Ms until the earliest timer, or null when none is set. */
  nextTimerIn(): number | null
}

/**
 * A clock standing at `startIso` until `advance` moves it, with a timer queue it fires in order;
 * fetch is the process's own (loopback fakes answer it), ids are counted
 * (`00000000-0000-4000-8000-000000000001`, …) so runs repeat.
 */
export function manualPlatform(startIso: string): ManualPlatform {
  let now = Date.parse(startIso)
  if (!Number.isFinite(now))
    throw new InvalidValueError('startIso', startIso, 'an ISO-8601 instant')
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
        let due: [number, { at: number; callback: () => void }] | undefined
        for (const entry of timers) {
          if (entry[1].at > target) continue
          if (due === undefined || entry[1].at < due[1].at) due = entry
        }
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].callback()
      }
      now = target
    },
    pendingTimers: () => timers.size,
    nextTimerIn() {
      let earliest = Number.POSITIVE_INFINITY
      for (const { at } of timers.values()) earliest = Math.min(earliest, at)
      return Number.isFinite(earliest) ? earliest - now : null
    },
  }
}

/** A logger that keeps every line as `<level> <message>` (tests read `lines`). */
export function memoryLogger(): Logger & { lines: string[] } {
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
