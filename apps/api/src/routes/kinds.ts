import {
  AdapterTypeNameSchema,
  MinerFeatureTypeSchema,
  MinerInfoSchema,
  MinerLimitsSchema,
} from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import {
  errorResponses,
  jsonRequest,
  jsonResponse,
  rememberSecrets,
  requireJsonBody,
  validate,
} from '../http'
import {
  ControllerTestReportSchema,
  ExternalServiceStatusSchema,
  JsonRecordSchema,
  LinkedEntitiesSchema,
  NotifierTestReportSchema,
} from '../schemas'
import { createAdapterRoutes } from './adapters'

const NOT_FOUND = (noun: string) => ({ 404: `${noun} not found`, 422: 'Malformed id (not a UUID)' })

/** /api/v1/energy-monitors and /api/v1/forecast-providers: the plain kind route set. */
export function createEnergyAdapterRoutes(services: Services) {
  return {
    monitors: createAdapterRoutes({
      service: services.adapters.energy_monitor,
      tag: 'energy',
      noun: 'energy monitor',
    }),
    forecasts: createAdapterRoutes({
      service: services.adapters.forecast_provider,
      tag: 'forecast',
      noun: 'forecast provider',
    }),
  }
}

const TestConnectionBodySchema = v.object({
  adapter_type: AdapterTypeNameSchema,
  config: v.optional(JsonRecordSchema, {}),
  external_service_id: v.nullish(v.pipe(v.string(), v.uuid('expected a UUID'))),
})

/** /api/v1/miner-controllers: the kind routes plus connection tests and device queries. */
export function createMinerControllerRoutes(services: Services) {
  const { actions } = services
  const service = services.adapters.miner_controller
  const tags = ['mining']
  return createAdapterRoutes({
    service,
    tag: 'mining',
    noun: 'miner controller',
    extend(routes, { load, IdParam }) {
      routes.post(
        '/test-connection',
        describeRoute({
          tags,
          summary: 'Test an unsaved controller config: reads status, hash rate, power, device info',
          requestBody: jsonRequest(TestConnectionBodySchema),
          responses: {
            200: jsonResponse('What the device answered, with latency', ControllerTestReportSchema),
            ...errorResponses({ 400: 'Invalid config (names the field)', 422: 'Unknown type' }),
          },
        }),
        requireJsonBody,
        validate('json', TestConnectionBodySchema),
        async (c) => {
          const body = c.req.valid('json')
          const config = service.registry.parseConfig(body.adapter_type, body.config, 'config')
          rememberSecrets(c, service.secretsOf({ adapter_type: body.adapter_type, config }))
          return c.json(
            await actions.testController({
              adapter_type: body.adapter_type,
              config,
              external_service_id: body.external_service_id ?? null,
            }),
          )
        },
      )
      routes.post(
        '/:id/test-connection',
        describeRoute({
          tags,
          summary: 'Test a stored controller: reads status, hash rate, power, device info',
          responses: {
            200: jsonResponse('What the device answered, with latency', ControllerTestReportSchema),
            ...errorResponses(NOT_FOUND('Miner controller')),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const { id } = c.req.valid('param')
          load(c, id)
          return c.json(await actions.testController(id))
        },
      )
      routes.get(
        '/:id/supported-features',
        describeRoute({
          tags,
          summary: 'Features the controller offers (what set-controller attaches)',
          responses: {
            200: jsonResponse('Feature types', v.array(MinerFeatureTypeSchema)),
            ...errorResponses(NOT_FOUND('Miner controller')),
          },
        }),
        validate('param', IdParam),
        (c) => c.json(actions.supportedFeatures(c.req.valid('param').id)),
      )
      for (const path of ['/:id/miner-details', '/:id/info']) {
        routes.get(
          path,
          describeRoute({
            tags,
            summary: 'What the device says about itself (null when it cannot tell)',
            responses: {
              200: jsonResponse('Device info', v.nullable(MinerInfoSchema)),
              ...errorResponses(NOT_FOUND('Miner controller')),
            },
          }),
          validate('param', IdParam),
          async (c) => {
            const { id } = c.req.valid('param')
            load(c, id)
            return c.json(await actions.controllerInfo(id))
          },
        )
      }
      routes.get(
        '/:id/limits',
        describeRoute({
          tags,
          summary: 'Maximum power and hash rate the device reports',
          responses: {
            200: jsonResponse('Limits', MinerLimitsSchema),
            ...errorResponses(NOT_FOUND('Miner controller')),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const { id } = c.req.valid('param')
          load(c, id)
          return c.json(await actions.controllerLimits(id))
        },
      )
    },
  })
}

/** /api/v1/notifiers: the kind routes plus `POST /{id}/test`. */
export function createNotifierRoutes(services: Services) {
  return createAdapterRoutes({
    service: services.adapters.notifier,
    tag: 'notification',
    noun: 'notifier',
    extend(routes, { load, IdParam }) {
      routes.post(
        '/:id/test',
        describeRoute({
          tags: ['notification'],
          summary: 'Send a test notification (upstream: {status, message})',
          responses: {
            200: jsonResponse('Whether it was delivered, and why not', NotifierTestReportSchema),
            ...errorResponses(NOT_FOUND('Notifier')),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const { id } = c.req.valid('param')
          load(c, id)
          return c.json(await services.actions.testNotifier(id))
        },
      )
    },
  })
}

/** /api/v1/external-services: the kind routes plus `status` and `linked-entities`. */
export function createExternalServiceRoutes(services: Services) {
  return createAdapterRoutes({
    service: services.adapters.external_service,
    tag: 'external-services',
    noun: 'external service',
    extend(routes, { load, IdParam }) {
      routes.get(
        '/:id/status',
        describeRoute({
          tags: ['external-services'],
          summary: 'Really calls the service: connected, unauthorized or disconnected, latency',
          responses: {
            200: jsonResponse('Status', ExternalServiceStatusSchema),
            ...errorResponses(NOT_FOUND('External service')),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const { id } = c.req.valid('param')
          load(c, id)
          return c.json(await services.actions.externalServiceStatus(id))
        },
      )
      routes.get(
        '/:id/linked-entities',
        describeRoute({
          tags: ['external-services'],
          summary: 'The adapters that use this service, by kind',
          responses: {
            200: jsonResponse('Linked adapters', LinkedEntitiesSchema),
            ...errorResponses(NOT_FOUND('External service')),
          },
        }),
        validate('param', IdParam),
        (c) => c.json(services.actions.linkedEntities(c.req.valid('param').id)),
      )
    },
  })
}
