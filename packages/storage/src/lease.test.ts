import { createRequire } from 'node:module'
import nodePath from 'node:path'
import { Worker } from 'node:worker_threads'
import { describe, expect, test } from 'vitest'
import { createSchedulerLeaseRepository, SCHEDULER_LEASE_NAME } from './index'
import { useTempFolder } from './test-helpers'

const TTL = 15_000
const T0 = 1_750_000_000_000

const db = useTempFolder('lease')

describe('scheduler lease', () => {
  test('acquire, renew, hand over on expiry, release', () => {
    const lease = createSchedulerLeaseRepository(db.open())
    expect(lease.current(T0)).toBeNull()
    expect(lease.acquire('server-1', TTL, T0)).toBe(true)
    expect(lease.current(T0)).toEqual({ holder: 'server-1', expires_at: T0 + TTL })

    expect(lease.acquire('server-2', TTL, T0 + 1000)).toBe(false)
    expect(lease.acquire('server-1', TTL, T0 + 5000)).toBe(true)
    expect(lease.current(T0 + 5000)).toEqual({ holder: 'server-1', expires_at: T0 + 5000 + TTL })

    const expired = T0 + 5000 + TTL
    expect(lease.current(expired)).toBeNull()
    expect(lease.acquire('server-2', TTL, expired)).toBe(true)
    expect(lease.acquire('server-1', TTL, expired + 1)).toBe(false)

    lease.release('server-1')
    expect(lease.current(expired + 1)?.holder).toBe('server-2')
    lease.release('server-2')
    expect(lease.current(expired + 1)).toBeNull()
    expect(lease.acquire('server-1', TTL, expired + 2)).toBe(true)
  })

  test('two connections on one file never both hold it', () => {
    const first = createSchedulerLeaseRepository(db.open())
    const second = createSchedulerLeaseRepository(db.open())
    let holders = 0
    for (let now = T0; now < T0 + 10 * TTL; now += 1000) {
      const a = first.acquire('server-1', TTL, now)
      const b = second.acquire('server-2', TTL, now)
      expect(a && b).toBe(false)
      if (a || b) holders += 1
    }
    // The first renews every second, so the second never gets it.
    expect(holders).toBe(10 * (TTL / 1000))
    expect(second.current(T0)?.holder).toBe('server-1')
    first.release('server-1')
    expect(second.acquire('server-2', TTL, T0 + 10 * TTL)).toBe(true)
    expect(first.acquire('server-1', TTL, T0 + 10 * TTL)).toBe(false)
  })

  test('a lease another process takes while we wait for the lock is honoured', async () => {
    const connection = db.open()
    const lease = createSchedulerLeaseRepository(connection)
    const signal = new SharedArrayBuffer(8)
    // Another process: takes the write lock, writes its lease, holds the lock a while, commits.
    const worker = new Worker(
      `
      const { workerData } = require('node:worker_threads')
      const Database = require(workerData.betterSqlite3)
      const db = new Database(workerData.path)
      db.exec('BEGIN IMMEDIATE')
      db.prepare('INSERT INTO scheduler_lease (name, holder, expires_at) VALUES (?, ?, ?)')
        .run(workerData.name, 'other-process', workerData.expiresAt)
      const flags = new Int32Array(workerData.signal)
      Atomics.store(flags, 0, 1)
      Atomics.notify(flags, 0)
      Atomics.wait(flags, 1, 0, 150)
      db.exec('COMMIT')
      db.close()
      `,
      {
        eval: true,
        workerData: {
          betterSqlite3: createRequire(import.meta.url).resolve('better-sqlite3'),
          path: nodePath.join(db.dir, 'db', 'edgemining.db'),
          name: SCHEDULER_LEASE_NAME,
          expiresAt: T0 + TTL,
          signal,
        },
      },
    )
    const exited = new Promise((resolve, reject) => {
      worker.once('exit', resolve)
      worker.once('error', reject)
    })
    Atomics.wait(new Int32Array(signal), 0, 0, 5000)
    // Blocks on the busy timeout until the other commit, then sees its lease.
    expect(lease.acquire('this-process', TTL, T0)).toBe(false)
    expect(lease.current(T0)).toEqual({ holder: 'other-process', expires_at: T0 + TTL })
    await exited
  })

  test('bad times are refused', () => {
    const lease = createSchedulerLeaseRepository(db.open())
    expect(() => lease.acquire('x', -1, T0)).toThrow('ttl_ms')
    expect(() => lease.acquire('x', TTL, Number.NaN)).toThrow('now_ms')
    expect(lease.current(T0)).toBeNull()
  })
})
