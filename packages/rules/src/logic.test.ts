import { createDecisionalContext } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { evaluatePolicy } from './evaluate'
import { context, policy, rule, type TruthName, truthOf } from './test-support/helpers'
import type { Condition } from './types'

// Leaves whose truth is fixed on the context below: one true, one false, one unknown.
const ctx = { energy_state: { production: 1000 } }
const LEAF: Record<TruthName, Condition> = {
  true: { field: 'energy_state.production', operator: 'eq', value: 1000 },
  false: { field: 'energy_state.production', operator: 'eq', value: 0 },
  unknown: { field: 'forecast.next_hour_power', operator: 'gt', value: 0 },
}
const T: TruthName[] = ['true', 'false', 'unknown']

// Kleene's strong three-valued logic.
const AND: Record<string, TruthName> = {
  'true,true': 'true',
  'true,false': 'false',
  'true,unknown': 'unknown',
  'false,true': 'false',
  'false,false': 'false',
  'false,unknown': 'false',
  'unknown,true': 'unknown',
  'unknown,false': 'false',
  'unknown,unknown': 'unknown',
}
const OR: Record<string, TruthName> = {
  'true,true': 'true',
  'true,false': 'true',
  'true,unknown': 'true',
  'false,true': 'true',
  'false,false': 'false',
  'false,unknown': 'unknown',
  'unknown,true': 'true',
  'unknown,false': 'unknown',
  'unknown,unknown': 'unknown',
}

describe('three-valued logic', () => {
  it('the fixture leaves are true, false and unknown', () => {
    for (const t of T) expect(truthOf(LEAF[t], ctx)).toBe(t)
  })

  for (const a of T)
    for (const b of T) {
      it(`all_of(${a}, ${b}) = ${AND[`${a},${b}`]}`, () => {
        expect(truthOf({ all_of: [LEAF[a], LEAF[b]] }, ctx)).toBe(AND[`${a},${b}`])
      })
      it(`any_of(${a}, ${b}) = ${OR[`${a},${b}`]}`, () => {
        expect(truthOf({ any_of: [LEAF[a], LEAF[b]] }, ctx)).toBe(OR[`${a},${b}`])
      })
    }

  it('not_ swaps true and false and keeps unknown', () => {
    expect(truthOf({ not_: LEAF.true }, ctx)).toBe('false')
    expect(truthOf({ not_: LEAF.false }, ctx)).toBe('true')
    expect(truthOf({ not_: LEAF.unknown }, ctx)).toBe('unknown')
    expect(truthOf({ not_: { not_: LEAF.unknown } }, ctx)).toBe('unknown')
  })

  it('evaluates deep mixed trees', () => {
    const tree: Condition = {
      any_of: [
        { all_of: [LEAF.true, LEAF.unknown] },
        { not_: { any_of: [LEAF.false, LEAF.true] } },
      ],
    }
    expect(truthOf(tree, ctx)).toBe('unknown')
    expect(truthOf({ all_of: [tree, LEAF.false] }, ctx)).toBe('false')
  })
})

describe('upstream traps (upstream-behaviour.md §10.4 items 1–4), with our behaviour', () => {
  it('1. a missing/null path is unknown, and not_ of it is unknown, so the rule does not fire', () => {
    // Upstream: the leaf is false and `not_` of it is TRUE, so this rule would start the miner.
    const notCold = rule({
      not_: { field: 'forecast.next_hour_power', operator: 'lt', value: 500 },
    })
    const outcome = evaluatePolicy(
      policy([notCold]),
      context({ miner_state: { status: 'off' } as never }),
    )
    expect(outcome.decision).toBe('maintain_state')
    expect(outcome.trace[0]).toMatchObject({ status: 'not_matched', result: 'unknown' })
  })

  it('2. MinerStatus compares as its string value, case-insensitively (upstream: always false)', () => {
    const ctx2 = context({ miner_state: { status: 'error' } as never })
    expect(truthOf({ field: 'miner_state.status', operator: 'eq', value: 'ERROR' }, ctx2)).toBe(
      'true',
    )
    expect(
      truthOf({ field: 'miner_state.status', operator: 'in', value: ['Error', 'off'] }, ctx2),
    ).toBe('true')
  })

  it('3. numeric operators coerce numeric strings; objects and text are unknown (upstream: false)', () => {
    expect(
      truthOf({ field: 'energy_state.production', operator: 'gt', value: '10' } as never, {
        energy_state: { production: '11' },
      }),
    ).toBe('true')
    expect(
      truthOf(
        { field: 'energy_state.production', operator: 'gt', value: 10 },
        { energy_state: { production: { value: 11 } } },
      ),
    ).toBe('unknown')
  })

  it('3b. home_load_forecast is a number, so upstream rules comparing it now work', () => {
    const ctx3 = context({ home_load_forecast: 3000 })
    expect(truthOf({ field: 'home_load_forecast', operator: 'gt', value: 2800 }, ctx3)).toBe('true')
  })

  it('4. regex is anchored at the start only (re.match), not a full match', () => {
    const ctx4 = { miner: { model: 'S19 Pro' } }
    expect(truthOf({ field: 'miner.model', operator: 'regex', value: 'S19' }, ctx4)).toBe('true')
    expect(truthOf({ field: 'miner.model', operator: 'regex', value: 'Pro' }, ctx4)).toBe('false')
  })

  it('5. timestamp.weekday is a number, 0 = Monday (upstream: a method that never matched)', () => {
    const saturday = context({}, '2026-01-10T12:00:00Z')
    const monday = context({}, '2026-01-05T12:00:00Z')
    const weekend: Condition = { field: 'timestamp.weekday', operator: 'in', value: [5, 6] }
    expect(truthOf(weekend, saturday)).toBe('true')
    expect(truthOf(weekend, monday)).toBe('false')
    expect(truthOf({ field: 'timestamp.weekday', operator: 'eq', value: 0 }, monday)).toBe('true')
    expect(truthOf({ field: 'timestamp.month', operator: 'eq', value: 1 }, monday)).toBe('true')
    expect(truthOf({ field: 'timestamp.day', operator: 'eq', value: 5 }, monday)).toBe('true')
    expect(truthOf({ field: 'timestamp.minute', operator: 'eq', value: 0 }, monday)).toBe('true')
  })

  it('the calendar follows the context time zone (upstream used naive server time)', () => {
    // 23:30 UTC on Sunday 11 Jan is 00:30 on Monday 12 Jan in Rome.
    const instant = '2026-01-11T23:30:00Z'
    const rome = createDecisionalContext({ timestamp: instant }, { timeZone: 'Europe/Rome' })
    const utc = context({}, instant)
    const monday: Condition = { field: 'timestamp.weekday', operator: 'eq', value: 0 }
    expect(truthOf(monday, rome)).toBe('true')
    expect(truthOf(monday, utc)).toBe('false')
    expect(truthOf({ field: 'timestamp.hour', operator: 'eq', value: 0 }, rome)).toBe('true')
  })
})
