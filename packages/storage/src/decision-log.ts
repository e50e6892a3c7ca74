import {
  DECISION_KINDS,
  type DecisionKind,
  type DecisionLogRepository,
  type DecisionQuery,
  type DecisionRecord,
  InvalidValueError,
  TimestampSchema,
} from '@edge-mining/domain'
import type Database from 'better-sqlite3'
import * as v from 'valibot'
import type { StorageConnection } from './database'
import { guarded } from './rows'

export const DEFAULT_DECISION_QUERY_LIMIT = 50
export const MAX_DECISION_QUERY_LIMIT = 1000

/** Stored columns, in the order of `DecisionRecord`. */
const COLUMNS = [
  'at',
  'kind',
  'unit_id',
  'unit_name',
  'miner_id',
  'miner_name',
  'policy_id',
  'policy_name',
  'rule_id',
  'rule_name',
  'rule_type',
  'decision',
  'action',
  'outcome',
  'status_before',
  'status_after',
  'reason',
  'trace',
  'details',
] as const

type Row = Omit<DecisionRecord, 'trace' | 'details'> & {
  trace: string | null
  details: string | null
}

/**
 * `at` as `toISOString()` writes it, so that text comparison (`since`, `pruneBefore`, the `at`
 * index) is chronological whatever precision the caller used.
 */
function canonicalInstant(field: string, value: unknown): string {
  if (!v.is(TimestampSchema, value)) {
    throw new InvalidValueError(field, value, 'an ISO-8601 UTC timestamp ending in Z')
  }
  return new Date(value).toISOString()
}

/** JSON text, or SQL NULL for null so that `IS NULL` queries work. */
function toJson(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null
  try {
    return JSON.stringify(value)
  } catch {
    throw new InvalidValueError(field, value, 'a value JSON can represent')
  }
}

/** Written by `toJson`; a hand-edited value that is no longer JSON reads as null. */
function fromJson(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

function fromRow(row: Row): DecisionRecord {
  const details = fromJson(row.details)
  return {
    ...row,
    trace: fromJson(row.trace),
    details:
      typeof details === 'object' && details !== null && !Array.isArray(details)
        ? (details as Record<string, unknown>)
        : null,
  }
}

function checkId(field: string, value: number | undefined): void {
  if (value !== undefined && !Number.isSafeInteger(value)) {
    throw new InvalidValueError(field, value, 'a whole number')
  }
}

function limitOf(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_DECISION_QUERY_LIMIT
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidValueError(
      'limit',
      limit,
      `a whole number from 1 to ${MAX_DECISION_QUERY_LIMIT}`,
    )
  }
  return Math.min(limit, MAX_DECISION_QUERY_LIMIT)
}

function kindsOf(kinds: readonly DecisionKind[] | undefined): string | undefined {
  if (kinds === undefined || kinds.length === 0) return undefined
  for (const kind of kinds) {
    if (!DECISION_KINDS.includes(kind)) {
      throw new InvalidValueError('kinds', kind, `one of ${DECISION_KINDS.join(', ')}`)
    }
  }
  return JSON.stringify(kinds)
}

/** The WHERE conditions a query uses; also the key of its prepared statement. */
const FILTERS = [
  ['unit_id', 'unit_id = @unit_id'],
  ['miner_id', 'miner_id = @miner_id'],
  ['since', 'at >= @since'],
  ['before_id', 'id < @before_id'],
  ['after_id', 'id > @after_id'],
  ['kinds', 'kind IN (SELECT value FROM json_each(@kinds))'],
] as const

/**
 * The decision log. `query` prepares one statement per combination of filters (at most 64) on
 * first use, so each uses the (unit_id, id) / (miner_id, id) / (at) indexes instead of a
 * catch-all `(@x IS NULL OR …)` that would scan the table.
 */
export function createDecisionLogRepository(
  connection: Pick<StorageConnection, 'sqlite' | 'path'>,
): DecisionLogRepository {
  const { sqlite, path } = connection
  const statements = guarded(path, 'prepare the decision_log statements on', () => ({
    append: sqlite.prepare(
      `INSERT INTO decision_log (${COLUMNS.join(', ')})
       VALUES (${COLUMNS.map((column) => `@${column}`).join(', ')}) RETURNING *`,
    ),
    prune: sqlite.prepare('DELETE FROM decision_log WHERE at < ?'),
  }))
  const queries = new Map<string, Database.Statement>()

  function statementFor(present: readonly string[], ascending: boolean): Database.Statement {
    const key = `${present.join(',')}|${ascending ? 'asc' : 'desc'}`
    let statement = queries.get(key)
    if (statement === undefined) {
      const conditions = FILTERS.filter(([name]) => present.includes(name)).map(([, sql]) => sql)
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
      statement = sqlite.prepare(
        `SELECT * FROM decision_log ${where} ORDER BY id ${ascending ? 'ASC' : 'DESC'} LIMIT @limit`,
      )
      queries.set(key, statement)
    }
    return statement
  }

  return {
    append(record) {
      if (!DECISION_KINDS.includes(record.kind)) {
        throw new InvalidValueError('kind', record.kind, `one of ${DECISION_KINDS.join(', ')}`)
      }
      const row: Record<string, unknown> = {}
      for (const column of COLUMNS) row[column] = record[column] ?? null
      row.at = canonicalInstant('at', record.at)
      row.trace = toJson('trace', record.trace)
      row.details = toJson('details', record.details)
      return guarded(path, 'write to', () => fromRow(statements.append.get(row) as Row))
    },

    query(query: DecisionQuery) {
      checkId('before_id', query.before_id)
      checkId('after_id', query.after_id)
      const parameters: Record<string, unknown> = {
        unit_id: query.unit_id,
        miner_id: query.miner_id,
        since: query.since === undefined ? undefined : canonicalInstant('since', query.since),
        before_id: query.before_id,
        after_id: query.after_id,
        kinds: kindsOf(query.kinds),
      }
      const present = FILTERS.map(([name]) => name).filter((name) => parameters[name] !== undefined)
      const bound: Record<string, unknown> = { limit: limitOf(query.limit) }
      for (const name of present) bound[name] = parameters[name]
      return guarded(path, 'read', () =>
        (statementFor(present, query.after_id !== undefined).all(bound) as Row[]).map(fromRow),
      )
    },

    pruneBefore(beforeIso) {
      const before = canonicalInstant('before', beforeIso)
      return guarded(path, 'write to', () => statements.prune.run(before).changes)
    },
  }
}
