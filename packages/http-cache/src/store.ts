/** A stored value and when it was fetched (ms on the cache's clock). */
export interface CacheEntry {
  value: unknown
  storedAt: number
}

/**
 * An open (or expired, not yet reset) cool-down of one scope.
 * `until`: ms on the cache's clock before which no fetcher of the scope is called.
 * `step`: index into the ladder used for the next 429 that carries no Retry-After.
 */
export interface Cooldown {
  until: number
  step: number
}

type MaybePromise<T> = T | Promise<T>

/**
 * Where the cache keeps values and cool-downs. Every method may answer synchronously (fastest:
 * a fresh hit then costs no await) or with a promise (SQLite, Redis, a store shared by processes).
 * Values must come back as they were set (a shared store serialises them, e.g. as JSON).
 */
export interface CacheStore {
  get(key: string): MaybePromise<CacheEntry | undefined>
  set(key: string, entry: CacheEntry): MaybePromise<void>
  /** Deletes every entry whose key starts with `keyOrPrefix`; everything when omitted. */
  delete(keyOrPrefix?: string): MaybePromise<void>
  getCooldown(scope: string): MaybePromise<Cooldown | undefined>
  /** Stores the scope's cool-down; `undefined` removes it (the ladder starts again at step 0). */
  setCooldown(scope: string, cooldown: Cooldown | undefined): MaybePromise<void>
}

/** The default store: two maps in this process, answering synchronously. */
export function createMemoryStore(): CacheStore {
  const entries = new Map<string, CacheEntry>()
  const cooldowns = new Map<string, Cooldown>()
  return {
    get: (key) => entries.get(key),
    set: (key, entry) => {
      entries.set(key, entry)
    },
    delete: (keyOrPrefix) => {
      if (keyOrPrefix === undefined) {
        entries.clear()
        return
      }
      for (const key of entries.keys()) {
        if (key.startsWith(keyOrPrefix)) entries.delete(key)
      }
    },
    getCooldown: (scope) => cooldowns.get(scope),
    setCooldown: (scope, cooldown) => {
      if (cooldown === undefined) cooldowns.delete(scope)
      else cooldowns.set(scope, cooldown)
    },
  }
}
