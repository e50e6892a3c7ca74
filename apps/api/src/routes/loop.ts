import type { EdgeMiningEvent, Services } from '@edge-mining/services'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { describeRoute } from 'hono-openapi'
import * as v from 'valibot'
import { type ApiEnv, ApiError, errorResponses, jsonResponse, validate } from '../http'
import type { LoopControl } from '../loop-control'
import { UuidSchema } from '../schemas'

const tags = ['loop']

const DecisionsQuerySchema = v.object({
  unit_id: v.optional(UuidSchema),
  miner_id: v.optional(UuidSchema),
  since: v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp('expected an ISO-8601 timestamp such as 2026-12-01T10:00:00Z'),
      v.transform((text) => new Date(text).toISOString()),
    ),
  ),
  before_id: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'expected a whole number'), v.transform(Number)),
  ),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, 'expected a whole number from 1 to 1000'),
      v.transform(Number),
      v.minValue(1, 'expected a whole number from 1 to 1000'),
      v.maxValue(1000, 'expected a whole number from 1 to 1000'),
    ),
  ),
})

const DecisionSchema = v.record(v.string(), v.unknown())
const DecisionsResponseSchema = v.object({
  decisions: v.array(DecisionSchema),
  /** Pass as before_id for the next (older) page; null on the last page. */
  next_before_id: v.nullable(v.number()),
})

const isoInstant = v.pipe(
  v.string(),
  v.isoTimestamp('expected an ISO-8601 timestamp such as 2026-12-01T10:00:00Z'),
  v.transform((text) => Date.parse(text)),
)

const HistoryQuerySchema = v.object({
  series: v.pipe(
    v.string(),
    v.maxLength(4000),
    v.description(
      'Comma-separated series: unit:<id>:production, miner:<id>:power, tracker:<id>:hashrate…',
    ),
  ),
  from: v.optional(v.pipe(isoInstant, v.description('Start (default: 24 h before `to`)'))),
  to: v.optional(v.pipe(isoInstant, v.description('End (default: now)'))),
  step: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,7}$/, 'expected a whole number of seconds'),
      v.transform(Number),
      v.minValue(1, 'expected at least 1 second'),
      v.description('Seconds per point (default: the range in about 500 points)'),
    ),
  ),
})

const HistoryResponseSchema = v.object({
  from: v.string(),
  to: v.string(),
  step_seconds: v.number(),
  series: v.array(
    v.object({
      series: v.string(),
      unit: v.nullable(v.string()),
      points: v.array(v.tuple([v.string(), v.number()])),
    }),
  ),
})

const EventsQuerySchema = v.object({
  topics: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(500),
      v.description('Comma-separated topic globs (*, ?, [..]); default every topic'),
    ),
  ),
})

/** The topics the events stream carries (upstream's WebSocket topics, §6.2). */
export const EVENT_TOPICS = [
  'config.updated',
  'energy.state',
  'miner.state',
  'policy.context',
  'rule.engaged',
] as const

const HEARTBEAT_MS = 15_000

/** fnmatch-style glob → RegExp: `*` any run, `?` one character, `[…]` a class. */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] ?? ''
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else if (char === '[') {
      const end = glob.indexOf(']', index + 1)
      if (end < 0) source += '\\['
      else {
        const body = glob
          .slice(index + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')
        source += `[${body}]`
        index = end
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/**
 * `POST /api/v1/evaluate` (one cycle now), `GET /api/v1/decisions` (the decision log),
 * `GET /api/v1/events` (Server-Sent Events with upstream's topics and payloads).
 */
export function createLoopRoutes(services: Services, control: LoopControl) {
  const { loop } = control
  const routes = new Hono<ApiEnv>({ strict: false })

  routes.post(
    '/evaluate',
    describeRoute({
      tags,
      summary: 'Run one cycle now (joins a running one) and answer what it decided',
      responses: {
        200: jsonResponse(
          'The cycle: per unit, per miner, the plan and how it was carried out',
          v.record(v.string(), v.unknown()),
        ),
        ...errorResponses({ 409: 'Another server runs the decision loop on this database' }),
      },
    }),
    async (c) => {
      const report = await control.runCycle()
      if (report === null) {
        throw new ApiError(409, 'Another server runs the decision loop on this database; ask it')
      }
      return c.json({ message: 'All optimization units run successfully.', ...report })
    },
  )

  routes.get(
    '/decisions',
    describeRoute({
      tags,
      summary: 'The decision log, newest first: every action, failure, change of decision or hold',
      responses: {
        200: jsonResponse(
          'A page of entries, and where the next one starts',
          DecisionsResponseSchema,
        ),
        ...errorResponses({ 422: 'A bad filter (the detail names it)' }),
      },
    }),
    validate('query', DecisionsQuerySchema),
    (c) => {
      const query = c.req.valid('query')
      const limit = query.limit ?? 50
      const decisions = loop.decisions({
        ...(query.unit_id ? { unit_id: query.unit_id.toLowerCase() } : {}),
        ...(query.miner_id ? { miner_id: query.miner_id.toLowerCase() } : {}),
        ...(query.since ? { since: query.since } : {}),
        ...(query.before_id !== undefined ? { before_id: query.before_id } : {}),
        limit,
      })
      const last = decisions.at(-1)
      return c.json({
        decisions,
        next_before_id: decisions.length === limit && last ? last.id : null,
      })
    },
  )

  routes.get(
    '/history',
    describeRoute({
      tags,
      summary:
        'Readings over time, averaged per step: every reading is kept 24 h, 1-minute averages 7 days, 15-minute averages 90 days',
      responses: {
        200: jsonResponse('Per series: its unit and [time, average] points', HistoryResponseSchema),
        ...errorResponses({
          422: 'A bad series name, time or step (the detail names it)',
          503: 'No history here',
        }),
      },
    }),
    validate('query', HistoryQuerySchema),
    (c) => {
      const history = services.history
      if (!history) throw new ApiError(503, 'This server keeps no history')
      const query = c.req.valid('query')
      const to = query.to ?? control.now()
      return c.json(
        history.query({
          series: query.series
            .split(',')
            .map((name) => name.trim().toLowerCase())
            .filter(Boolean),
          from: query.from ?? to - 86_400_000,
          to,
          ...(query.step ? { step: query.step } : {}),
        }),
      )
    },
  )

  routes.get(
    '/events',
    describeRoute({
      tags,
      summary:
        'Server-Sent Events: config.updated, energy.state, policy.context, rule.engaged, miner.state (?topics= globs), heartbeats every 15 s',
      responses: {
        200: { description: 'text/event-stream; each event is {"topic", "payload"}' },
        ...errorResponses({ 422: 'Bad topics' }),
      },
    }),
    validate('query', EventsQuerySchema),
    (c) => {
      const globs = (c.req.valid('query').topics ?? '*')
        .split(',')
        .map((glob) => glob.trim())
        .filter(Boolean)
        .map(globToRegExp)
      const wanted = (topic: string) => globs.some((glob) => glob.test(topic))
      return streamSSE(c, async (stream) => {
        const queue: EdgeMiningEvent[] = []
        let wake: (() => void) | null = null
        const unsubscribe = services.events.subscribe((event) => {
          if (!wanted(event.topic)) return
          // A slow client only delays itself: its own queue, bounded.
          if (queue.length < 1000) queue.push(event)
          wake?.()
        })
        let open = true
        let timer: ReturnType<typeof setTimeout> | undefined
        stream.onAbort(() => {
          open = false
          clearTimeout(timer)
          wake?.()
        })
        try {
          await stream.writeSSE({
            event: 'ready',
            data: JSON.stringify({ topics: EVENT_TOPICS.filter(wanted) }),
          })
          while (open) {
            const event = queue.shift()
            if (event) {
              await stream.writeSSE({
                event: event.topic,
                data: JSON.stringify({ topic: event.topic, payload: event.payload, at: event.at }),
              })
              continue
            }
            await new Promise<void>((resolve) => {
              wake = resolve
              timer = setTimeout(resolve, HEARTBEAT_MS)
            })
            clearTimeout(timer)
            wake = null
            if (open && queue.length === 0) await stream.write(': heartbeat\n\n')
          }
        } finally {
          unsubscribe()
        }
      })
    },
  )

  return routes
}
