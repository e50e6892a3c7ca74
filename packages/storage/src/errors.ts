/** Why a storage operation failed; callers branch on this, never on message text. */
export type StorageErrorCode =
  /** The file or its folder cannot be created, opened or written (permissions, a directory…). */
  | 'cannot_open'
  /** The file is not a SQLite database, or SQLite reports it damaged. */
  | 'corrupt'
  /** A migration could not be applied (or a read-only database lacks them). */
  | 'migration_failed'
  /** Another connection held the lock longer than the busy timeout. */
  | 'busy'
  /** A write on a read-only connection or file. */
  | 'read_only'
  /** Any other SQLite or file-system failure (disk full, I/O error…). */
  | 'io'

/**
 * A storage failure with a stable `code` and the database path in the message. Messages never
 * contain stored values (tracker configs hold pool tokens) and `cause` is only ever the
 * underlying SQLite or file-system error, never a query with its parameters.
 */
export class StorageError extends Error {
  readonly code: StorageErrorCode
  /** Database file path, or `:memory:`; for a policy-folder failure, the policy file. */
  readonly path: string

  constructor(code: StorageErrorCode, message: string, options: { path: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.path = options.path
  }
}

interface ErrorWithCode {
  code?: unknown
  message?: unknown
}

/** drizzle's wrapper: its message lists the query and its parameters (a config, a token). */
function isQueryWrapper(error: object): boolean {
  return 'params' in error || 'query' in error
}

/**
 * The SQLite, system or driver error behind `error`, unwrapping drizzle's query errors; its
 * message names no stored values. Null when there is none we may show.
 */
function rootError(error: unknown): (ErrorWithCode & object) | null {
  let current: unknown = error
  for (let depth = 0; depth < 5; depth += 1) {
    if (typeof current !== 'object' || current === null) return null
    const candidate = current as ErrorWithCode & { cause?: unknown }
    if (typeof candidate.code === 'string') return candidate
    if (!isQueryWrapper(candidate) && candidate.cause === undefined) return candidate
    current = candidate.cause
  }
  return null
}

function codeFor(systemCode: string): StorageErrorCode {
  if (systemCode === 'SQLITE_NOTADB' || systemCode.startsWith('SQLITE_CORRUPT')) return 'corrupt'
  if (systemCode.startsWith('SQLITE_BUSY') || systemCode.startsWith('SQLITE_LOCKED')) return 'busy'
  if (systemCode.startsWith('SQLITE_READONLY')) return 'read_only'
  if (systemCode.startsWith('SQLITE_CANTOPEN') || systemCode.startsWith('SQLITE_PERM')) {
    return 'cannot_open'
  }
  if (!systemCode.startsWith('SQLITE_')) return 'cannot_open'
  return 'io'
}

const DESCRIPTIONS: Record<StorageErrorCode, string> = {
  cannot_open: 'cannot create or open the file',
  corrupt: 'the file is not a readable SQLite database',
  migration_failed: 'cannot apply the database migrations',
  busy: 'the database is locked by another connection',
  read_only: 'the database is read-only',
  io: 'database error',
}

/**
 * Wraps an error thrown by better-sqlite3, drizzle or `node:fs` into a StorageError. Only the
 * root SQLite, system or driver error is kept (its message names no stored values); drizzle's
 * wrapper, whose message lists the query parameters, is dropped. `code` forces the code;
 * `fallback` is used when the error carries no SQLite or system code.
 */
export function toStorageError(
  error: unknown,
  path: string,
  options: { action: string; code?: StorageErrorCode; fallback?: StorageErrorCode },
): StorageError {
  if (error instanceof StorageError) return error
  const root = rootError(error)
  const systemCode = typeof root?.code === 'string' ? root.code : ''
  const code = options.code ?? (systemCode ? codeFor(systemCode) : (options.fallback ?? 'io'))
  const rootMessage = typeof root?.message === 'string' ? root.message : ''
  const prefix = systemCode && !rootMessage.startsWith(systemCode) ? `${systemCode}: ` : ''
  const detail = rootMessage ? ` (${prefix}${rootMessage})` : ''
  return new StorageError(
    code,
    `Cannot ${options.action} database ${path}: ${DESCRIPTIONS[code]}${detail}`,
    root === null ? { path } : { path, cause: root },
  )
}
