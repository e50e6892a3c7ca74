import {
  CreateEnergySourceInputSchema,
  type Services,
  UpdateEnergySourceInputSchema,
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
import { EnergySourceResponseSchema, ForceQuerySchema, idParam } from '../schemas'

const tags = ['energy']
const IdParam = idParam('id', 'Energy source')
const NOT_FOUND = { 404: 'Energy source not found', 422: 'Malformed id (not a UUID)' }

/** /api/v1/energy-sources: upstream's CRUD and types, with the monitor and forecast checked. */
export function createEnergySourceRoutes({ energySources }: Services) {
  const routes = new Hono<ApiEnv>({ strict: false })

  routes.get(
    '/',
    describeRoute({
      tags,
      summary: 'List energy sources',
      responses: { 200: jsonResponse('Every source', v.array(EnergySourceResponseSchema)) },
    }),
    (c) => c.json(energySources.list()),
  )

  routes.get(
    '/types',
    describeRoute({
      tags,
      summary: 'Energy source types',
      responses: {
        200: jsonResponse('solar, wind, grid, hydroelectric, other', v.array(v.string())),
      },
    }),
    (c) => c.json(energySources.types()),
  )

  routes.post(
    '/',
    describeRoute({
      tags,
      summary: 'Create an energy source (201)',
      requestBody: jsonRequest(CreateEnergySourceInputSchema),
      responses: {
        201: jsonResponse('The created source', EnergySourceResponseSchema),
        ...errorResponses({
          400: 'Unknown monitor or forecast provider, or one not allowed for the source type',
          415: 'Body is not JSON',
          422: 'Bad field',
        }),
      },
    }),
    requireJsonBody,
    async (c) => c.json(energySources.create(await bodyOf(c, {})), 201),
  )

  routes.get(
    '/:id',
    describeRoute({
      tags,
      summary: 'Get an energy source',
      responses: {
        200: jsonResponse('The source', EnergySourceResponseSchema),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) => c.json(energySources.get(c.req.valid('param').id)),
  )

  routes.put(
    '/:id',
    describeRoute({
      tags,
      summary: 'Update an energy source: fields left out are kept, null clears an optional one',
      requestBody: jsonRequest(UpdateEnergySourceInputSchema),
      responses: {
        200: jsonResponse('The updated source', EnergySourceResponseSchema),
        ...errorResponses({ ...NOT_FOUND, 400: 'Bad reference', 415: 'Body is not JSON' }),
      },
    }),
    validate('param', IdParam),
    requireJsonBody,
    async (c) => c.json(energySources.update(c.req.valid('param').id, await bodyOf(c, {}))),
  )

  routes.delete(
    '/:id',
    describeRoute({
      tags,
      summary:
        'Delete an energy source (answers it); refused while a unit uses it unless force=true',
      responses: {
        200: jsonResponse('The deleted source', EnergySourceResponseSchema),
        ...errorResponses({ ...NOT_FOUND, 409: 'A unit still uses it: the detail names it' }),
      },
    }),
    validate('param', IdParam),
    validate('query', ForceQuerySchema),
    (c) =>
      c.json(
        energySources.remove(c.req.valid('param').id, {
          force: c.req.valid('query').force ?? false,
        }),
      ),
  )

  return routes
}
