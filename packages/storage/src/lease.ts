import { InvalidValueError, type SchedulerLeaseRepository } from '@edge-mining/domain'
import type { StorageConnection } from './database'
import { guarded } from './rows'

/** The lease's row: one decision loop per database. */
export const SCHEDULER_LEASE_NAME = 'decision_loop'

function checkMs(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidValueError(field, value, 'a non-negative whole number of milliseconds')
  }
}

/**
 * The scheduler lease. `acquire` is one UPSERT whose update only applies when the caller
 * already holds the lease or it has expired, run in an IMMEDIATE transaction: SQLite serialises
 * writers on the file, so two processes (the API server and a second server on the same
 * database) can never both be told they hold it. Times are ms on the callers' clocks.
 */
export function createSchedulerLeaseRepository(
  connection: Pick<StorageConnection, 'sqlite' | 'path'>,
): SchedulerLeaseRepository {
  const { sqlite, path } = connection
  const statements = guarded(path, 'prepare the scheduler_lease statements on', () => ({
    acquire: sqlite.prepare(
      `INSERT INTO scheduler_lease (name, holder, expires_at) VALUES (@name, @holder, @expires_at)
       ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE scheduler_lease.holder = excluded.holder OR scheduler_lease.expires_at <= @now`,
    ),
    release: sqlite.prepare('DELETE FROM scheduler_lease WHERE name = ? AND holder = ?'),
    current: sqlite.prepare(
      'SELECT holder, expires_at FROM scheduler_lease WHERE name = ? AND expires_at > ?',
    ),
  }))
  const acquire = sqlite.transaction(
    (holder: string, expiresAt: number, now: number) =>
      statements.acquire.run({ name: SCHEDULER_LEASE_NAME, holder, expires_at: expiresAt, now })
        .changes === 1,
  )

  return {
    acquire(holder, ttlMs, nowMs) {
      checkMs('ttl_ms', ttlMs)
      checkMs('now_ms', nowMs)
      return guarded(path, 'write to', () => acquire.immediate(holder, nowMs + ttlMs, nowMs))
    },
    release(holder) {
      guarded(path, 'write to', () => statements.release.run(SCHEDULER_LEASE_NAME, holder))
    },
    current(nowMs) {
      const row = guarded(path, 'read', () =>
        statements.current.get(SCHEDULER_LEASE_NAME, nowMs),
      ) as { holder: string; expires_at: number } | undefined
      return row ?? null
    },
  }
}
