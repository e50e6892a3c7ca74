import fs from 'node:fs'
import nodePath from 'node:path'
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { expect, test } from 'vitest'
import {
  createHistoryRepository,
  createSqliteCacheStore,
  createTrackerRepository,
  DEFAULT_MIGRATIONS_FOLDER,
  type StorageConnection,
  schema,
} from './index'
import { useTempFolder } from './test-helpers'

const db = useTempFolder('migration')

const TABLES = Object.values(schema)
  .filter((value) => value instanceof SQLiteTable)
  .map((table) => getTableConfig(table))

/** The bundled migrations up to `lastTag`: the database a released version left behind. */
function migrationsUpTo(lastTag: string): string {
  const folder = nodePath.join(db.dir, 'migrations')
  fs.cpSync(DEFAULT_MIGRATIONS_FOLDER, folder, { recursive: true })
  const journalPath = nodePath.join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as {
    entries: { tag: string }[]
  }
  const last = journal.entries.findIndex((entry) => entry.tag === lastTag)
  expect(last).toBeGreaterThanOrEqual(0)
  journal.entries = journal.entries.slice(0, last + 1)
  fs.writeFileSync(journalPath, JSON.stringify(journal))
  return folder
}

function tableNames(connection: StorageConnection): string[] {
  return (
    connection.sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all() as { name: string }[]
  ).map((row) => row.name)
}

test('a database of migrations 0000 + 0001 is migrated in place, its data intact', () => {
  const landed = db.open({ migrationsFolder: migrationsUpTo('0001_pool_cache') })
  expect(tableNames(landed)).not.toContain('miners')
  const tracker = {
    id: '3f1c1a4e-7c55-4d1e-9a0b-2b6f4e2d9c01',
    name: 'Ocean garage',
    adapter_type: 'ocean',
    config: '{"bitcoin_address":"bc1qexample","api_base_url":"https://api.ocean.xyz"}',
    external_service_id: null,
    created_at: '2026-08-20T10:00:00.000Z',
    updated_at: '2026-08-20T10:00:00.000Z',
  }
  landed.sqlite
    .prepare(
      `INSERT INTO mining_performance_trackers
        (id, name, adapter_type, config, external_service_id, created_at, updated_at)
       VALUES (@id, @name, @adapter_type, @config, @external_service_id, @created_at, @updated_at)`,
    )
    .run(tracker)
  landed.sqlite
    .prepare('INSERT INTO pool_cache_entries (key, value, stored_at) VALUES (?, ?, ?)')
    .run('https://api.ocean.xyz/v1/statsnap/bc1qexample', '{"hashrate_300s":"1"}', 1_750_000_000)
  landed.close()

  const upgraded = db.open()
  expect(createTrackerRepository(upgraded).list()).toEqual([
    { ...tracker, config: JSON.parse(tracker.config) },
  ])
  expect(
    createSqliteCacheStore(upgraded).get('https://api.ocean.xyz/v1/statsnap/bc1qexample'),
  ).toEqual({ value: { hashrate_300s: '1' }, storedAt: 1_750_000_000 })
  expect(tableNames(upgraded)).toEqual(expect.arrayContaining(TABLES.map((table) => table.name)))
  const applied = upgraded.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck()
  // Every migration of the journal is applied once: the two it had and the ones since.
  const journal = JSON.parse(
    fs.readFileSync(nodePath.join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: unknown[] }
  expect(applied.get()).toBe(journal.entries.length)
})

test('history written before 0004 is carried into the compact table, by series', () => {
  const landed = db.open({ migrationsFolder: migrationsUpTo('0003_history') })
  const insert = landed.sqlite.prepare(
    'INSERT INTO history (series, tier, bucket, sum, count, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  insert.run('unit:a:production', 1, 60_000, 9000, 3, 2900, 3100)
  insert.run('unit:a:production', 1, 120_000, 3300, 1, 3300, 3300)
  insert.run('miner:b:power', 1, 60_000, 2400, 2, 1200, 1200)
  landed.close()

  const upgraded = db.open()
  const history = createHistoryRepository(upgraded)
  expect(
    history.query({
      series: ['unit:a:production', 'miner:b:power', 'miner:c:power'],
      from: 0,
      to: 180_000,
      now: 180_000,
      stepMs: 60_000,
    }),
  ).toEqual([
    {
      series: 'unit:a:production',
      points: [
        [60_000, 3000],
        [120_000, 3300],
      ],
    },
    { series: 'miner:b:power', points: [[60_000, 1200]] },
    { series: 'miner:c:power', points: [] },
  ])
  expect(history.stats()).toEqual({ rows: 3, series: 2 })
  // New readings of an old series land in its rows.
  history.record([{ series: 'miner:b:power', at: 90_000, value: 1500 }])
  expect(history.average('miner:b:power', 0, 180_000)?.value).toBe(1300)
})

test('every table and column of schema.ts exists as the migrations create it', () => {
  expect(TABLES.map((table) => table.name)).toEqual(
    expect.arrayContaining(['notifiers', 'optimization_units', 'decision_log', 'scheduler_lease']),
  )
  const connection = db.open()
  for (const table of TABLES) {
    const columns = connection.sqlite.prepare(`PRAGMA table_info('${table.name}')`).all() as {
      name: string
      notnull: number
      pk: number
    }[]
    expect(
      columns.map(({ name, notnull, pk }) => ({ name, notnull: notnull === 1, pk: pk > 0 })),
    ).toEqual(
      table.columns.map((column) => ({
        name: column.name,
        notnull: column.notNull,
        // A composite primary key (history's) marks its columns in the table, not the column.
        pk:
          column.primary ||
          table.primaryKeys.some((key) => key.columns.some((part) => part.name === column.name)),
      })),
    )
  }
  const indexes = connection.sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decision_log'`)
    .pluck()
    .all()
  expect(indexes).toEqual(
    expect.arrayContaining([
      'decision_log_unit_id_idx',
      'decision_log_miner_id_idx',
      'decision_log_at_idx',
    ]),
  )
  const foreignKeys = TABLES.flatMap((table) =>
    connection.sqlite.prepare(`PRAGMA foreign_key_list('${table.name}')`).all(),
  )
  expect(foreignKeys).toEqual([])
})
