import { InvalidValueError, type MinerOverride, type MinerRuntimeState } from '@edge-mining/domain'
import { describe, expect, test } from 'vitest'
import { createLoopRepositories } from './index'
import { useTempFolder } from './test-helpers'

const MINER = '5a1e0c3d-2b4f-4a6e-8c9d-0e1f2a3b4c5d'
const OTHER_MINER = '6b2f1d4e-3c5a-4b7f-9d0e-1f2a3b4c5d6e'

const db = useTempFolder('loop-state')

describe('rule state', () => {
  test('get / set (replaces) / delete', () => {
    const { ruleState } = createLoopRepositories(db.open())
    expect(ruleState.get('unit:a|miner:b|rule:c')).toBeUndefined()
    ruleState.set('unit:a|miner:b|rule:c', 1_750_000_000_000)
    ruleState.set('unit:a|miner:b|rule:c', 1_750_000_005_000)
    expect(ruleState.get('unit:a|miner:b|rule:c')).toBe(1_750_000_005_000)
    ruleState.delete('unit:a|miner:b|rule:c')
    expect(ruleState.get('unit:a|miner:b|rule:c')).toBeUndefined()
    expect(() => ruleState.set('k', Number.NaN)).toThrow(InvalidValueError)
  })

  test('survives a restart (another connection on the file)', () => {
    createLoopRepositories(db.open()).ruleState.set('unit:a|rule:1', 42)
    expect(createLoopRepositories(db.open()).ruleState.get('unit:a|rule:1')).toBe(42)
  })

  test('deletePrefix removes exactly the keys that start with the prefix', () => {
    const { ruleState } = createLoopRepositories(db.open())
    const keys = [
      'unit_1|miner:a',
      'unit_1|miner:b',
      'unit_1', // equal to the prefix: starts with it
      'unit_10|miner:a', // would match a LIKE 'unit_1%' and, here, a prefix too
      'unitX1|miner:a', // `_` is a LIKE wildcard: must survive
      'UNIT_1|miner:a', // LIKE is case-insensitive: must survive
      'unit%1|miner:a',
      'unit_1\u{10FFFF}|astral', // the highest code point still starts with it
      'unit_0|miner:a',
      'unit_2|miner:a',
    ]
    for (const [index, key] of keys.entries()) ruleState.set(key, index)
    // list() answers the same keys deletePrefix() would remove, in SQLite's byte order ('0' <
    // '|' < the four-byte U+10FFFF).
    expect(ruleState.list('unit_1')).toEqual([
      ['unit_1', 2],
      ['unit_10|miner:a', 3],
      ['unit_1|miner:a', 0],
      ['unit_1|miner:b', 1],
      ['unit_1\u{10FFFF}|astral', 7],
    ])
    ruleState.deletePrefix('unit_1')
    expect(keys.filter((key) => ruleState.get(key) !== undefined)).toEqual([
      'unitX1|miner:a',
      'UNIT_1|miner:a',
      'unit%1|miner:a',
      'unit_0|miner:a',
      'unit_2|miner:a',
    ])
    ruleState.deletePrefix('unit%')
    expect(ruleState.get('unit%1|miner:a')).toBeUndefined()
    expect(ruleState.get('unitX1|miner:a')).toBe(4)
  })
})

describe('overrides', () => {
  const stop: MinerOverride = {
    miner_id: MINER,
    action: 'stop',
    until: '2026-08-20T18:00:00.000Z',
    created_at: '2026-08-20T10:00:00.000Z',
    reason: 'maintenance',
  }

  test('get / list / set (upsert) / clear', () => {
    const { overrides } = createLoopRepositories(db.open())
    expect(overrides.get(MINER)).toBeNull()
    overrides.set(stop)
    const start: MinerOverride = {
      miner_id: OTHER_MINER,
      action: 'start',
      until: '2026-08-20T12:00:00.000Z',
      created_at: '2026-08-20T09:00:00.000Z',
      reason: null,
    }
    overrides.set(start)
    expect(overrides.get(MINER)).toEqual(stop)
    expect(overrides.list()).toEqual([start, stop])

    const extended = { ...stop, until: '2026-08-21T00:00:00.000Z', reason: 'longer' }
    overrides.set(extended)
    expect(overrides.get(MINER)).toEqual(extended)
    expect(overrides.list()).toHaveLength(2)

    expect(overrides.clear(MINER)).toBe(true)
    expect(overrides.clear(MINER)).toBe(false)
    expect(overrides.list()).toEqual([start])
  })

  test('an unknown action is refused', () => {
    const { overrides } = createLoopRepositories(db.open())
    const pause = { ...stop, action: 'pause' } as unknown as MinerOverride
    expect(() => overrides.set(pause)).toThrow(InvalidValueError)
    expect(overrides.list()).toEqual([])
  })
})

describe('miner runtime', () => {
  test('get / set (upsert) / remove', () => {
    const { minerRuntime } = createLoopRepositories(db.open())
    expect(minerRuntime.get(MINER)).toBeNull()
    const seen: MinerRuntimeState = {
      miner_id: MINER,
      last_status: 'off',
      last_switch_at: null,
      last_action: null,
    }
    minerRuntime.set(seen)
    expect(minerRuntime.get(MINER)).toEqual(seen)
    const started: MinerRuntimeState = {
      miner_id: MINER,
      last_status: 'on',
      last_switch_at: '2026-08-20T10:05:00.000Z',
      last_action: 'start',
    }
    minerRuntime.set(started)
    expect(minerRuntime.get(MINER)).toEqual(started)
    minerRuntime.remove(MINER)
    expect(minerRuntime.get(MINER)).toBeNull()
    expect(() => minerRuntime.remove(MINER)).not.toThrow()
  })
})
