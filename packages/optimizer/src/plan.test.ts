import { createDecisionalContext, type MinerStatus } from '@edge-mining/domain'
import { compilePolicy, parsePolicy } from '@edge-mining/rules'
import { describe, expect, it } from 'vitest'
import { type MinerInput, planUnit, ruleStateKey, type UnitInput } from './plan'

const NOW = Date.parse('2026-06-21T12:00:00Z')
const UNIT = { id: 'unit-1', name: 'Garage', min_on_seconds: 300, min_off_seconds: 300 }

const POLICY = `
id: 11111111-1111-4111-8111-111111111111
name: Surplus
start_rules:
  - id: 11111111-1111-4111-8111-000000000001
    name: Sunny
    conditions: { field: energy_state.production, operator: gt, value: 3000 }
stop_rules:
  - id: 11111111-1111-4111-8111-000000000002
    name: Cloudy
    conditions: { field: energy_state.production, operator: lt, value: 1000 }
`

const HYSTERESIS = `
id: 22222222-2222-4222-8222-222222222222
name: Hysteresis
start_rules:
  - id: 22222222-2222-4222-8222-000000000001
    name: Surplus for 2 min
    for_seconds: 120
    conditions: { field: energy_state.production, operator: gt, value: 3000 }
stop_rules:
  - id: 22222222-2222-4222-8222-000000000002
    name: Deficit for 2 min
    for_seconds: 120
    conditions: { field: energy_state.production, operator: lt, value: 1000 }
`

function compiled(text: string) {
  const { policy, issues } = parsePolicy(text, { source: 'test.yaml' })
  if (!policy) throw new Error(issues.map((issue) => issue.message).join('; '))
  return { id: policy.id, name: policy.name, compiled: compilePolicy(policy) }
}

const surplus = compiled(POLICY)

function miner(status: MinerStatus | null, production: number, extra: Partial<MinerInput> = {}) {
  return {
    miner: { id: 'miner-1', name: 'S9', active: true },
    status,
    statusProblem: null,
    control: 'mining_control',
    context:
      status === null
        ? null
        : createDecisionalContext({
            energy_state: { production },
            miner_state: { status },
            timestamp: new Date(NOW),
          }),
    override: null,
    lastSwitchAt: null,
    previous: null,
    ...extra,
  } satisfies MinerInput
}

function unit(miners: MinerInput[], extra: Partial<UnitInput> = {}): UnitInput {
  return {
    unit: UNIT,
    policy: surplus,
    policyProblem: null,
    energyProblem: null,
    miners,
    ruleState: new Map(),
    ...extra,
  }
}

const only = (input: UnitInput, now = NOW) => {
  const plan = planUnit(input, now)
  const [first] = plan.miners
  if (!first) throw new Error('no miner planned')
  return first
}

describe("upstream's decision table (upstream-loop.md §4.4)", () => {
  it.each([
    ['off', 4000, 'start_mining', 'start'],
    ['error', 4000, 'start_mining', 'start'],
    ['unknown', 4000, 'start_mining', 'start'],
    ['on', 500, 'stop_mining', 'stop'],
    ['off', 2000, 'maintain_state', 'none'],
    ['on', 2000, 'maintain_state', 'none'],
    ['starting', 4000, 'maintain_state', 'none'],
    ['stopping', 500, 'maintain_state', 'none'],
  ] as const)('miner %s at %i W → %s, action %s', (status, production, decision, action) => {
    const plan = only(unit([miner(status, production)]))
    expect(plan.decision).toBe(decision)
    expect(plan.action).toBe(action)
    expect(plan.kind).toBe(action === 'none' ? 'decide' : 'act')
  })

  it('a start explains itself with the rule and the leaf that decided', () => {
    const plan = only(unit([miner('off', 4000)]))
    expect(plan.reason).toBe(
      "Start: start rule 'Sunny' fired (energy_state.production = 4000 W > 3000)",
    )
    expect(plan.rule).toMatchObject({ name: 'Sunny', type: 'start' })
    expect(plan.control).toBe('mining_control')
    expect(plan.explanation).toContain('start rule "Sunny"')
  })

  it('falls back to power control when that is all a miner has (trap T2)', () => {
    const plan = only(unit([miner('off', 4000, { control: 'power_control' })]))
    expect(plan).toMatchObject({ action: 'start', control: 'power_control' })
  })

  it('a miner no controller can switch is skipped with the reason, not acted on', () => {
    const plan = only(unit([miner('off', 4000, { control: null })]))
    expect(plan).toMatchObject({ kind: 'skip', action: 'none', decision: 'start_mining' })
    expect(plan.reason).toMatch(/^Cannot start: .*no controller offers mining or power control$/)
  })
})

describe('guards upstream lacks', () => {
  it('minimum on time: a stop 2 min after a start is held, with the time left', () => {
    const started = new Date(NOW - 120_000).toISOString()
    const plan = only(unit([miner('on', 500, { lastSwitchAt: started })]))
    expect(plan).toMatchObject({ kind: 'hold', action: 'none', decision: 'stop_mining' })
    expect(plan.hold).toEqual({
      reason: 'min_on',
      until: new Date(NOW + 180_000).toISOString(),
      remaining_seconds: 180,
    })
    expect(plan.reason).toContain('minimum on time keeps it on for 3 min more')
  })

  it('minimum off time holds a start; past it the start goes ahead', () => {
    const stopped = new Date(NOW - 60_000).toISOString()
    expect(only(unit([miner('off', 4000, { lastSwitchAt: stopped })])).hold?.reason).toBe('min_off')
    const later = only(unit([miner('off', 4000, { lastSwitchAt: stopped })]), NOW + 240_000)
    expect(later).toMatchObject({ kind: 'act', action: 'start' })
  })

  it('min_on_seconds 0 disables the guard', () => {
    const started = new Date(NOW - 1000).toISOString()
    const input = unit([miner('on', 500, { lastSwitchAt: started })], {
      unit: { ...UNIT, min_on_seconds: 0 },
    })
    expect(only(input)).toMatchObject({ kind: 'act', action: 'stop' })
  })

  it('a manual override holds the miner until it expires, whatever the rules say', () => {
    const until = new Date(NOW + 600_000).toISOString()
    const held = only(unit([miner('on', 500, { override: { action: 'start', until } })]))
    expect(held).toMatchObject({ kind: 'hold', action: 'none', decision: 'start_mining' })
    expect(held.hold).toEqual({ reason: 'override', until, remaining_seconds: 600 })
    expect(held.reason).toBe(`Held by override until ${until} (manual start)`)
    const expired = only(
      unit([miner('on', 500, { override: { action: 'start', until } })]),
      NOW + 600_000,
    )
    expect(expired).toMatchObject({ kind: 'act', action: 'stop' })
  })

  it('missing data: an unreadable status is skipped; a missing reading is unknown, never zero', () => {
    const unreadable = only(unit([miner(null, 0, { statusProblem: 'unreachable: timeout' })]))
    expect(unreadable).toMatchObject({ kind: 'skip', action: 'none' })
    expect(unreadable.reason).toContain('unreachable: timeout')
    // A production the monitor could not read is null: "lt 1000" is unknown, so no stop.
    const noProduction = miner('on', 0)
    const context = createDecisionalContext({
      energy_state: { production: null },
      miner_state: { status: 'on' },
      timestamp: new Date(NOW),
    })
    expect(only(unit([{ ...noProduction, context }]))).toMatchObject({
      decision: 'maintain_state',
      action: 'none',
    })
  })

  it('an unreadable energy state stops the whole unit from deciding, and says so', () => {
    const plan = planUnit(unit([miner('on', 500)], { energyProblem: 'unreachable: HA down' }), NOW)
    expect(plan.notice).toEqual({
      kind: 'energy_unreadable',
      message:
        'The energy state could not be read (unreachable: HA down); the unit does nothing this cycle',
    })
    expect(plan.miners[0]).toMatchObject({ kind: 'skip', action: 'none' })
  })

  it('a unit without a usable policy decides nothing', () => {
    const plan = planUnit(
      unit([miner('off', 4000)], { policy: null, policyProblem: 'policy.yaml: line 3: bad' }),
      NOW,
    )
    expect(plan.notice?.kind).toBe('policy_unusable')
    expect(plan.miners[0]?.kind).toBe('skip')
  })

  it('an inactive miner is skipped (trap T8)', () => {
    const input = miner('off', 4000)
    const plan = only(unit([{ ...input, miner: { ...input.miner, active: false } }]))
    expect(plan).toMatchObject({ kind: 'skip', reason: 'Skipped: the miner is deactivated' })
  })
})

describe('for_seconds across cycles, per (unit, miner, rule)', () => {
  const hysteresis = compiled(HYSTERESIS)

  it('waits 2 min of continuous truth, then starts; the state is handed back to persist', () => {
    const first = planUnit(unit([miner('off', 4000)], { policy: hysteresis }), NOW)
    expect(first.miners[0]).toMatchObject({ kind: 'hold', action: 'none' })
    expect(first.miners[0]?.hold).toMatchObject({ reason: 'for_seconds', remaining_seconds: 120 })
    expect(first.miners[0]?.reason).toBe(
      "Waiting: start rule 'Surplus for 2 min' has been true for 0 s of 2 min",
    )
    const key = ruleStateKey(
      'unit-1',
      'miner-1',
      `${hysteresis.id}/start/22222222-2222-4222-8222-000000000001`,
    )
    expect([...first.ruleState]).toEqual([[key, NOW]])

    // A restart in between: only the persisted state carries over.
    const persisted = new Map(first.ruleState)
    const later = planUnit(
      unit([miner('off', 4000)], { policy: hysteresis, ruleState: persisted }),
      NOW + 120_000,
    )
    expect(later.miners[0]).toMatchObject({ kind: 'act', action: 'start' })
  })

  it('a dip resets the wait', () => {
    const first = planUnit(unit([miner('off', 4000)], { policy: hysteresis }), NOW)
    const dip = planUnit(
      unit([miner('off', 2000)], { policy: hysteresis, ruleState: first.ruleState }),
      NOW + 60_000,
    )
    expect(dip.ruleState.size).toBe(0)
    const after = planUnit(
      unit([miner('off', 4000)], { policy: hysteresis, ruleState: dip.ruleState }),
      NOW + 130_000,
    )
    expect(after.miners[0]?.kind).toBe('hold')
  })

  it('a cycle that cannot evaluate the miner breaks the wait: an unknown stretch is not "true for"', () => {
    const other = { ...miner('off', 4000), miner: { id: 'miner-2', name: 'S19', active: true } }
    const first = planUnit(unit([miner('off', 4000), other], { policy: hysteresis }), NOW)
    expect(first.ruleState.size).toBe(2)
    const key2 = ruleStateKey(
      'unit-1',
      'miner-2',
      `${hysteresis.id}/start/22222222-2222-4222-8222-000000000001`,
    )
    const blind = (extra: Partial<MinerInput>) =>
      planUnit(
        unit([{ ...miner('off', 4000), ...extra }, other], {
          policy: hysteresis,
          ruleState: first.ruleState,
        }),
        NOW + 60_000,
      )
    const until = new Date(NOW + 600_000).toISOString()
    for (const cycle of [
      blind({ status: null, context: null, statusProblem: 'unreachable: timeout' }),
      blind({ override: { action: 'stop', until } }),
      blind({ miner: { id: 'miner-1', name: 'S9', active: false } }),
    ]) {
      // Only the miner that was not evaluated forgets; the other keeps counting.
      expect([...cycle.ruleState]).toEqual([[key2, NOW]])
    }
    // Ten minutes without an energy reading, then the surplus again: the wait starts over.
    const outage = planUnit(
      unit([miner('off', 4000), other], {
        policy: hysteresis,
        ruleState: first.ruleState,
        energyProblem: 'unreachable: HA down',
      }),
      NOW + 60_000,
    )
    expect(outage.ruleState.size).toBe(0)
    const back = planUnit(
      unit([miner('off', 4000)], { policy: hysteresis, ruleState: outage.ruleState }),
      NOW + 600_000,
    )
    expect(back.miners[0]).toMatchObject({
      kind: 'hold',
      hold: { reason: 'for_seconds', remaining_seconds: 120 },
    })
  })

  it("two miners keep their own state: one's wait is not the other's", () => {
    const other = { ...miner('off', 4000), miner: { id: 'miner-2', name: 'S19', active: true } }
    const first = planUnit(unit([miner('off', 4000)], { policy: hysteresis }), NOW)
    const both = planUnit(
      unit([miner('off', 4000), other], { policy: hysteresis, ruleState: first.ruleState }),
      NOW + 120_000,
    )
    expect(both.miners.map((plan) => plan.kind)).toEqual(['act', 'hold'])
  })
})

describe('changes versus repeats', () => {
  it('a plan equal to the previous one is not a change; an action always is', () => {
    const idle = only(unit([miner('off', 2000)]))
    const again = only(
      unit([
        miner('off', 2000, { previous: { decision: idle.decision, kind: idle.kind, hold: null } }),
      ]),
    )
    expect(again.changed).toBe(false)
    const acting = only(
      unit([
        miner('off', 4000, { previous: { decision: 'start_mining', kind: 'act', hold: null } }),
      ]),
    )
    expect(acting.changed).toBe(true)
  })
})
