import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { type MigrationMeta, readMigrationFiles } from 'drizzle-orm/migrator'

/** drizzle's own bookkeeping table, so drizzle-kit tooling sees the same history. */
const MIGRATIONS_TABLE = '__drizzle_migrations'

/** The migrations bundled with this package: `drizzle/` beside `src/` and `dist/`. */
export const DEFAULT_MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url))

export function readMigrations(folder: string): MigrationMeta[] {
  return readMigrationFiles({ migrationsFolder: folder })
}

/**
 * Applies pending migrations, in the format of drizzle-orm's migrator. Unlike drizzle's, which
 * reads the last applied migration before it opens a deferred transaction, this holds the write
 * lock (BEGIN IMMEDIATE) from the check to the commit, so two processes opening a fresh file at
 * once (API server and CLI) cannot both apply the same migration.
 *
 * @returns the number of migrations applied.
 */
export function applyMigrations(sqlite: Database.Database, migrations: MigrationMeta[]): number {
  const apply = sqlite.transaction(() => {
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
    )
    const last = lastAppliedMillis(sqlite)
    const insert = sqlite.prepare(
      `INSERT INTO "${MIGRATIONS_TABLE}" ("hash", "created_at") VALUES (?, ?)`,
    )
    let applied = 0
    for (const migration of migrations) {
      if (last !== null && migration.folderMillis <= last) continue
      for (const statement of migration.sql) {
        if (statement.trim()) sqlite.exec(statement)
      }
      insert.run(migration.hash, migration.folderMillis)
      applied += 1
    }
    return applied
  })
  return apply.immediate()
}

/** `created_at` of the newest applied migration, or null when none (or no table) exists. */
export function lastAppliedMillis(sqlite: Database.Database): number | null {
  const table = sqlite
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
    .get(MIGRATIONS_TABLE)
  if (table === undefined) return null
  const row = sqlite
    .prepare(`SELECT created_at FROM "${MIGRATIONS_TABLE}" ORDER BY created_at DESC LIMIT 1`)
    .get() as { created_at: number | string } | undefined
  return row === undefined ? null : Number(row.created_at)
}
