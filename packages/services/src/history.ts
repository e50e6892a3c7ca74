import {
  type HistoryPoint,
  type HistoryRepository,
  type HistorySeries,
  InvalidValueError,
  type Logger,
  type MinerStatus,
  type MiningDecision,
  type MiningPerformanceSnapshot,
  type Platform,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { messageOf, parseInput } from './common'
import type { CycleObservation } from './loop'

const DAY_MS = 86_400_000
/** The 7-day average is taken from our history only when it covers at least 6 of the 7 days. */
const MIN_7D_COVERAGE_MS = 6 * DAY_MS
/** At most this many points per series in one answer (a chart needs no more). */
const MAX_POINTS = 5000

/** Series names and their units: `unit:<id>:production`, `miner:<id>:power`, … */
export const HISTORY_SERIES = {
  unit: {
    production: 'W',
    consumption: 'W',
    surplus_power: 'W',
    battery_soc: '%',
    battery_power: 'W',
    grid_power: 'W',
  },
  miner: { status: 'status', power: 'W', hashrate: 'TH/s', decision: 'decision' },
  tracker: {
    hashrate: 'TH/s',
    unpaid: 'sats',
    workers_online: 'workers',
    payout_progress: 'ratio',
  },
} as const

/** How a status is charted: on 1, starting/stopping ½, off 0, error −1 (unknown: no point). */
const STATUS_VALUE: Partial<Record<MinerStatus, number>> = {
  on: 1,
  starting: 0.5,
  stopping: 0.5,
  off: 0,
  error: -1,
}
const DECISION_VALUE: Record<MiningDecision, number> = {
  start_mining: 1,
  maintain_state: 0,
  stop_mining: -1,
}

const SeriesName = v.pipe(
  v.string(),
  v.regex(
    /^(unit|miner|tracker):[0-9a-f-]{36}:[a-z_]+$/,
    'expected a series such as unit:<id>:production, miner:<id>:power or tracker:<id>:hashrate',
  ),
)

export const HistoryQueryInputSchema = v.object({
  series: v.pipe(v.array(SeriesName), v.minLength(1, 'name at least one series'), v.maxLength(50)),
  from: v.number(),
  to: v.number(),
  /** Seconds per point. */
  step: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'expected at least 1 second'))),
})

export interface HistoryAnswer {
  from: string
  to: string
  step_seconds: number
  series: { series: string; unit: string | null; points: [string, number][] }[]
}

export interface HistoryService {
  /** What one cycle read, as points (called by the loop's observer). */
  pointsOf(observation: CycleObservation): HistoryPoint[]
  record(observation: CycleObservation): void
  query(input: unknown): HistoryAnswer
  /** The pool's 7-day average, or one from our history (≥ 6 days covered), or null. */
  fillSevenDayAverage(
    trackerId: string,
    snapshot: MiningPerformanceSnapshot,
  ): MiningPerformanceSnapshot
  /** Deletes what is past each tier's retention in small batches, yielding between them. */
  prune(): Promise<number>
}

function unitOf(series: string): string | null {
  const [kind, , name] = series.split(':')
  const table = HISTORY_SERIES[kind as keyof typeof HISTORY_SERIES] as
    | Record<string, string>
    | undefined
  return table?.[name ?? ''] ?? null
}

/**
 * The history the dashboard charts: written from every cycle (energy per unit; status, power,
 * hash rate and decision per miner; hash rate, unpaid balance, workers and payout progress per
 * tracker), averaged into 1-minute and 15-minute tiers as it is written (storage keeps every
 * reading 24 h, minutes 7 days, quarter hours 90 days), pruned in the background.
 */
export function createHistoryService(options: {
  repository: HistoryRepository
  platform: Platform
  logger: Logger
}): HistoryService {
  const { repository, platform, logger } = options

  function pointsOf(observation: CycleObservation): HistoryPoint[] {
    const points: HistoryPoint[] = []
    const add = (series: string, at: number, value: number | null | undefined) => {
      if (typeof value === 'number' && Number.isFinite(value)) points.push({ series, at, value })
    }
    for (const { unit, reading, miners } of observation.units) {
      const at = reading.at
      const energy = reading.energyState
      const key = (name: string) => `unit:${unit.id}:${name}`
      add(key('production'), at, energy?.production)
      add(key('consumption'), at, energy?.consumption?.current_power)
      if (energy?.production != null && energy.consumption?.current_power != null) {
        add(key('surplus_power'), at, energy.production - energy.consumption.current_power)
      }
      add(key('battery_soc'), at, energy?.battery?.state_of_charge)
      add(key('battery_power'), at, energy?.battery?.current_power)
      add(key('grid_power'), at, energy?.grid?.current_power)
      const plans = observation.report.units.find((report) => report.unit_id === unit.id)?.miners
      for (const { miner, state } of miners) {
        const series = (name: string) => `miner:${miner.id}:${name}`
        add(series('status'), at, state ? STATUS_VALUE[state.status] : undefined)
        add(series('power'), at, state?.power_consumption)
        add(series('hashrate'), at, state?.hash_rate?.value)
        const plan = plans?.find((candidate) => candidate.miner_id === miner.id)
        add(series('decision'), at, plan ? DECISION_VALUE[plan.decision] : undefined)
      }
    }
    const at = Date.parse(observation.report.started_at)
    for (const { tracker_id, snapshot } of observation.snapshots) {
      if (!snapshot) continue
      const series = (name: string) => `tracker:${tracker_id}:${name}`
      add(
        series('hashrate'),
        at,
        snapshot.current_hashrate?.value ?? snapshot.pool_stats?.current_hashrate?.value,
      )
      add(series('unpaid'), at, snapshot.pool_stats?.unpaid_balance)
      add(series('workers_online'), at, snapshot.workers_online)
      add(series('payout_progress'), at, snapshot.payout_progress)
    }
    return points
  }

  return {
    pointsOf,
    record(observation) {
      try {
        repository.record(pointsOf(observation))
      } catch (error) {
        // History is for charts: a failing write must not fail the cycle.
        logger.warn(`History not recorded: ${messageOf(error)}`)
      }
    },
    query(input) {
      const body = parseInput(HistoryQueryInputSchema, input)
      if (!(body.to > body.from)) throw new InvalidValueError('to', body.to, 'a time after from')
      const span = body.to - body.from
      // Default step: the range in at most ~500 points, at least a second.
      const stepMs = (body.step ?? Math.max(1, Math.ceil(span / 500 / 1000))) * 1000
      const points = Math.ceil(span / stepMs)
      if (points > MAX_POINTS) {
        throw new InvalidValueError(
          'step',
          body.step,
          `a step giving at most ${MAX_POINTS} points (${Math.round(stepMs / 1000)} s gives ${points})`,
        )
      }
      const answered: HistorySeries[] = repository.query({
        series: body.series,
        from: body.from,
        to: body.to,
        stepMs,
        now: platform.now(),
      })
      return {
        from: new Date(body.from).toISOString(),
        to: new Date(body.to).toISOString(),
        step_seconds: stepMs / 1000,
        series: answered.map(({ series, points: values }) => ({
          series,
          unit: unitOf(series),
          points: values.map(([at, value]) => [
            new Date(at).toISOString(),
            Math.round(value * 1000) / 1000,
          ]),
        })),
      }
    },
    fillSevenDayAverage(trackerId, snapshot) {
      const stats = snapshot.pool_stats
      if (!stats || stats.average_hashrate_7d) return snapshot
      const now = platform.now()
      const average = repository.average(`tracker:${trackerId}:hashrate`, now - 7 * DAY_MS, now)
      if (!average || average.covered_ms < MIN_7D_COVERAGE_MS) return snapshot
      return {
        ...snapshot,
        pool_stats: {
          ...stats,
          average_hashrate_7d: { value: Math.round(average.value * 1000) / 1000, unit: 'TH/s' },
        },
        average_hashrate_7d_source: 'history',
      }
    },
    async prune() {
      let removed = 0
      for (;;) {
        const batch = repository.prune(platform.now(), 2000)
        removed += batch
        if (batch < 2000) return removed
        // Let requests and the cycle in between the batches.
        await new Promise<void>((resolve) => platform.setTimeout(resolve, 0))
      }
    },
  }
}
