import type { Freshness, MiningPerformanceTracker } from '@edge-mining/domain'
import { MAX_REWARDS_LIMIT, TrackerNotFoundError } from '@edge-mining/domain'
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
  renderTrackerDetails,
  renderTrackers,
  renderWorkers,
} from '../format'
import { configFromFlags, missingRequired, nameTheFlag } from './tracker-flags'

/** JSON on stdout for `--json`, else the human rendering. */
function emit(data: CommandData, json: boolean, value: unknown, human: () => string): void {
  data.terminal.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`)
}

function setup(context: Invocation) {
  const { data } = context
  const json = context.args.json === true
  data.terminal.setJsonMode(json)
  return { data, json, trackers: data.services().trackers }
}

/** A tracker by id, unique id prefix or exact name (case-insensitive). */
export async function findTracker(
  trackers: TrackerService,
  reference: unknown,
): Promise<MiningPerformanceTracker> {
  if (typeof reference !== 'string' || reference.trim() === '') {
    throw new UsageError('Missing tracker: give its id (or a unique id prefix, or its name)')
  }
  const wanted = reference.trim()
  const all = await trackers.list()
  const exact = all.find((tracker) => tracker.id === wanted)
  if (exact) return exact
  const lower = wanted.toLowerCase()
  const matches = all.filter(
    (tracker) => tracker.id.startsWith(lower) || tracker.name.toLowerCase() === lower,
  )
  if (matches.length === 1 && matches[0]) return matches[0]
  if (matches.length > 1) {
    throw new CliError(
      `"${wanted}" matches ${matches.length} trackers (${matches.map((t) => t.id).join(', ')}); give more of the id`,
    )
  }
  throw new TrackerNotFoundError(wanted)
}

export async function list(context: Invocation): Promise<void> {
  const { data, json, trackers } = setup(context)
  const all = await trackers.list()
  emit(data, json, all.map(trackers.toPublic), () =>
    renderTrackers(all, (type) => trackers.registry.get(type).label),
  )
}

export async function show(context: Invocation): Promise<void> {
  const { data, json, trackers } = setup(context)
  const tracker = trackers.toPublic(await findTracker(trackers, context.args.tracker))
  emit(data, json, tracker, () =>
    renderTrackerDetails(tracker, trackers.registry.get(tracker.adapter_type).label),
  )
}

export async function add(context: Invocation): Promise<void> {
  const { data, json, trackers } = setup(context)
  // citty does not enforce `required` on enum arguments.
  if (typeof context.args.type !== 'string')
    throw new UsageError('Missing required argument: --type')
  const type = context.args.type
  const config = configFromFlags(trackers.registry, type, context.args)
  missingRequired(trackers.registry, type, config)
  let created: MiningPerformanceTracker
  try {
    created = await trackers.create({
      name: typeof context.args.name === 'string' ? context.args.name : undefined,
      adapter_type: type,
      config,
    })
  } catch (error) {
    throw nameTheFlag(error, trackers.registry, type)
  }
  const shown = trackers.toPublic(created)
  if (json) emit(data, true, shown, () => '')
  else {
    data.terminal.logger.success(
      `Mining performance tracker '${shown.name}' (ID: ${shown.id}) successfully added.`,
    )
  }
}

export async function update(context: Invocation): Promise<void> {
  const { data, json, trackers } = setup(context)
  const stored = await findTracker(trackers, context.args.tracker)
  const changes = configFromFlags(trackers.registry, stored.adapter_type, context.args)
  const name = typeof context.args.name === 'string' ? context.args.name : undefined
  if (name === undefined && Object.keys(changes).length === 0) {
    throw new UsageError('Nothing to update: give --name and/or config flags')
  }
  let updated: MiningPerformanceTracker
  try {
    updated = await trackers.update(stored.id, {
      name,
      config: Object.keys(changes).length === 0 ? undefined : { ...stored.config, ...changes },
    })
  } catch (error) {
    throw nameTheFlag(error, trackers.registry, stored.adapter_type)
  }
  const shown = trackers.toPublic(updated)
  if (json) emit(data, true, shown, () => '')
  else {
    data.terminal.logger.success(
      `Mining performance tracker '${shown.name}' (ID: ${shown.id}) successfully updated.`,
    )
  }
}

export async function remove(context: Invocation): Promise<void> {
  const { data, json, trackers } = setup(context)
  const stored = await findTracker(trackers, context.args.tracker)
  const removed = trackers.toPublic(await trackers.remove(stored.id))
  if (json) emit(data, true, removed, () => '')
  else {
    data.terminal.logger.success(
      `Mining performance tracker '${removed.name}' (ID: ${removed.id}) successfully removed.`,
    )
  }
}

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
  tracker: MiningPerformanceTracker,
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
  const port = await trackers.adapter(tracker.id)
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
  tracker: MiningPerformanceTracker,
  json: boolean,
): Promise<void> {
  const { terminal } = data
  const report = await terminal.spin(`Testing ${tracker.name}…`, () => trackers.test(tracker.id))
  if (json) emit(data, true, report, () => '')
  else if (report.status === 'stale') terminal.logger.warn(report.message)
  else terminal.logger.success(`${report.message} (${report.latency_ms} ms)`)
}

export async function runDataCommand(name: string, context: Invocation): Promise<void> {
  const { data, json, trackers } = setup(context)
  const limit = name === 'rewards' ? parseLimit(context.args.limit) : 10
  const tracker = await findTracker(trackers, context.args.tracker)
  if (name === 'test') return testTracker(data, trackers, tracker, json)
  printView(data, await loadView(data, trackers, tracker, name as ViewName, limit), json)
}
