import type { DecisionalContext, MinerStatus, MiningDecision } from '@edge-mining/domain'
import {
  type CompiledPolicy,
  decidingLeavesNegated,
  decidingSentence,
  evaluatePolicy,
  explain,
  type RuleStateStore,
  type TraceNode,
} from '@edge-mining/rules'

/** How a miner can be switched: its mining control, else its power control (a plug). */
export type Control = 'mining_control' | 'power_control'

/** What the shell read about one miner of the unit. */
export interface MinerInput {
  miner: { id: string; name: string; active: boolean }
  /** The status read this cycle; null when it could not be read. */
  status: MinerStatus | null
  /** Why the status could not be read (a device error), when it could not. */
  statusProblem: string | null
  control: Control | null
  /** The context to decide on; null when there is none to decide on. */
  context: DecisionalContext | null
  /** A manual start/stop holding the miner until `until` (ISO). */
  override: { action: 'start' | 'stop'; until: string } | null
  /** When the loop or a person last started or stopped it (ISO); null when never. */
  lastSwitchAt: string | null
  /** What the previous cycle planned for it, to tell a change from a repeat. */
  previous: { decision: MiningDecision; kind: PlanKind; hold: HoldReason | null } | null
}

/** What the shell read about the unit as a whole. */
export interface UnitInput {
  unit: { id: string; name: string; min_on_seconds: number; min_off_seconds: number }
  /** The compiled policy, or null with `policyProblem` saying why the unit cannot decide. */
  policy: { id: string; name: string; compiled: CompiledPolicy } | null
  policyProblem: string | null
  /** Why the unit's energy state could not be read; null when it was. */
  energyProblem: string | null
  miners: readonly MinerInput[]
  /** `for_seconds` "true since" (epoch ms) of this unit's rules, by key (see `ruleStateKey`). */
  ruleState: ReadonlyMap<string, number>
}

/**
 * `act`: start or stop now. `hold`: the policy wants a change but a guard keeps the miner as it
 * is. `skip`: the miner is not decided on (inactive, unreadable, no control). `decide`: the
 * policy wants nothing done.
 */
export type PlanKind = 'act' | 'hold' | 'skip' | 'decide'
export type HoldReason = 'min_on' | 'min_off' | 'override' | 'for_seconds'

export interface Hold {
  reason: HoldReason
  /** ISO-8601 UTC; null when it ends with the conditions (for_seconds). */
  until: string | null
  remaining_seconds: number
}

export interface MinerPlan {
  miner_id: string
  miner_name: string
  status: MinerStatus | null
  decision: MiningDecision
  action: 'start' | 'stop' | 'none'
  kind: PlanKind
  /** Which control carries the action out (null when nothing is to be done). */
  control: Control | null
  hold: Hold | null
  rule: { id: string; name: string; priority: number; type: 'start' | 'stop' } | null
  /** A sentence a person can read: what, and why. */
  reason: string
  /** The rules' explanation, leaf by leaf (empty when the policy was not evaluated). */
  explanation: string
  trace: TraceNode[]
  /** False when the plan repeats the previous cycle's (same decision, kind and hold). */
  changed: boolean
}

export interface UnitNotice {
  kind: 'policy_unusable' | 'energy_unreadable'
  message: string
}

export interface UnitPlan {
  unit_id: string
  /** ISO-8601 UTC of `now`. */
  at: string
  /** Null when the unit decides nothing this cycle (policy or energy missing). */
  notice: UnitNotice | null
  miners: MinerPlan[]
  /** The unit's `for_seconds` state after this cycle (persist it; absent keys were cleared). */
  ruleState: Map<string, number>
}

/** Where a miner's rule's "true since" lives: per (unit, miner, rule), so a restart keeps it. */
export function ruleStateKey(unitId: string, minerId: string, ruleKey: string): string {
  return `${unitId}:${minerId}:${ruleKey}`
}

const iso = (ms: number) => new Date(ms).toISOString()

function duration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds))
  if (whole < 120) return `${whole} s`
  if (whole < 7200) return `${Math.round(whole / 60)} min`
  return `${Math.round(whole / 360) / 10} h`
}

/** A miner's rule state seen through its prefix, over the unit's map. */
function minerStore(state: Map<string, number>, unitId: string, minerId: string): RuleStateStore {
  const key = (ruleKey: string) => ruleStateKey(unitId, minerId, ruleKey)
  return {
    get: (ruleKey) => state.get(key(ruleKey)),
    set: (ruleKey, since) => {
      state.set(key(ruleKey), since)
    },
    delete: (ruleKey) => {
      state.delete(key(ruleKey))
    },
  }
}

/**
 * Forgets a miner's `for_seconds` state: a cycle that could not evaluate its rules (no energy
 * state, no status, no usable policy, deactivated, overridden) is a stretch in which nobody knows
 * whether the conditions held, so a wait cannot count across it — as a rule's unknown leaf
 * already resets its own wait.
 */
function forgetMiner(state: Map<string, number>, unitId: string, minerId: string): void {
  const prefix = ruleStateKey(unitId, minerId, '')
  for (const key of [...state.keys()]) if (key.startsWith(prefix)) state.delete(key)
}

type RuleNode = Extract<TraceNode, { kind: 'rule' }>

/** Why the fired rule fired: the leaves that decided it, as sentences. */
function firedBecause(trace: readonly TraceNode[], ruleId: string): string {
  const node = trace.find(
    (candidate): candidate is RuleNode => candidate.kind === 'rule' && candidate.rule.id === ruleId,
  )
  const leaves = decidingLeavesNegated(node ?? null)
    .slice(0, 3)
    .map(decidingSentence)
  return leaves.length > 0 ? ` (${leaves.join('; ')})` : ''
}

/** The rule that is true but still waiting for its `for_seconds`, if any. */
function waitingRule(trace: readonly TraceNode[]): RuleNode | null {
  return (
    trace.find((node): node is RuleNode => node.kind === 'rule' && node.status === 'holding') ??
    null
  )
}

function skip(input: MinerInput, reason: string): Omit<MinerPlan, 'changed'> {
  return {
    miner_id: input.miner.id,
    miner_name: input.miner.name,
    status: input.status,
    decision: 'maintain_state',
    action: 'none',
    kind: 'skip',
    control: null,
    hold: null,
    rule: null,
    reason,
    explanation: '',
    trace: [],
  }
}

/** The minimum on/off guard: how long the miner must still stay as it is, or null. */
function dwellHold(
  input: MinerInput,
  action: 'start' | 'stop',
  unit: UnitInput['unit'],
  nowMs: number,
): Hold | null {
  if (input.lastSwitchAt === null) return null
  const minimum = action === 'stop' ? unit.min_on_seconds : unit.min_off_seconds
  if (minimum <= 0) return null
  const until = Date.parse(input.lastSwitchAt) + minimum * 1000
  if (until <= nowMs) return null
  return {
    reason: action === 'stop' ? 'min_on' : 'min_off',
    until: iso(until),
    remaining_seconds: Math.ceil((until - nowMs) / 1000),
  }
}

function planMiner(
  input: MinerInput,
  unitInput: UnitInput,
  policy: NonNullable<UnitInput['policy']>,
  state: Map<string, number>,
  nowMs: number,
): Omit<MinerPlan, 'changed'> {
  const { unit } = unitInput
  const notEvaluated = (plan: Omit<MinerPlan, 'changed'>) => {
    forgetMiner(state, unit.id, input.miner.id)
    return plan
  }
  if (!input.miner.active) return notEvaluated(skip(input, 'Skipped: the miner is deactivated'))
  if (input.status === null || input.context === null) {
    return notEvaluated(
      skip(
        input,
        `Skipped: its status could not be read${input.statusProblem ? ` (${input.statusProblem})` : ''}; nothing is done on missing data`,
      ),
    )
  }
  if (input.override && Date.parse(input.override.until) > nowMs) {
    const until = input.override.until
    return notEvaluated({
      ...skip(input, `Held by override until ${until} (manual ${input.override.action})`),
      kind: 'hold',
      decision: input.override.action === 'start' ? 'start_mining' : 'stop_mining',
      hold: {
        reason: 'override',
        until,
        remaining_seconds: Math.ceil((Date.parse(until) - nowMs) / 1000),
      },
    })
  }
  const outcome = evaluatePolicy(policy.compiled, input.context, {
    now: () => nowMs,
    store: minerStore(state, unit.id, input.miner.id),
  })
  const trace = outcome.trace
  const explanation = explain(outcome)
  const rule =
    outcome.rule && outcome.rule_type
      ? {
          id: outcome.rule.id,
          name: outcome.rule.name,
          priority: outcome.rule.priority,
          type: outcome.rule_type,
        }
      : null
  const base = {
    miner_id: input.miner.id,
    miner_name: input.miner.name,
    status: input.status,
    decision: outcome.decision,
    rule,
    explanation,
    trace,
  }
  const wanted =
    outcome.decision === 'start_mining' && input.status !== 'on' && input.status !== 'starting'
      ? 'start'
      : outcome.decision === 'stop_mining' && input.status === 'on'
        ? 'stop'
        : null
  if (wanted === null) {
    const waiting = waitingRule(trace)
    if (waiting?.hold) {
      const { hold } = waiting
      return {
        ...base,
        action: 'none',
        kind: 'hold',
        control: null,
        hold: {
          reason: 'for_seconds',
          until: null,
          remaining_seconds: Math.ceil(hold.remaining_seconds),
        },
        reason: `Waiting: ${waiting.rule_type} rule '${waiting.rule.name}' has been true for ${duration(hold.elapsed_seconds)} of ${duration(hold.for_seconds)}`,
      }
    }
    const reason =
      outcome.evaluated === null
        ? `Maintain: the miner is ${input.status}; no rule is tried while it changes state`
        : rule
          ? `Maintain: ${rule.type} rule '${rule.name}' fired but the miner is already ${input.status}`
          : `Maintain: no ${outcome.evaluated} rule fired (miner ${input.status})`
    return { ...base, action: 'none', kind: 'decide', control: null, hold: null, reason }
  }
  const why = rule ? `${rule.type} rule '${rule.name}' fired${firedBecause(trace, rule.id)}` : ''
  const dwell = dwellHold(input, wanted, unit, nowMs)
  if (dwell) {
    const minimum = wanted === 'stop' ? 'minimum on time' : 'minimum off time'
    return {
      ...base,
      action: 'none',
      kind: 'hold',
      control: null,
      hold: dwell,
      reason: `Held: ${why}, but the ${minimum} keeps it ${input.status} for ${duration(dwell.remaining_seconds)} more (until ${dwell.until})`,
    }
  }
  if (input.control === null) {
    return {
      ...skip(input, `Cannot ${wanted}: ${why}, but no controller offers mining or power control`),
      decision: outcome.decision,
      rule,
      explanation,
      trace,
    }
  }
  return {
    ...base,
    action: wanted,
    kind: 'act',
    control: input.control,
    hold: null,
    reason: `${wanted === 'start' ? 'Start' : 'Stop'}: ${why}`,
  }
}

/**
 * Plans one cycle of a unit from what was read: upstream's decision table (start rules for
 * off/error/unknown, stop rules for on, nothing while starting or stopping; START only when not
 * on, STOP only when on) and the guards upstream lacks — minimum on/off times, manual
 * overrides, no action from missing data, `for_seconds` kept per (unit, miner, rule) and
 * forgotten across a cycle that could not evaluate the miner. Pure: time is `nowMs`, state comes
 * in and goes out.
 */
export function planUnit(input: UnitInput, nowMs: number): UnitPlan {
  const state = new Map(input.ruleState)
  const at = iso(nowMs)
  const blocked = input.policy
    ? input.energyProblem
      ? {
          kind: 'energy_unreadable' as const,
          message: `The energy state could not be read (${input.energyProblem}); the unit does nothing this cycle`,
        }
      : null
    : {
        kind: 'policy_unusable' as const,
        message: input.policyProblem ?? 'The unit has no policy; it does nothing',
      }
  const miners = input.miners.map((miner) => {
    let planned: Omit<MinerPlan, 'changed'>
    if (blocked || !input.policy) {
      forgetMiner(state, input.unit.id, miner.miner.id)
      planned = skip(miner, `Skipped: ${blocked?.message ?? 'no policy'}`)
    } else planned = planMiner(miner, input, input.policy, state, nowMs)
    const previous = miner.previous
    const changed =
      previous === null ||
      previous.decision !== planned.decision ||
      previous.kind !== planned.kind ||
      previous.hold !== (planned.hold?.reason ?? null)
    return { ...planned, changed: changed || planned.kind === 'act' }
  })
  return { unit_id: input.unit.id, at, notice: blocked, miners, ruleState: state }
}
