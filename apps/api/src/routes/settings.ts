import type { Services } from '@edge-mining/services'
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
} from '../http'
import { SettingsSchema } from '../schemas'

const tags = ['system']

/** /api/v1/system/settings (upstream §13): time zone, location, loop interval. */
export function createSettingsRoutes({ settings }: Services) {
  const routes = new Hono<ApiEnv>({ strict: false })
  routes.get(
    '/settings',
    describeRoute({
      tags,
      summary: 'System settings (defaults as upstream: Europe/Rome, 41.9028, 12.4964, 5 s)',
      responses: { 200: jsonResponse('Settings', SettingsSchema) },
    }),
    (c) => c.json(settings.get()),
  )
  routes.put(
    '/settings',
    describeRoute({
      tags,
      summary: 'Change settings: fields left out are kept; the loop reschedules at once',
      requestBody: jsonRequest(v.partial(SettingsSchema)),
      responses: {
        200: jsonResponse('The settings', SettingsSchema),
        ...errorResponses({
          400: 'A bad value (the detail names the field)',
          415: 'Body is not JSON',
        }),
      },
    }),
    requireJsonBody,
    async (c) => c.json(settings.update(await bodyOf(c, {}))),
  )
  return routes
}
