import { type ConsolaInstance, createLogger } from '@edge-mining/runtime'
import type { Services } from '@edge-mining/services'
import {
  type Context,
  type ErrorHandler,
  Hono,
  type MiddlewareHandler,
  type Next,
  type NotFoundHandler,
} from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import { cors } from 'hono/cors'
import { routePath } from 'hono/route'
import { METHOD_NAME_ALL } from 'hono/router'
import { describeRoute, openAPIRouteHandler, uniqueSymbol } from 'hono-openapi'
import * as v from 'valibot'
import { bearerAuth } from './auth'
import { createDashboardRoutes } from './dashboard/routes'
import { createDocsRoutes } from './docs'
import { toHttpFailure } from './errors'
import {
  type ApiEnv,
  ApiError,
  jsonResponse,
  type RequestTrace,
  scrub,
  scrubSecretValues,
  secretsOf,
} from './http'
import { logRequest, logsRequest } from './logging'
import type { LoopControl } from './loop-control'
import { type CacheCounters, createMetrics, type Metrics } from './metrics'
import { createMemoRouter } from './router'
import { createEnergySourceRoutes } from './routes/energy-sources'
import {
  createEnergyAdapterRoutes,
  createExternalServiceRoutes,
  createMinerControllerRoutes,
  createNotifierRoutes,
} from './routes/kinds'
import { createLoopRoutes } from './routes/loop'
import { createMinerRoutes } from './routes/miners'
import { createPolicyRoutes } from './routes/policies'
import { createContextRoutes, createRuleEngineRoutes } from './routes/rules'
import { createSettingsRoutes } from './routes/settings'
import { createTrackerRoutes } from './routes/trackers'
import { createUnitRoutes } from './routes/units'
import { HealthSchema } from './schemas'

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024

export interface CreateAppOptions {
  /** The application services (`openRuntime().services`, or composed over memory repositories in tests). */
  services: Services
  /** The decision loop and how this server runs a cycle now (`POST /evaluate`). */
  loop: LoopControl
  /** Counters of the pool-data cache, shown by /metrics and /api/v1/system/stats. Default: none. */
  cacheStats?: () => CacheCounters
  /**
   * The Prometheus metrics `/metrics` serves. Default: `createMetrics` over these services and
   * loop (the caller that passes its own closes it).
   */
  metrics?: Metrics
  /** Default: a consola logger at level info, tag `api`. */
  logger?: ConsolaInstance
  /** When set, every /api/v1 route and /metrics require `Authorization: Bearer <apiToken>`. */
  apiToken?: string | undefined
  /** Largest accepted request body; larger ones are answered 413. Default 64 KiB. */
  bodyLimitBytes?: number
  /** Monotonic clock in ms for request durations. Default: performance.now. */
  now?: () => number
  /** Wall clock in ms for rule evaluation (`timestamp`, `for_seconds`). Default: Date.now. */
  clock?: () => number
  /** Version shown in the OpenAPI document. */
  version?: string
}

const StatsSchema = v.object({
  requests: v.object({
    total: v.number(),
    by_status: v.record(v.string(), v.number()),
  }),
  cache: v.record(v.string(), v.unknown()),
  uptime_seconds: v.number(),
})

/**
 * A JSON answer is scrubbed of the secrets of the entities the route served: a 200 can carry
 * text an adapter wrote (a snapshot's or a context's `errors`), and an adapter may quote its
 * own token there. Only routes that remembered secrets pay for the re-read.
 */
async function scrubResponse(res: Response, secrets: readonly string[]): Promise<Response> {
  if (!res.body || !/\bjson\b/i.test(res.headers.get('content-type') ?? '')) return res
  // Only routes without secrets are compressed; a compressed body is never read as text here.
  if (res.headers.has('content-encoding')) return res
  const clean = scrubSecretValues(await res.text(), secrets)
  const headers = new Headers(res.headers)
  headers.delete('content-length')
  return new Response(clean, { status: res.status, statusText: res.statusText, headers })
}

/**
 * Whether the request says where a browser page comes from (Origin): only those may need CORS.
 * Node's own header record is read when the server passes it, which spares building a Headers
 * object for a request that never reads one.
 */
function fromBrowser(request: Request, bindings: ApiEnv['Bindings']): boolean {
  const headers = bindings.incoming?.headers
  return headers ? headers.origin !== undefined : request.headers.has('origin')
}

/** A describeRoute middleware: it only documents its route (hono-openapi reads its spec). */
function isDescription(handler: unknown): boolean {
  const openapi = (handler as { [uniqueSymbol]?: { spec?: unknown } })[uniqueSymbol]
  return openapi?.spec !== undefined
}

/**
 * The whole HTTP surface as a Hono app: pure wiring, no listening socket (test it with
 * `app.request()`), no environment reads.
 */
const BODYLESS_METHODS = new Set(['GET', 'HEAD'])

export function createApp(options: CreateAppOptions): Hono<ApiEnv> {
  const { services } = options
  const logger = options.logger ?? createLogger()
  const now = options.now ?? (() => performance.now())
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  const startedAt = now()
  const counts = { total: 0, by_status: {} as Record<string, number> }
  const metrics =
    options.metrics ??
    createMetrics({
      services,
      loop: options.loop.loop,
      ...(options.cacheStats ? { cacheStats: options.cacheStats } : {}),
    })

  const app = new Hono<ApiEnv>({ strict: false })

  const limitBody = bodyLimit({
    maxSize: bodyLimitBytes,
    onError: () => {
      throw new ApiError(413, `Request body too large: the limit is ${bodyLimitBytes} bytes`)
    },
  })
  const allowCors = cors({
    origin: '*',
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After', 'X-Edge-Mining-Stale', 'X-Edge-Mining-Data-Age', 'Age'],
  })
  /**
   * Body limit, then CORS, then the routes — for the requests that need them (see `fetch`
   * below). Reading the body stream makes @hono/node-server build a full Request, and Hono's
   * cors sets headers before the handler runs, which turns every response into a full Response
   * object.
   */
  const guard: MiddlewareHandler<ApiEnv> = (c, next) => {
    // A request the guard refuses (413) never reaches its route's handlers: name the route here.
    const route = routePath(c, -1)
    if (!route.endsWith('*')) c.env.trace.route = route
    const routes: Next = c.req.header('origin')
      ? async () => {
          // A preflight is answered by cors itself, without the routes.
          const preflight = await allowCors(c, next)
          if (preflight instanceof Response) c.res = preflight
        }
      : next
    return BODYLESS_METHODS.has(c.req.method) ? routes() : limitBody(c, routes)
  }

  // The two answers that grow with time (the charts' history, the log's pages) go compressed
  // to clients that accept it; small answers and the event stream stay as they are.
  const compressLarge = compress({ threshold: 2048 })
  app.use('/api/v1/history', compressLarge)
  app.use('/api/v1/decisions', compressLarge)

  if (options.apiToken) {
    const auth = bearerAuth(options.apiToken)
    app.use('/api/v1/*', auth)
    app.use('/metrics', auth)
  }

  const answerError: ErrorHandler<ApiEnv> = (error, c) => {
    const failure = toHttpFailure(error)
    const detail = scrub(failure.detail, secretsOf(c))
    if (failure.unexpected) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      logger.error(
        `Unexpected error on ${c.req.method} ${c.req.path}: ${scrub(text, secretsOf(c))}`,
      )
    }
    return c.json({ detail }, failure.status as 400, failure.headers)
  }
  const answerNotFound: NotFoundHandler<ApiEnv> = (c) => c.json({ detail: 'Not Found' }, 404)
  app.onError(answerError)
  app.notFound(answerNotFound)

  app.get(
    '/health',
    describeRoute({
      tags: ['system'],
      summary: 'Liveness (never needs the token)',
      responses: { 200: jsonResponse('Alive', HealthSchema) },
    }),
    (c) => c.json({ status: 'ok' as const }),
  )

  app.get(
    '/metrics',
    describeRoute({
      tags: ['system'],
      summary: 'Prometheus metrics (text exposition format)',
      responses: {
        200: {
          description: 'Pool, miner, energy, decision, cycle, cache and HTTP metrics',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    }),
    async (c) =>
      c.body(await metrics.registry.metrics(), 200, {
        'content-type': metrics.registry.contentType,
      }),
  )

  app.get(
    '/api/v1/system/stats',
    describeRoute({
      tags: ['system'],
      summary: 'Request counts and pool-data cache statistics (JSON)',
      responses: { 200: jsonResponse('Counters', StatsSchema) },
    }),
    (c) =>
      c.json({
        requests: { total: counts.total, by_status: { ...counts.by_status } },
        cache: { ...(options.cacheStats?.() ?? {}) },
        uptime_seconds: Math.round((now() - startedAt) / 1000),
      }),
  )

  const energy = createEnergyAdapterRoutes(services)
  app.route('/api/v1/mining-performance-trackers', createTrackerRoutes(services))
  app.route('/api/v1/miners', createMinerRoutes(services, options.loop))
  app.route('/api/v1/miner-controllers', createMinerControllerRoutes(services))
  app.route('/api/v1/energy-sources', createEnergySourceRoutes(services))
  app.route('/api/v1/energy-monitors', energy.monitors)
  app.route('/api/v1/forecast-providers', energy.forecasts)
  app.route('/api/v1/notifiers', createNotifierRoutes(services))
  app.route('/api/v1/external-services', createExternalServiceRoutes(services))
  app.route('/api/v1/policies', createPolicyRoutes(services))
  app.route('/api/v1/optimization-units', createUnitRoutes(services, options.loop))
  app.route('/api/v1', createLoopRoutes(services, options.loop))
  app.route('/api/v1/system', createSettingsRoutes(services))
  app.route('/api/v1/rule-engine', createRuleEngineRoutes({ now: options.clock ?? Date.now }))
  app.route('/api/v1/decisional-context', createContextRoutes())
  app.route('/docs', createDocsRoutes())
  app.route('/', createDashboardRoutes({ now: options.loop.now }))

  app.get(
    '/openapi.json',
    openAPIRouteHandler(app, {
      documentation: {
        openapi: '3.1.0',
        info: {
          title: 'Edge Mining API',
          version: options.version ?? '0.1.0',
          description:
            'Edge Mining: miners, energy, policies, optimization units, notifiers, pool trackers and the rule engine. Errors are {"detail": "…"}; secrets are write-only.',
        },
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description: 'API_TOKEN, when the server sets one',
            },
          },
        },
        ...(options.apiToken ? { security: [{ bearer: [] }] } : {}),
      },
      // Validation failures are documented per route as 422 {"detail"}, not the library's 400 shape.
      defaultValidationErrorResponse: false,
      exclude: ['/docs', '/docs/assets/init.js', '/docs/assets/{name}', '/openapi.json'],
    }),
  )

  // `app` holds the routes as written, descriptions included, for /openapi.json. `served`
  // holds the same handlers without the describeRoute steps, which only document: each step
  // is one more promise per request, and a route whose one handler answers synchronously
  // (/health, the listings) is written back in the same tick.
  const served = new Hono<ApiEnv>({ strict: false, router: createMemoRouter() })
  served.onError(answerError)
  served.notFound(answerNotFound)
  for (const { method, path, handler } of app.routes) {
    if (isDescription(handler)) continue
    if (method === METHOD_NAME_ALL) {
      served.on(method, path, handler)
      continue
    }
    // A route's own handlers name its pattern for the counters (a middleware's '*' does not).
    served.on(method, path, (c: Context<ApiEnv>, next: Next) => {
      c.env.trace.route = path
      return handler(c, next)
    })
  }
  // The same routes behind the guard, for requests with a body or from a browser.
  const guarded = new Hono<ApiEnv>({ strict: false, router: createMemoRouter() })
  guarded.onError(answerError)
  guarded.notFound(answerNotFound)
  guarded.use('*', guard)
  guarded.route('/', served)

  /** Counts and logs one answered request (after scrubbing the secrets it served). */
  const finish = (request: Request, res: Response, trace: RequestTrace, started: number) => {
    const status = res.status
    counts.total += 1
    counts.by_status[status] = (counts.by_status[status] ?? 0) + 1
    // The matched pattern, never the path itself: ids and typos would make labels unbounded.
    metrics.countRequest(request.method, trace.route ?? 'unmatched', status)
    if (logsRequest(logger, status)) {
      logRequest(logger, {
        method: request.method,
        path: scrub(app.getPath(request), trace.secrets),
        status,
        ms: Math.round((now() - started) * 10) / 10,
      })
    }
    return res
  }

  /**
   * The request log, the counters and the secret scrubber live here, around the router rather
   * than in a middleware, for the same reason. Requests that carry a body or come from a
   * browser (Origin) take the guarded routes.
   */
  const serveRoutes = served.fetch
  const serveGuarded = guarded.fetch
  const complete = (request: Request, res: Response, trace: RequestTrace, started: number) =>
    trace.secrets.length > 0
      ? scrubResponse(res, trace.secrets).then((clean) => finish(request, clean, trace, started))
      : finish(request, res, trace, started)
  app.fetch = (request, env, executionCtx) => {
    const started = now()
    const trace: RequestTrace = { secrets: [] }
    // @hono/node-server hands each request its own bindings object ({ incoming, outgoing }): the
    // trace joins it (a spread into a new object costs more than the rest of this function).
    const bindings = (env ?? {}) as ApiEnv['Bindings']
    bindings.trace = trace
    const needsGuard = !BODYLESS_METHODS.has(request.method) || fromBrowser(request, bindings)
    const answer = (needsGuard ? serveGuarded : serveRoutes)(request, bindings, executionCtx)
    return answer instanceof Promise
      ? answer.then((res) => complete(request, res, trace, started))
      : complete(request, answer, trace, started)
  }

  return app
}

export type App = Hono<ApiEnv>
