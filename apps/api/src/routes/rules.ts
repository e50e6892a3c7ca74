import { createDecisionalContext, type DecisionalContextInput } from '@edge-mining/domain'
import {
  compilePolicy,
  contextFields,
  evaluatePolicy,
  explain,
  LIMITS,
  operatorInfo,
  parsePolicy,
  type RuleIssue,
  validateConditions,
} from '@edge-mining/rules'
import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import {
  type ApiEnv,
  ApiError,
  errorResponses,
  jsonResponse,
  requireJsonBody,
  validate,
} from '../http'
import { JsonObject } from '../schemas'

const tags = ['rule-engine']

const IssueSchema = v.object({
  severity: v.picklist(['error', 'warning']),
  message: v.string(),
  path: v.string(),
  source: v.nullable(v.string()),
  line: v.nullable(v.number()),
  column: v.nullable(v.number()),
  code: v.picklist(['syntax', 'limit', 'structure', 'field', 'operator', 'value']),
})

const InfoSchema = v.object({
  supported_engines: v.array(v.string()),
  supported_operators: v.array(
    v.object({
      operator: v.string(),
      symbol: v.string(),
      description: v.string(),
      example_usage: v.record(v.string(), v.unknown()),
      supported_types: v.array(v.string()),
    }),
  ),
  max_nesting_level: v.number(),
  supported_field_types: v.array(v.string()),
})

const ValidateBodySchema = v.object({
  conditions: v.pipe(
    v.union(
      [v.pipe(v.string(), v.maxLength(LIMITS.maxTextLength)), JsonObject],
      'expected a condition tree (object) or its YAML/JSON text',
    ),
    v.description('A condition tree, as an object or as YAML/JSON text'),
  ),
})

const ValidateResultSchema = v.object({
  is_valid: v.boolean(),
  validation_errors: v.array(v.string()),
  syntax_errors: v.array(v.string()),
  field_errors: v.array(v.string()),
  warnings: v.array(v.string()),
  issues: v.array(IssueSchema),
})

const EvaluateBodySchema = v.object({
  policy: v.pipe(
    v.union(
      [v.pipe(v.string(), v.maxLength(LIMITS.maxTextLength)), JsonObject],
      'expected a policy (object) or its YAML/JSON text',
    ),
    v.description('A policy in the policy-file format: {name, start_rules, stop_rules}'),
  ),
  context: v.pipe(
    JsonObject,
    v.description(
      'DecisionalContext input: mining_performance, energy_state, forecast, miner, miner_state, timestamp (ISO, default now)',
    ),
  ),
  time_zone: v.optional(
    v.pipe(v.string(), v.description('IANA time zone for timestamp.* fields (default UTC)')),
  ),
})

const EvaluateResultSchema = v.object({
  decision: v.picklist(['start_mining', 'stop_mining', 'maintain_state']),
  rule_type: v.nullable(v.picklist(['start', 'stop'])),
  rule: v.nullable(v.record(v.string(), v.unknown())),
  miner_status: v.string(),
  evaluated: v.nullable(v.picklist(['start', 'stop'])),
  explanation: v.string(),
  trace: v.array(v.unknown()),
  issues: v.array(IssueSchema),
})

const FieldSchema = v.object({
  path: v.string(),
  type: v.string(),
  description: v.string(),
  is_optional: v.boolean(),
  values: v.nullable(v.array(v.string())),
  unit: v.nullable(v.string()),
})

const StructureSchema = v.object({ fields: v.array(FieldSchema), total_fields: v.number() })

function located(issue: RuleIssue): string {
  const where = issue.line === null ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`
  return `${issue.message}${where}`
}

/** GET /rule-engine/info, POST /rule-engine/validate, POST /rule-engine/evaluate. */
export function createRuleEngineRoutes(options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now
  const routes = new Hono<ApiEnv>({ strict: false })

  routes.get(
    '/config',
    describeRoute({
      tags,
      summary: 'Rule engine in use',
      responses: { 200: jsonResponse('Engine', v.object({ engine_type: v.literal('custom') })) },
    }),
    (c) => c.json({ engine_type: 'custom' as const }),
  )

  routes.get(
    '/info',
    describeRoute({
      tags,
      summary: 'Operators, limits and field types of the rule engine',
      responses: { 200: jsonResponse('Rule engine description', InfoSchema) },
    }),
    (c) =>
      c.json({
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
      }),
  )

  routes.post(
    '/validate',
    describeRoute({
      tags,
      summary: 'Validate a condition tree (object, YAML or JSON text); issues carry line/column',
      responses: {
        200: jsonResponse(
          'Validation result (is_valid false lists the problems)',
          ValidateResultSchema,
        ),
        ...errorResponses({ 400: 'Malformed JSON', 415: 'Body is not JSON', 422: 'No conditions' }),
      },
    }),
    requireJsonBody,
    validate('json', ValidateBodySchema),
    (c) => {
      const { issues } = validateConditions(c.req.valid('json').conditions, {
        source: 'conditions',
      })
      const errors = issues.filter((issue) => issue.severity === 'error')
      const of = (...codes: RuleIssue['code'][]) =>
        errors.filter((issue) => codes.includes(issue.code)).map(located)
      return c.json({
        is_valid: errors.length === 0,
        validation_errors: of('operator', 'value'),
        syntax_errors: of('syntax', 'limit', 'structure'),
        field_errors: of('field'),
        warnings: issues.filter((issue) => issue.severity === 'warning').map(located),
        issues,
      })
    },
  )

  routes.post(
    '/evaluate',
    describeRoute({
      tags,
      summary: 'Evaluate a policy against a supplied context: decision and explain trace',
      responses: {
        200: jsonResponse(
          'Decision, the rule that fired and the leaf-by-leaf trace',
          EvaluateResultSchema,
        ),
        ...errorResponses({
          400: 'Malformed JSON',
          415: 'Body is not JSON',
          422: 'Invalid policy (issues with line/column) or invalid context (names the field)',
        }),
      },
    }),
    requireJsonBody,
    validate('json', EvaluateBodySchema),
    (c) => {
      const body = c.req.valid('json')
      const text = typeof body.policy === 'string' ? body.policy : JSON.stringify(body.policy)
      const { policy, issues } = parsePolicy(text, { source: 'policy' })
      const errors = issues.filter((issue) => issue.severity === 'error')
      if (!policy || errors.length > 0) {
        const first = errors[0] ?? issues[0]
        throw new ApiError(422, `policy: ${first ? located(first) : 'unusable policy'}`)
      }
      const context = createDecisionalContext(body.context as DecisionalContextInput, {
        ...(body.time_zone ? { timeZone: body.time_zone } : {}),
        now: () => new Date(now()),
      })
      // A policy from a request is evaluated once: the interpreter, never generated code.
      const outcome = evaluatePolicy(compilePolicy(policy, { codegen: false }), context, { now })
      return c.json({
        decision: outcome.decision,
        rule_type: outcome.rule_type,
        rule: outcome.rule,
        miner_status: outcome.miner_status,
        evaluated: outcome.evaluated,
        explanation: explain(outcome),
        trace: outcome.trace,
        issues,
      })
    },
  )

  return routes
}

/** GET /decisional-context/structure: every field path a rule can name. */
export function createContextRoutes() {
  const routes = new Hono<ApiEnv>({ strict: false })
  routes.get(
    '/structure',
    describeRoute({
      tags,
      summary: 'Field catalogue of the DecisionalContext',
      responses: { 200: jsonResponse('Fields and their count', StructureSchema) },
    }),
    (c) => {
      const fields = contextFields().map((field) => ({
        path: field.path,
        type: field.type,
        description: field.description,
        is_optional: field.optional,
        values: field.enum_values ? [...field.enum_values] : null,
        unit: field.unit ?? null,
      }))
      return c.json({ fields, total_fields: fields.length })
    },
  )
  return routes
}
