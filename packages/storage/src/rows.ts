import { isEdgeMiningError } from '@edge-mining/domain'
import { StorageError, toStorageError } from './errors'

/** A stored row that does not map to a valid value (edited by hand, written by other software…). */
export interface UnreadableRow {
  /** The table, e.g. `miners`. */
  table: string
  /** The row's primary key. */
  id: string
  /** The column that cannot be read, e.g. `config` or `adapter_type`. */
  field: string
  /** Why, naming the table and id but never a stored config (it may hold a token). */
  message: string
}

export type UnreadableRowReporter = (row: UnreadableRow) => void

/** The default reporter: a process warning, which Node prints once per message. */
export const warnUnreadableRow: UnreadableRowReporter = (row) =>
  process.emitWarning(row.message, 'UnreadableRow')

/**
 * Runs a repository operation, turning driver and file-system errors into StorageError naming
 * the database; domain errors and StorageErrors pass through unchanged.
 */
export function guarded<T>(path: string, action: string, run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (isEdgeMiningError(error) || error instanceof StorageError) throw error
    throw toStorageError(error, path, { action })
  }
}

export function isPrimaryKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
