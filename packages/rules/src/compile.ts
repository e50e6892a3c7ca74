import type { CheckedLeaf, CheckedNode, FieldAccess } from './analyze'
import { analyzeCondition } from './analyze'
import type { RuleIssue } from './issues'
import { createIssueSink } from './issues'
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

interface Emitter {
  functions: string[]
  regexes: RegExp[]
  sets: Set<unknown>[]
  counter: number
}

const lit = (value: unknown) => JSON.stringify(value)
const INLINE_LIST_MAX = 8

/** Statements that load a path into `v`, returning unknown (2) when a step is missing. */
function emitLoad(target: 'v' | 'w', field: FieldAccess): string {
  let code = `var ${target} = c;`
  for (const key of field.keys)
    code += `if (${target} == null) return 2; ${target} = ${target}[${lit(key)}];`
  return `${code}if (${target} == null) return 2;`
}

/** Statements converting `v` (or `w`) to the compared form, returning 2 when it cannot. */
function emitRead(target: 'v' | 'w', as: CheckedLeaf['compareAs']): string {
  switch (as) {
    case 'number':
      return `if (typeof ${target} !== "number") { ${target} = N(${target}); if (${target} !== ${target}) return 2; }`
    case 'boolean':
      return `if (typeof ${target} !== "boolean") return 2;`
    case 'enum':
      return `if (typeof ${target} !== "string") return 2; ${target} = ${target}.toLowerCase();`
    default:
      return `if (typeof ${target} !== "string") return 2;`
  }
}

function emitLeaf(leaf: CheckedLeaf, e: Emitter): string {
  const name = `l${e.counter++}`
  let body = emitLoad('v', leaf.field)
  const op = leaf.operator.operator
  if (leaf.operator.kind === 'text' || leaf.operator.kind === 'pattern') {
    body +=
      leaf.compareAs === 'enum'
        ? 'if (typeof v !== "string") return 2; v = v.toLowerCase();'
        : 'if (typeof v !== "string") { if (typeof v !== "number" && typeof v !== "boolean") return 2; v = String(v); }'
    const expected = lit(String(leaf.values[0]))
    if (op === 'contains') body += `return v.includes(${expected}) ? 1 : 0;`
    else if (op === 'starts_with') body += `return v.startsWith(${expected}) ? 1 : 0;`
    else if (op === 'ends_with') body += `return v.endsWith(${expected}) ? 1 : 0;`
    else {
      e.regexes.push(leaf.regex ?? /(?!)/)
      body += `return R[${e.regexes.length - 1}].test(v) ? 1 : 0;`
    }
  } else {
    body += emitRead('v', leaf.compareAs)
    let right: string
    if (leaf.ref) {
      body += emitLoad('w', leaf.ref) + emitRead('w', leaf.compareAs)
      right = 'w'
    } else right = lit(leaf.values[0])
    const cmp: Record<string, string> = {
      eq: '===',
      ne: '!==',
      gt: '>',
      gte: '>=',
      lt: '<',
      lte: '<=',
    }
    if (op === 'in' || op === 'not_in') {
      const [hit, miss] = op === 'in' ? ['1', '0'] : ['0', '1']
      if (leaf.values.length <= INLINE_LIST_MAX) {
        body += `return (${leaf.values.map((value) => `v === ${lit(value)}`).join(' || ')}) ? ${hit} : ${miss};`
      } else {
        e.sets.push(new Set(leaf.values))
        body += `return S[${e.sets.length - 1}].has(v) ? ${hit} : ${miss};`
      }
    } else body += `return v ${cmp[op]} ${right} ? 1 : 0;`
  }
  e.functions.push(`function ${name}(c) { ${body} }`)
  return name
}

function emitNode(node: CheckedNode, e: Emitter): string {
  if (node.kind === 'leaf') return emitLeaf(node, e)
  if (node.kind === 'not_') {
    const inner = emitNode(node.child, e)
    const name = `n${e.counter++}`
    e.functions.push(`function ${name}(c) { var t = ${inner}(c); return t === 2 ? 2 : 1 - t; }`)
    return name
  }
  const children = node.children.map((child) => emitNode(child, e))
  const name = `g${e.counter++}`
  // all_of: stop at the first false; any_of: stop at the first true. `u` collects unknowns.
  const stop = node.kind === 'all_of' ? 0 : 1
  const steps = children
    .map((child) => `t = ${child}(c); if (t === ${stop}) return ${stop}; u |= t;`)
    .join(' ')
  const result = node.kind === 'all_of' ? 'return u & 2 ? 2 : 1;' : 'return u;'
  e.functions.push(`function ${name}(c) { var t, u = 0; ${steps} ${result} }`)
  return name
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
  const e: Emitter = { functions: [], regexes: [], sets: [], counter: 0 }
  const roots = sections.map((nodes) => nodes.map((node) => emitNode(node, e)))
  const firsts = roots.map((names, i) => {
    const checks = names.map((name, index) => `if (${name}(c) === 1) return ${index};`).join(' ')
    e.functions.push(`function first${i}(c) { ${checks} return -1; }`)
    return `first${i}`
  })
  const source = `"use strict";\n${e.functions.join('\n')}\nreturn { tests: [${roots.flat().join(', ')}], firsts: [${firsts.join(', ')}] };`
  const factory = new Function('N', 'R', 'S', source) as Factory
  const built = factory(toNumber, e.regexes, e.sets)
  let offset = 0
  const tests = roots.map((names) => {
    const slice = built.tests.slice(offset, offset + names.length)
    offset += names.length
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
  const prepare = (rules: readonly Rule[], ruleType: RuleType) => {
    const sorted = [...rules].sort((a, b) => b.priority - a.priority)
    const enabled: { rule: Rule; checked: CheckedNode }[] = []
    const disabled: Rule[] = []
    sorted.forEach((rule, index) => {
      const analysed = analyzeCondition(
        rule.conditions,
        [`${ruleType}_rules`, index, 'conditions'],
        sink,
      )
      if (!analysed) return
      if (rule.enabled) enabled.push({ rule, checked: analysed.checked })
      else disabled.push(rule)
    })
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
    const rules = part.enabled.map(
      ({ rule, checked }, index): CompiledRule => ({
        rule,
        ref: { id: rule.id, name: rule.name, priority: rule.priority },
        rule_type: part.ruleType,
        checked,
        test: generated?.tests[sectionIndex]?.[index] ?? ((c: unknown) => interpret(checked, c)),
        holdMs: (rule.for_seconds ?? 0) * 1000,
        stateKey: `${policy.id}/${part.ruleType}/${rule.id}`,
      }),
    )
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
