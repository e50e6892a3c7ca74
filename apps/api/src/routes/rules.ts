import {
  contextStructure,
  evaluatePolicyOnce,
  RULE_LIMITS,
  ruleEngineInfo,
  validateConditionTree,
} from '@edge-mining/services'
import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import { type ApiEnv, errorResponses, jsonResponse, requireJsonBody, validate } from '../http'
import { IssueSchema } from '../schemas'

const JsonObject = v.pipe(
  v.unknown(),
  v.check((input) => !Array.isArray(input), 'expected an object, not a list'),
  v.record(v.string(), v.unknown(), 'expected an object'),
)

const tags = ['rule-engine']

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
      [v.pipe(v.string(), v.maxLength(RULE_LIMITS.maxTextLength)), JsonObject],
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
      [v.pipe(v.string(), v.maxLength(RULE_LIMITS.maxTextLength)), JsonObject],
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
    (c) => c.json(ruleEngineInfo()),
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
    (c) => c.json(validateConditionTree(c.req.valid('json').conditions)),
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
      const { outcome, explanation, issues } = evaluatePolicyOnce({
        policy: body.policy,
        context: body.context,
        timeZone: body.time_zone,
        now,
      })
      return c.json({
        decision: outcome.decision,
        rule_type: outcome.rule_type,
        rule: outcome.rule,
        miner_status: outcome.miner_status,
        evaluated: outcome.evaluated,
        explanation,
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
    (c) => c.json(contextStructure()),
  )
  return routes
}
