import {
  CreateMinerInputSchema,
  parseInput,
  type Services,
  UpdateMinerInputSchema,
} from '@edge-mining/services'
import { type Context, Hono } from 'hono'
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
import type { LoopControl } from '../loop-control'
import {
  ControllerQuerySchema,
  FeatureParamSchema,
  ForceQuerySchema,
  idParam,
  MinerActionResultSchema,
  MinerFeaturesSchema,
  MinerInfoResponseSchema,
  MinerLimitsResponseSchema,
  MinerSchema,
  MinerStatusResponseSchema,
} from '../schemas'
import { rememberMinerSecrets } from '../secrets'

const tags = ['mining']
const IdParam = idParam('id', 'Miner')
const NOT_FOUND = { 404: 'Miner not found', 422: 'Malformed id (not a UUID)' }
const DEVICE_ERRORS = {
  ...NOT_FOUND,
  409: 'The miner is inactive or no controller can do it',
  502: 'The device answered with an error or refused our credentials',
  503: 'The device did not answer',
}

/** /api/v1/miners: upstream's routes (§9.5), partial PUT, deletes refused while a unit uses it. */
export function createMinerRoutes(services: Services, { loop }: Pick<LoopControl, 'loop'>) {
  const { miners } = services
  const routes = new Hono<ApiEnv>({ strict: false })
  /** The miner, its controllers' secrets remembered: device texts reach the answer. */
  const device = (c: Context<ApiEnv>, id: string) => {
    const miner = miners.get(id)
    rememberMinerSecrets(c, services, [miner])
    return miner.id
  }

  routes.get(
    '/',
    describeRoute({
      tags,
      summary: 'List miners',
      responses: { 200: jsonResponse('Every miner', v.array(MinerSchema)) },
    }),
    (c) => c.json(miners.list()),
  )

  routes.post(
    '/',
    describeRoute({
      tags,
      summary: 'Create a miner (201); controller_ids attaches controllers at once',
      requestBody: jsonRequest(CreateMinerInputSchema),
      responses: {
        201: jsonResponse('The created miner', MinerSchema),
        ...errorResponses({ 400: 'Unknown controller', 415: 'Body is not JSON', 422: 'Bad field' }),
      },
    }),
    requireJsonBody,
    async (c) => c.json(miners.create(await bodyOf(c, {})), 201),
  )

  routes.get(
    '/:id',
    describeRoute({
      tags,
      summary: 'Get a miner',
      responses: { 200: jsonResponse('The miner', MinerSchema), ...errorResponses(NOT_FOUND) },
    }),
    validate('param', IdParam),
    (c) => c.json(miners.get(c.req.valid('param').id)),
  )

  routes.put(
    '/:id',
    describeRoute({
      tags,
      summary: 'Update a miner: fields left out are kept, null clears an optional one',
      requestBody: jsonRequest(UpdateMinerInputSchema),
      responses: {
        200: jsonResponse('The updated miner', MinerSchema),
        ...errorResponses({ ...NOT_FOUND, 415: 'Body is not JSON' }),
      },
    }),
    validate('param', IdParam),
    requireJsonBody,
    async (c) => c.json(miners.update(c.req.valid('param').id, await bodyOf(c, {}))),
  )

  routes.delete(
    '/:id',
    describeRoute({
      tags,
      summary: 'Delete a miner (answers it); refused while a unit lists it unless force=true',
      responses: {
        200: jsonResponse('The deleted miner', MinerSchema),
        ...errorResponses({ ...NOT_FOUND, 409: 'A unit still lists it: the detail names it' }),
      },
    }),
    validate('param', IdParam),
    validate('query', ForceQuerySchema),
    (c) =>
      c.json(
        miners.remove(c.req.valid('param').id, { force: c.req.valid('query').force ?? false }),
      ),
  )

  for (const [path, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    routes.post(
      `/:id/${path}`,
      describeRoute({
        tags,
        summary: active ? 'Activate a miner' : 'Deactivate a miner (the loop leaves it alone)',
        responses: { 200: jsonResponse('The miner', MinerSchema), ...errorResponses(NOT_FOUND) },
      }),
      validate('param', IdParam),
      (c) => c.json(miners.setActive(c.req.valid('param').id, active)),
    )
  }

  const OverrideQuerySchema = v.object({
    override_seconds: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^\d{1,6}$/, 'expected a whole number of seconds from 1 to 604800'),
        v.transform(Number),
        v.minValue(1, 'expected a whole number of seconds from 1 to 604800'),
        v.maxValue(604_800, 'expected a whole number of seconds from 1 to 604800'),
      ),
    ),
  })
  const OverrideBodySchema = v.object({
    override_seconds: v.optional(
      v.pipe(
        v.number('expected a number of seconds'),
        v.integer('expected a whole number of seconds'),
        v.minValue(1, 'expected a whole number of seconds from 1 to 604800'),
        v.maxValue(604_800, 'expected a whole number of seconds from 1 to 604800'),
      ),
    ),
  })

  for (const action of ['start', 'stop'] as const) {
    routes.post(
      `/:id/${action}`,
      describeRoute({
        tags,
        summary: `${action === 'start' ? 'Start' : 'Stop'} the miner now (mining control, else power control) and hold it so for override_seconds (body or query, default 3600) — the loop leaves it alone until then or DELETE …/override`,
        requestBody: jsonRequest(OverrideBodySchema, false),
        responses: {
          200: jsonResponse(
            'What was done, the status before and after, and until when it is held',
            MinerActionResultSchema,
          ),
          ...errorResponses(DEVICE_ERRORS),
        },
      }),
      validate('param', IdParam),
      validate('query', OverrideQuerySchema),
      requireJsonBody,
      async (c) => {
        const body = parseInput(OverrideBodySchema, await bodyOf(c, {}))
        const seconds = body.override_seconds ?? c.req.valid('query').override_seconds
        const id = device(c, c.req.valid('param').id)
        return c.json(await loop.override(id, action, seconds))
      },
    )
  }

  routes.delete(
    '/:id/override',
    describeRoute({
      tags,
      summary: "End the miner's manual override: the loop decides for it again",
      responses: {
        200: jsonResponse(
          'Whether there was one',
          v.object({ miner_id: v.string(), cleared: v.boolean() }),
        ),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) => {
      const { id } = c.req.valid('param')
      return c.json({ miner_id: id, cleared: loop.clearOverride(id) })
    },
  )

  routes.get(
    '/:id/status',
    describeRoute({
      tags,
      summary:
        'Live state: status, hash rate, power, temperatures (a failed reading is listed in errors)',
      responses: {
        200: jsonResponse('MinerStateSnapshot', MinerStatusResponseSchema),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    async (c) => c.json(await miners.status(device(c, c.req.valid('param').id))),
  )

  routes.get(
    '/:id/info',
    describeRoute({
      tags,
      summary: 'What the device says about itself (null without device-info detection)',
      responses: {
        200: jsonResponse('Device info', MinerInfoResponseSchema),
        ...errorResponses(DEVICE_ERRORS),
      },
    }),
    validate('param', IdParam),
    async (c) => c.json(await miners.info(device(c, c.req.valid('param').id))),
  )

  routes.get(
    '/:id/limits',
    describeRoute({
      tags,
      summary: 'Maximum power and hash rate the device reports',
      responses: {
        200: jsonResponse('Limits', MinerLimitsResponseSchema),
        ...errorResponses(DEVICE_ERRORS),
      },
    }),
    validate('param', IdParam),
    async (c) => c.json(await miners.limits(device(c, c.req.valid('param').id))),
  )

  routes.get(
    '/:id/features',
    describeRoute({
      tags,
      summary: "The miner's features: which controller serves what, at which priority",
      responses: {
        200: jsonResponse('Features', MinerFeaturesSchema),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) => c.json(miners.get(c.req.valid('param').id).features),
  )

  for (const [path, link] of [
    ['set-controller', true],
    ['unlink-controller', false],
  ] as const) {
    routes.post(
      `/:id/${path}`,
      describeRoute({
        tags,
        summary: link
          ? 'Attach a controller: every feature it supports, priority 50, enabled'
          : 'Detach a controller: remove all of its features',
        responses: {
          200: jsonResponse('The miner', MinerSchema),
          ...errorResponses({ ...NOT_FOUND, 422: 'Malformed id or controller_id' }),
        },
      }),
      validate('param', IdParam),
      validate('query', ControllerQuerySchema),
      (c) => {
        const { id } = c.req.valid('param')
        const { controller_id } = c.req.valid('query')
        return c.json(
          link
            ? miners.setController(id, controller_id)
            : miners.unlinkController(id, controller_id),
        )
      },
    )
  }

  for (const [path, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    routes.post(
      `/:miner_id/features/:controller_id/:feature_type/${path}`,
      describeRoute({
        tags,
        summary: `${enabled ? 'Enable' : 'Disable'} one feature of one controller`,
        responses: {
          200: jsonResponse('The miner', MinerSchema),
          ...errorResponses({ ...NOT_FOUND, 422: 'Malformed id or unknown feature type' }),
        },
      }),
      validate('param', FeatureParamSchema),
      (c) => {
        const { miner_id, controller_id, feature_type } = c.req.valid('param')
        return c.json(miners.setFeatureEnabled(miner_id, controller_id, feature_type, enabled))
      },
    )
  }

  routes.put(
    '/:miner_id/features/:controller_id/:feature_type/priority',
    describeRoute({
      tags,
      summary: 'Set a feature priority (1–100, higher wins)',
      requestBody: jsonRequest(v.object({ priority: v.number() })),
      responses: {
        200: jsonResponse('The miner', MinerSchema),
        ...errorResponses({ ...NOT_FOUND, 422: 'Priority not a whole number from 1 to 100' }),
      },
    }),
    validate('param', FeatureParamSchema),
    requireJsonBody,
    async (c) => {
      const { miner_id, controller_id, feature_type } = c.req.valid('param')
      const body = await bodyOf<{ priority?: unknown }>(c, {})
      return c.json(miners.setFeaturePriority(miner_id, controller_id, feature_type, body.priority))
    },
  )

  return routes
}
