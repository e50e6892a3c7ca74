import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  DEFAULT_DB_PATH,
  DEFAULT_MIGRATIONS_FOLDER,
  type OpenDatabaseOptions,
  openDatabase,
  resolveDatabasePath,
  type StorageConnection,
  StorageError,
} from './index'

let dir: string
const connections: StorageConnection[] = []

function open(options: Partial<OpenDatabaseOptions> = {}): StorageConnection {
  const connection = openDatabase({ path: nodePath.join(dir, 'edgemining.db'), ...options })
  connections.push(connection)
  return connection
}

function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777
}

/** Runs `action`, expecting a StorageError; returns it. */
function storageErrorOf(action: () => unknown): StorageError {
  try {
    action()
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError)
    return error as StorageError
  }
  throw new Error('expected a StorageError')
}

const isRoot = process.getuid?.() === 0

beforeEach(async () => {
  dir = await fs.promises.mkdtemp(nodePath.join(os.tmpdir(), 'edge-mining-storage-'))
})

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close()
  await fs.promises.chmod(dir, 0o700)
  await fs.promises.rm(dir, { recursive: true, force: true })
})

describe('openDatabase: file and folder', () => {
  test('creates missing folders and the file, owner-only', () => {
    const path = nodePath.join(dir, 'data', 'db', 'edgemining.db')
    const connection = open({ path })
    expect(connection.path).toBe(path)
    expect(modeOf(path)).toBe(0o600)
    expect(modeOf(nodePath.join(dir, 'data', 'db'))).toBe(0o700)
  })

  test('tightens an existing world-readable file to 0600', () => {
    const path = nodePath.join(dir, 'edgemining.db')
    fs.writeFileSync(path, '')
    fs.chmodSync(path, 0o644)
    open({ path })
    expect(modeOf(path)).toBe(0o600)
  })

  test('the WAL file that holds recent writes is owner-only too', () => {
    const connection = open()
    connection.sqlite.exec('CREATE TABLE probe (value TEXT)')
    connection.sqlite.prepare('INSERT INTO probe VALUES (?)').run('x')
    expect(modeOf(`${connection.path}-wal`)).toBe(0o600)
  })

  test('never reads DB_PATH: the path given is the one opened; sqlite:/// URLs are accepted', () => {
    vi.stubEnv('DB_PATH', nodePath.join(dir, 'env', 'from-env.db'))
    const given = nodePath.join(dir, 'given', 'edgemining.db')
    const connection = open({ path: given })
    vi.unstubAllEnvs()
    expect(connection.path).toBe(given)
    expect(fs.existsSync(nodePath.join(dir, 'env'))).toBe(false)

    expect(resolveDatabasePath(`sqlite:///${given}`)).toBe(given)
    expect(resolveDatabasePath('sqlite:///data/db/edgemining.db')).toBe(
      nodePath.resolve(DEFAULT_DB_PATH),
    )
    expect(resolveDatabasePath(':memory:')).toBe(':memory:')
  })

  test(':memory: opens a private, migrated in-memory database and touches no file', () => {
    const connection = openDatabase({ path: ':memory:' })
    connections.push(connection)
    expect(connection.path).toBe(':memory:')
    const tables = connection.sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE name = 'mining_performance_trackers'`)
      .all()
    expect(tables).toHaveLength(1)
    expect(fs.existsSync(':memory:')).toBe(false)
  })

  test('a non-SQLite URL is refused with a clear error', () => {
    const error = storageErrorOf(() => openDatabase({ path: 'postgresql://db.local/edge' }))
    expect(error.code).toBe('cannot_open')
    expect(error.message).toContain('postgresql://db.local/edge')
  })
})

describe('openDatabase: connection settings', () => {
  test('WAL journal, foreign keys on, a busy timeout', () => {
    const connection = open({ busyTimeoutMs: 1234 })
    expect(connection.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(connection.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(connection.sqlite.pragma('busy_timeout', { simple: true })).toBe(1234)
  })

  test('the default busy timeout is 5 s', () => {
    const connection = open()
    expect(connection.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000)
  })

  test('close() is idempotent', () => {
    const connection = open()
    connection.close()
    expect(() => connection.close()).not.toThrow()
    expect(connection.sqlite.open).toBe(false)
  })

  test('a bad busyTimeoutMs is refused', () => {
    const error = storageErrorOf(() => open({ busyTimeoutMs: -1 }))
    expect(error.message).toContain('busyTimeoutMs')
  })
})

describe('openDatabase: migrations', () => {
  const journal = JSON.parse(
    fs.readFileSync(nodePath.join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: { tag: string; when: number }[] }

  function appliedMigrations(connection: StorageConnection): number[] {
    return (
      connection.sqlite
        .prepare('SELECT created_at FROM __drizzle_migrations ORDER BY id')
        .all() as {
        created_at: number
      }[]
    ).map((row) => Number(row.created_at))
  }

  test('creates mining_performance_trackers with the documented columns', () => {
    const connection = open()
    const columns = connection.sqlite
      .prepare(`PRAGMA table_info('mining_performance_trackers')`)
      .all() as { name: string; type: string; notnull: number; pk: number }[]
    expect(columns.map(({ name, type, notnull, pk }) => [name, type, notnull, pk])).toEqual([
      ['id', 'TEXT', 1, 1],
      ['name', 'TEXT', 1, 0],
      ['adapter_type', 'TEXT', 1, 0],
      ['config', 'TEXT', 1, 0],
      ['external_service_id', 'TEXT', 0, 0],
      ['created_at', 'TEXT', 1, 0],
      ['updated_at', 'TEXT', 1, 0],
    ])
  })

  test('are applied once: reopening applies nothing again', () => {
    const expected = journal.entries.map((entry) => entry.when)
    open().close()
    const reopened = open()
    expect(appliedMigrations(reopened)).toEqual(expected)
    reopened.close()
    expect(appliedMigrations(open())).toEqual(expected)
  })

  test('a migration added later is applied to an existing database', () => {
    const folder = nodePath.join(dir, 'migrations')
    fs.cpSync(DEFAULT_MIGRATIONS_FOLDER, folder, { recursive: true })
    open({ migrationsFolder: folder }).close()

    const later = (journal.entries.at(-1)?.when ?? 0) + 1000
    fs.writeFileSync(
      nodePath.join(folder, '9999_probe.sql'),
      'CREATE TABLE `probe` (`key` text PRIMARY KEY NOT NULL);',
    )
    const extended = {
      ...journal,
      entries: [
        ...journal.entries,
        { idx: 9999, version: '6', when: later, tag: '9999_probe', breakpoints: true },
      ],
    }
    fs.writeFileSync(nodePath.join(folder, 'meta', '_journal.json'), JSON.stringify(extended))

    const connection = open({ migrationsFolder: folder })
    expect(appliedMigrations(connection)).toEqual([...journal.entries.map((e) => e.when), later])
    connection.sqlite.prepare('INSERT INTO probe VALUES (?)').run('k')
  })

  test('a failing migration is rolled back and reported as migration_failed', () => {
    const folder = nodePath.join(dir, 'broken-migrations')
    fs.mkdirSync(nodePath.join(folder, 'meta'), { recursive: true })
    fs.writeFileSync(
      nodePath.join(folder, '0000_broken.sql'),
      'CREATE TABLE `half` (`a` text);\n--> statement-breakpoint\nTHIS IS NOT SQL;',
    )
    fs.writeFileSync(
      nodePath.join(folder, 'meta', '_journal.json'),
      JSON.stringify({
        version: '7',
        dialect: 'sqlite',
        entries: [{ idx: 0, version: '6', when: 1, tag: '0000_broken', breakpoints: true }],
      }),
    )
    const error = storageErrorOf(() => open({ migrationsFolder: folder }))
    expect(error.code).toBe('migration_failed')
    expect(error.message).toContain(nodePath.join(dir, 'edgemining.db'))

    const connection = open()
    const half = connection.sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE name = 'half'`)
      .get()
    expect(half).toBeUndefined()
  })

  test('a missing migrations folder is reported as migration_failed', () => {
    const error = storageErrorOf(() => open({ migrationsFolder: nodePath.join(dir, 'nowhere') }))
    expect(error.code).toBe('migration_failed')
    expect(error.message).toContain('nowhere')
  })
})

describe('openDatabase: files that cannot be opened', () => {
  test('a path below a regular file → cannot_open naming the path', () => {
    const blocker = nodePath.join(dir, 'not-a-folder')
    fs.writeFileSync(blocker, 'x')
    const path = nodePath.join(blocker, 'edgemining.db')
    const error = storageErrorOf(() => open({ path }))
    expect(error.code).toBe('cannot_open')
    expect(error.path).toBe(path)
    expect(error.message).toContain(path)
  })

  test('a path that is a directory → cannot_open', () => {
    const path = nodePath.join(dir, 'a-directory.db')
    fs.mkdirSync(path)
    const error = storageErrorOf(() => open({ path }))
    expect(error.code).toBe('cannot_open')
    expect(error.message).toContain(path)
  })

  test.skipIf(isRoot)('a read-only folder → cannot_open', () => {
    fs.chmodSync(dir, 0o500)
    const path = nodePath.join(dir, 'edgemining.db')
    const error = storageErrorOf(() => open({ path }))
    expect(error.code).toBe('cannot_open')
    expect(error.message).toContain(path)
  })

  test('a file of garbage bytes → corrupt, and the file is left untouched', () => {
    const path = nodePath.join(dir, 'edgemining.db')
    const garbage = Buffer.alloc(8192, 'this is not a SQLite database. ')
    fs.writeFileSync(path, garbage)
    const error = storageErrorOf(() => open({ path }))
    expect(error.code).toBe('corrupt')
    expect(error.message).toContain(path)
    expect(fs.readFileSync(path).equals(garbage)).toBe(true)
  })
})

describe('openDatabase: read-only', () => {
  test('a missing file is not created', () => {
    const path = nodePath.join(dir, 'missing', 'edgemining.db')
    const error = storageErrorOf(() => open({ path, readonly: true }))
    expect(error.code).toBe('cannot_open')
    expect(fs.existsSync(nodePath.dirname(path))).toBe(false)
  })

  test('reads a migrated file without changing it', () => {
    const path = open().path
    connections.pop()?.close()
    fs.chmodSync(path, 0o400)
    const connection = open({ readonly: true })
    expect(connection.readonly).toBe(true)
    const count = connection.sqlite
      .prepare('SELECT count(*) AS count FROM mining_performance_trackers')
      .get() as { count: number }
    expect(count.count).toBe(0)
    expect(modeOf(path)).toBe(0o400)
  })

  test('a file without our migrations is refused read-only', () => {
    const path = nodePath.join(dir, 'edgemining.db')
    fs.writeFileSync(path, '')
    const error = storageErrorOf(() => open({ path, readonly: true }))
    expect(error.code).toBe('migration_failed')
  })
})
