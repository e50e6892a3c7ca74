import {
  CreatePolicyInputSchema,
  CreateRuleInputSchema,
  RuleTypeSchema,
  type Services,
  UpdatePolicyInputSchema,
  UpdateRuleInputSchema,
} from '@edge-mining/services'
import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import {
  type ApiEnv,
  bodyOf,
  errorResponses,
  jsonRequest,
  jsonResponse,
  requireJsonBody,
  validate,
} from '../http'
import {
  ForceQuerySchema,
  idParam,
  PolicyCheckSchema,
  PolicyResponseSchema,
  RuleResponseSchema,
  RulesResponseSchema,
  UuidSchema,
} from '../schemas'

const tags = ['policy']
const IdParam = idParam('id', 'Policy')
const RuleParam = v.object({ id: UuidSchema, rule_id: UuidSchema })
const TypeParam = v.object({ id: UuidSchema, rule_type: RuleTypeSchema })
const NOT_FOUND = { 404: 'Policy not found', 422: 'Malformed id (not a UUID)' }
const RULE_NOT_FOUND = { 404: 'Policy or rule not found', 422: 'Malformed id' }
const ImportBodySchema = v.object({
  text: v.pipe(v.string('expected the policy file as text'), v.maxLength(256 * 1024)),
  new_id: v.optional(v.boolean('expected true or false')),
})
const RuleTypeQuerySchema = v.object({ rule_type: RuleTypeSchema })

/**
 * /api/v1/policies (upstream §7.3): the YAML files of POLICIES_DIR. A broken file is its own
 * entry (`valid: false` with line/column issues); rule enable/disable answer GET, as upstream,
 * and POST.
 */
export function createPolicyRoutes({ policies }: Services) {
  const routes = new Hono<ApiEnv>({ strict: false })

  routes.get(
    '/',
    describeRoute({
      tags,
      summary: 'List policies; a broken file is listed with valid:false and its issues',
      responses: { 200: jsonResponse('Every policy file', v.array(PolicyResponseSchema)) },
    }),
    (c) => c.json(policies.list()),
  )

  routes.post(
    '/',
    describeRoute({
      tags,
      summary: 'Create an empty policy {name, description} (201)',
      requestBody: jsonRequest(CreatePolicyInputSchema),
      responses: {
        201: jsonResponse('The created policy', PolicyResponseSchema),
        ...errorResponses({ 415: 'Body is not JSON', 422: 'Missing or blank name' }),
      },
    }),
    requireJsonBody,
    async (c) => c.json(policies.create(await bodyOf(c, {})), 201),
  )

  routes.post(
    '/import',
    describeRoute({
      tags,
      summary: 'Import a whole policy file (YAML or JSON text), keeping its id unless taken (201)',
      requestBody: jsonRequest(ImportBodySchema),
      responses: {
        201: jsonResponse('The imported policy', PolicyResponseSchema),
        ...errorResponses({ 422: 'The policy has errors (line and column in the detail)' }),
      },
    }),
    requireJsonBody,
    validate('json', ImportBodySchema),
    (c) => {
      const body = c.req.valid('json')
      return c.json(policies.importText(body.text, { newId: body.new_id ?? false }), 201)
    },
  )

  routes.get(
    '/:id',
    describeRoute({
      tags,
      summary: 'Get a policy',
      responses: {
        200: jsonResponse('The policy', PolicyResponseSchema),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) => c.json(policies.get(c.req.valid('param').id)),
  )

  routes.get(
    '/:id/export',
    describeRoute({
      tags,
      summary: 'The policy file as stored (YAML)',
      responses: {
        200: {
          description: 'YAML',
          content: { 'application/yaml': { schema: { type: 'string' } } },
        },
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) =>
      c.body(policies.text(c.req.valid('param').id), 200, {
        'Content-Type': 'application/yaml; charset=utf-8',
      }),
  )

  routes.put(
    '/:id',
    describeRoute({
      tags,
      summary: 'Rename or describe a policy (left out: kept; description null: cleared)',
      requestBody: jsonRequest(UpdatePolicyInputSchema),
      responses: {
        200: jsonResponse('The updated policy', PolicyResponseSchema),
        ...errorResponses({ ...NOT_FOUND, 415: 'Body is not JSON' }),
      },
    }),
    validate('param', IdParam),
    requireJsonBody,
    async (c) => c.json(policies.update(c.req.valid('param').id, await bodyOf(c, {}))),
  )

  routes.delete(
    '/:id',
    describeRoute({
      tags,
      summary: 'Delete a policy file (answers it); refused while a unit uses it unless force=true',
      responses: {
        200: jsonResponse('The deleted policy', PolicyResponseSchema),
        ...errorResponses({ ...NOT_FOUND, 409: 'A unit still uses it: the detail names it' }),
      },
    }),
    validate('param', IdParam),
    validate('query', ForceQuerySchema),
    (c) =>
      c.json(
        policies.remove(c.req.valid('param').id, { force: c.req.valid('query').force ?? false }),
      ),
  )

  routes.get(
    '/:id/check',
    describeRoute({
      tags,
      summary: 'Can a unit run this policy? (always 200: valid, errors, warnings, counts)',
      responses: {
        200: jsonResponse('The check', PolicyCheckSchema),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) => c.json(policies.check(c.req.valid('param').id)),
  )

  routes.post(
    '/:id/rules',
    describeRoute({
      tags,
      summary: 'Add a rule (?rule_type=start|stop); `enabled` is honoured (upstream ignored it)',
      requestBody: jsonRequest(CreateRuleInputSchema),
      responses: {
        201: jsonResponse('The new rule', RuleResponseSchema),
        ...errorResponses({ ...NOT_FOUND, 422: 'Bad rule or conditions (line/column)' }),
      },
    }),
    validate('param', IdParam),
    validate('query', RuleTypeQuerySchema),
    requireJsonBody,
    async (c) =>
      c.json(
        policies.addRule(
          c.req.valid('param').id,
          c.req.valid('query').rule_type,
          await bodyOf(c, {}),
        ),
        201,
      ),
  )

  routes.get(
    '/:id/types/:rule_type',
    describeRoute({
      tags,
      summary: 'The start or stop rules of a policy',
      responses: { 200: jsonResponse('Rules', RulesResponseSchema), ...errorResponses(NOT_FOUND) },
    }),
    validate('param', TypeParam),
    (c) => {
      const { id, rule_type } = c.req.valid('param')
      return c.json(policies.rules(id, rule_type))
    },
  )

  routes.get(
    '/:id/rules/:rule_id',
    describeRoute({
      tags,
      summary: 'Get a rule',
      responses: {
        200: jsonResponse('The rule', RuleResponseSchema),
        ...errorResponses(RULE_NOT_FOUND),
      },
    }),
    validate('param', RuleParam),
    (c) => {
      const { id, rule_id } = c.req.valid('param')
      return c.json(policies.rule(id, rule_id))
    },
  )

  for (const [path, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    const handler = describeRoute({
      tags,
      summary: `${enabled ? 'Enable' : 'Disable'} a rule (GET as upstream, POST too)`,
      responses: {
        200: jsonResponse('The rule', RuleResponseSchema),
        ...errorResponses(RULE_NOT_FOUND),
      },
    })
    routes.on(
      ['GET', 'POST'],
      `/:id/rules/:rule_id/${path}`,
      handler,
      validate('param', RuleParam),
      (c) => {
        const { id, rule_id } = c.req.valid('param')
        return c.json(policies.setRuleEnabled(id, rule_id, enabled))
      },
    )
  }

  routes.put(
    '/:id/rules/:rule_id',
    describeRoute({
      tags,
      summary: 'Update a rule: fields left out are kept; description null clears it',
      requestBody: jsonRequest(UpdateRuleInputSchema),
      responses: {
        200: jsonResponse('The rule', RuleResponseSchema),
        ...errorResponses({ ...RULE_NOT_FOUND, 422: 'Bad rule or conditions (line/column)' }),
      },
    }),
    validate('param', RuleParam),
    requireJsonBody,
    async (c) => {
      const { id, rule_id } = c.req.valid('param')
      return c.json(policies.updateRule(id, rule_id, await bodyOf(c, {})))
    },
  )

  routes.delete(
    '/:id/rules/:rule_id',
    describeRoute({
      tags,
      summary: 'Delete a rule (answers it)',
      responses: {
        200: jsonResponse('The deleted rule', RuleResponseSchema),
        ...errorResponses(RULE_NOT_FOUND),
      },
    }),
    validate('param', RuleParam),
    (c) => {
      const { id, rule_id } = c.req.valid('param')
      return c.json(policies.removeRule(id, rule_id))
    },
  )

  return routes
}
