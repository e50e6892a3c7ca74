import type { MiningDecision } from '@edge-mining/domain'
import type { CheckedLeaf, CheckedNode, FieldAccess } from './analyze'
import type { RuleIssue } from './issues'
import { createIssueSink, formatPath, show } from './issues'
import { analyzeRule } from './parse'
import type { Policy, Rule, RuleRef, RuleType } from './types'

/** Three-valued truth as the evaluators return it: 0 false, 1 true, 2 unknown. */
export type Truth3 = 0 | 1 | 2
export const FALSE = 0
export const TRUE = 1
export const UNKNOWN = 2

export type ConditionTest = (context: unknown) => Truth3

/** Anti-flapping state: when each rule's conditions became (and stayed) true, in epoch ms. */
export interface RuleStateStore {
  get(key: string): number | undefined
  set(key: string, trueSinceMs: number): void
  delete(key: string): void
}

/** The default store: a Map in memory (lost on restart; services may persist their own). */
export function createMemoryRuleStateStore(): RuleStateStore & { size(): number } {
  const entries = new Map<string, number>()
  return {
    get: (key) => entries.get(key),
    set: (key, trueSinceMs) => {
      entries.set(key, trueSinceMs)
    },
    delete: (key) => {
      entries.delete(key)
    },
    size: () => entries.size,
  }
}

export interface CompiledRule {
  rule: Rule
  ref: RuleRef
  rule_type: RuleType
  /** The frozen decision this rule yields when it fires (shared, so deciding allocates nothing). */
  decision: Readonly<{ decision: MiningDecision; rule_type: RuleType; rule: RuleRef }>
  checked: CheckedNode
  test: ConditionTest
  /** `for_seconds` in ms; 0 = fires at once. */
  holdMs: number
  /** Store key of the rule's "true since" state. */
  stateKey: string
}

export interface CompiledSection {
  rule_type: RuleType
  /** Enabled rules, highest priority first. */
  rules: readonly CompiledRule[]
  disabled: readonly Rule[]
  hasHolds: boolean
  /** Index of the first rule whose conditions are true, -1 if none (no `for_seconds` involved). */
  first: (context: unknown) => number
}

export interface CompiledPolicy {
  readonly kind: 'compiled_policy'
  policy: Policy
  start: CompiledSection
  stop: CompiledSection
  /** The store used when `evaluatePolicy` gets none. */
  store: RuleStateStore
  /** `generated` (evaluator source built from the validated tree) or `interpreted`. */
  mode: 'generated' | 'interpreted'
  /** The generated evaluator source, for inspection (empty when interpreted). */
  source: string
}

export class PolicyCompileError extends Error {
  readonly code = 'invalid_policy'
  constructor(readonly issues: RuleIssue[]) {
    super(`policy has ${issues.length} invalid condition(s): ${issues[0]?.message ?? ''}`)
    this.name = 'PolicyCompileError'
  }
}

// ─── Shared runtime helpers (used by generated code and the interpreter alike) ──────────────

/** A number from a number or a numeric string; NaN for anything else (→ unknown). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '') return Number(value)
  return Number.NaN
}

export function resolvePath(context: unknown, keys: readonly string[]): unknown {
  let value: unknown = context
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/** The field value as the leaf compares it; undefined = unknown. */
export function readAs(value: unknown, as: CheckedLeaf['compareAs']): unknown {
  if (value === null || value === undefined) return undefined
  switch (as) {
    case 'number': {
      const n = toNumber(value)
      return Number.isNaN(n) ? undefined : n
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined
    case 'enum':
      return typeof value === 'string' ? value.toLowerCase() : undefined
    default:
      return typeof value === 'string' ? value : undefined
  }
}

/** Text view of a field for contains/starts_with/ends_with/regex. */
export function readText(value: unknown, as: CheckedLeaf['compareAs']): string | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') return as === 'enum' ? value.toLowerCase() : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/** Evaluates one leaf on already-read operands (the interpreter path). */
export function leafTruth(leaf: CheckedLeaf, fieldValue: unknown, refValue: unknown): Truth3 {
  const op = leaf.operator.operator
  if (leaf.operator.kind === 'text' || leaf.operator.kind === 'pattern') {
    const text = readText(fieldValue, leaf.compareAs)
    if (text === undefined) return UNKNOWN
    const expected = String(leaf.values[0])
    if (op === 'contains') return text.includes(expected) ? TRUE : FALSE
    if (op === 'starts_with') return text.startsWith(expected) ? TRUE : FALSE
    if (op === 'ends_with') return text.endsWith(expected) ? TRUE : FALSE
    return leaf.regex?.test(text) ? TRUE : FALSE
  }
  const left = readAs(fieldValue, leaf.compareAs)
  if (left === undefined) return UNKNOWN
  const right = leaf.ref ? readAs(refValue, leaf.compareAs) : leaf.values[0]
  if (right === undefined) return UNKNOWN
  switch (op) {
    case 'eq':
      return left === right ? TRUE : FALSE
    case 'ne':
      return left !== right ? TRUE : FALSE
    case 'gt':
      return (left as number) > (right as number) ? TRUE : FALSE
    case 'gte':
      return (left as number) >= (right as number) ? TRUE : FALSE
    case 'lt':
      return (left as number) < (right as number) ? TRUE : FALSE
    case 'lte':
      return (left as number) <= (right as number) ? TRUE : FALSE
    case 'in':
      return leaf.values.includes(left as string) ? TRUE : FALSE
    default:
      return leaf.values.includes(left as string) ? FALSE : TRUE
  }
}

/** Interpreter: the reference semantics, also used where code generation is unavailable. */
export function interpret(node: CheckedNode, context: unknown): Truth3 {
  switch (node.kind) {
    case 'leaf':
      return leafTruth(
        node,
        resolvePath(context, node.field.keys),
        node.ref ? resolvePath(context, node.ref.keys) : undefined,
      )
    case 'not_': {
      const inner = interpret(node.child, context)
      return inner === UNKNOWN ? UNKNOWN : inner === TRUE ? FALSE : TRUE
    }
    case 'all_of': {
      let unknown = false
      for (const child of node.children) {
        const truth = interpret(child, context)
        if (truth === FALSE) return FALSE
        if (truth === UNKNOWN) unknown = true
      }
      return unknown ? UNKNOWN : TRUE
    }
    default: {
      let unknown = false
      for (const child of node.children) {
        const truth = interpret(child, context)
        if (truth === TRUE) return TRUE
        if (truth === UNKNOWN) unknown = true
      }
      return unknown ? UNKNOWN : FALSE
    }
  }
}

// ─── Code generation ────────────────────────────────────────────────────────────────────────
//
// The evaluator source is generated from the *validated* tree only: property names are
// catalogue keys (emitted through JSON.stringify anyway), literals are validated finite
// numbers, booleans or strings emitted through JSON.stringify, regexes and large value sets are
// passed in by index. No user text is ever spliced into the source.
//
// Three-valued logic costs nothing at run time: each node compiles to two plain boolean
// expressions, "definitely true" (T) and "definitely false" (F):
//   leaf      T = known && compare        F = known && !compare
//   all_of    T = T1 && T2 …               F = F1 || F2 …
//   any_of    T = T1 || T2 …               F = F1 && F2 …
//   not_      T = F(child)                 F = T(child)
// Unknown numbers are NaN (every comparison with NaN is false, so `x > 3` is already T and
// `x <= 3` already F); unknown strings and booleans are `undefined`. A rule fires when T holds.
// Each generated function first loads the fields it needs into locals (shared path prefixes
// once), as a hand-written function would.

type LoadMode = 'number' | 'string' | 'enum' | 'boolean' | 'text'

interface Scope {
  loads: string[]
  locals: Map<string, string>
  counter: number
}

interface Shared {
  regexes: RegExp[]
  sets: Set<unknown>[]
}

const lit = (value: unknown) => JSON.stringify(value)
const INLINE_LIST_MAX = 8
const CHUNK_RULES = 32

function newScope(): Scope {
  return { loads: [], locals: new Map(), counter: 0 }
}

/** The local holding the raw value at `keys` (undefined when any step is missing). */
function rawLocal(scope: Scope, keys: readonly string[]): string {
  const id = `raw:${keys.join('.')}`
  const existing = scope.locals.get(id)
  if (existing) return existing
  const parent = keys.length === 1 ? 'c' : rawLocal(scope, keys.slice(0, -1))
  const name = `o${scope.counter++}`
  const key = keys[keys.length - 1] ?? ''
  scope.loads.push(`var ${name} = ${parent} == null ? undefined : ${parent}[${lit(key)}];`)
  scope.locals.set(id, name)
  return name
}

/** The local holding the field read as `mode`: NaN / undefined when unknown. */
function fieldLocal(scope: Scope, field: FieldAccess, mode: LoadMode): string {
  const id = `${mode}:${field.path}`
  const existing = scope.locals.get(id)
  if (existing) return existing
  const raw = rawLocal(scope, field.keys)
  const name = `${mode[0]}${scope.counter++}`
  const read: Record<LoadMode, string> = {
    number: `typeof ${raw} === "number" ? ${raw} : N(${raw})`,
    string: `typeof ${raw} === "string" ? ${raw} : undefined`,
    enum: `typeof ${raw} === "string" ? ${raw}.toLowerCase() : undefined`,
    boolean: `typeof ${raw} === "boolean" ? ${raw} : undefined`,
    text: `typeof ${raw} === "string" ? ${raw} : typeof ${raw} === "number" || typeof ${raw} === "boolean" ? String(${raw}) : undefined`,
  }
  scope.loads.push(`var ${name} = ${read[mode]};`)
  scope.locals.set(id, name)
  return name
}

const NEGATED: Record<string, string> = { gt: '<=', gte: '<', lt: '>=', lte: '>' }
const COMPARE: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' }

function leafExpression(
  leaf: CheckedLeaf,
  wantTrue: boolean,
  scope: Scope,
  shared: Shared,
): string {
  const op = leaf.operator.operator
  const kind = leaf.operator.kind
  if (kind === 'text' || kind === 'pattern') {
    const x = fieldLocal(scope, leaf.field, leaf.compareAs === 'enum' ? 'enum' : 'text')
    let test: string
    const expected = lit(String(leaf.values[0]))
    if (op === 'contains') test = `${x}.includes(${expected})`
    else if (op === 'starts_with') test = `${x}.startsWith(${expected})`
    else if (op === 'ends_with') test = `${x}.endsWith(${expected})`
    else {
      shared.regexes.push(leaf.regex ?? /(?!)/)
      test = `R[${shared.regexes.length - 1}].test(${x})`
    }
    return `(${x} !== undefined && ${wantTrue ? '' : '!'}${test})`
  }
  const mode: LoadMode = leaf.compareAs
  const numeric = mode === 'number'
  const x = fieldLocal(scope, leaf.field, mode)
  const known = (local: string) => (numeric ? `${local} === ${local}` : `${local} !== undefined`)
  if (kind === 'numeric') {
    const y = leaf.ref ? fieldLocal(scope, leaf.ref, 'number') : lit(leaf.values[0])
    return `(${x} ${wantTrue ? COMPARE[op] : NEGATED[op]} ${y})`
  }
  if (kind === 'equality') {
    const equalWanted = (op === 'eq') === wantTrue
    if (leaf.ref) {
      const y = fieldLocal(scope, leaf.ref, mode)
      return equalWanted
        ? `(${known(x)} && ${x} === ${y})`
        : `(${known(x)} && ${known(y)} && ${x} !== ${y})`
    }
    const y = lit(leaf.values[0])
    return equalWanted ? `(${x} === ${y})` : `(${known(x)} && ${x} !== ${y})`
  }
  // membership
  const memberWanted = (op === 'in') === wantTrue
  let member: string
  if (leaf.values.length <= INLINE_LIST_MAX)
    member = `(${leaf.values.map((value) => `${x} === ${lit(value)}`).join(' || ')})`
  else {
    shared.sets.push(new Set(leaf.values))
    member = `S[${shared.sets.length - 1}].has(${x})`
  }
  return memberWanted ? member : `(${known(x)} && !${member})`
}

/** Boolean expression: "definitely true" when `wantTrue`, else "definitely false". */
function expression(node: CheckedNode, wantTrue: boolean, scope: Scope, shared: Shared): string {
  switch (node.kind) {
    case 'leaf':
      return leafExpression(node, wantTrue, scope, shared)
    case 'not_':
      return expression(node.child, !wantTrue, scope, shared)
    default: {
      const joiner = (node.kind === 'all_of') === wantTrue ? ' && ' : ' || '
      return `(${node.children.map((child) => expression(child, wantTrue, scope, shared)).join(joiner)})`
    }
  }
}

function functionSource(name: string, scope: Scope, body: string): string {
  return `function ${name}(c) {\n  ${scope.loads.join('\n  ')}\n  ${body}\n}`
}

type Factory = (
  N: typeof toNumber,
  R: RegExp[],
  S: Set<unknown>[],
) => { tests: ConditionTest[]; firsts: ((c: unknown) => number)[] }

function generate(sections: readonly (readonly CheckedNode[])[]): {
  tests: ConditionTest[][]
  firsts: ((c: unknown) => number)[]
  source: string
} {
  const shared: Shared = { regexes: [], sets: [] }
  const functions: string[] = []
  const testNames: string[] = []
  const firstNames: string[] = []
  sections.forEach((nodes, sectionIndex) => {
    nodes.forEach((node, ruleIndex) => {
      const scope = newScope()
      const isTrue = expression(node, true, scope, shared)
      const isFalse = expression(node, false, scope, shared)
      const name = `s${sectionIndex}r${ruleIndex}`
      functions.push(functionSource(name, scope, `return ${isTrue} ? 1 : ${isFalse} ? 0 : 2;`))
      testNames.push(name)
    })
    // First match in chunks, so no function grows too large for the optimising compiler.
    const chunks: string[] = []
    for (let from = 0; from < nodes.length; from += CHUNK_RULES) {
      // Each rule's loads come just before its test: a rule that fires skips the later loads.
      const scope = newScope()
      const lines: string[] = []
      nodes.slice(from, from + CHUNK_RULES).forEach((node, i) => {
        const loaded = scope.loads.length
        const test = expression(node, true, scope, shared)
        lines.push(...scope.loads.slice(loaded), `if ${test} return ${from + i};`)
      })
      const name = `s${sectionIndex}c${chunks.length}`
      functions.push(`function ${name}(c) {\n  ${lines.join('\n  ')}\n  return -1;\n}`)
      chunks.push(name)
    }
    const first = `s${sectionIndex}first`
    const calls =
      chunks.length === 1
        ? `return ${chunks[0]}(c);`
        : `var i;\n  ${chunks.map((chunk) => `if ((i = ${chunk}(c)) >= 0) return i;`).join('\n  ')}\n  return -1;`
    functions.push(`function ${first}(c) {\n  ${chunks.length === 0 ? 'return -1;' : calls}\n}`)
    firstNames.push(first)
  })
  const source = `"use strict";\n${functions.join('\n')}\nreturn { tests: [${testNames.join(', ')}], firsts: [${firstNames.join(', ')}] };`
  const factory = new Function('N', 'R', 'S', source) as Factory
  const built = factory(toNumber, shared.regexes, shared.sets)
  let offset = 0
  const tests = sections.map((nodes) => {
    const slice = built.tests.slice(offset, offset + nodes.length)
    offset += nodes.length
    return slice
  })
  return { tests, firsts: built.firsts, source }
}

export interface CompileOptions {
  /** `false` evaluates with the interpreter (for hosts that forbid `new Function`). Default true. */
  codegen?: boolean
  /** Store for `for_seconds` state when `evaluatePolicy` gets none. Default: a new memory store. */
  store?: RuleStateStore
}

/**
 * Compiles a policy once: every rule is re-validated against the field catalogue (a policy from
 * `parsePolicy` always passes; a hand-built one with errors throws `PolicyCompileError`), paths
 * are pre-split, literals pre-coerced, regexes pre-built, and the evaluator source is generated.
 */
export function compilePolicy(policy: Policy, options: CompileOptions = {}): CompiledPolicy {
  const sink = createIssueSink(null, null)
  const ids = new Map<string, string>()
  const prepare = (rules: readonly Rule[], ruleType: RuleType) => {
    const enabled: { rule: Rule; checked: CheckedNode }[] = []
    const disabled: Rule[] = []
    rules.forEach((rule, index) => {
      const at = [`${ruleType}_rules`, index]
      // The same checks as parsing: a hand-built Policy gets no less validation.
      const analysed = analyzeRule(rule, at, sink, `${policy.id}\u0000${ruleType}\u0000${index}`)
      if (!analysed) return
      if (typeof rule.id !== 'string' || rule.id === '' || ids.has(rule.id)) {
        sink.add(
          'error',
          'structure',
          [...at, 'id'],
          `rule id ${show(rule.id)} is empty or used twice`,
        )
        return
      }
      ids.set(rule.id, formatPath(at))
      if (rule.enabled) enabled.push({ rule, checked: analysed.checked })
      else disabled.push(rule)
    })
    const byPriority = <T extends { priority: number }>(a: T, b: T) => b.priority - a.priority
    enabled.sort((a, b) => byPriority(a.rule, b.rule))
    disabled.sort(byPriority)
    return { enabled, disabled, ruleType }
  }
  const parts = [prepare(policy.start_rules, 'start'), prepare(policy.stop_rules, 'stop')] as const
  const errors = sink.issues.filter((issue) => issue.severity === 'error')
  if (errors.length > 0) throw new PolicyCompileError(errors)

  let generated: ReturnType<typeof generate> | null = null
  if (options.codegen !== false) {
    try {
      generated = generate(parts.map((p) => p.enabled.map((r) => r.checked)))
    } catch {
      generated = null // e.g. a host forbidding eval: the interpreter gives the same answers
    }
  }
  const sections = parts.map((part, sectionIndex): CompiledSection => {
    const decision: MiningDecision = part.ruleType === 'start' ? 'start_mining' : 'stop_mining'
    const rules = part.enabled.map(({ rule, checked }, index): CompiledRule => {
      const ref = Object.freeze({ id: rule.id, name: rule.name, priority: rule.priority })
      return {
        rule,
        ref,
        rule_type: part.ruleType,
        decision: Object.freeze({ decision, rule_type: part.ruleType, rule: ref }),
        checked,
        test: generated?.tests[sectionIndex]?.[index] ?? ((c: unknown) => interpret(checked, c)),
        holdMs: (rule.for_seconds ?? 0) * 1000,
        stateKey: `${policy.id}/${part.ruleType}/${rule.id}`,
      }
    })
    const first =
      generated?.firsts[sectionIndex] ??
      ((c: unknown) => {
        for (let i = 0; i < rules.length; i++) if (rules[i]?.test(c) === TRUE) return i
        return -1
      })
    return {
      rule_type: part.ruleType,
      rules,
      disabled: part.disabled,
      hasHolds: rules.some((r) => r.holdMs > 0),
      first,
    }
  })
  const [start, stop] = sections as [CompiledSection, CompiledSection]
  return {
    kind: 'compiled_policy',
    policy,
    start,
    stop,
    store: options.store ?? createMemoryRuleStateStore(),
    mode: generated ? 'generated' : 'interpreted',
    source: generated?.source ?? '',
  }
}
