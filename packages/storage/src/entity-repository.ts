import {
  ConfigurationError,
  ConflictError,
  describeValue,
  type EntityKind,
  EntityNotFoundError,
  type EntityRepository,
  entityLabel,
  InvalidValueError,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core/table'
import { getTableConfig } from 'drizzle-orm/sqlite-core/utils'
import * as v from 'valibot'
import { changeClockOf, createReadMemo } from './change-clock'
import type { StorageConnection } from './database'
import {
  guarded,
  isPrimaryKeyViolation,
  type UnreadableRow,
  type UnreadableRowReporter,
  warnUnreadableRow,
} from './rows'

/** How one entity type maps to one table; columns are named as the entity's fields. */
export interface EntityTableSpec<TEntity extends { id: string }, TStored extends { id: string }> {
  kind: EntityKind
  table: SQLiteTable
  /** What a row must hold (and what add/update must pass), without derived fields. */
  schema: v.GenericSchema<unknown, TStored>
  /** Adds the fields that are derived rather than stored (a miner's `controller_ids`). */
  derive: (stored: TStored) => TEntity
  /** Columns holding JSON text. */
  json: readonly string[]
  /** Columns holding booleans as INTEGER 0/1. */
  booleans: readonly string[]
  /** JSON columns whose content is never shown in a message (an adapter config holds tokens). */
  secret: readonly string[]
  /**
   * True when the entity carries its own `created_at` / `updated_at` (stored as given); false
   * when it has none and the repository stamps the columns from its clock.
   */
  ownTimestamps: boolean
}

export interface EntityRepositoryOptions {
  /** Told about each row `list()` skips. Default: a process warning. */
  onUnreadableRow?: UnreadableRowReporter
  /** Clock for the timestamp columns of entities that carry none. Default `() => new Date()`. */
  now?: () => Date
}

type Row = Record<string, unknown>
type Decoded<T> = { ok: true; entity: T } | { ok: false; row: UnreadableRow }

const STAMPS = ['created_at', 'updated_at']

/** A spec's message errors: the tracker-specific classes for trackers (older callers catch those). */
function configurationError(kind: EntityKind, message: string, field: string): ConfigurationError {
  return kind === 'mining_performance_tracker'
    ? new TrackerConfigurationError(message, { field })
    : new ConfigurationError(message, { field })
}

function notFound(kind: EntityKind, id: string): EntityNotFoundError {
  return kind === 'mining_performance_tracker'
    ? new TrackerNotFoundError(id)
    : new EntityNotFoundError(kind, id)
}

/** Row → entity, or which column is unreadable and why (never showing a secret column). */
function decoder<TEntity extends { id: string }, TStored extends { id: string }>(
  spec: EntityTableSpec<TEntity, TStored>,
  tableName: string,
  columns: readonly string[],
) {
  const label = entityLabel(spec.kind).toLowerCase()
  const unreadable = (id: string, field: string, reason: string): Decoded<TEntity> => ({
    ok: false,
    row: {
      table: tableName,
      id,
      field,
      message: `Stored ${label} ${id} (table ${tableName}) is unreadable: ${field} ${reason}`,
    },
  })

  return (row: Row): Decoded<TEntity> => {
    const id = String(row.id)
    const candidate: Row = {}
    for (const column of columns) {
      const stored = row[column]
      if (spec.json.includes(column) && typeof stored === 'string') {
        try {
          candidate[column] = JSON.parse(stored)
        } catch {
          return unreadable(id, column, 'is not valid JSON')
        }
      } else if (spec.booleans.includes(column) && (stored === 0 || stored === 1)) {
        candidate[column] = stored === 1
      } else {
        candidate[column] = stored
      }
    }
    const result = v.safeParse(spec.schema, candidate)
    if (result.success) return { ok: true, entity: spec.derive(result.output) }
    const [issue] = result.issues
    const field = String(issue.path?.[0]?.key ?? 'row')
    const expected = issue.expected ?? issue.message
    if (spec.secret.includes(field)) {
      return unreadable(id, field, `holds an unexpected value (expected ${expected})`)
    }
    const at = v.getDotPath(issue)
    const where = at && at !== field ? ` at ${at}` : ''
    return unreadable(
      id,
      field,
      `holds ${describeValue(issue.input)}${where} (expected ${expected})`,
    )
  }
}

/**
 * A synchronous `EntityRepository` over one table, with statements prepared once (building a
 * drizzle query per call costs ~100× SQLite's lookup by primary key). Rows are validated with
 * the spec's schema when read; writes are validated too, so the repository never stores a row
 * it could not read back.
 */
export function createEntityRepository<
  TEntity extends { id: string },
  TStored extends { id: string },
>(
  connection: Pick<StorageConnection, 'sqlite' | 'path'>,
  spec: EntityTableSpec<TEntity, TStored>,
  options: EntityRepositoryOptions = {},
): EntityRepository<TEntity> {
  const { sqlite, path } = connection
  const { name: tableName, columns: tableColumns } = getTableConfig(spec.table)
  const allColumns = tableColumns.map((column) => column.name)
  const entityColumns = spec.ownTimestamps
    ? allColumns
    : allColumns.filter((column) => !STAMPS.includes(column))
  const report = options.onUnreadableRow ?? warnUnreadableRow
  const now = options.now ?? (() => new Date())
  const label = entityLabel(spec.kind)
  const decode = decoder(spec, tableName, entityColumns)

  // Replaced on update: every column but the key, and `created_at` unless the entity owns it.
  const updatable = allColumns.filter(
    (column) => column !== 'id' && (spec.ownTimestamps || column !== 'created_at'),
  )
  const quoted = (column: string) => `"${column}"`
  const statements = guarded(path, `prepare the ${tableName} statements on`, () => ({
    select: sqlite.prepare(`SELECT * FROM "${tableName}" WHERE id = ?`),
    selectAll: sqlite.prepare(`SELECT * FROM "${tableName}" ORDER BY created_at, rowid`),
    insert: sqlite.prepare(
      `INSERT INTO "${tableName}" (${allColumns.map(quoted).join(', ')})
       VALUES (${allColumns.map((column) => `@${column}`).join(', ')}) RETURNING *`,
    ),
    update: sqlite.prepare(
      `UPDATE "${tableName}" SET ${updatable.map((column) => `${quoted(column)} = @${column}`).join(', ')}
       WHERE id = @id RETURNING *`,
    ),
    delete: sqlite.prepare(`DELETE FROM "${tableName}" WHERE id = ?`),
  }))

  function stamp(): string {
    const date = now()
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new InvalidValueError('now()', date, 'a valid Date')
    }
    return date.toISOString()
  }

  /** Validates an entity and maps it to statement parameters (JSON text, 0/1). */
  function encode(input: TEntity, columns: readonly string[]): Row {
    const result = v.safeParse(spec.schema, input)
    if (!result.success) {
      const [issue] = result.issues
      const at = v.getDotPath(issue) ?? ''
      const field = at.split('.')[0] ?? ''
      if (spec.secret.includes(field)) {
        // Never show the value: it may hold a token.
        throw configurationError(spec.kind, `${label} ${field}: expected an object`, field)
      }
      throw new InvalidValueError(
        at ? `${spec.kind}.${at}` : spec.kind,
        issue.input,
        issue.expected ?? issue.message,
      )
    }
    const entity = result.output as Row
    const row: Row = {}
    for (const column of columns) {
      const value = entity[column]
      if (spec.booleans.includes(column)) row[column] = value ? 1 : 0
      else if (spec.json.includes(column)) row[column] = toJson(column, value)
      else row[column] = value
    }
    return row
  }

  function toJson(column: string, value: unknown): string | null {
    if (value === null) return null
    try {
      return JSON.stringify(value)
    } catch {
      throw configurationError(spec.kind, `${label} ${column}: cannot be stored as JSON`, column)
    }
  }

  /** A row just written: it was validated, so it reads back (else the error says why). */
  function readBack(row: Row): TEntity {
    const decoded = decode(row)
    if (decoded.ok) return decoded.entity
    throw configurationError(spec.kind, decoded.row.message, decoded.row.field)
  }

  const clock = changeClockOf(sqlite)
  const memo = createReadMemo<TEntity | null>(clock)
  const listMemo = createReadMemo<{ entities: TEntity[]; unreadable: UnreadableRow[] }>(clock)
  /** Runs a write and marks it, so every memo on the connection forgets what it read. */
  const writing = <T>(run: () => T): T => {
    try {
      return run()
    } finally {
      clock.bump()
    }
  }

  // An unreadable row is kept (and reported as for `get`): `update` repairs it first.
  const removeRow = sqlite.transaction((id: string): TEntity | null => {
    const row = statements.select.get(id) as Row | undefined
    if (row === undefined) return null
    const entity = readBack(row)
    statements.delete.run(id)
    return entity
  })

  return {
    list() {
      const { entities, unreadable } = guarded(path, 'read', () =>
        listMemo.read('', () => {
          const read = { entities: [] as TEntity[], unreadable: [] as UnreadableRow[] }
          for (const row of statements.selectAll.all() as Row[]) {
            const decoded = decode(row)
            if (decoded.ok) read.entities.push(decoded.entity)
            else read.unreadable.push(decoded.row)
          }
          return read
        }),
      )
      for (const row of unreadable) report(row)
      return entities
    },

    get(id) {
      return guarded(path, 'read', () =>
        memo.read(id, () => {
          const row = statements.select.get(id) as Row | undefined
          return row === undefined ? null : readBack(row)
        }),
      )
    },

    add(entity) {
      const row = encode(entity, entityColumns)
      if (!spec.ownTimestamps) {
        row.created_at = stamp()
        row.updated_at = row.created_at
      }
      return guarded(path, 'write to', () => {
        try {
          return readBack(writing(() => statements.insert.get(row)) as Row)
        } catch (error) {
          if (!isPrimaryKeyViolation(error)) throw error
          throw new ConflictError(`${label} already exists: ${entity.id}`)
        }
      })
    },

    update(entity) {
      const row = encode(entity, spec.ownTimestamps ? allColumns : entityColumns)
      if (!spec.ownTimestamps) row.updated_at = stamp()
      return guarded(path, 'write to', () => {
        const stored = writing(() => statements.update.get(row)) as Row | undefined
        if (stored === undefined) throw notFound(spec.kind, entity.id)
        return readBack(stored)
      })
    },

    remove(id) {
      return guarded(path, 'write to', () => writing(() => removeRow.immediate(id)))
    },
  }
}
