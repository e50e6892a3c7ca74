import type { AdapterEntity } from '@edge-mining/domain'
import type { AdapterEntityService } from '@edge-mining/services'
import { type Context, Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import {
  type ApiEnv,
  errorResponses,
  jsonRequest,
  jsonResponse,
  rememberSecrets,
  requireJsonBody,
  validate,
} from '../http'
import {
  AdapterEntityResponseSchema,
  AdapterTypeParamSchema,
  CreateAdapterEntityBodySchema,
  ExternalServiceTypesSchema,
  ForceQuerySchema,
  idParam,
  JsonObjectSchema,
  TypesSchema,
  UpdateAdapterEntityBodySchema,
} from '../schemas'

export interface AdapterRoutesOptions {
  service: AdapterEntityService
  /** OpenAPI tag, e.g. `energy`. */
  tag: string
  /** What one entity is called in summaries, e.g. "energy monitor". */
  noun: string
  /** Kind-specific routes, mounted on the same router before the generic `/:id` ones. */
  extend?: (routes: Hono<ApiEnv>, helpers: AdapterRouteHelpers) => void
}

export interface AdapterRouteHelpers {
  /** Loads the entity named by the `id` path parameter (404 when unknown), secrets remembered. */
  load(c: Context<ApiEnv>, id: string): AdapterEntity
  /** The public view: secrets as `***`. */
  show(entity: AdapterEntity): AdapterEntity
  IdParam: ReturnType<typeof idParam<'id'>>
}

/**
 * The route set every adapter kind shares (DESIGN.md): `GET|POST /`, `GET /types`,
 * `GET /types/{type}/config-schema`, `GET /types/{type}/external-services`,
 * `GET|PUT|DELETE /{id}` — one factory, mounted once per kind.
 */
export function createAdapterRoutes(options: AdapterRoutesOptions) {
  const { service, noun } = options
  const tags = [options.tag]
  const routes = new Hono<ApiEnv>({ strict: false })
  const IdParam = idParam('id', noun)
  const NOT_FOUND = { 404: `${noun} not found`, 422: 'Malformed id (not a UUID)' }
  const show = (entity: AdapterEntity) => service.toPublic(entity)
  const load = (c: Context<ApiEnv>, id: string) => {
    const entity = service.get(id)
    rememberSecrets(c, service.secretsOf(entity))
    return entity
  }

  routes.get(
    '/',
    describeRoute({
      tags,
      summary: `List ${noun}s`,
      responses: { 200: jsonResponse(`Every ${noun}`, v.array(AdapterEntityResponseSchema)) },
    }),
    (c) => c.json(service.list().map(show)),
  )

  routes.get(
    '/types',
    describeRoute({
      tags,
      summary: `${noun} adapter types`,
      responses: { 200: jsonResponse('Registered adapter types', TypesSchema) },
    }),
    (c) => c.json(service.registry.types()),
  )

  routes.get(
    '/types/:adapter_type/config-schema',
    describeRoute({
      tags,
      summary: "JSON Schema of an adapter type's config",
      responses: {
        200: jsonResponse('JSON Schema (secret fields are writeOnly)', JsonObjectSchema),
        ...errorResponses({ 422: 'Unknown adapter type' }),
      },
    }),
    validate('param', AdapterTypeParamSchema),
    (c) => c.json(service.registry.configJsonSchema(c.req.valid('param').adapter_type)),
  )

  routes.get(
    '/types/:adapter_type/external-services',
    describeRoute({
      tags,
      summary: 'External-service types an adapter type can use (null: none)',
      responses: {
        200: jsonResponse('Allowed external-service types', ExternalServiceTypesSchema),
        ...errorResponses({ 422: 'Unknown adapter type' }),
      },
    }),
    validate('param', AdapterTypeParamSchema),
    (c) => c.json(service.externalServiceTypes(c.req.valid('param').adapter_type)),
  )

  routes.post(
    '/',
    describeRoute({
      tags,
      summary: `Create a ${noun} (201)`,
      requestBody: jsonRequest(CreateAdapterEntityBodySchema),
      responses: {
        201: jsonResponse(`The created ${noun}`, AdapterEntityResponseSchema),
        ...errorResponses({
          400: 'Missing or invalid config (names the field), malformed JSON',
          415: 'Body is not JSON',
          422: 'Wrong field types or unknown adapter type',
        }),
      },
    }),
    requireJsonBody,
    validate('json', CreateAdapterEntityBodySchema),
    (c) => {
      const body = c.req.valid('json')
      rememberSecrets(
        c,
        service.secretsOf({
          adapter_type: body.adapter_type ?? 'dummy',
          config: body.config ?? {},
        }),
      )
      const entity = service.create({
        name: body.name,
        adapter_type: body.adapter_type,
        config: body.config,
        external_service_id: body.external_service_id,
      })
      return c.json(show(entity), 201)
    },
  )

  options.extend?.(routes, { load, show, IdParam })

  routes.get(
    '/:id',
    describeRoute({
      tags,
      summary: `Get a ${noun}`,
      responses: {
        200: jsonResponse(`The ${noun}`, AdapterEntityResponseSchema),
        ...errorResponses(NOT_FOUND),
      },
    }),
    validate('param', IdParam),
    (c) => c.json(show(load(c, c.req.valid('param').id))),
  )

  routes.put(
    '/:id',
    describeRoute({
      tags,
      summary: `Update a ${noun} (fields and config keys left out are kept; secrets left out are kept)`,
      requestBody: jsonRequest(UpdateAdapterEntityBodySchema),
      responses: {
        200: jsonResponse(`The updated ${noun}`, AdapterEntityResponseSchema),
        ...errorResponses({
          ...NOT_FOUND,
          400: 'Invalid config (names the field), malformed JSON',
          415: 'Body is not JSON',
        }),
      },
    }),
    validate('param', IdParam),
    requireJsonBody,
    validate('json', UpdateAdapterEntityBodySchema),
    (c) => {
      const { id } = c.req.valid('param')
      const stored = load(c, id)
      const body = c.req.valid('json')
      rememberSecrets(
        c,
        service.secretsOf({ adapter_type: stored.adapter_type, config: body.config ?? {} }),
      )
      const updated = service.update(id, {
        name: body.name,
        config: body.config,
        external_service_id: body.external_service_id,
      })
      return c.json(show(updated))
    },
  )

  routes.delete(
    '/:id',
    describeRoute({
      tags,
      summary: `Delete a ${noun} (answers it); refused while in use unless force=true`,
      responses: {
        200: jsonResponse(`The deleted ${noun}`, AdapterEntityResponseSchema),
        ...errorResponses({ ...NOT_FOUND, 409: 'Still in use: the detail names who uses it' }),
      },
    }),
    validate('param', IdParam),
    validate('query', ForceQuerySchema),
    (c) => {
      const { id } = c.req.valid('param')
      load(c, id)
      const force = c.req.valid('query').force ?? false
      return c.json(show(service.remove(id, { force })))
    },
  )

  return routes
}
