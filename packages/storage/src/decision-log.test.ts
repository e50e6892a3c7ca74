import {
  type DecisionKind,
  type DecisionRecord,
  InvalidValueError,
  type NewDecisionRecord,
} from '@edge-mining/domain'
import { describe, expect, test } from 'vitest'
import {
  createDecisionLogRepository,
  MAX_DECISION_QUERY_LIMIT,
  type StorageConnection,
} from './index'
import { useTempFolder } from './test-helpers'

const UNIT_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
const UNIT_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
const MINER_1 = '11111111-1111-4111-8111-111111111111'
const MINER_2 = '22222222-2222-4222-8222-222222222222'

const db = useTempFolder('decision-log')

function entry(overrides: Partial<NewDecisionRecord> = {}): NewDecisionRecord {
  return {
    at: '2026-08-20T10:00:00.000Z',
    kind: 'action',
    unit_id: UNIT_A,
    unit_name: 'Garage',
    miner_id: MINER_1,
    miner_name: 'S19',
    policy_id: '0f0e0d0c-0b0a-4909-8807-060504030201',
    policy_name: 'Solar surplus',
    rule_id: 'r-1',
    rule_name: 'Enough sun',
    rule_type: 'start',
    decision: 'start_mining',
    action: 'start',
    outcome: 'executed',
    status_before: 'off',
    status_after: 'on',
    reason: 'Production 4200 W ≥ 3000 W',
    trace: { all: [{ fact: 'energy_state.production', operator: '>=', value: 3000, ok: true }] },
    details: { duration_ms: 812 },
    ...overrides,
  }
}

/** Appends one entry per minute from 10:00, with the given overrides per entry. */
function seed(connection: StorageConnection, entries: Partial<NewDecisionRecord>[]) {
  const log = createDecisionLogRepository(connection)
  return entries.map((overrides, index) =>
    log.append(
      entry({ at: new Date(Date.UTC(2026, 7, 20, 10, index)).toISOString(), ...overrides }),
    ),
  )
}

const ids = (records: DecisionRecord[]) => records.map((record) => record.id)

describe('decision log: append', () => {
  test('answers the record with an increasing id; JSON columns round-trip', () => {
    const log = createDecisionLogRepository(db.open())
    const first = log.append(entry())
    const second = log.append(
      entry({ kind: 'hold', action: 'none', trace: null, details: null, rule_type: null }),
    )
    expect(first).toEqual({ id: first.id, ...entry() })
    expect(second.id).toBeGreaterThan(first.id)
    expect(log.query({})).toEqual([second, first])
  })

  test('at is stored as toISOString() writes it, so since compares chronologically', () => {
    const log = createDecisionLogRepository(db.open())
    const record = log.append(entry({ at: '2026-08-20T10:00:00Z' }))
    expect(record.at).toBe('2026-08-20T10:00:00.000Z')
    expect(log.query({ since: '2026-08-20T10:00:00Z' })).toEqual([record])
  })

  test('refuses a bad instant, kind, or a trace JSON cannot hold', () => {
    const log = createDecisionLogRepository(db.open())
    const circular: Record<string, unknown> = {}
    circular.self = circular
    for (const bad of [
      { at: 'yesterday' },
      { at: '2026-08-20T10:00:00+02:00' },
      { kind: 'gossip' as DecisionKind },
      { trace: circular },
    ]) {
      expect(() => log.append(entry(bad))).toThrow(InvalidValueError)
    }
    expect(log.query({})).toEqual([])
  })
})

describe('decision log: query', () => {
  test('newest first, 50 by default, at most 1000', () => {
    const connection = db.open()
    connection.sqlite.transaction(() =>
      seed(
        connection,
        Array.from({ length: 1005 }, () => ({})),
      ),
    )()
    const log = createDecisionLogRepository(connection)
    const page = log.query({})
    expect(page).toHaveLength(50)
    expect(ids(page)).toEqual([...ids(page)].sort((a, b) => b - a))
    expect(log.query({ limit: 5000 })).toHaveLength(MAX_DECISION_QUERY_LIMIT)
    expect(log.query({ limit: 3 })).toHaveLength(3)
    for (const limit of [0, -1, 2.5]) {
      expect(() => log.query({ limit })).toThrow(InvalidValueError)
    }
  })

  test('filters by unit, miner, since and kinds, alone and together', () => {
    const connection = db.open()
    const [a1, a2, b1, a1Hold, b2Notice] = seed(connection, [
      { unit_id: UNIT_A, miner_id: MINER_1 },
      { unit_id: UNIT_A, miner_id: MINER_2 },
      { unit_id: UNIT_B, miner_id: MINER_1 },
      { unit_id: UNIT_A, miner_id: MINER_1, kind: 'hold' },
      { unit_id: UNIT_B, miner_id: null, kind: 'notice' },
    ]) as [DecisionRecord, DecisionRecord, DecisionRecord, DecisionRecord, DecisionRecord]
    const log = createDecisionLogRepository(connection)
    expect(log.query({ unit_id: UNIT_A })).toEqual([a1Hold, a2, a1])
    expect(log.query({ miner_id: MINER_1 })).toEqual([a1Hold, b1, a1])
    expect(log.query({ unit_id: UNIT_A, miner_id: MINER_1 })).toEqual([a1Hold, a1])
    expect(log.query({ since: b1.at })).toEqual([b2Notice, a1Hold, b1])
    expect(log.query({ kinds: ['hold', 'notice'] })).toEqual([b2Notice, a1Hold])
    expect(log.query({ kinds: [] })).toHaveLength(5)
    expect(log.query({ unit_id: UNIT_B, kinds: ['action'], since: a1.at })).toEqual([b1])
    expect(() => log.query({ kinds: ['gossip' as DecisionKind] })).toThrow(InvalidValueError)
  })

  test('before_id pages backwards; after_id follows, oldest first', () => {
    const connection = db.open()
    const records = seed(
      connection,
      Array.from({ length: 7 }, () => ({})),
    )
    const log = createDecisionLogRepository(connection)
    const first = log.query({ limit: 3 })
    const next = log.query({ limit: 3, before_id: first.at(-1)?.id ?? 0 })
    expect([...ids(first), ...ids(next)]).toEqual(ids(records).reverse().slice(0, 6))

    const [, second] = records as [DecisionRecord, DecisionRecord]
    expect(ids(log.query({ after_id: second.id, limit: 2 }))).toEqual(ids(records).slice(2, 4))
    const window = log.query({ after_id: second.id, before_id: second.id + 3 })
    expect(ids(window)).toEqual([second.id + 1, second.id + 2])
  })

  test('the indexes serve the unit, miner and prune queries', () => {
    const connection = db.open()
    const plan = (sql: string) =>
      (connection.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((row) => row.detail)
        .join('\n')
    expect(
      plan(`SELECT * FROM decision_log WHERE unit_id = 'x' ORDER BY id DESC LIMIT 5`),
    ).toContain('decision_log_unit_id_idx')
    expect(
      plan(`SELECT * FROM decision_log WHERE miner_id = 'x' ORDER BY id DESC LIMIT 5`),
    ).toContain('decision_log_miner_id_idx')
    expect(plan(`DELETE FROM decision_log WHERE at < 'x'`)).toContain('decision_log_at_idx')
  })
})

describe('decision log: pruneBefore', () => {
  test('deletes entries older than the instant and answers how many', () => {
    const connection = db.open()
    const records = seed(
      connection,
      Array.from({ length: 5 }, () => ({})),
    )
    const log = createDecisionLogRepository(connection)
    const cut = records[3]?.at ?? ''
    expect(log.pruneBefore(cut)).toBe(3)
    expect(ids(log.query({}))).toEqual(ids(records).slice(3).reverse())
    expect(log.pruneBefore(cut)).toBe(0)
    expect(() => log.pruneBefore('not a date')).toThrow(InvalidValueError)
  })

  test('ids are never reused after pruning, so followers never see one twice', () => {
    const connection = db.open()
    const records = seed(connection, [{}, {}])
    const log = createDecisionLogRepository(connection)
    expect(log.pruneBefore('2100-01-01T00:00:00.000Z')).toBe(2)
    const after = log.append(entry())
    expect(after.id).toBeGreaterThan(records[1]?.id ?? Number.POSITIVE_INFINITY)
  })
})
