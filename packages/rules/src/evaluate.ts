import type { MinerStatus, MiningDecision } from '@edge-mining/domain'
import { MINER_STATUSES } from '@edge-mining/domain'
import type { CheckedNode } from './analyze'
import type {
  CompiledPolicy,
  CompiledRule,
  CompiledSection,
  RuleStateStore,
  Truth3,
} from './compile'
import { compilePolicy, interpret, leafTruth, resolvePath, TRUE, UNKNOWN } from './compile'
import type { Operator } from './operators'
import type { Policy, RuleRef, RuleType, Scalar } from './types'

export type Truth = 'true' | 'false' | 'unknown'

export interface HoldTrace {
  for_seconds: number
  /** When the conditions became true (ISO), null while they are not true. */
  true_since: string | null
  elapsed_seconds: number
  remaining_seconds: number
}

export type RuleStatus = 'fired' | 'holding' | 'not_matched' | 'not_reached' | 'disabled'

export type TraceNode =
  | {
      kind: 'rule'
      rule: RuleRef
      rule_type: RuleType
      /** fired; holding (true, waiting for for_seconds); not_matched; not_reached (a rule above fired); disabled. */
      status: RuleStatus
      result: Truth | null
      hold: HoldTrace | null
      condition: TraceNode | null
    }
  | { kind: 'all_of' | 'any_of'; result: Truth; children: TraceNode[] }
  | { kind: 'not_'; result: Truth; child: TraceNode }
  | {
      kind: 'leaf'
      result: Truth
      field: string
      operator: Operator
      symbol: string
      /** The resolved field value (null when missing). */
      actual: unknown
      /** The rule's value, or the resolved value of `value_ref`. */
      expected: Scalar | Scalar[] | null
      value_ref: string | null
      unit: string | null
      /** Why the leaf is unknown: `missing` data or a value that is `not comparable`. */
      note: 'missing' | 'not comparable' | null
    }

export interface EvaluationOutcome {
  decision: MiningDecision
  /** The type of the rule that fired, null when none did. */
  rule_type: RuleType | null
  rule: RuleRef | null
  /** The miner status the decision used (`unknown` when the context has none). */
  miner_status: MinerStatus
  /** Which rules were tried: start rules, stop rules, or none (starting/stopping). */
  evaluated: RuleType | null
  /** Epoch ms used for `for_seconds` (null when no rule has one). */
  evaluated_at: number | null
  /** Leaf-by-leaf explanation of every rule of the evaluated section (computed on first read). */
  readonly trace: TraceNode[]
}

export interface EvaluateOptions {
  /** Clock for `for_seconds`, epoch ms. Default `Date.now`. */
  now?: () => number
  /** Where "true since" state lives. Default: the compiled policy's own memory store. */
  store?: RuleStateStore
}

const TRUTH: readonly Truth[] = ['false', 'true', 'unknown']

const compiledCache = new WeakMap<Policy, CompiledPolicy>()

function compiledFor(policy: Policy | CompiledPolicy): CompiledPolicy {
  if ((policy as CompiledPolicy).kind === 'compiled_policy') return policy as CompiledPolicy
  const plain = policy as Policy
  let compiled = compiledCache.get(plain)
  if (!compiled) {
    compiled = compilePolicy(plain)
    compiledCache.set(plain, compiled)
  }
  return compiled
}

/** The status the decision uses: case-insensitive; missing or unrecognised → `unknown`. */
function minerStatusOf(context: unknown): MinerStatus {
  const state = (context as { miner_state?: { status?: unknown } | null } | null)?.miner_state
  const status = state?.status
  switch (status) {
    case 'on':
    case 'off':
    case 'starting':
    case 'stopping':
    case 'error':
    case 'unknown':
      return status
  }
  if (typeof status !== 'string') return 'unknown'
  const lower = status.toLowerCase()
  return (MINER_STATUSES as readonly string[]).includes(lower) ? (lower as MinerStatus) : 'unknown'
}

function clearHolds(section: CompiledSection, store: RuleStateStore): void {
  if (!section.hasHolds) return
  for (const rule of section.rules) if (rule.holdMs > 0) store.delete(rule.stateKey)
}

/** A decision without its trace: shared frozen objects, so deciding allocates nothing. */
export interface Decision {
  readonly decision: MiningDecision
  /** The type of the rule that fired, null when none did. */
  readonly rule_type: RuleType | null
  readonly rule: RuleRef | null
}

const MAINTAIN: Decision = Object.freeze({
  decision: 'maintain_state',
  rule_type: null,
  rule: null,
})

/** Which rules the status selects: start when off/error/unknown, stop when on, none otherwise. */
function sectionFor(compiled: CompiledPolicy, status: MinerStatus): CompiledSection | null {
  if (status === 'on') return compiled.stop
  if (status === 'starting' || status === 'stopping') return null
  return compiled.start
}

/**
 * Index of the rule that fires in `section` (-1 if none), maintaining `for_seconds` state:
 * the other section's state is forgotten, and rules with for_seconds are always evaluated so
 * their "true since" stays accurate. `since` (when given) receives each rule's true-since time.
 */
function fire(
  compiled: CompiledPolicy,
  section: CompiledSection | null,
  context: object,
  store: RuleStateStore,
  now: number,
  since: (number | null)[] | null,
): number {
  if (section === null) {
    clearHolds(compiled.start, store)
    clearHolds(compiled.stop, store)
    return -1
  }
  clearHolds(section === compiled.start ? compiled.stop : compiled.start, store)
  if (!section.hasHolds) return section.first(context)
  let fired = -1
  for (let i = 0; i < section.rules.length; i++) {
    const rule = section.rules[i] as CompiledRule
    if (rule.holdMs === 0) {
      since?.push(null)
      if (fired < 0 && rule.test(context) === TRUE) fired = i
      continue
    }
    if (rule.test(context) !== TRUE) {
      store.delete(rule.stateKey)
      since?.push(null)
      continue
    }
    let start = store.get(rule.stateKey)
    if (start === undefined || start > now) {
      start = now
      store.set(rule.stateKey, now)
    }
    since?.push(start)
    if (fired < 0 && now - start >= rule.holdMs) fired = i
  }
  return fired
}

/**
 * The decision alone, as upstream's `decide_next_action` (see `evaluatePolicy`), without
 * allocating: answers a shared frozen `{ decision, rule_type, rule }`. For hot loops.
 */
export function decideNextAction(
  policy: Policy | CompiledPolicy,
  context: unknown,
  options: EvaluateOptions = {},
): Decision {
  const compiled = compiledFor(policy)
  const ctx = typeof context === 'object' && context !== null ? context : {}
  const section = sectionFor(compiled, minerStatusOf(ctx))
  const now = section?.hasHolds ? (options.now ?? Date.now)() : 0
  const fired = fire(compiled, section, ctx, options.store ?? compiled.store, now, null)
  return section && fired >= 0 ? (section.rules[fired] as CompiledRule).decision : MAINTAIN
}

/**
 * Decides as upstream's `decide_next_action`: start rules when the miner is off, error or
 * unknown (also when the context has no miner state), stop rules when it is on, and
 * `maintain_state` while it is starting or stopping or when no rule fires. Rules are tried by
 * priority, highest first; the first whose conditions are definitely true (and, with
 * `for_seconds`, have been for that long) fires. The trace is computed when first read.
 */
export function evaluatePolicy(
  policy: Policy | CompiledPolicy,
  context: unknown,
  options: EvaluateOptions = {},
): EvaluationOutcome {
  const compiled = compiledFor(policy)
  const ctx = typeof context === 'object' && context !== null ? context : {}
  const status = minerStatusOf(ctx)
  const section = sectionFor(compiled, status)
  const nowMs = section?.hasHolds ? (options.now ?? Date.now)() : null
  const since = nowMs === null ? null : []
  const fired = fire(compiled, section, ctx, options.store ?? compiled.store, nowMs ?? 0, since)
  const decided = section && fired >= 0 ? (section.rules[fired] as CompiledRule).decision : MAINTAIN
  const outcome = Object.create(OUTCOME_PROTOTYPE) as EvaluationOutcome & { [LAZY]: LazyTrace }
  outcome.decision = decided.decision
  outcome.rule_type = decided.rule_type
  outcome.rule = decided.rule
  outcome.miner_status = status
  outcome.evaluated = section ? section.rule_type : null
  outcome.evaluated_at = nowMs
  outcome[LAZY] = { section, context: ctx, fired, since, nowMs, trace: null }
  return outcome
}

/** What the trace is computed from, kept until (and if) someone reads `trace`. */
interface LazyTrace {
  section: CompiledSection | null
  context: object
  fired: number
  since: readonly (number | null)[] | null
  nowMs: number | null
  trace: TraceNode[] | null
}

const LAZY = Symbol('lazyTrace')

/**
 * Outcomes share this prototype: `trace` is computed on first read (an accessor in each object
 * literal would cost more than the whole evaluation), and `toJSON` includes it when serialised.
 */
const OUTCOME_PROTOTYPE = {
  get trace(): TraceNode[] {
    const lazy = (this as unknown as { [LAZY]: LazyTrace })[LAZY]
    lazy.trace ??= lazy.section
      ? traceSection(lazy.section, lazy.context, lazy.fired, lazy.since, lazy.nowMs)
      : []
    return lazy.trace
  },
  toJSON(this: EvaluationOutcome) {
    const { decision, rule_type, rule, miner_status, evaluated, evaluated_at, trace } = this
    return { decision, rule_type, rule, miner_status, evaluated, evaluated_at, trace }
  },
}

function traceSection(
  section: CompiledSection,
  context: object,
  fired: number,
  since: readonly (number | null)[] | null,
  nowMs: number | null,
): TraceNode[] {
  const nodes: TraceNode[] = section.rules.map((rule, index) => {
    const condition = traceCondition(rule.checked, context)
    const result = condition.result
    let hold: HoldTrace | null = null
    if (rule.holdMs > 0) {
      const start = since?.[index] ?? null
      const elapsed = start !== null && nowMs !== null ? Math.max(0, (nowMs - start) / 1000) : 0
      hold = {
        for_seconds: rule.holdMs / 1000,
        true_since: start === null ? null : new Date(start).toISOString(),
        elapsed_seconds: elapsed,
        remaining_seconds: Math.max(0, rule.holdMs / 1000 - elapsed),
      }
    }
    let status: RuleStatus
    if (index === fired) status = 'fired'
    else if (result !== 'true') status = 'not_matched'
    else if (hold && hold.remaining_seconds > 0) status = 'holding'
    else status = 'not_reached'
    return {
      kind: 'rule',
      rule: rule.ref,
      rule_type: rule.rule_type,
      status,
      result,
      hold,
      condition,
    }
  })
  for (const rule of section.disabled)
    nodes.push({
      kind: 'rule',
      rule: { id: rule.id, name: rule.name, priority: rule.priority },
      rule_type: section.rule_type,
      status: 'disabled',
      result: null,
      hold: null,
      condition: null,
    })
  return nodes
}

/** Evaluates every node (no short-circuit) so the explanation shows all leaves. */
export function traceCondition(node: CheckedNode, context: unknown): TraceNode {
  if (node.kind === 'leaf') {
    const actual = resolvePath(context, node.field.keys)
    const refValue = node.ref ? resolvePath(context, node.ref.keys) : undefined
    const truth = leafTruth(node, actual, refValue)
    const condition = node.condition
    const expected: Scalar | Scalar[] | null =
      'value_ref' in condition ? ((refValue ?? null) as Scalar | null) : condition.value
    const missing = actual == null || (node.ref !== null && refValue == null)
    return {
      kind: 'leaf',
      result: TRUTH[truth] as Truth,
      field: node.field.path,
      operator: node.operator.operator,
      symbol: node.operator.symbol,
      actual: actual ?? null,
      expected,
      value_ref: node.ref ? node.ref.path : null,
      unit: node.field.info.unit ?? null,
      note: truth !== UNKNOWN ? null : missing ? 'missing' : 'not comparable',
    }
  }
  if (node.kind === 'not_') {
    const child = traceCondition(node.child, context)
    return { kind: 'not_', result: TRUTH[interpret(node, context)] as Truth, child }
  }
  const children = node.children.map((child) => traceCondition(child, context))
  const truth: Truth3 = interpret(node, context)
  return { kind: node.kind, result: TRUTH[truth] as Truth, children }
}

// ─── explain ────────────────────────────────────────────────────────────────────────────────

const MARK: Record<Truth, string> = { true: '✓', false: '✗', unknown: '?' }

/**
 * A reading as a person reads it: 4 significant digits (0.4295387268 → 0.4295) or whole units
 * when larger (1542.6 → 1543), but as
 * many as it takes to keep its order against what it is compared with (0.97996 against 0.98
 * stays 0.97996, never "0.98 < 0.98").
 */
export function readableNumber(value: number, against?: unknown): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value
  const order = (x: number) => (typeof against === 'number' ? Math.sign(x - against) : 0)
  // Whole units are never rounded away: 12345.6 W shows as 12346, not 12350.
  const integerDigits = Math.max(1, Math.floor(Math.log10(Math.abs(value))) + 1)
  for (let digits = Math.max(4, integerDigits); digits < 17; digits++) {
    const shown = Number(value.toPrecision(digits))
    if (order(shown) === order(value)) return shown
  }
  return value
}

function showValue(value: unknown, unit: string | null, against?: unknown): string {
  if (value === null || value === undefined) return 'missing'
  const shown = typeof value === 'number' ? readableNumber(value, against) : value
  const text =
    typeof shown === 'string' ? JSON.stringify(shown) : (JSON.stringify(shown) ?? String(shown))
  return unit && typeof value === 'number' ? `${text} ${unit}` : text
}

function seconds(value: number): string {
  return `${Math.round(value * 10) / 10} s`
}

type LeafNode = Extract<TraceNode, { kind: 'leaf' }>

/** `energy_state.production = 3400 W > 3000`: one leaf as a person reads it. */
export function leafSentence(node: LeafNode): string {
  return leafText(node, false)
}

/**
 * A deciding leaf as a reason quotes it. A false leaf that made a condition true through a
 * `not_` reads `… = 0.43 W, not >= 0.98`, so the reason never states the opposite of the data.
 */
export function decidingSentence(leaf: DecidingLeaf): string {
  return leafText(leaf.node, leaf.negated)
}

function leafText(node: LeafNode, negated: boolean): string {
  const expected = node.value_ref
    ? `${node.value_ref} (${showValue(node.expected, node.unit)})`
    : showValue(node.expected, null)
  const actual = `${node.field} = ${showValue(node.actual, node.unit, node.expected)}`
  return negated
    ? `${actual}, not ${node.symbol} ${expected}`
    : `${actual} ${node.symbol} ${expected}`
}

/** A leaf that decided a condition, and whether an odd number of `not_` lie above it. */
export interface DecidingLeaf {
  node: LeafNode
  negated: boolean
}

/** {@link decidingLeaves} with the negations on the way down. */
export function decidingLeavesNegated(node: TraceNode | null, negated = false): DecidingLeaf[] {
  if (node === null) return []
  switch (node.kind) {
    case 'leaf':
      return [{ node, negated }]
    case 'not_':
      return decidingLeavesNegated(node.child, !negated)
    case 'all_of':
    case 'any_of': {
      const decisive = node.kind === 'all_of' ? 'false' : 'true'
      const first = node.children.find(
        (child) => child.kind !== 'rule' && resultOf(child) === decisive,
      )
      if (first) return decidingLeavesNegated(first, negated)
      return node.children.flatMap((child) => decidingLeavesNegated(child, negated))
    }
    default:
      return decidingLeavesNegated(node.condition, negated)
  }
}

/**
 * The leaves that decided a condition's result: for a true `all_of` every child, for a true
 * `any_of` the first true child, and the reverse for false; through `not_`. What a decision's
 * reason quotes ("the leaf that decided").
 */
export function decidingLeaves(node: TraceNode | null): LeafNode[] {
  return decidingLeavesNegated(node).map((leaf) => leaf.node)
}

function resultOf(node: TraceNode): Truth | null {
  return node.result
}

function explainNode(node: TraceNode, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth)
  switch (node.kind) {
    case 'leaf': {
      const note = node.note ? ` (${node.note})` : ''
      lines.push(`${pad}${MARK[node.result]} ${leafSentence(node)} → ${node.result}${note}`)
      return
    }
    case 'not_':
      lines.push(`${pad}not_ → ${node.result}`)
      explainNode(node.child, depth + 1, lines)
      return
    case 'all_of':
    case 'any_of':
      lines.push(`${pad}${node.kind} → ${node.result}`)
      for (const child of node.children) explainNode(child, depth + 1, lines)
      return
    default: {
      const label = `${node.rule_type} rule "${node.rule.name}" (priority ${node.rule.priority})`
      if (node.status === 'disabled') {
        lines.push(`${pad}[disabled] ${label}`)
        return
      }
      let holdText = ''
      if (node.hold) {
        holdText =
          node.hold.true_since === null
            ? `; needs ${seconds(node.hold.for_seconds)} of continuous truth`
            : `; true for ${seconds(node.hold.elapsed_seconds)} of ${seconds(node.hold.for_seconds)}, ${seconds(node.hold.remaining_seconds)} left`
      }
      const status = node.status.replace('_', ' ')
      lines.push(`${pad}[${status}] ${label}: conditions ${node.result}${holdText}`)
      if (node.condition) explainNode(node.condition, depth + 1, lines)
    }
  }
}

/** Renders an outcome as text a person can read: the decision, why, and every leaf. */
export function explain(outcome: EvaluationOutcome): string {
  const lines: string[] = []
  const head = outcome.rule
    ? `${outcome.decision}: ${outcome.rule_type} rule "${outcome.rule.name}" (priority ${outcome.rule.priority}) fired`
    : `${outcome.decision}: no rule fired`
  lines.push(head)
  if (outcome.evaluated === null) {
    lines.push(
      `miner status ${outcome.miner_status}: no rules are tried while it is changing state`,
    )
    return lines.join('\n')
  }
  lines.push(
    `miner status ${outcome.miner_status}: ${outcome.evaluated} rules tried by priority; a rule fires only when its conditions are definitely true`,
  )
  for (const node of outcome.trace) explainNode(node, 1, lines)
  return lines.join('\n')
}
