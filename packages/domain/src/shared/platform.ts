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
