import { createHash } from 'node:crypto'
import * as v from 'valibot'
import type { Analysed, CheckedNode } from './analyze'
import { analyzeCondition } from './analyze'
import { nearest } from './catalogue'
import type { IssueSink, Locator, PathSegment, RuleIssue } from './issues'
import { createIssueSink, didYouMean, formatPath, show } from './issues'
import type { Policy, PolicyMetadata, Rule } from './types'
import type { LoadedSource } from './yaml-source'
import { loadYaml } from './yaml-source'

export interface ParseOptions {
  /** File name or label reported in issues; a `<uuid>.yaml` name is the policy id (as upstream). */
  source?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A stable UUID-shaped id for a rule or policy written without one (same input → same id). */
export function derivedId(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex')
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const RuleHeaderSchema = v.object({
  id: v.nullish(v.string()),
  name: v.pipe(v.string(), v.trim(), v.nonEmpty('name must not be empty')),
  description: v.nullish(v.string()),
  priority: v.optional(v.pipe(v.number(), v.safeInteger('priority must be a whole number')), 0),
  enabled: v.optional(v.boolean(), true),
  for_seconds: v.nullish(
    v.pipe(
      v.number(),
      v.safeInteger('for_seconds must be a whole number of seconds'),
      v.minValue(0, 'for_seconds must not be negative'),
    ),
  ),
})

const PolicyHeaderSchema = v.object({
  id: v.nullish(v.string()),
  name: v.pipe(v.string(), v.trim(), v.nonEmpty('name must not be empty')),
  description: v.nullish(v.string()),
  metadata: v.nullish(
    v.object({
      author: v.optional(v.string(), 'Edge Mining User'),
      version: v.optional(v.pipe(v.number(), v.safeInteger()), 1),
      created: v.nullish(v.string()),
      last_modified: v.nullish(v.string()),
    }),
  ),
})

const RULE_KEYS = ['id', 'name', 'description', 'priority', 'enabled', 'for_seconds', 'conditions']
const POLICY_KEYS = ['id', 'name', 'description', 'start_rules', 'stop_rules', 'metadata']
const NUMERIC_FIELDS = new Set(['priority', 'for_seconds', 'version'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Upstream's pydantic accepted `priority: "20"` and `enabled: "true"`: keep loading such files,
 * with a warning, instead of rejecting them.
 */
function laxScalars(
  input: Record<string, unknown>,
  at: readonly PathSegment[],
  sink: IssueSink,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (NUMERIC_FIELDS.has(key) && typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
      sink.add('warning', 'value', [...at, key], `number written as a string ${show(value)}`)
      out[key] = Number(value)
    } else if (key === 'enabled' && typeof value === 'string' && /^(true|false)$/i.test(value)) {
      sink.add('warning', 'value', [...at, key], `boolean written as a string ${show(value)}`)
      out[key] = value.toLowerCase() === 'true'
    } else if (key === 'metadata' && isRecord(value)) {
      out[key] = laxScalars(value, [...at, key], sink)
    } else out[key] = value
  }
  return out
}

function reportUnknownKeys(
  input: Record<string, unknown>,
  known: readonly string[],
  at: readonly PathSegment[],
  sink: IssueSink,
): void {
  for (const key of Object.keys(input))
    if (!known.includes(key))
      sink.add(
        'warning',
        'structure',
        [...at, key],
        `unknown key ${show(key)} ignored${didYouMean(nearest(key, known, 1))}`,
        'key',
      )
}

function reportSchemaIssues(
  issues: readonly v.BaseIssue<unknown>[],
  at: readonly PathSegment[],
  sink: IssueSink,
): void {
  for (const issue of issues) {
    const segments = (issue.path ?? []).map((item) => item.key as PathSegment)
    const where = [...at, ...segments]
    const missing = issue.input === undefined && issue.kind === 'schema'
    const problem = missing
      ? `${String(segments.at(-1) ?? 'value')} is required`
      : issue.kind === 'schema'
        ? `expected ${issue.expected ?? 'another type'}, got ${show(issue.input)}`
        : issue.message
    sink.add('error', 'structure', missing ? at : where, missing ? `${problem}` : problem)
  }
}

export interface AnalysedRule {
  rule: Rule
  checked: CheckedNode
}

/** Validates one rule; answers null (after reporting) when it cannot be used. */
export function analyzeRule(
  raw: unknown,
  at: readonly PathSegment[],
  sink: IssueSink,
  fallbackIdSeed: string,
): AnalysedRule | null {
  if (!isRecord(raw)) {
    sink.add(
      'error',
      'structure',
      at,
      `expected a rule (a mapping with name and conditions), got ${show(raw)}`,
    )
    return null
  }
  const errorsBefore = sink.errorCount()
  reportUnknownKeys(raw, RULE_KEYS, at, sink)
  const { conditions, ...header } = laxScalars(raw, at, sink)
  const parsed = v.safeParse(RuleHeaderSchema, header)
  if (!parsed.success) reportSchemaIssues(parsed.issues, at, sink)
  let analysed: Analysed | null = null
  if (conditions === undefined || conditions === null)
    sink.add('error', 'structure', at, 'conditions is required')
  else analysed = analyzeCondition(conditions, [...at, 'conditions'], sink)
  if (!parsed.success || !analysed || sink.errorCount() > errorsBefore) return null
  const out = parsed.output
  const id = out.id?.trim() ? out.id.trim() : derivedId(`${fallbackIdSeed}\u0000${out.name}`)
  return {
    rule: {
      id,
      name: out.name,
      description: out.description ?? null,
      priority: out.priority,
      enabled: out.enabled,
      for_seconds: out.for_seconds ?? null,
      conditions: analysed.condition,
    },
    checked: analysed.checked,
  }
}

/** Rules sorted by priority, highest first; stable for equal priorities (as upstream). */
export function sortRules<T extends { priority: number }>(rules: readonly T[]): T[] {
  return [...rules].sort((a, b) => b.priority - a.priority)
}

function isTainted(path: string, tainted: readonly string[]): boolean {
  return tainted.some((t) => t === path || t.startsWith(`${path}.`) || t.startsWith(`${path}[`))
}

function readRuleList(
  raw: unknown,
  section: string,
  sink: IssueSink,
  tainted: readonly string[],
  ids: Map<string, string>,
  seed: string,
): Rule[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) {
    sink.add(
      'error',
      'structure',
      [section],
      `${section} must be a list of rules, got ${show(raw)}`,
    )
    return []
  }
  const rules: Rule[] = []
  raw.forEach((item, index) => {
    const at = [section, index]
    const path = formatPath(at)
    const analysed = analyzeRule(item, at, sink, `${seed}\u0000${section}\u0000${index}`)
    if (!analysed) return
    if (isTainted(path, tainted)) {
      sink.add('error', 'structure', at, 'rule skipped: it has errors reported above')
      return
    }
    const previous = ids.get(analysed.rule.id)
    if (previous !== undefined) {
      sink.add(
        'error',
        'structure',
        [...at, 'id'],
        `duplicate rule id ${show(analysed.rule.id)} (already used by ${previous}); rule skipped`,
      )
      return
    }
    ids.set(analysed.rule.id, path)
    rules.push(analysed.rule)
  })
  return rules
}

/** Loads text with a sink whose positions come from the loaded document. */
function loadText(text: string, source: string | null): { sink: IssueSink; loaded: LoadedSource } {
  let locate: Locator | null = null
  const sink = createIssueSink(source, (path, part) => (locate ? locate(path, part) : null))
  const loaded = loadYaml(text, sink)
  locate = loaded.locate
  return { sink, loaded }
}

function sourceId(source: string | undefined): string | null {
  const base = source
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.ya?ml$/i, '')
  return base && UUID.test(base) ? base : null
}

/**
 * Parses a policy file (upstream's format, §3.2): `{id, name, description, start_rules,
 * stop_rules, metadata}`. Never throws. A bad rule is reported and skipped; `policy` is null only
 * when the document itself is unusable (not a mapping, no name).
 */
export function parsePolicy(
  text: string,
  options: ParseOptions = {},
): { policy: Policy | null; issues: RuleIssue[] } {
  const { sink, loaded } = loadText(text, options.source ?? null)
  if (loaded.value === undefined) return { policy: null, issues: sink.issues }
  const raw = loaded.value
  if (!isRecord(raw)) {
    sink.add(
      'error',
      'structure',
      [],
      `expected a policy mapping (name, start_rules, stop_rules), got ${show(raw)}`,
    )
    return { policy: null, issues: sink.issues }
  }
  reportUnknownKeys(raw, POLICY_KEYS, [], sink)
  const { start_rules, stop_rules, ...headerInput } = laxScalars(raw, [], sink)
  const header = v.safeParse(PolicyHeaderSchema, headerInput)
  if (!header.success) reportSchemaIssues(header.issues, [], sink)

  const fileId = sourceId(options.source)
  const inFileId = header.success ? header.output.id?.trim() || null : null
  if (fileId && inFileId && fileId.toLowerCase() !== inFileId.toLowerCase())
    sink.add(
      'warning',
      'structure',
      ['id'],
      `id ${show(inFileId)} differs from the file name; the file name ${show(fileId)} wins`,
    )
  const seed = fileId ?? inFileId ?? (header.success ? header.output.name : '')
  const id = fileId ?? inFileId ?? derivedId(`policy\u0000${seed}`)

  const ids = new Map<string, string>()
  const start = readRuleList(start_rules, 'start_rules', sink, loaded.taintedPaths, ids, id)
  const stop = readRuleList(stop_rules, 'stop_rules', sink, loaded.taintedPaths, ids, id)
  if (!header.success) return { policy: null, issues: sink.issues }
  const metadata: PolicyMetadata | null = header.output.metadata
    ? {
        author: header.output.metadata.author,
        version: header.output.metadata.version,
        created: header.output.metadata.created ?? null,
        last_modified: header.output.metadata.last_modified ?? null,
      }
    : null
  return {
    policy: {
      id,
      name: header.output.name,
      description: header.output.description ?? null,
      start_rules: sortRules(start),
      stop_rules: sortRules(stop),
      metadata,
    },
    issues: sink.issues,
  }
}

/**
 * Parses a rule template file (`rules: [...]`, the format of `data/examples/rules/`). Rules
 * keep file order; those without an id get a stable derived one. Never throws.
 */
export function parseRuleFile(
  text: string,
  options: ParseOptions = {},
): { rules: Rule[]; issues: RuleIssue[] } {
  const source = options.source ?? null
  const { sink, loaded } = loadText(text, source)
  if (loaded.value === undefined) return { rules: [], issues: sink.issues }
  const raw = loaded.value
  if (!isRecord(raw) || !('rules' in raw)) {
    sink.add('error', 'structure', [], `expected a mapping with a rules list, got ${show(raw)}`)
    return { rules: [], issues: sink.issues }
  }
  reportUnknownKeys(raw, ['rules'], [], sink)
  const rules = readRuleList(raw.rules, 'rules', sink, loaded.taintedPaths, new Map(), source ?? '')
  return { rules, issues: sink.issues }
}

export interface ValidateConditionsOptions {
  /** Label reported in issues. */
  source?: string
}

/** JSON-like copy of object input, refusing cycles and absurd depth (never recursing forever). */
function plainCopy(
  value: unknown,
  sink: IssueSink,
  at: PathSegment[],
  depth: number,
  seen: Set<object>,
): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      sink.add('error', 'value', at, `unsupported ${typeof value} value`)
      return null
    }
    return value
  }
  if (depth > 100 || seen.has(value)) {
    sink.add('error', 'limit', at, depth > 100 ? 'nesting too deep' : 'circular structure')
    return null
  }
  seen.add(value)
  const out = Array.isArray(value)
    ? value.map((item, i) => plainCopy(item, sink, [...at, i], depth + 1, seen))
    : Object.fromEntries(
        Object.entries(value).map(([k, item]) => [
          k,
          plainCopy(item, sink, [...at, k], depth + 1, seen),
        ]),
      )
  seen.delete(value)
  return out
}

/**
 * Validates one condition tree — an object, or YAML/JSON text — as `POST /rule-engine/validate`
 * needs. Issue paths are relative to the tree (`all_of[0].operator`). Never throws.
 */
export function validateConditions(
  input: unknown,
  options: ValidateConditionsOptions = {},
): { issues: RuleIssue[] } {
  const source = options.source ?? null
  if (typeof input === 'string') {
    const { sink, loaded } = loadText(input, source)
    if (loaded.value !== undefined && sink.errorCount() === 0)
      analyzeCondition(loaded.value, [], sink)
    return { issues: sink.issues }
  }
  const sink = createIssueSink(source, null)
  const copy = plainCopy(input, sink, [], 0, new Set())
  if (sink.errorCount() === 0) analyzeCondition(copy, [], sink)
  return { issues: sink.issues }
}
