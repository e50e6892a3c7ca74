import {
  InvalidValueError,
  type MinerOverride,
  type MinerRuntimeRepository,
  type MinerRuntimeState,
  type OverrideRepository,
  type RuleStateRepository,
} from '@edge-mining/domain'
import type { StorageConnection } from './database'
import { guarded } from './rows'

type Connection = Pick<StorageConnection, 'sqlite' | 'path'>

/**
 * `for_seconds` "true since" instants (ms) per key. `deletePrefix` is a range query on the key
 * (index-driven and exact, unlike LIKE, which is case-insensitive and treats `_` and `%` as
 * wildcards): every string starting with the prefix sorts at or after it and before the prefix
 * followed by the bytes F4 90 80 80, which are above any valid UTF-8 sequence.
 */
export function createRuleStateRepository(connection: Connection): RuleStateRepository {
  const { sqlite, path } = connection
  const statements = guarded(path, 'prepare the rule_state statements on', () => ({
    get: sqlite.prepare('SELECT true_since FROM rule_state WHERE key = ?').pluck(),
    set: sqlite.prepare(
      `INSERT INTO rule_state (key, true_since) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET true_since = excluded.true_since`,
    ),
    delete: sqlite.prepare('DELETE FROM rule_state WHERE key = ?'),
    deletePrefix: sqlite.prepare(
      `DELETE FROM rule_state WHERE key >= @prefix AND key < @prefix || CAST(x'F4908080' AS TEXT)`,
    ),
    list: sqlite
      .prepare(
        `SELECT key, true_since FROM rule_state
         WHERE key >= @prefix AND key < @prefix || CAST(x'F4908080' AS TEXT) ORDER BY key`,
      )
      .raw(),
  }))
  return {
    get: (key) =>
      guarded(path, 'read', () => {
        const value = statements.get.get(key)
        return typeof value === 'number' ? value : undefined
      }),
    set(key, trueSinceMs) {
      if (!Number.isSafeInteger(trueSinceMs)) {
        throw new InvalidValueError('true_since', trueSinceMs, 'whole milliseconds since the epoch')
      }
      guarded(path, 'write to', () => statements.set.run(key, trueSinceMs))
    },
    delete(key) {
      guarded(path, 'write to', () => statements.delete.run(key))
    },
    deletePrefix(prefix) {
      guarded(path, 'write to', () => statements.deletePrefix.run({ prefix }))
    },
    list: (prefix) =>
      guarded(path, 'read', () => statements.list.all({ prefix }) as [string, number][]),
  }
}

/** Manual start/stop holds, one per miner (`set` replaces the miner's hold). */
export function createOverrideRepository(connection: Connection): OverrideRepository {
  const { sqlite, path } = connection
  const columns = 'miner_id, action, until, created_at, reason'
  const statements = guarded(path, 'prepare the miner_overrides statements on', () => ({
    get: sqlite.prepare(`SELECT ${columns} FROM miner_overrides WHERE miner_id = ?`),
    list: sqlite.prepare(`SELECT ${columns} FROM miner_overrides ORDER BY created_at, miner_id`),
    set: sqlite.prepare(
      `INSERT INTO miner_overrides (${columns})
       VALUES (@miner_id, @action, @until, @created_at, @reason)
       ON CONFLICT(miner_id) DO UPDATE SET action = excluded.action, until = excluded.until,
         created_at = excluded.created_at, reason = excluded.reason`,
    ),
    clear: sqlite.prepare('DELETE FROM miner_overrides WHERE miner_id = ?'),
  }))
  return {
    get: (minerId) =>
      guarded(
        path,
        'read',
        () => (statements.get.get(minerId) as MinerOverride | undefined) ?? null,
      ),
    list: () => guarded(path, 'read', () => statements.list.all() as MinerOverride[]),
    set(override) {
      if (override.action !== 'start' && override.action !== 'stop') {
        throw new InvalidValueError('override.action', override.action, '"start" or "stop"')
      }
      const { miner_id, action, until, created_at, reason } = override
      guarded(path, 'write to', () =>
        statements.set.run({ miner_id, action, until, created_at, reason }),
      )
    },
    clear: (minerId) => guarded(path, 'write to', () => statements.clear.run(minerId).changes > 0),
  }
}

/** What the loop last saw and did per miner (`set` replaces the miner's state). */
export function createMinerRuntimeRepository(connection: Connection): MinerRuntimeRepository {
  const { sqlite, path } = connection
  const columns = 'miner_id, last_status, last_switch_at, last_action'
  const statements = guarded(path, 'prepare the miner_runtime statements on', () => ({
    get: sqlite.prepare(`SELECT ${columns} FROM miner_runtime WHERE miner_id = ?`),
    set: sqlite.prepare(
      `INSERT INTO miner_runtime (${columns})
       VALUES (@miner_id, @last_status, @last_switch_at, @last_action)
       ON CONFLICT(miner_id) DO UPDATE SET last_status = excluded.last_status,
         last_switch_at = excluded.last_switch_at, last_action = excluded.last_action`,
    ),
    remove: sqlite.prepare('DELETE FROM miner_runtime WHERE miner_id = ?'),
  }))
  return {
    get: (minerId) =>
      guarded(
        path,
        'read',
        () => (statements.get.get(minerId) as MinerRuntimeState | undefined) ?? null,
      ),
    set(state) {
      const { miner_id, last_status, last_switch_at, last_action } = state
      guarded(path, 'write to', () =>
        statements.set.run({ miner_id, last_status, last_switch_at, last_action }),
      )
    },
    remove(minerId) {
      guarded(path, 'write to', () => statements.remove.run(minerId))
    },
  }
}
