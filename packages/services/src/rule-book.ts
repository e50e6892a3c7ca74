import {
  createDecisionalContext,
  type DecisionalContextInput,
  EdgeMiningError,
  InvalidValueError,
} from '@edge-mining/domain'
import {
  compilePolicy,
  contextFields,
  type EvaluationOutcome,
  evaluatePolicy,
  explain,
  LIMITS,
  operatorInfo,
  type Policy,
  parsePolicy,
  parseRuleFile,
  type RuleIssue,
  validateConditions,
} from '@edge-mining/rules'
import { isRecord } from './common'

/**
 * The policy use cases both apps offer — parse and check files, validate condition trees,
 * evaluate a policy against a supplied context with its explanation, describe the rule engine
 * and the context's fields — in one place, so neither app re-implements them.
 */

/** `file:line:col` of an issue, as compilers print them. */
export function issueLocation(issue: RuleIssue, fallbackSource?: string): string {
  const where = [issue.source ?? fallbackSource ?? null, issue.line, issue.column].filter(
    (part) => part !== null,
  )
  return where.join(':')
}

/** `message (line L, column C)`: an issue in a sentence. */
export function describeIssue(issue: RuleIssue): string {
  const where = issue.line === null ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`
  return `${issue.message}${where}`
}

/** `rules: [...]` template files (data/examples/rules) versus whole policies. */
export function isRuleFileText(text: string): boolean {
  return /^rules\s*:/m.test(text) && !/^name\s*:/m.test(text)
}

export interface TextCheck {
  kind: 'policy' | 'rules'
  issues: RuleIssue[]
  errors: number
  warnings: number
}

/** Checks a policy file or a rule-template file; issues carry file, line and column. */
export function checkPolicyText(text: string, source: string): TextCheck {
  const kind = isRuleFileText(text) ? 'rules' : 'policy'
  const { issues } =
    kind === 'rules' ? parseRuleFile(text, { source }) : parsePolicy(text, { source })
  const errors = issues.filter((issue) => issue.severity === 'error').length
  return { kind, issues, errors, warnings: issues.length - errors }
}

export interface ConditionsValidation {
  is_valid: boolean
  validation_errors: string[]
  syntax_errors: string[]
  field_errors: string[]
  warnings: string[]
  issues: RuleIssue[]
}

/** Upstream's `POST /rule-engine/validate` answer for a condition tree (object or YAML/JSON text). */
export function validateConditionTree(conditions: unknown): ConditionsValidation {
  const { issues } = validateConditions(conditions, { source: 'conditions' })
  const errors = issues.filter((issue) => issue.severity === 'error')
  const of = (...codes: RuleIssue['code'][]) =>
    errors.filter((issue) => codes.includes(issue.code)).map(describeIssue)
  return {
    is_valid: errors.length === 0,
    validation_errors: of('operator', 'value'),
    syntax_errors: of('syntax', 'limit', 'structure'),
    field_errors: of('field'),
    warnings: issues.filter((issue) => issue.severity === 'warning').map(describeIssue),
    issues,
  }
}

/** A policy that has errors: `issues` says where (line and column). */
export class PolicyTextError extends EdgeMiningError {
  readonly code = 'invalid_value'
  readonly field: string
  readonly issues: RuleIssue[]

  constructor(label: string, issues: RuleIssue[]) {
    const first = issues.find((issue) => issue.severity === 'error') ?? issues[0]
    super(`${label}: ${first ? describeIssue(first) : 'unusable policy'}`)
    this.field = label
    this.issues = issues
  }
}

/** Parses a policy (YAML/JSON text or an object); throws PolicyTextError on any error. */
export function parsePolicyOrThrow(input: unknown, source: string): Policy {
  const text = typeof input === 'string' ? input : JSON.stringify(input)
  const { policy, issues } = parsePolicy(text, { source })
  if (!policy || issues.some((issue) => issue.severity === 'error')) {
    throw new PolicyTextError(source, issues)
  }
  return policy
}

export interface PolicyEvaluation {
  outcome: EvaluationOutcome
  explanation: string
  issues: RuleIssue[]
}

/**
 * Evaluates a policy once against a context the caller supplies (`POST /rule-engine/evaluate`,
 * `edge-mining rules explain`): the interpreter, never generated code, since the policy is not
 * kept. Throws PolicyTextError (bad policy) or InvalidValueError (bad context, naming the field).
 */
export function evaluatePolicyOnce(options: {
  policy: unknown
  context: unknown
  timeZone?: string | undefined
  now: () => number
}): PolicyEvaluation {
  const text = typeof options.policy === 'string' ? options.policy : JSON.stringify(options.policy)
  const { policy, issues } = parsePolicy(text, { source: 'policy' })
  if (!policy || issues.some((issue) => issue.severity === 'error')) {
    throw new PolicyTextError('policy', issues)
  }
  if (!isRecord(options.context)) {
    throw new InvalidValueError('context', options.context, 'a JSON object')
  }
  // A context as `GET …/decisional-context` serves it has `timestamp: {iso, time_zone, …}`:
  // it is evaluated at its own instant, in its own zone unless one is given.
  const input: Record<string, unknown> = { ...options.context }
  const stamp = input.timestamp
  let timeZone = options.timeZone
  if (isRecord(stamp) && typeof stamp.iso === 'string') {
    input.timestamp = stamp.iso
    if (!timeZone && typeof stamp.time_zone === 'string') timeZone = stamp.time_zone
  }
  const instant = input.timestamp
  if (
    instant !== undefined &&
    instant !== null &&
    (typeof instant !== 'string' || Number.isNaN(Date.parse(instant)))
  ) {
    throw new InvalidValueError(
      'context.timestamp',
      stamp,
      'an ISO-8601 timestamp or a served context timestamp {"iso": …}',
    )
  }
  const context = createDecisionalContext(input as DecisionalContextInput, {
    ...(timeZone ? { timeZone } : {}),
    now: () => new Date(options.now()),
  })
  const outcome = evaluatePolicy(compilePolicy(policy, { codegen: false }), context, {
    now: options.now,
  })
  return { outcome, explanation: explain(outcome), issues }
}

/** `GET /rule-engine/info`. */
export function ruleEngineInfo() {
  return {
    supported_engines: ['custom'],
    supported_operators: operatorInfo().map((info) => ({
      operator: info.operator,
      symbol: info.symbol,
      description: info.description,
      example_usage: info.example_usage,
      supported_types: [...info.supported_types],
    })),
    max_nesting_level: LIMITS.maxConditionDepth,
    supported_field_types: ['string', 'number', 'boolean', 'array', 'object'],
  }
}

/** `GET /decisional-context/structure`: every field path a rule can name. */
export function contextStructure() {
  const fields = contextFields().map((field) => ({
    path: field.path,
    type: field.type,
    description: field.description,
    is_optional: field.optional,
    values: field.enum_values ? [...field.enum_values] : null,
    unit: field.unit ?? null,
  }))
  return { fields, total_fields: fields.length }
}

export { LIMITS as RULE_LIMITS }
