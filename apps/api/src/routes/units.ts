import { CreateUnitInputSchema, type Services, UpdateUnitInputSchema } from '@edge-mining/services'
import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import {
  type ApiEnv,
  bodyOf,
  errorResponses,
  jsonBody,
  jsonRequest,
  jsonResponse,
  requireJsonBody,
  validate,
} from '../http'
import type { LoopControl } from '../loop-control'
import { ContextResponseSchema, idParam, UnitSchema, UuidSchema } from '../schemas'
import { rememberUnitSecrets } from '../secrets'

const tags = ['optimization-units']
const IdParam = idParam('id', 'Optimization unit')
const NOT_FOUND = { 404: 'Optimization unit not found', 422: 'Malformed id (not a UUID)' }
const CHANGE_ERRORS = {
  ...NOT_FOUND,
  400: 'A referenced id does not exist, or the unit is enabled and the change would leave it without a policy, source or miner (the detail names the field)',
  409: 'A miner of the enabled unit already belongs to another enabled unit',
}

const ContextQuerySchema = v.object({
  refresh: v.optional(
    v.pipe(
      v.picklist(['true', 'false', '1', '0'], 'expected true or false'),
      v.transform((value) => value === 'true' || value === '1'),
      v.description('Build a fresh context instead of serving the last cycle one'),
    ),
  ),
})

const query = (name: string, what: string, optional = false) =>
  v.object({
    [name]: optional
      ? v.optional(v.pipe(v.string(), v.description(`${what} id; absent clears it`)))
      : v.pipe(UuidSchema, v.description(`${what} id`)),
  })

/** /api/v1/optimization-units: every route of upstream §2.3, references checked, PUT partial. */
export function createUnitRoutes(services: Services, { loop }: Pick<LoopControl, 'loop'>) {
  const { units } = services
  const routes = new Hono<ApiEnv>({ strict: false })
  const unitResponse = (description: string) => jsonResponse(description, UnitSchema)

  routes.get(
    '/',
    describeRoute({
      tags,
      summary: 'List optimization units',
      responses: { 200: jsonResponse('Every unit', v.array(UnitSchema)) },
    }),
    (c) => c.json(units.list()),
  )

  routes.post(
    '/',
    describeRoute({
      tags,
      summary: 'Create a unit (201, disabled); every referenced id must exist',
      requestBody: jsonRequest(CreateUnitInputSchema),
      responses: { 201: unitResponse('The created unit'), ...errorResponses(CHANGE_ERRORS) },
    }),
    requireJsonBody,
    async (c) => c.json(units.create(await bodyOf(c, {})), 201),
  )

  routes.get(
    '/:id',
    describeRoute({
      tags,
      summary: 'Get a unit',
      responses: { 200: unitResponse('The unit'), ...errorResponses(NOT_FOUND) },
    }),
    validate('param', IdParam),
    (c) => c.json(units.get(c.req.valid('param').id)),
  )

  routes.put(
    '/:id',
    describeRoute({
      tags,
      summary: 'Update a unit: fields left out keep their values (upstream cleared lists, T18)',
      requestBody: jsonRequest(UpdateUnitInputSchema),
      responses: { 200: unitResponse('The updated unit'), ...errorResponses(CHANGE_ERRORS) },
    }),
    validate('param', IdParam),
    requireJsonBody,
    async (c) => c.json(units.update(c.req.valid('param').id, await bodyOf(c, {}))),
  )

  routes.delete(
    '/:id',
    describeRoute({
      tags,
      summary: 'Delete a unit (answers it); its miners keep their state',
      responses: { 200: unitResponse('The deleted unit'), ...errorResponses(NOT_FOUND) },
    }),
    validate('param', IdParam),
    (c) => c.json(units.remove(c.req.valid('param').id)),
  )

  routes.post(
    '/:id/enable',
    describeRoute({
      tags,
      summary: 'Enable: needs a policy that passes its check, an energy source and a miner',
      responses: {
        200: unitResponse('The enabled unit'),
        ...errorResponses({
          ...NOT_FOUND,
          400: 'Something required is missing or the policy does not pass its check',
          409: 'A miner already belongs to another enabled unit',
        }),
      },
    }),
    validate('param', IdParam),
    (c) => c.json(units.enable(c.req.valid('param').id)),
  )

  routes.post(
    '/:id/disable',
    describeRoute({
      tags,
      summary: 'Disable (miners keep their state)',
      responses: { 200: unitResponse('The disabled unit'), ...errorResponses(NOT_FOUND) },
    }),
    validate('param', IdParam),
    (c) => c.json(units.disable(c.req.valid('param').id)),
  )

  const assign = (
    path: string,
    name: string,
    what: string,
    apply: (id: string, value: string | undefined) => unknown,
    optional = false,
  ) =>
    routes.post(
      `/:id/${path}`,
      describeRoute({
        tags,
        summary: `Assign the ${what} (query ${name})`,
        responses: { 200: unitResponse('The unit'), ...errorResponses(CHANGE_ERRORS) },
      }),
      validate('param', IdParam),
      validate('query', query(name, what, optional)),
      (c) =>
        c.json(
          apply(c.req.valid('param').id, (c.req.valid('query') as Record<string, string>)[name]),
        ),
    )
  assign('energy-source', 'energy_source_id', 'energy source', units.setEnergySource)
  assign('policy', 'policy_id', 'policy', units.setPolicy)
  assign(
    'home-loads-profile',
    'home_loads_profile_id',
    'home loads profile',
    units.setHomeLoadsProfile,
    true,
  )
  assign('miners/single', 'miner_id', 'miner (appended)', units.addMiner)
  assign('notifiers/single', 'notifier_id', 'notifier (appended)', units.addNotifier)

  for (const [path, apply, what] of [
    ['miners', units.setMiners, 'miner'],
    ['notifiers', units.setNotifiers, 'notifier'],
  ] as const) {
    routes.post(
      `/:id/${path}`,
      describeRoute({
        tags,
        summary: `Replace the ${what}s (body: a JSON list of ids)`,
        requestBody: jsonRequest(v.array(UuidSchema)),
        responses: { 200: unitResponse('The unit'), ...errorResponses(CHANGE_ERRORS) },
      }),
      validate('param', IdParam),
      // Upstream's body is required too: a forgotten body must not clear every miner.
      jsonBody('array', { required: true }),
      async (c) => c.json(apply(c.req.valid('param').id, await bodyOf(c, []))),
    )
  }

  for (const [path, param, apply] of [
    ['miners', 'miner_id', units.removeMiner],
    ['notifiers', 'notifier_id', units.removeNotifier],
  ] as const) {
    routes.delete(
      `/:id/${path}/:${param}`,
      describeRoute({
        tags,
        summary: `Remove one ${path.slice(0, -1)}`,
        responses: { 200: unitResponse('The unit'), ...errorResponses(CHANGE_ERRORS) },
      }),
      validate('param', v.object({ id: UuidSchema, [param]: UuidSchema })),
      (c) => {
        const params = c.req.valid('param') as Record<string, string>
        return c.json(apply(params.id ?? '', params[param] ?? ''))
      },
    )
  }

  routes.get(
    '/:id/decisional-context',
    describeRoute({
      tags,
      summary:
        "The unit's decisional context now; a part that cannot be read is null and named in errors (never a 500)",
      responses: {
        200: jsonResponse('DecisionalContext plus errors', ContextResponseSchema),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    validate('query', ContextQuerySchema),
    async (c) => {
      const { id } = c.req.valid('param')
      // Adapters write the context's error texts; none of their secrets may ride along.
      rememberUnitSecrets(c, services, units.get(id))
      const served = await loop.unitContext(id, { refresh: c.req.valid('query').refresh ?? false })
      c.header('X-Edge-Mining-Context-Age', String(served.age_seconds))
      return c.json({
        ...served.context,
        context_at: served.at,
        context_age_seconds: served.age_seconds,
      })
    },
  )

  routes.get(
    '/:id/status',
    describeRoute({
      tags,
      summary:
        "What the last cycle planned for each of the unit's miners: status, decision, reason, hold",
      responses: {
        200: jsonResponse(
          'The last cycle of the unit (null before the first)',
          v.nullable(v.record(v.string(), v.unknown())),
        ),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) => c.json(loop.status(c.req.valid('param').id)[0] ?? null),
  )

  return routes
}
