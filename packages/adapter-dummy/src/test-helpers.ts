import type { AdapterContext, Logger, Platform } from '@edge-mining/domain'
import { DEFAULT_SETTINGS, silentLogger } from '@edge-mining/domain'

/** A Platform whose clock only moves when a test says so; timers and network are refused. */
export interface FakeClock extends Platform {
  set(instant: number | string): void
  advance(ms: number): void
}

export function fakeClock(start: number | string): FakeClock {
  let current = typeof start === 'string' ? Date.parse(start) : start
  let ids = 0
  return {
    now: () => current,
    set(instant) {
      current = typeof instant === 'string' ? Date.parse(instant) : instant
    },
    advance(ms) {
      current += ms
    },
    setTimeout() {
      throw new Error('the dummy adapters must not use timers')
    },
    clearTimeout() {},
    fetch: () => Promise.reject(new Error('the dummy adapters must not use the network')),
    randomUUID: () => {
      ids += 1
      return `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`
    },
  }
}

/** An adapter context on `platform` (Rome settings, silent logger unless given). */
export function contextOn(
  platform: Platform,
  extra: Partial<AdapterContext> & { logger?: Logger } = {},
): AdapterContext {
  return {
    platform,
    logger: silentLogger,
    settings: { ...DEFAULT_SETTINGS },
    externalService: null,
    ...extra,
  }
}
