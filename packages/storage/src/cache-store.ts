import type { CacheEntry, CacheStore, Cooldown } from '@edge-mining/http-cache'
import { changeClockOf, createReadMemo } from './change-clock'
import type { StorageConnection } from './database'
import { toStorageError } from './errors'

interface EntryRow {
  value: string
  stored_at: number
}

interface CooldownRow {
  until: number
  step: number
}

/**
 * A `@edge-mining/http-cache` store in the SQLite database, so every process on one database
 * file (API server, CLI, …) shares one pool-data cache: a value one process fetched is a hit
 * for the others, and a rate-limit cool-down one process opened is honoured by all of them.
 *
 * Answers synchronously (better-sqlite3 is synchronous), so a fresh hit costs no await; repeated
 * reads come from memory until any connection writes, and hand out the same value object (treat
 * it as immutable, as with the memory store). Values are stored as JSON text (`undefined` comes back as `null`); a row whose JSON cannot be read
 * is treated as missing and removed. Times are ms since the epoch: every process's `Date.now`.
 * Failures are thrown as `StorageError` (`busy`, `read_only`, `io`, …).
 */
export function createSqliteCacheStore(connection: StorageConnection): CacheStore {
  const { sqlite, path } = connection
  const prepare = (source: string) => sqlite.prepare(source)
  const statements = {
    get: prepare('SELECT value, stored_at FROM pool_cache_entries WHERE key = ?'),
    set: prepare(
      `INSERT INTO pool_cache_entries (key, value, stored_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, stored_at = excluded.stored_at`,
    ),
    deleteKey: prepare('DELETE FROM pool_cache_entries WHERE key = ?'),
    // substr rather than LIKE: keys are URLs full of `_` and `%`.
    deletePrefix: prepare('DELETE FROM pool_cache_entries WHERE substr(key, 1, ?) = ?'),
    deleteAll: prepare('DELETE FROM pool_cache_entries'),
    getCooldown: prepare('SELECT until, step FROM pool_cache_cooldowns WHERE scope = ?'),
    setCooldown: prepare(
      `INSERT INTO pool_cache_cooldowns (scope, until, step) VALUES (?, ?, ?)
       ON CONFLICT(scope) DO UPDATE SET until = excluded.until, step = excluded.step`,
    ),
    deleteCooldown: prepare('DELETE FROM pool_cache_cooldowns WHERE scope = ?'),
  }
  const guarded =
    <A extends unknown[], R>(action: string, run: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return run(...args)
      } catch (error) {
        throw toStorageError(error, path, { action })
      }
    }

  // A cached pool value is read on every API call that shows it; the memo answers those from
  // memory until any connection writes (a fresh fetch here, or by the CLI).
  const clock = changeClockOf(sqlite)
  const memo = createReadMemo<CacheEntry | undefined>(clock, { shared: true })
  const writing = <T>(run: () => T): T => {
    try {
      return run()
    } finally {
      clock.bump()
    }
  }

  return {
    get: guarded('read the pool cache of', (key: string): CacheEntry | undefined =>
      memo.read(key, () => {
        const row = statements.get.get(key) as EntryRow | undefined
        if (row === undefined) return undefined
        try {
          return { value: JSON.parse(row.value) as unknown, storedAt: Number(row.stored_at) }
        } catch {
          writing(() => statements.deleteKey.run(key))
          return undefined
        }
      }),
    ),
    set: guarded('write the pool cache of', (key: string, entry: CacheEntry): void => {
      writing(() =>
        statements.set.run(key, JSON.stringify(entry.value) ?? 'null', Math.round(entry.storedAt)),
      )
    }),
    delete: guarded('clear the pool cache of', (keyOrPrefix?: string): void => {
      writing(() => {
        if (keyOrPrefix === undefined) statements.deleteAll.run()
        else statements.deletePrefix.run(keyOrPrefix.length, keyOrPrefix)
      })
    }),
    getCooldown: guarded('read the pool cool-downs of', (scope: string): Cooldown | undefined => {
      const row = statements.getCooldown.get(scope) as CooldownRow | undefined
      return row === undefined ? undefined : { until: Number(row.until), step: Number(row.step) }
    }),
    setCooldown: guarded(
      'write the pool cool-downs of',
      (scope: string, cooldown: Cooldown | undefined): void => {
        writing(() => {
          if (cooldown === undefined) statements.deleteCooldown.run(scope)
          else statements.setCooldown.run(scope, Math.round(cooldown.until), cooldown.step)
        })
      },
    ),
  }
}
