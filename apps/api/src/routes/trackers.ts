import {
  DEFAULT_REWARDS_LIMIT,
  MiningPerformanceSnapshotSchema,
  MiningRewardSchema,
  PayoutScheduleSchema,
  PoolStatsSchema,
  PoolWorkerStatsSchema,
} from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import type { Context } from 'hono'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import { createFreshnessRecorder } from '../freshness'
import { type ApiEnv, ApiError, errorResponses, jsonResponse, validate } from '../http'
import { ConnectivityReportSchema, RewardsQuerySchema } from '../schemas'
import { createAdapterRoutes } from './adapters'

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

/**
 * /api/v1/mining-performance-trackers: the adapter-kind route set plus upstream's live
 * endpoints (test, stats, workers, rewards, payout schedule) and the snapshot.
 */
export function createTrackerRoutes({ trackers }: Pick<Services, 'trackers'>) {
  return createAdapterRoutes({
    service: trackers,
    tag: 'performance',
    noun: 'mining performance tracker',
    extend(routes, { load, IdParam }) {
      const live = (c: Context<ApiEnv>, id: string) => trackers.adapterFor(load(c, id))

      routes.post(
        '/:id/test',
        describeRoute({
          tags,
          summary: 'Test connectivity: asks the pool for the current hash rate',
          responses: {
            200: liveResponse(
              'What the pool answered and how long it took',
              ConnectivityReportSchema,
            ),
            ...errorResponses(POOL_ERRORS),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const { id } = c.req.valid('param')
          load(c, id)
          const report = await trackers.test(id)
          const freshness = createFreshnessRecorder()
          freshness.record(report.status === 'stale', report.data_age_seconds)
          return freshness.json(report)
        },
      )

      routes.get(
        '/:id/stats',
        describeRoute({
          tags,
          summary: 'Pool statistics of the account',
          responses: {
            200: liveResponse('Pool statistics', PoolStatsSchema),
            ...errorResponses(POOL_ERRORS),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const port = live(c, c.req.valid('param').id)
          const freshness = createFreshnessRecorder()
          const stats = await port.getPoolStats({ onFreshness: freshness.onFreshness })
          if (!stats) throw new ApiError(502, 'Pool returned no statistics')
          return freshness.json(stats)
        },
      )

      routes.get(
        '/:id/workers',
        describeRoute({
          tags,
          summary: 'Workers of the account',
          responses: {
            200: liveResponse('Workers', v.array(PoolWorkerStatsSchema)),
            ...errorResponses(POOL_ERRORS),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const port = live(c, c.req.valid('param').id)
          const freshness = createFreshnessRecorder()
          const workers = await port.getWorkerStats({ onFreshness: freshness.onFreshness })
          return freshness.json(workers)
        },
      )

      routes.get(
        '/:id/rewards',
        describeRoute({
          tags,
          summary: 'Recent rewards, newest first',
          responses: {
            200: liveResponse('Rewards', v.array(MiningRewardSchema)),
            ...errorResponses({ ...POOL_ERRORS, 422: 'Malformed id, or limit not in 1–500' }),
          },
        }),
        validate('param', IdParam),
        validate('query', RewardsQuerySchema),
        async (c) => {
          const port = live(c, c.req.valid('param').id)
          const limit = c.req.valid('query').limit ?? DEFAULT_REWARDS_LIMIT
          const freshness = createFreshnessRecorder()
          const rewards = await port.getRecentRewards(limit, { onFreshness: freshness.onFreshness })
          return freshness.json(rewards)
        },
      )

      routes.get(
        '/:id/payout-schedule',
        describeRoute({
          tags,
          summary: 'Payout schedule',
          responses: {
            200: liveResponse('Payout schedule', PayoutScheduleSchema),
            ...errorResponses(POOL_ERRORS),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const port = live(c, c.req.valid('param').id)
          const freshness = createFreshnessRecorder()
          const schedule = await port.getPayoutSchedule({ onFreshness: freshness.onFreshness })
          if (!schedule) throw new ApiError(502, 'Pool returned no payout schedule')
          return freshness.json(schedule)
        },
      )

      routes.get(
        '/:id/snapshot',
        describeRoute({
          tags,
          summary: 'Full snapshot with derived fields; a failed part is listed in errors',
          responses: {
            200: liveResponse('Snapshot', MiningPerformanceSnapshotSchema),
            ...errorResponses({ ...NOT_FOUND, ...BAD_ID }),
          },
        }),
        validate('param', IdParam),
        async (c) => {
          const { id } = c.req.valid('param')
          load(c, id)
          const snapshot = await trackers.buildSnapshot(id)
          const freshness = createFreshnessRecorder()
          freshness.record(snapshot.stale, snapshot.data_age_seconds)
          return freshness.json(snapshot)
        },
      )
    },
  })
}
