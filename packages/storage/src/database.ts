import fs from 'node:fs'
import nodePath from 'node:path'
import Database from 'better-sqlite3'
import type { MigrationMeta } from 'drizzle-orm/migrator'
import { type ChangeClockOptions, changeClockOf } from './change-clock'
import { StorageError, toStorageError } from './errors'
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_FOLDER,
  lastAppliedMillis,
  readMigrations,
} from './migrate'

/** Upstream's file, relative to the working directory: what the runtime opens when DB_PATH is unset. */
export const DEFAULT_DB_PATH = 'data/db/edgemining.db'
export const DEFAULT_BUSY_TIMEOUT_MS = 5000

/** Owner read/write only: the file holds pool tokens. */
const FILE_MODE = 0o600
const FOLDER_MODE = 0o700
const MEMORY = ':memory:'

export interface OpenDatabaseOptions {
  /**
   * Database file, relative to the working directory. Upstream's `sqlite:///relative.db` /
   * `sqlite:////absolute.db` URLs are accepted; `:memory:` opens a private in-memory database.
   * Required: the caller (the runtime) decides, e.g. from `DB_PATH` or {@link DEFAULT_DB_PATH}.
   */
  path: string
  /** Open without writing anything: no folder, file, chmod, WAL switch or migration. */
  readonly?: boolean
  /** How long a statement waits for another connection's lock before failing `busy`. */
  busyTimeoutMs?: number
  /** Folder of drizzle-kit migrations (`meta/_journal.json` + SQL). Default: the bundled one. */
  migrationsFolder?: string
  /**
   * Repositories answer repeated reads from memory until the data changes; `maxStalenessMs` is
   * how long another connection's commit may go unseen (default 0: every read asks SQLite
   * whether anything changed). See `ChangeClockOptions`.
   */
  readMemo?: ChangeClockOptions
}

export interface StorageConnection {
  /** The underlying better-sqlite3 connection (pragmas, raw SQL, backups). */
  sqlite: Database.Database
  /** Absolute path of the database file, or `:memory:`. */
  path: string
  readonly: boolean
  /** Closes the connection; later calls do nothing. */
  close(): void
}

/** The file path from a path option or a DB_PATH value (a plain path or a `sqlite:///` URL). */
export function resolveDatabasePath(input: string): string {
  const trimmed = input.trim()
  if (trimmed === MEMORY) return MEMORY
  const sqliteUrl = /^sqlite:\/\/\/(.*)$/.exec(trimmed)
  const filePath = sqliteUrl ? (sqliteUrl[1] ?? '') : trimmed
  if (filePath === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(filePath)) {
    throw new StorageError(
      'cannot_open',
      `Cannot open database ${JSON.stringify(input)}: expected a SQLite file path or sqlite:/// URL`,
      { path: input },
    )
  }
  return nodePath.resolve(filePath)
}

/** Creates the folder and a 0600 file, or tightens an existing file (and its WAL files). */
function prepareFile(path: string): void {
  fs.mkdirSync(nodePath.dirname(path), { recursive: true, mode: FOLDER_MODE })
  fs.closeSync(fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, FILE_MODE))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    let mode: number
    try {
      mode = fs.statSync(file).mode
    } catch (error) {
      if (file !== path && (error as { code?: unknown }).code === 'ENOENT') continue
      throw error
    }
    if ((mode & 0o077) !== 0) fs.chmodSync(file, FILE_MODE)
  }
}

function loadMigrations(folder: string, path: string): MigrationMeta[] {
  try {
    return readMigrations(folder)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new StorageError(
      'migration_failed',
      `Cannot migrate database ${path}: cannot read migrations in ${folder} (${detail})`,
      { path, cause: error },
    )
  }
}

function migrate(sqlite: Database.Database, migrations: MigrationMeta[], path: string): void {
  try {
    applyMigrations(sqlite, migrations)
  } catch (error) {
    const wrapped = toStorageError(error, path, { action: 'migrate' })
    // Lock and file failures keep their own code; anything else is a bad migration.
    if (['busy', 'read_only', 'corrupt', 'cannot_open'].includes(wrapped.code)) throw wrapped
    throw toStorageError(error, path, { action: 'migrate', code: 'migration_failed' })
  }
}

/** A read-only connection cannot migrate: refuse a file that lacks our migrations. */
function checkMigrated(sqlite: Database.Database, migrations: MigrationMeta[], path: string) {
  const newest = migrations.at(-1)?.folderMillis ?? null
  const applied = lastAppliedMillis(sqlite)
  if (newest !== null && (applied === null || applied < newest)) {
    throw new StorageError(
      'migration_failed',
      `Cannot open database ${path} read-only: it lacks migrations; open it writable once to apply them`,
      { path },
    )
  }
}

/**
 * Opens (creating if needed) the SQLite database and applies pending migrations. WAL mode and a
 * busy timeout let the API server and the CLI use one file at once. Synchronous; throws
 * StorageError (`cannot_open`, `corrupt`, `migration_failed`, `busy`…) naming the path.
 */
export function openDatabase(options: OpenDatabaseOptions): StorageConnection {
  const readonly = options.readonly ?? false
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS
  const path = resolveDatabasePath(options.path)
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StorageError(
      'cannot_open',
      `Cannot open database ${path}: busyTimeoutMs must be a non-negative integer, got ${String(busyTimeoutMs)}`,
      { path },
    )
  }
  const migrations = loadMigrations(options.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER, path)

  let sqlite: Database.Database
  try {
    if (!readonly && path !== MEMORY) prepareFile(path)
    sqlite = new Database(path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs })
  } catch (error) {
    throw toStorageError(error, path, { action: 'open', fallback: 'cannot_open' })
  }

  try {
    if (readonly) {
      // Reading the schema is the first access to the file: it detects a non-database file.
      sqlite.pragma('schema_version')
    } else {
      sqlite.pragma('journal_mode = WAL')
      // NORMAL is durable in WAL mode except for the last commits before a power loss.
      sqlite.pragma('synchronous = NORMAL')
    }
    sqlite.pragma('foreign_keys = ON')
    if (readonly) checkMigrated(sqlite, migrations, path)
    else migrate(sqlite, migrations, path)
  } catch (error) {
    sqlite.close()
    throw toStorageError(error, path, { action: 'open' })
  }

  changeClockOf(sqlite, options.readMemo)
  return {
    sqlite,
    path,
    readonly,
    close() {
      if (sqlite.open) sqlite.close()
    },
  }
}
