import {
  DEFAULT_REWARDS_LIMIT,
  MiningPerformanceSnapshotSchema,
  type MiningPerformanceTracker,
  MiningRewardSchema,
  PayoutScheduleSchema,
  PoolStatsSchema,
  PoolWorkerStatsSchema,
} from '@edge-mining/domain'
import type { TrackerService } from '@edge-mining/services'
import { type Context, Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import { createFreshnessRecorder } from '../freshness'
import {
  type ApiEnv,
  ApiError,
  errorResponses,
  jsonResponse,
  requireJsonBody,
  validate,
} from '../http'
import {
  AdapterTypeParamSchema,
  AdapterTypesSchema,
  ConnectivityReportSchema,
  CreateTrackerBodySchema,
  JsonObjectSchema,
  RewardsQuerySchema,
  TrackerIdParamSchema,
  TrackerSchema,
  UpdateTrackerBodySchema,
} from '../schemas'

const tags = ['performance']

const NOT_FOUND = { 404: 'Mining performance tracker not found' }
const BAD_ID = { 422: 'Malformed tracker id (not a UUID)' }
/** Upstream's error map for routes that reach the pool. */
const POOL_ERRORS = {
  ...NOT_FOUND,
  ...BAD_ID,
  401: 'Pool authentication failed',
  429: 'Pool rate-limited and nothing cached: Retry-After says when to ask again',
  502: 'Pool returned an invalid response',
  503: 'Pool unreachable (timeout, network error, 5xx)',
}
const STALE_HEADERS = {
  'X-Edge-Mining-Stale': {
    description: 'true when cached data is served past its TTL because the pool throttles or fails',
    schema: { type: 'string' as const, enum: ['true', 'false'] },
  },
  'X-Edge-Mining-Data-Age': {
    description: 'Age in seconds of the pool data behind the response (also sent as Age)',
    schema: { type: 'integer' as const },
  },
}

function liveResponse(description: string, schema: v.GenericSchema) {
  return { ...jsonResponse(description, schema), headers: STALE_HEADERS }
}

export interface TrackerRoutesOptions {
  trackers: TrackerService
}

/** The 13 upstream endpoints under /api/v1/mining-performance-trackers, plus the snapshot. */
export function createTrackerRoutes({ trackers }: TrackerRoutesOptions) {
  const routes = new Hono<ApiEnv>({ strict: false })
  const toPublic = (tracker: MiningPerformanceTracker) => trackers.toPublic(tracker)

  /** Loads the tracker (404 when unknown) and remembers its secrets so errors can never echo them. */
  async function load(c: Context<ApiEnv>, id: string) {
    const tracker = await trackers.get(id)
    const secretFields = trackers.registry.get(tracker.adapter_type).secretFields
    c.set(
      'secrets',
      secretFields
        .map((field) => tracker.config[field])
        .filter((value): value is string => typeof value === 'string'),
    )
    return tracker
  }

  async function live(c: Context<ApiEnv>, id: string) {
    await load(c, id)
    return trackers.adapter(id)
  }

  routes.get(
    '/',
    describeRoute({
      tags,
      summary: 'List trackers',
      responses: { 200: jsonResponse('All trackers', v.array(TrackerSchema)) },
    }),
    async (c) => c.json((await trackers.list()).map(toPublic)),
  )

  routes.get(
    '/types',
    describeRoute({
      tags,
      summary: 'Adapter types',
      responses: { 200: jsonResponse('Registered adapter types', AdapterTypesSchema) },
    }),
    (c) => c.json(trackers.registry.types()),
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
    (c) => c.json(trackers.registry.configJsonSchema(c.req.valid('param').adapter_type)),
  )

  routes.get(
    '/types/:adapter_type/external-services',
    describeRoute({
      tags,
      summary: 'External services an adapter type can use (none: null)',
      responses: {
        200: jsonResponse('Always null for trackers', v.null()),
        ...errorResponses({ 422: 'Unknown adapter type' }),
      },
    }),
    validate('param', AdapterTypeParamSchema),
    (c) => {
      trackers.registry.get(c.req.valid('param').adapter_type)
      return c.json(null)
    },
  )

  routes.post(
    '/',
    describeRoute({
      tags,
      summary: 'Create a tracker (201)',
      responses: {
        201: jsonResponse('The created tracker', TrackerSchema),
        ...errorResponses({
          400: 'Missing or invalid config (names the field), malformed JSON',
          415: 'Body is not JSON',
          422: 'Wrong field types or unknown adapter type',
        }),
      },
    }),
    requireJsonBody,
    validate('json', CreateTrackerBodySchema),
    async (c) => {
      const body = c.req.valid('json')
      const tracker = await trackers.create({
        name: body.name,
        adapter_type: body.adapter_type,
        config: body.config,
        external_service_id: body.external_service_id,
      })
      return c.json(toPublic(tracker), 201)
    },
  )

  routes.get(
    '/:tracker_id',
    describeRoute({
      tags,
      summary: 'Get a tracker',
      responses: {
        200: jsonResponse('The tracker', TrackerSchema),
        ...errorResponses({ ...NOT_FOUND, ...BAD_ID }),
      },
    }),
    validate('param', TrackerIdParamSchema),
    async (c) => c.json(toPublic(await load(c, c.req.valid('param').tracker_id))),
  )

  routes.put(
    '/:tracker_id',
    describeRoute({
      tags,
      summary: 'Update a tracker (fields left out are kept; secrets left out are kept)',
      responses: {
        200: jsonResponse('The updated tracker', TrackerSchema),
        ...errorResponses({
          ...NOT_FOUND,
          400: 'Invalid config (names the field), malformed JSON',
          415: 'Body is not JSON',
          422: 'Malformed id or wrong field types',
        }),
      },
    }),
    validate('param', TrackerIdParamSchema),
    requireJsonBody,
    validate('json', UpdateTrackerBodySchema),
    async (c) => {
      const { tracker_id } = c.req.valid('param')
      await load(c, tracker_id)
      const body = c.req.valid('json')
      const updated = await trackers.update(tracker_id, {
        name: body.name,
        config: body.config,
        external_service_id: body.external_service_id,
      })
      return c.json(toPublic(updated))
    },
  )

  routes.delete(
    '/:tracker_id',
    describeRoute({
      tags,
      summary: 'Delete a tracker (answers the deleted tracker)',
      responses: {
        200: jsonResponse('The deleted tracker', TrackerSchema),
        ...errorResponses({ ...NOT_FOUND, ...BAD_ID }),
      },
    }),
    validate('param', TrackerIdParamSchema),
    async (c) => {
      const { tracker_id } = c.req.valid('param')
      await load(c, tracker_id)
      return c.json(toPublic(await trackers.remove(tracker_id)))
    },
  )

  routes.post(
    '/:tracker_id/test',
    describeRoute({
      tags,
      summary: 'Test connectivity: asks the pool for the current hash rate',
      responses: {
        200: liveResponse('What the pool answered and how long it took', ConnectivityReportSchema),
        ...errorResponses(POOL_ERRORS),
      },
    }),
    validate('param', TrackerIdParamSchema),
    async (c) => {
      const { tracker_id } = c.req.valid('param')
      await load(c, tracker_id)
      const report = await trackers.test(tracker_id)
      const freshness = createFreshnessRecorder()
      freshness.record(report.status === 'stale', report.data_age_seconds)
      freshness.apply(c)
      return c.json(report)
    },
  )

  routes.get(
    '/:tracker_id/stats',
    describeRoute({
      tags,
      summary: 'Pool statistics of the account',
      responses: {
        200: liveResponse('Pool statistics', PoolStatsSchema),
        ...errorResponses(POOL_ERRORS),
      },
    }),
    validate('param', TrackerIdParamSchema),
    async (c) => {
      const port = await live(c, c.req.valid('param').tracker_id)
      const freshness = createFreshnessRecorder()
      const stats = await port.getPoolStats({ onFreshness: freshness.onFreshness })
      if (!stats) throw new ApiError(502, 'Pool returned no statistics')
      freshness.apply(c)
      return c.json(stats)
    },
  )

  routes.get(
    '/:tracker_id/workers',
    describeRoute({
      tags,
      summary: 'Workers of the account',
      responses: {
        200: liveResponse('Workers', v.array(PoolWorkerStatsSchema)),
        ...errorResponses(POOL_ERRORS),
      },
    }),
    validate('param', TrackerIdParamSchema),
    async (c) => {
      const port = await live(c, c.req.valid('param').tracker_id)
      const freshness = createFreshnessRecorder()
      const workers = await port.getWorkerStats({ onFreshness: freshness.onFreshness })
      freshness.apply(c)
      return c.json(workers)
    },
  )

  routes.get(
    '/:tracker_id/rewards',
    describeRoute({
      tags,
      summary: 'Recent rewards, newest first',
      responses: {
        200: liveResponse('Rewards', v.array(MiningRewardSchema)),
        ...errorResponses({ ...POOL_ERRORS, 422: 'Malformed id, or limit not in 1–500' }),
      },
    }),
    validate('param', TrackerIdParamSchema),
    validate('query', RewardsQuerySchema),
    async (c) => {
      const port = await live(c, c.req.valid('param').tracker_id)
      const limit = c.req.valid('query').limit ?? DEFAULT_REWARDS_LIMIT
      const freshness = createFreshnessRecorder()
      const rewards = await port.getRecentRewards(limit, { onFreshness: freshness.onFreshness })
      freshness.apply(c)
      return c.json(rewards)
    },
  )

  routes.get(
    '/:tracker_id/payout-schedule',
    describeRoute({
      tags,
      summary: 'Payout schedule',
      responses: {
        200: liveResponse('Payout schedule', PayoutScheduleSchema),
        ...errorResponses(POOL_ERRORS),
      },
    }),
    validate('param', TrackerIdParamSchema),
    async (c) => {
      const port = await live(c, c.req.valid('param').tracker_id)
      const freshness = createFreshnessRecorder()
      const schedule = await port.getPayoutSchedule({ onFreshness: freshness.onFreshness })
      if (!schedule) throw new ApiError(502, 'Pool returned no payout schedule')
      freshness.apply(c)
      return c.json(schedule)
    },
  )

  routes.get(
    '/:tracker_id/snapshot',
    describeRoute({
      tags,
      summary: 'Full snapshot with derived fields; a failed part is listed in errors',
      responses: {
        200: liveResponse('Snapshot', MiningPerformanceSnapshotSchema),
        ...errorResponses({ ...NOT_FOUND, ...BAD_ID }),
      },
    }),
    validate('param', TrackerIdParamSchema),
    async (c) => {
      const { tracker_id } = c.req.valid('param')
      await load(c, tracker_id)
      const snapshot = await trackers.buildSnapshot(tracker_id)
      const freshness = createFreshnessRecorder()
      freshness.record(snapshot.stale, snapshot.data_age_seconds)
      freshness.apply(c)
      return c.json(snapshot)
    },
  )

  return routes
}
