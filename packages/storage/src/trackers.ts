import {
  describeValue,
  InvalidValueError,
  type MiningPerformanceTracker,
  MiningPerformanceTrackerSchema,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { asc, eq, sql } from 'drizzle-orm'
import * as v from 'valibot'
import type { StorageConnection } from './database'
import { StorageError, TrackerAlreadyExistsError, toStorageError } from './errors'
import { type MiningPerformanceTrackerRow, miningPerformanceTrackers } from './schema'

/** What `add` and `update` take: a tracker without its timestamps (the repository sets them). */
export const NewTrackerSchema = v.omit(MiningPerformanceTrackerSchema, ['created_at', 'updated_at'])
export type NewMiningPerformanceTracker = v.InferOutput<typeof NewTrackerSchema>

/** A stored row that does not map to a valid tracker (edited by hand, older software…). */
export interface UnreadableTrackerRow {
  id: string
  /** The column that cannot be read, e.g. `config` or `adapter_type`. */
  field: string
  /** Why, without the stored config (it may hold a token). */
  message: string
}

export interface TrackerRepositoryOptions {
  /** Clock for `created_at` / `updated_at`. Default `() => new Date()`. */
  now?: () => Date
  /** Told about each row `list()` skips. Default: `process.emitWarning(message)`. */
  onUnreadableRow?: (row: UnreadableTrackerRow) => void
}

/**
 * Synchronous CRUD over `mining_performance_trackers`, returning domain objects.
 * Errors: `TrackerNotFoundError` (get/update/remove of a missing id), `TrackerAlreadyExistsError`
 * (add of a stored id), `TrackerConfigurationError` (a config or adapter_type that cannot be
 * stored, or a stored row that cannot be read), `InvalidValueError` (other bad fields),
 * `StorageError` (SQLite failures: `busy`, `read_only`, `corrupt`, `io`).
 */
export interface TrackerRepository {
  /** Stores a new tracker with `created_at = updated_at = now()`. */
  add(tracker: NewMiningPerformanceTracker): MiningPerformanceTracker
  /** The stored tracker; throws TrackerConfigurationError when its row is unreadable. */
  get(id: string): MiningPerformanceTracker
  /** Every readable tracker, oldest first; unreadable rows are skipped and reported. */
  list(): MiningPerformanceTracker[]
  /**
   * Replaces name, adapter_type, config and external_service_id, keeps `created_at`, sets
   * `updated_at = now()`. Also repairs an unreadable row. Extra fields (timestamps) are ignored.
   */
  update(tracker: NewMiningPerformanceTracker): MiningPerformanceTracker
  /** Deletes and returns the tracker; an unreadable row is kept and reported as for `get`. */
  remove(id: string): MiningPerformanceTracker
}

class UnreadableRowError extends TrackerConfigurationError {
  readonly row: UnreadableTrackerRow

  constructor(row: UnreadableTrackerRow) {
    super(row.message, { field: row.field })
    this.row = row
  }
}

function unreadable(id: string, field: string, reason: string): UnreadableRowError {
  return new UnreadableRowError({
    id,
    field,
    message: `Stored mining performance tracker ${id} is unreadable: ${field} ${reason}`,
  })
}

/** Maps a row to a tracker; throws UnreadableRowError naming the bad column. */
function rowToTracker(row: MiningPerformanceTrackerRow): MiningPerformanceTracker {
  let config: unknown
  try {
    config = JSON.parse(row.config)
  } catch {
    throw unreadable(row.id, 'config', 'is not valid JSON')
  }
  const result = v.safeParse(MiningPerformanceTrackerSchema, { ...row, config })
  if (result.success) return result.output
  const [issue] = result.issues
  const field = String(issue.path?.[0]?.key ?? 'row')
  const reason =
    field === 'config'
      ? 'is not a JSON object'
      : `is ${describeValue(issue.input)} (expected ${issue.expected ?? issue.message})`
  throw unreadable(row.id, field, reason)
}

function validateInput(input: unknown): NewMiningPerformanceTracker {
  const result = v.safeParse(NewTrackerSchema, input)
  if (result.success) return result.output
  const [issue] = result.issues
  const dotPath = v.getDotPath(issue) ?? ''
  const field = dotPath.split('.')[0] ?? ''
  if (field === 'config') {
    // Never show the value: a config may hold a token.
    throw new TrackerConfigurationError('tracker config: expected an object', { field: 'config' })
  }
  if (field === 'adapter_type') {
    throw new TrackerConfigurationError(
      `tracker adapter_type: expected ${issue.expected ?? 'an adapter type'}, got ${describeValue(issue.input)}`,
      { field: 'adapter_type' },
    )
  }
  throw new InvalidValueError(
    dotPath ? `tracker.${dotPath}` : 'tracker',
    issue.input,
    issue.expected ?? issue.message,
  )
}

function configToJson(config: Record<string, unknown>): string {
  try {
    return JSON.stringify(config)
  } catch {
    throw new TrackerConfigurationError('tracker config: cannot be stored as JSON', {
      field: 'config',
    })
  }
}

function isPrimaryKeyViolation(error: unknown): boolean {
  let current: unknown = error
  while (typeof current === 'object' && current !== null) {
    if ((current as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

function isDomainError(error: unknown): boolean {
  return (
    error instanceof StorageError ||
    error instanceof TrackerNotFoundError ||
    error instanceof TrackerConfigurationError ||
    error instanceof InvalidValueError
  )
}

export function createTrackerRepository(
  connection: Pick<StorageConnection, 'db' | 'path'>,
  options: TrackerRepositoryOptions = {},
): TrackerRepository {
  const { db, path } = connection
  const now = options.now ?? (() => new Date())
  const onUnreadableRow =
    options.onUnreadableRow ??
    ((row: UnreadableTrackerRow) => process.emitWarning(row.message, 'UnreadableTrackerRow'))
  const table = miningPerformanceTrackers

  function timestamp(): string {
    const date = now()
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new InvalidValueError('now()', date, 'a valid Date')
    }
    return date.toISOString()
  }

  /** Runs a statement, turning driver errors into StorageError (domain errors pass through). */
  function guarded<T>(action: string, run: () => T): T {
    try {
      return run()
    } catch (error) {
      if (isDomainError(error)) throw error
      throw toStorageError(error, path, { action })
    }
  }

  // Prepared once: building a drizzle query costs ~100× SQLite's lookup by primary key.
  // (`set` takes placeholders only wrapped in sql``.)
  const byId = sql.placeholder('id')
  const statements = guarded('prepare statements on', () => ({
    select: db.select().from(table).where(eq(table.id, byId)).prepare(),
    selectAll: db.select().from(table).orderBy(asc(table.created_at), sql`rowid`).prepare(),
    insert: db
      .insert(table)
      .values({
        id: sql.placeholder('id'),
        name: sql.placeholder('name'),
        adapter_type: sql.placeholder('adapter_type'),
        config: sql.placeholder('config'),
        external_service_id: sql.placeholder('external_service_id'),
        created_at: sql.placeholder('created_at'),
        updated_at: sql.placeholder('updated_at'),
      })
      .prepare(),
    update: db
      .update(table)
      .set({
        name: sql`${sql.placeholder('name')}`,
        adapter_type: sql`${sql.placeholder('adapter_type')}`,
        config: sql`${sql.placeholder('config')}`,
        external_service_id: sql`${sql.placeholder('external_service_id')}`,
        updated_at: sql`${sql.placeholder('updated_at')}`,
      })
      .where(eq(table.id, byId))
      .returning()
      .prepare(),
    delete: db.delete(table).where(eq(table.id, byId)).prepare(),
  }))

  function readRow(id: string): MiningPerformanceTrackerRow {
    const row = statements.select.get({ id })
    if (row === undefined) throw new TrackerNotFoundError(id)
    return row
  }

  return {
    add(input) {
      const tracker = validateInput(input)
      const stamp = timestamp()
      const row: MiningPerformanceTrackerRow = {
        id: tracker.id,
        name: tracker.name,
        adapter_type: tracker.adapter_type,
        config: configToJson(tracker.config),
        external_service_id: tracker.external_service_id,
        created_at: stamp,
        updated_at: stamp,
      }
      return guarded('write to', () => {
        try {
          statements.insert.run(row)
        } catch (error) {
          if (isPrimaryKeyViolation(error)) throw new TrackerAlreadyExistsError(tracker.id, path)
          throw error
        }
        return rowToTracker(row)
      })
    },

    get(id) {
      return guarded('read', () => rowToTracker(readRow(id)))
    },

    list() {
      return guarded('read', () => {
        const rows = statements.selectAll.all()
        const trackers: MiningPerformanceTracker[] = []
        for (const row of rows) {
          try {
            trackers.push(rowToTracker(row))
          } catch (error) {
            if (!(error instanceof UnreadableRowError)) throw error
            onUnreadableRow(error.row)
          }
        }
        return trackers
      })
    },

    update(input) {
      const tracker = validateInput(input)
      const config = configToJson(tracker.config)
      const stamp = timestamp()
      return guarded('write to', () => {
        const row = statements.update.get({
          id: tracker.id,
          name: tracker.name,
          adapter_type: tracker.adapter_type,
          config,
          external_service_id: tracker.external_service_id,
          updated_at: stamp,
        })
        if (row === undefined) throw new TrackerNotFoundError(tracker.id)
        return rowToTracker(row)
      })
    },

    remove(id) {
      return guarded('write to', () =>
        db.transaction(
          () => {
            const tracker = rowToTracker(readRow(id))
            statements.delete.run({ id })
            return tracker
          },
          { behavior: 'immediate' },
        ),
      )
    },
  }
}
