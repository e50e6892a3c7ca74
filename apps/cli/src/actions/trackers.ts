import type { AdapterEntity, Freshness } from '@edge-mining/domain'
import { MAX_REWARDS_LIMIT } from '@edge-mining/domain'
import type { TrackerService } from '@edge-mining/services'
import type { CommandData, Invocation } from '../command-kit'
import { CliError, UsageError } from '../errors'
import {
  formatDuration,
  freshnessLine,
  renderPayout,
  renderRewards,
  renderSnapshot,
  renderStats,
  renderWorkers,
} from '../format'
import { adapterGroup } from '../kinds'
import { emit, setup } from '../output'
import { adapterEntity } from './adapters'

/** Sums up what a call's pool data was: the oldest age, stale if any part was. */
export function createFreshnessRecorder() {
  const seen: Freshness[] = []
  return {
    onFreshness: (freshness: Freshness) => {
      seen.push(freshness)
    },
    summary() {
      if (seen.length === 0) return null
      return {
        stale: seen.some((f) => f.stale),
        age_seconds: Math.max(...seen.map((f) => f.age_seconds)),
        from_cache: seen.every((f) => f.from_cache === true),
      }
    },
  }
}

function parseLimit(raw: unknown): number {
  const text = raw === undefined ? '10' : String(raw)
  const limit = Number(text)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REWARDS_LIMIT) {
    throw new UsageError(
      `--limit: expected a whole number from 1 to ${MAX_REWARDS_LIMIT}, got "${text}"`,
    )
  }
  return limit
}

export type ViewName = 'stats' | 'workers' | 'rewards' | 'payout' | 'snapshot'

export interface View {
  /** What `--json` prints: the API's response shape. */
  value: unknown
  render(): string
  freshness: { stale: boolean; age_seconds: number; from_cache: boolean } | null
}

/** Asks the tracker's pool (through the shared cache) for one view, with a spinner. */
export async function loadView(
  data: CommandData,
  trackers: TrackerService,
  tracker: AdapterEntity,
  name: ViewName,
  limit = 10,
): Promise<View> {
  const recorder = createFreshnessRecorder()
  const calling = <T>(task: () => Promise<T>): Promise<T> =>
    data.terminal.spin(`Asking the pool for ${tracker.name}…`, task)
  const nowMs = data.now()
  const view = (value: unknown, render: () => string): View => ({
    value,
    render,
    freshness: recorder.summary(),
  })
  if (name === 'snapshot') {
    const snapshot = await calling(() => trackers.buildSnapshot(tracker.id))
    return view(snapshot, () => renderSnapshot(snapshot, nowMs))
  }
  const port = trackers.adapter(tracker.id)
  switch (name) {
    case 'stats': {
      const stats = await calling(() => port.getPoolStats(recorder))
      if (stats === null) throw new CliError('Pool returned no statistics')
      return view(stats, () => renderStats(stats, nowMs))
    }
    case 'workers': {
      const workers = await calling(() => port.getWorkerStats(recorder))
      return view(workers, () => renderWorkers(workers, nowMs))
    }
    case 'rewards': {
      const rewards = await calling(() => port.getRecentRewards(limit, recorder))
      return view(rewards, () => renderRewards(rewards, nowMs))
    }
    case 'payout': {
      const schedule = await calling(() => port.getPayoutSchedule(recorder))
      if (schedule === null) throw new CliError('Pool returned no payout schedule')
      return view(schedule, () => renderPayout(schedule, nowMs))
    }
  }
}

/** Prints a view: JSON or tables, then a word on freshness (stale data always flagged, on stderr). */
export function printView(data: CommandData, view: View, json: boolean): void {
  const { terminal } = data
  emit(data, json, view.value, view.render)
  if (view.freshness?.stale) {
    terminal.logger.warn(
      `Pool data is stale: ${formatDuration(view.freshness.age_seconds)} old (the pool is not answering)`,
    )
  } else if (!json) {
    const line = freshnessLine(view.freshness, terminal.paint)
    if (line) terminal.stdout.write(`${line}\n`)
  }
}

/** Asks the pool now and says how it went. */
export async function testTracker(
  data: CommandData,
  trackers: TrackerService,
  tracker: AdapterEntity,
  json: boolean,
): Promise<void> {
  const { terminal } = data
  const report = await terminal.spin(`Testing ${tracker.name}…`, () => trackers.test(tracker.id))
  if (json) emit(data, true, report, () => '')
  else if (report.status === 'stale') terminal.logger.warn(report.message)
  else terminal.logger.success(`${report.message} (${report.latency_ms} ms)`)
}

/** `trackers test|stats|workers|rewards|payout|snapshot TRACKER`. */
export async function runDataCommand(name: string, invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const limit = name === 'rewards' ? parseLimit(invocation.args.limit) : 10
  const { entity } = adapterEntity(services, adapterGroup('mining_performance_tracker'), invocation)
  if (name === 'test') return testTracker(data, services.trackers, entity, json)
  printView(data, await loadView(data, services.trackers, entity, name as ViewName, limit), json)
}
