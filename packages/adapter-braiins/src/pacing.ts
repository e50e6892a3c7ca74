import { createPacer, type Pacer } from '@edge-mining/http-cache'

/** Braiins documents "approximately one request per five seconds (safe value)" per token. */
export const BRAIINS_REQUEST_INTERVAL_MS = 5000

export interface PacerRegistryOptions {
  /** Minimum time between two requests of one token. Default 5000 ms. */
  intervalMs?: number
  /** Clock in ms. Default `Date.now`. */
  now?: () => number
  /** Timer the pacers wait with. Default the global `setTimeout`. */
  setTimeout?: (fn: () => void, ms: number) => unknown
}

export interface PacerRegistry {
  /** The one pacer of `key` (base URL + token hash), created on first use. */
  pacerFor(key: string): Pacer
}

/**
 * One pacer per token: every tracker that shares the registry and the token shares its
 * request queue, so the pool sees at most one request per interval from that token.
 */
export function createPacerRegistry(options: PacerRegistryOptions = {}): PacerRegistry {
  const pacers = new Map<string, Pacer>()
  const pacerOptions = {
    intervalMs: options.intervalMs ?? BRAIINS_REQUEST_INTERVAL_MS,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.setTimeout === undefined ? {} : { setTimeout: options.setTimeout }),
  }
  return {
    pacerFor(key) {
      let pacer = pacers.get(key)
      if (pacer === undefined) {
        pacer = createPacer(pacerOptions)
        pacers.set(key, pacer)
      }
      return pacer
    },
  }
}
