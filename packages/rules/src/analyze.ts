import type { FieldInfo } from './catalogue'
import { COMPARABLE_TYPES, lookupField, nearest, suggestFields } from './catalogue'
import type { IssueSink, PathSegment } from './issues'
import { didYouMean, show } from './issues'
import type { Operator, OperatorInfo } from './operators'
import { lookupOperator, OPERATOR_NAMES, OPERATORS } from './operators'
import type { Condition, LeafCondition, Scalar } from './types'
import { LIMITS } from './yaml-source'

/** How a field's value is read before comparing. */
export type CompareAs = 'number' | 'string' | 'enum' | 'boolean'

export interface FieldAccess {
  path: string
  /** Validated path segments (catalogue keys only). */
  keys: readonly string[]
  info: FieldInfo
}

export interface CheckedLeaf {
  kind: 'leaf'
  field: FieldAccess
  operator: OperatorInfo
  compareAs: CompareAs
  /** Literals coerced to `compareAs` (enum values lower-cased); one element unless membership. */
  values: readonly Scalar[]
  ref: FieldAccess | null
  /** Pre-built for `regex`: anchored at the start, like Python's re.match. */
  regex: RegExp | null
  condition: LeafCondition
}

export type CheckedNode =
  | { kind: 'all_of' | 'any_of'; children: readonly CheckedNode[] }
  | { kind: 'not_'; child: CheckedNode }
  | CheckedLeaf

export interface Analysed {
  condition: Condition
  checked: CheckedNode
}

const GROUP_KEYS = ['all_of', 'any_of', 'not_'] as const
const LEAF_KEYS = ['field', 'operator', 'value', 'value_ref'] as const
const FIELD_SYNTAX = /^[A-Za-z0-9._]+$/
const NUMERIC_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i
const MAX_PATTERN_LENGTH = 1_000
const OPERATOR_SYMBOLS: ReadonlyMap<string, Operator> = new Map([
  ...OPERATORS.map((o) => [o.symbol, o.operator] as const),
  ['=', 'eq'],
  ['equals', 'eq'],
  ['<>', 'ne'],
  ['not_eq', 'ne'],
  ['ge', 'gte'],
  ['le', 'lte'],
  ['nin', 'not_in'],
  ['startswith', 'starts_with'],
  ['endswith', 'ends_with'],
  ['matches', 'regex'],
])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const expectedNode =
  'expected a condition: a mapping with field/operator/value, or one of all_of, any_of, not_'

/**
 * Validates one condition node (recursively) against the field catalogue and the operator table.
 * Reports every problem it finds to `sink` and answers null when the tree cannot be compiled.
 */
export function analyzeCondition(
  raw: unknown,
  at: readonly PathSegment[],
  sink: IssueSink,
  depth = 1,
): Analysed | null {
  if (!isRecord(raw)) {
    sink.add('error', 'structure', at, `${expectedNode}, got ${show(raw)}`)
    return null
  }
  const keys = Object.keys(raw)
  const groupKeys = GROUP_KEYS.filter((k) => k in raw)
  const leafKeys = LEAF_KEYS.filter((k) => k in raw)
  if (groupKeys.length === 0 && leafKeys.length === 0) {
    const hints = keys.flatMap((k) => nearest(k, [...GROUP_KEYS, ...LEAF_KEYS], 1))
    const extra = keys.includes('not') ? ['not_'] : hints
    sink.add(
      'error',
      'structure',
      at,
      `${expectedNode}; found keys ${show(keys)}${didYouMean([...new Set(extra)])}`,
    )
    return null
  }
  if (groupKeys.length > 0) {
    if (depth > LIMITS.maxConditionDepth) {
      sink.add(
        'error',
        'limit',
        at,
        `conditions nested deeper than ${LIMITS.maxConditionDepth} levels`,
      )
      return null
    }
    if (groupKeys.length > 1 || leafKeys.length > 0) {
      sink.add(
        'error',
        'structure',
        at,
        `a condition group takes exactly one of all_of, any_of, not_ and no field/operator/value; found ${show(keys)}`,
      )
      return null
    }
    for (const key of keys)
      if (!(GROUP_KEYS as readonly string[]).includes(key))
        sink.add('warning', 'structure', [...at, key], `unknown key ${show(key)} ignored`, 'key')
    const [groupKey] = groupKeys
    if (groupKey === 'not_') {
      const inner = raw.not_
      if (Array.isArray(inner)) {
        sink.add(
          'error',
          'structure',
          [...at, 'not_'],
          'not_ takes one condition, not a list (wrap several in all_of or any_of)',
        )
        return null
      }
      const child = analyzeCondition(inner, [...at, 'not_'], sink, depth + 1)
      return (
        child && {
          condition: { not_: child.condition },
          checked: { kind: 'not_', child: child.checked },
        }
      )
    }
    const kind = groupKey === 'any_of' ? 'any_of' : 'all_of'
    const list = raw[kind]
    if (!Array.isArray(list) || list.length === 0) {
      sink.add(
        'error',
        'structure',
        [...at, kind],
        `${kind} needs a non-empty list of conditions, got ${show(list)}`,
      )
      return null
    }
    const children = list.map((item, i) =>
      analyzeCondition(item, [...at, kind, i], sink, depth + 1),
    )
    if (children.some((c) => c === null)) return null
    const valid = children as Analysed[]
    const condition = (
      kind === 'all_of'
        ? { all_of: valid.map((c) => c.condition) }
        : { any_of: valid.map((c) => c.condition) }
    ) satisfies Condition
    return { condition, checked: { kind, children: valid.map((c) => c.checked) } }
  }
  return analyzeLeaf(raw, at, sink)
}

function resolveField(
  raw: unknown,
  at: readonly PathSegment[],
  sink: IssueSink,
  label: 'field' | 'value_ref',
): FieldAccess | null {
  if (typeof raw !== 'string' || raw === '') {
    sink.add('error', 'field', at, `${label} must be a non-empty dotted path, got ${show(raw)}`)
    return null
  }
  if (!FIELD_SYNTAX.test(raw)) {
    sink.add(
      'error',
      'field',
      at,
      `${label} ${show(raw)} may use only letters, digits, "." and "_" (no list indexing)`,
    )
    return null
  }
  const info = lookupField(raw)
  if (!info) {
    sink.add('error', 'field', at, `unknown field ${show(raw)}${didYouMean(suggestFields(raw))}`)
    return null
  }
  if (!COMPARABLE_TYPES.has(info.type)) {
    const children = suggestFields(`${raw}.value`).filter((p) => p.startsWith(`${raw}.`))
    const hint = children.length > 0 ? `; compare one of its fields${didYouMean(children)}` : ''
    sink.add(
      'error',
      'field',
      at,
      `${show(raw)} is ${info.type === 'array' ? 'a list' : 'an object'} and cannot be compared${hint}`,
    )
    return null
  }
  return { path: raw, keys: raw.split('.'), info }
}

function compareAsOf(info: FieldInfo): CompareAs {
  return info.type === 'number' || info.type === 'boolean' || info.type === 'enum'
    ? info.type
    : 'string'
}

/** Coerces one rule literal to how the field compares; reports and answers undefined if it cannot. */
function coerceLiteral(
  raw: unknown,
  field: FieldAccess,
  at: readonly PathSegment[],
  sink: IssueSink,
): Scalar | undefined {
  const as = compareAsOf(field.info)
  if (raw === null || raw === undefined) {
    sink.add('error', 'value', at, 'value must not be null')
    return undefined
  }
  if (typeof raw === 'number' && !Number.isFinite(raw)) {
    sink.add('error', 'value', at, `value must be a finite number, got ${show(raw)}`)
    return undefined
  }
  if (as === 'number') {
    if (typeof raw === 'number') return raw
    if (typeof raw === 'string' && NUMERIC_TEXT.test(raw)) {
      sink.add(
        'warning',
        'value',
        at,
        `number written as a string ${show(raw)}: compared as ${Number(raw)}`,
      )
      return Number(raw)
    }
    sink.add('error', 'value', at, `${field.path} is a number; expected a number, got ${show(raw)}`)
    return undefined
  }
  if (as === 'boolean') {
    if (typeof raw === 'boolean') return raw
    if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) {
      sink.add('warning', 'value', at, `boolean written as a string ${show(raw)}`)
      return raw.toLowerCase() === 'true'
    }
    sink.add(
      'error',
      'value',
      at,
      `${field.path} is a boolean; expected true or false, got ${show(raw)}`,
    )
    return undefined
  }
  if (typeof raw !== 'string') {
    sink.add(
      'error',
      'value',
      at,
      `${field.path} is a ${field.info.type}; expected a string, got ${show(raw)}`,
    )
    return undefined
  }
  if (as === 'enum') {
    const allowed = field.info.enum_values ?? []
    const lower = raw.toLowerCase()
    if (!allowed.includes(lower)) {
      sink.add(
        'error',
        'value',
        at,
        `${show(raw)} is not a value of ${field.path} (one of ${allowed.join(', ')})${didYouMean(nearest(lower, allowed, 1))}`,
      )
      return undefined
    }
    return lower
  }
  return raw
}

/** Builds the start-anchored regex of Python's re.match, accepting Python's `(?P<name>…)`. */
export function compilePattern(pattern: string, ignoreCase: boolean): RegExp | string {
  let source = pattern.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
  let flags = ignoreCase ? 'i' : ''
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source)
  if (inline?.[1]) {
    source = source.slice(inline[0].length)
    for (const flag of inline[1]) {
      if ((flag === 'i' || flag === 'm' || flag === 's') && !flags.includes(flag)) flags += flag
    }
  }
  try {
    // Compiled alone first: only a balanced pattern may be wrapped in the anchoring group.
    new RegExp(source, flags)
    return new RegExp(`^(?:${source})`, flags)
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

function analyzeLeaf(
  raw: Record<string, unknown>,
  at: readonly PathSegment[],
  sink: IssueSink,
): Analysed | null {
  const errorsBefore = sink.errorCount()
  for (const key of Object.keys(raw)) {
    if (!(LEAF_KEYS as readonly string[]).includes(key))
      sink.add(
        'warning',
        'structure',
        [...at, key],
        `unknown key ${show(key)} ignored${didYouMean(nearest(key, LEAF_KEYS, 1))}`,
        'key',
      )
  }
  const field = 'field' in raw ? resolveField(raw.field, [...at, 'field'], sink, 'field') : null
  if (!('field' in raw)) sink.add('error', 'structure', at, 'a condition needs a field')

  let operator: OperatorInfo | undefined
  if (!('operator' in raw)) sink.add('error', 'operator', at, 'a condition needs an operator')
  else if (typeof raw.operator !== 'string')
    sink.add(
      'error',
      'operator',
      [...at, 'operator'],
      `operator must be a string, got ${show(raw.operator)}`,
    )
  else {
    const name = raw.operator.trim().toLowerCase()
    operator = lookupOperator(name)
    if (!operator) {
      const bySymbol = OPERATOR_SYMBOLS.get(name)
      const hints = bySymbol ? [bySymbol] : nearest(name, OPERATOR_NAMES, 2)
      sink.add(
        'error',
        'operator',
        [...at, 'operator'],
        `unknown operator ${show(raw.operator)}${didYouMean(hints)}`,
      )
    }
  }

  const hasValue = 'value' in raw
  const hasRef = 'value_ref' in raw
  if (hasValue === hasRef) {
    sink.add(
      'error',
      'value',
      at,
      hasValue
        ? 'give either value or value_ref, not both'
        : 'a condition needs a value (or value_ref)',
    )
  }
  if (!field || !operator || hasValue === hasRef || sink.errorCount() > errorsBefore) return null

  const info = field.info
  if (!operator.supported_types.includes(info.type)) {
    sink.add(
      'error',
      'operator',
      [...at, 'operator'],
      `${operator.operator} compares ${operator.supported_types.join('/')} values; ${field.path} is ${info.type === 'enum' ? 'an enum' : `a ${info.type}`}`,
    )
    return null
  }
  const compareAs = compareAsOf(info)
  const base = { kind: 'leaf' as const, field, operator, compareAs, regex: null }

  if (hasRef) {
    if (!operator.value_ref) {
      sink.add(
        'error',
        'value',
        [...at, 'value_ref'],
        `value_ref works with eq, ne, gt, gte, lt, lte, not ${operator.operator}`,
      )
      return null
    }
    const ref = resolveField(raw.value_ref, [...at, 'value_ref'], sink, 'value_ref')
    if (!ref) return null
    const refAs = compareAsOf(ref.info)
    const textual = (as: CompareAs) => as === 'string' || as === 'enum'
    const compatible =
      operator.kind === 'numeric'
        ? refAs === 'number'
        : refAs === compareAs || (textual(refAs) && textual(compareAs))
    if (!compatible) {
      sink.add(
        'error',
        'value',
        [...at, 'value_ref'],
        `cannot compare ${field.path} (${info.type}) with ${ref.path} (${ref.info.type})`,
      )
      return null
    }
    const condition: LeafCondition = {
      field: field.path,
      operator: operator.operator,
      value_ref: ref.path,
    }
    const as = refAs === 'enum' ? 'enum' : compareAs
    return { condition, checked: { ...base, compareAs: as, values: [], ref, condition } }
  }

  const rawValue = raw.value
  const valueAt = [...at, 'value']
  let values: Scalar[] | null = null
  let regex: RegExp | null = null
  switch (operator.kind) {
    case 'equality':
    case 'numeric': {
      if (Array.isArray(rawValue)) {
        const hint =
          operator.kind === 'equality'
            ? ` (use ${operator.operator === 'eq' ? 'in' : 'not_in'} for a list)`
            : ''
        sink.add(
          'error',
          'value',
          valueAt,
          `${operator.operator} compares with one value, got a list${hint}`,
        )
        break
      }
      const one = coerceLiteral(rawValue, field, valueAt, sink)
      if (one !== undefined) values = [one]
      break
    }
    case 'membership': {
      if (!Array.isArray(rawValue) || rawValue.length === 0) {
        sink.add(
          'error',
          'value',
          valueAt,
          `${operator.operator} needs a non-empty list of values, got ${show(rawValue)}`,
        )
        break
      }
      const kinds = new Set(rawValue.map((item) => (item === null ? 'null' : typeof item)))
      if (kinds.size > 1)
        sink.add(
          'warning',
          'value',
          valueAt,
          `the list mixes ${[...kinds].join(' and ')} values; each is compared as ${info.type === 'enum' ? 'a string' : `a ${compareAs}`}`,
        )
      const coerced = rawValue.map((item, i) => coerceLiteral(item, field, [...valueAt, i], sink))
      if (coerced.every((c) => c !== undefined)) values = coerced as Scalar[]
      break
    }
    case 'text':
    case 'pattern': {
      if (typeof rawValue !== 'string' || rawValue === '') {
        sink.add(
          'error',
          'value',
          valueAt,
          `${operator.operator} needs a non-empty string, got ${show(rawValue)}`,
        )
        break
      }
      if (operator.kind === 'text') {
        values = [compareAs === 'enum' ? rawValue.toLowerCase() : rawValue]
        break
      }
      if (rawValue.length > MAX_PATTERN_LENGTH) {
        sink.add('error', 'value', valueAt, `regex longer than ${MAX_PATTERN_LENGTH} characters`)
        break
      }
      const compiled = compilePattern(rawValue, compareAs === 'enum')
      if (typeof compiled === 'string') {
        sink.add('error', 'value', valueAt, `invalid regex ${show(rawValue)}: ${compiled}`)
        break
      }
      regex = compiled
      values = [rawValue]
      break
    }
  }
  if (!values) return null
  const value = rawValue as Scalar | Scalar[]
  const condition: LeafCondition = {
    field: field.path,
    operator: operator.operator,
    value: Array.isArray(value) ? [...value] : value,
  }
  return { condition, checked: { ...base, values, regex, ref: null, condition } }
}
