import type Database from 'better-sqlite3'
import rfdc from 'rfdc'

/**
 * When a connection's view of the database may have changed: SQLite's `PRAGMA data_version`
 * moves when another connection (the CLI, a second server) commits, and `bump()` marks this
 * connection's own writes. Repositories keep what they read in memory and drop it when the
 * version moves — a hot read costs one pragma instead of a query, a JSON parse and a schema
 * check, and is never stale.
 */
export interface ChangeClock {
  /** A token that differs whenever the data may have changed. */
  version(): string
  /** Marks a write through this connection (call after it, committed or not). */
  bump(): void
}

export interface ChangeClockOptions {
  /**
   * How long another connection's commit may go unseen, in ms. 0 (the default) asks SQLite on
   * every read; the server passes a few ms, which spares a pragma per lookup on hot paths
   * (several per request) — no person or process can tell a commit seen 5 ms late.
   */
  maxStalenessMs?: number
  /** Monotonic clock in ms for that window. Default `performance.now`. */
  monotonicNow?: () => number
}

const clocks = new WeakMap<Database.Database, ChangeClock>()

/**
 * The connection's clock: one per connection, shared by every repository on it. The options
 * apply when the clock is first made (`openDatabase` makes it).
 */
export function changeClockOf(
  sqlite: Database.Database,
  options: ChangeClockOptions = {},
): ChangeClock {
  let clock = clocks.get(sqlite)
  if (clock) return clock
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck()
  const maxStalenessMs = options.maxStalenessMs ?? 0
  const monotonicNow = options.monotonicNow ?? (() => performance.now())
  let writes = 0
  let seen = 0
  let checkedAt = Number.NEGATIVE_INFINITY
  clock = {
    version() {
      if (maxStalenessMs <= 0) return `${dataVersion.get() as number}:${writes}`
      const now = monotonicNow()
      if (now - checkedAt >= maxStalenessMs) {
        seen = dataVersion.get() as number
        checkedAt = now
      }
      // Own writes count at once, whatever the window.
      return `${seen}:${writes}`
    },
    bump() {
      writes += 1
    },
  }
  clocks.set(sqlite, clock)
  return clock
}

/**
 * Deep copies of what rows parse into (plain objects, arrays, strings, numbers, dates): a hot
 * read hands out one per lookup, and structuredClone costs several times more on rows this small.
 */
const copyData: <T>(value: T) => T = rfdc({ circles: false, proto: false })

/**
 * A read-through memo keyed by string, emptied whenever the connection's version moves. Values
 * are handed out as copies, so a caller mutating one never changes what is remembered — unless
 * `shared` (the pool cache, whose values are treated as immutable, as in the memory store).
 */
export function createReadMemo<T>(clock: ChangeClock, options: { shared?: boolean } = {}) {
  const copy = options.shared ? (value: T) => value : copyData
  let seen = ''
  const values = new Map<string, T>()
  const current = () => {
    const version = clock.version()
    if (version !== seen) {
      values.clear()
      seen = version
    }
    return values
  }
  return {
    read(key: string, load: () => T): T {
      const memo = current()
      if (memo.has(key)) return copy(memo.get(key) as T)
      const value = load()
      memo.set(key, value)
      return copy(value)
    },
  }
}
