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
