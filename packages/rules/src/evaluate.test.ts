import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compilePolicy, createMemoryRuleStateStore, PolicyCompileError } from './compile'
import {
  decideNextAction,
  decidingLeaves,
  decidingLeavesNegated,
  decidingSentence,
  evaluatePolicy,
  explain,
  leafSentence,
  readableNumber,
} from './evaluate'
import { parsePolicy } from './parse'
import { context, policy, rule } from './test-support/helpers'
import type { Condition } from './types'

const sunny: Condition = { field: 'energy_state.production', operator: 'gt', value: 3000 }
const lowBattery: Condition = {
  field: 'energy_state.battery.state_of_charge',
  operator: 'lt',
  value: 20,
}
const start = rule(sunny, { id: 'start-sun', name: 'Sun' })
const stop = rule(lowBattery, { id: 'stop-low', name: 'Low battery' })
const p = policy([start], [stop])

const withStatus = (status: string | null, extra = {}) =>
  context({
    energy_state: { production: 4000, battery: { state_of_charge: 10 } },
    ...(status === null ? {} : { miner_state: { status } as never }),
    ...extra,
  })

describe('decide_next_action (upstream §3.6)', () => {
  it.each([
    ['off', 'start_mining', 'start'],
    ['error', 'start_mining', 'start'],
    ['unknown', 'start_mining', 'start'],
    ['on', 'stop_mining', 'stop'],
    ['starting', 'maintain_state', null],
    ['stopping', 'maintain_state', null],
  ] as const)('miner %s → %s', (status, decision, evaluated) => {
    const outcome = evaluatePolicy(p, withStatus(status))
    expect(outcome.decision).toBe(decision)
    expect(outcome.evaluated).toBe(evaluated)
    expect(outcome.rule_type).toBe(evaluated)
  })

  it('reads the status case-insensitively from raw (unvalidated) contexts', () => {
    const raw = { ...withStatus('on'), miner_state: { status: 'ON' } }
    expect(evaluatePolicy(p, raw)).toMatchObject({ decision: 'stop_mining', miner_status: 'on' })
    const odd = { ...withStatus('on'), miner_state: { status: 'running' } }
    expect(evaluatePolicy(p, odd)).toMatchObject({
      decision: 'start_mining',
      miner_status: 'unknown',
    })
  })

  it('treats a context without miner_state as status unknown: start rules (documented choice)', () => {
    const outcome = evaluatePolicy(p, withStatus(null))
    expect(outcome).toMatchObject({
      decision: 'start_mining',
      miner_status: 'unknown',
      rule: { id: 'start-sun' },
    })
  })

  it('maintains state when nothing matches', () => {
    const calm = context({
      energy_state: { production: 100, battery: { state_of_charge: 50 } },
      miner_state: { status: 'on' } as never,
    })
    expect(evaluatePolicy(p, calm)).toMatchObject({
      decision: 'maintain_state',
      rule: null,
      rule_type: null,
      evaluated: 'stop',
    })
    expect(evaluatePolicy(p, null)).toMatchObject({
      decision: 'maintain_state',
      miner_status: 'unknown',
    })
  })

  it('tries rules by priority, highest first; the first match wins; disabled rules are skipped', () => {
    const rules = [
      rule(sunny, { id: 'a', name: 'A', priority: 1 }),
      rule(sunny, { id: 'b', name: 'B', priority: 9 }),
      rule(sunny, { id: 'c', name: 'C', priority: 50, enabled: false }),
      rule(sunny, { id: 'd', name: 'D', priority: 9 }),
    ]
    const outcome = evaluatePolicy(policy(rules), withStatus('off'))
    expect(outcome.rule).toEqual({ id: 'b', name: 'B', priority: 9 })
    expect(outcome.trace.map((n) => n.kind === 'rule' && [n.rule.id, n.status])).toEqual([
      ['b', 'fired'],
      ['d', 'not_reached'],
      ['a', 'not_reached'],
      ['c', 'disabled'],
    ])
  })

  it('gives the same answers generated and interpreted', () => {
    const compiled = compilePolicy(p, { codegen: false })
    expect(compiled.mode).toBe('interpreted')
    expect(evaluatePolicy(compiled, withStatus('on')).decision).toBe('stop_mining')
    expect(compilePolicy(p).mode).toBe('generated')
  })

  it('refuses to compile a hand-built policy with invalid conditions', () => {
    const bad = policy([rule({ field: 'nope', operator: 'eq', value: 1 })])
    expect(() => compilePolicy(bad)).toThrow(PolicyCompileError)
    const badHold = policy([rule(sunny, { for_seconds: -5 })])
    expect(() => compilePolicy(badHold)).toThrow('for_seconds must not be negative')
    const twice = policy([rule(sunny, { id: 'x' })], [rule(lowBattery, { id: 'x' })])
    expect(() => compilePolicy(twice)).toThrow('used twice')
  })
})

describe('for_seconds anti-flapping', () => {
  const held = rule(sunny, { id: 'held', name: 'Held sun', for_seconds: 60 })
  const heldPolicy = policy([held])
  const sunnyCtx = withStatus('off')
  const cloudyCtx = context({
    energy_state: { production: 10 },
    miner_state: { status: 'off' } as never,
  })

  it('fires only after the conditions were continuously true for N seconds', () => {
    let now = 1_000_000
    const clock = { now: () => now, store: createMemoryRuleStateStore() }
    const compiled = compilePolicy(heldPolicy)
    expect(evaluatePolicy(compiled, sunnyCtx, clock).decision).toBe('maintain_state')
    now += 30_000
    const waiting = evaluatePolicy(compiled, sunnyCtx, clock)
    expect(waiting.decision).toBe('maintain_state')
    expect(waiting.trace[0]).toMatchObject({
      status: 'holding',
      hold: {
        for_seconds: 60,
        elapsed_seconds: 30,
        remaining_seconds: 30,
        true_since: new Date(1_000_000).toISOString(),
      },
    })
    expect(explain(waiting)).toContain('true for 30 s of 60 s, 30 s left')
    now += 30_000
    expect(evaluatePolicy(compiled, sunnyCtx, clock).decision).toBe('start_mining')
  })

  it('starts counting again after the conditions stop being true (false or unknown)', () => {
    let now = 0
    const store = createMemoryRuleStateStore()
    const opts = { now: () => now, store }
    evaluatePolicy(heldPolicy, sunnyCtx, opts)
    now = 50_000
    evaluatePolicy(heldPolicy, cloudyCtx, opts)
    expect(store.size()).toBe(0)
    now = 70_000
    expect(evaluatePolicy(heldPolicy, sunnyCtx, opts).decision).toBe('maintain_state')
    now = 129_000
    expect(evaluatePolicy(heldPolicy, sunnyCtx, opts).decision).toBe('maintain_state')
    now = 130_000
    expect(evaluatePolicy(heldPolicy, sunnyCtx, opts).decision).toBe('start_mining')
    const unknownCtx = context({ miner_state: { status: 'off' } as never })
    evaluatePolicy(heldPolicy, unknownCtx, opts)
    expect(store.size()).toBe(0)
  })

  it('forgets a section’s state while the other section is active', () => {
    let now = 0
    const store = createMemoryRuleStateStore()
    evaluatePolicy(heldPolicy, sunnyCtx, { now: () => now, store })
    expect(store.get('p/start/held')).toBe(0)
    now = 90_000
    evaluatePolicy(heldPolicy, withStatus('on'), { now: () => now, store })
    expect(store.size()).toBe(0)
  })

  it('keeps "true since" up to date for held rules below the one that fires', () => {
    let now = 0
    const store = createMemoryRuleStateStore()
    const both = policy([rule(sunny, { id: 'fast', name: 'Fast', priority: 10 }), held])
    expect(evaluatePolicy(both, sunnyCtx, { now: () => now, store }).rule?.id).toBe('fast')
    expect(store.get('p/start/held')).toBe(0)
    now = 5_000
    const outcome = evaluatePolicy(both, sunnyCtx, { now: () => now, store })
    expect(outcome.trace[1]).toMatchObject({ status: 'holding', hold: { remaining_seconds: 55 } })
  })

  it('uses the compiled policy’s own memory store by default', () => {
    let now = 0
    const compiled = compilePolicy(heldPolicy)
    evaluatePolicy(compiled, sunnyCtx, { now: () => now })
    now = 60_000
    expect(evaluatePolicy(compiled, sunnyCtx, { now: () => now }).decision).toBe('start_mining')
  })
})

describe('explain', () => {
  it('shows every leaf with resolved value, operator, expected value and truth', () => {
    const tree: Condition = {
      all_of: [
        sunny,
        { field: 'forecast.next_hour_power', operator: 'gt', value: 1000 },
        { not_: { field: 'timestamp.hour', operator: 'in', value: [2, 3] } },
        {
          field: 'energy_state.production',
          operator: 'gt',
          value_ref: 'energy_state.consumption.current_power',
        },
      ],
    }
    const ctx = context({
      energy_state: { production: 3500, consumption: { current_power: 800 } },
      miner_state: { status: 'off' } as never,
    })
    const outcome = evaluatePolicy(policy([rule(tree, { name: 'Explained', priority: 4 })]), ctx)
    expect(explain(outcome)).toBe(
      [
        'maintain_state: no rule fired',
        'miner status off: start rules tried by priority; a rule fires only when its conditions are definitely true',
        '  [not matched] start rule "Explained" (priority 4): conditions unknown',
        '    all_of → unknown',
        '      ✓ energy_state.production = 3500 W > 3000 → true',
        '      ? forecast.next_hour_power = missing > 1000 → unknown (missing)',
        '      not_ → true',
        '        ✗ timestamp.hour = 10 ∈ [2,3] → false',
        '      ✓ energy_state.production = 3500 W > energy_state.consumption.current_power (800 W) → true',
      ].join('\n'),
    )
  })

  it('says why nothing was tried while the miner changes state', () => {
    expect(explain(evaluatePolicy(p, withStatus('starting')))).toBe(
      'maintain_state: no rule fired\nminer status starting: no rules are tried while it is changing state',
    )
  })

  it('serialises the outcome with its trace', () => {
    const json = JSON.parse(JSON.stringify(evaluatePolicy(p, withStatus('off'))))
    expect(json.trace[0]).toMatchObject({
      kind: 'rule',
      status: 'fired',
      condition: { kind: 'leaf', actual: 4000, expected: 3000, result: 'true' },
    })
  })
})

describe('decideNextAction', () => {
  it('answers the same decision as evaluatePolicy without allocating (shared frozen objects)', () => {
    const compiled = compilePolicy(p)
    const first = decideNextAction(compiled, withStatus('off'))
    expect(first).toEqual({
      decision: 'start_mining',
      rule_type: 'start',
      rule: { id: 'start-sun', name: 'Sun', priority: 0 },
    })
    expect(decideNextAction(compiled, withStatus('off'))).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(decideNextAction(compiled, withStatus('starting'))).toEqual({
      decision: 'maintain_state',
      rule_type: null,
      rule: null,
    })
  })
})

describe('generated evaluator against the interpreter', () => {
  it('agrees on every rule and on the first match over many random contexts', () => {
    const text = readFileSync(
      join(
        import.meta.dirname,
        '../../../data/examples/policies/550e8400-e29b-41d4-a716-446655440000.yaml',
      ),
      'utf8',
    )
    const parsed = parsePolicy(text).policy
    if (!parsed) throw new Error('example policy did not load')
    const generated = compilePolicy(parsed)
    const interpreted = compilePolicy(parsed, { codegen: false })
    let seed = 3
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    // Values around the rules' thresholds, sometimes missing, sometimes numeric strings.
    const maybe = (value: number) =>
      random() < 0.15 ? null : random() < 0.1 ? String(value) : value
    for (let i = 0; i < 500; i++) {
      const ctx = {
        energy_state: {
          production: maybe(Math.round(random() * 4000)),
          battery:
            random() < 0.1
              ? null
              : {
                  state_of_charge: maybe(Math.round(random() * 100)),
                  remaining_capacity: maybe(Math.round(random() * 2000)),
                  current_power: maybe(Math.round(random() * 4000 - 2000)),
                },
          grid: {
            importing_power: maybe(Math.round(random() * 4000)),
            exporting_power: maybe(Math.round(random() * 2000)),
          },
        },
        forecast: {
          next_hour_power: maybe(Math.round(random() * 3000)),
          avg_next_4_hours_power: maybe(Math.round(random() * 3000)),
        },
        home_load_forecast: maybe(Math.round(random() * 4000)),
        timestamp: {
          weekday: maybe(Math.floor(random() * 7)),
          hour: maybe(Math.floor(random() * 24)),
        },
      }
      for (const section of ['start', 'stop'] as const) {
        const g = generated[section]
        const n = interpreted[section]
        expect(g.rules.map((rule) => rule.test(ctx))).toEqual(n.rules.map((rule) => rule.test(ctx)))
        expect(g.first(ctx)).toBe(n.first(ctx))
      }
    }
  })
})

describe('the leaves that decided, in sentences', () => {
  const both: Condition = {
    all_of: [sunny, { field: 'energy_state.battery.state_of_charge', operator: 'gt', value: 40 }],
  }
  const either: Condition = { any_of: [lowBattery, sunny] }
  const outcomeOf = (condition: Condition, state: object) =>
    evaluatePolicy(policy([rule(condition, { id: 'r', name: 'R' })], []), context(state))

  it('a true all_of is decided by every leaf; a false one by its first false leaf', () => {
    const sunnyAndFull = outcomeOf(both, {
      energy_state: { production: 4000, battery: { state_of_charge: 80 } },
    })
    expect(decidingLeaves(sunnyAndFull.trace[0] ?? null).map(leafSentence)).toEqual([
      'energy_state.production = 4000 W > 3000',
      'energy_state.battery.state_of_charge = 80 % > 40',
    ])
    const cloudy = outcomeOf(both, {
      energy_state: { production: 1000, battery: { state_of_charge: 80 } },
    })
    expect(decidingLeaves(cloudy.trace[0] ?? null).map(leafSentence)).toEqual([
      'energy_state.production = 1000 W > 3000',
    ])
  })

  it('a leaf under not_ is quoted negated: the reason never states the opposite of the data', () => {
    const notNearPayout: Condition = {
      all_of: [
        sunny,
        {
          not_: {
            field: 'energy_state.battery.state_of_charge',
            operator: 'gte',
            value: 98,
          },
        },
      ],
    }
    const fired = outcomeOf(notNearPayout, {
      energy_state: { production: 4000, battery: { state_of_charge: 43 } },
    })
    expect(fired.decision).toBe('start_mining')
    expect(decidingLeavesNegated(fired.trace[0] ?? null).map(decidingSentence)).toEqual([
      'energy_state.production = 4000 W > 3000',
      'energy_state.battery.state_of_charge = 43 %, not >= 98',
    ])
    // Two negations cancel out.
    const doubly = outcomeOf({ not_: { not_: sunny } }, { energy_state: { production: 4000 } })
    expect(decidingLeavesNegated(doubly.trace[0] ?? null).map(decidingSentence)).toEqual([
      'energy_state.production = 4000 W > 3000',
    ])
  })

  it('a true any_of is decided by its first true leaf', () => {
    const sunnyNotLow = outcomeOf(either, {
      energy_state: { production: 4000, battery: { state_of_charge: 50 } },
    })
    expect(decidingLeaves(sunnyNotLow.trace[0] ?? null).map(leafSentence)).toEqual([
      'energy_state.production = 4000 W > 3000',
    ])
  })
})

describe('readableNumber', () => {
  it('shows 4 significant digits unless that would change the order against the compared value', () => {
    expect(readableNumber(0.4295387268066406, 0.98)).toBe(0.4295)
    expect(readableNumber(1234.5678, 1000)).toBe(1235)
    expect(readableNumber(0.979996, 0.98)).toBe(0.979996)
    expect(readableNumber(0.98000001, 0.98)).toBe(0.98000001)
    expect(readableNumber(1542.6, 1350)).toBe(1543)
    expect(readableNumber(12345.6, 1000)).toBe(12346)
    expect(readableNumber(7, 3)).toBe(7)
    expect(readableNumber(2.5)).toBe(2.5)
  })
})
