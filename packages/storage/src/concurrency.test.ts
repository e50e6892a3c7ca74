import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import nodePath from 'node:path'
import { Worker } from 'node:worker_threads'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createTrackerRepository, DEFAULT_MIGRATIONS_FOLDER, openDatabase } from './index'

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3')

/**
 * Another connection (the CLI, say) that is migrating the same fresh file: it commits drizzle's
 * bookkeeping table, then applies the migrations in an open transaction, signals, keeps the
 * lock for `holdMs`, and commits.
 */
const MIGRATING_CONNECTION = `
const { workerData } = require('node:worker_threads')
const Database = require(workerData.betterSqlite3)
const signal = new Int32Array(workerData.signal)
const db = new Database(workerData.path)
db.pragma('journal_mode = WAL')
db.exec('CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)')
db.exec('BEGIN IMMEDIATE')
for (const migration of workerData.migrations) {
  for (const statement of migration.sql) if (statement.trim()) db.exec(statement)
  db.prepare('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)').run(migration.hash, migration.folderMillis)
}
Atomics.store(signal, 0, 1)
Atomics.notify(signal, 0)
Atomics.wait(signal, 1, 0, workerData.holdMs)
db.exec('COMMIT')
db.close()
`

let dir: string

beforeEach(async () => {
  dir = await fs.promises.mkdtemp(nodePath.join(os.tmpdir(), 'edge-mining-concurrency-'))
})

afterEach(async () => {
  await fs.promises.rm(dir, { recursive: true, force: true })
})

test('opening a file while another connection is migrating it waits, then applies nothing twice', async () => {
  const path = nodePath.join(dir, 'edgemining.db')
  const migrations = readMigrationFiles({ migrationsFolder: DEFAULT_MIGRATIONS_FOLDER })
  const signal = new SharedArrayBuffer(8)
  const worker = new Worker(MIGRATING_CONNECTION, {
    eval: true,
    workerData: { betterSqlite3, path, migrations, signal, holdMs: 150 },
  })
  const exited = new Promise((resolve, reject) => {
    worker.once('exit', resolve)
    worker.once('error', reject)
  })
  // Block until the other connection holds the write lock with its migration uncommitted.
  Atomics.wait(new Int32Array(signal), 0, 0, 5000)

  // Reading "nothing applied yet" before taking the lock (drizzle's migrator does) would rerun
  // CREATE TABLE after the other commit and fail; here the open waits for the lock, then sees it.
  const database = openDatabase({ path })
  try {
    const applied = database.sqlite
      .prepare('SELECT hash FROM __drizzle_migrations ORDER BY id')
      .all() as { hash: string }[]
    expect(applied.map((row) => row.hash)).toEqual(migrations.map((migration) => migration.hash))
    const trackers = createTrackerRepository(database)
    expect(trackers.list()).toEqual([])
  } finally {
    database.close()
    await exited
  }
})
