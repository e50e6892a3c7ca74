import type {
  DecisionKind,
  DecisionQuery,
  DecisionRecord,
  LoopRepositories,
  OptimizationUnit,
} from '@edge-mining/domain'
import type { DecisionLoop, Services } from '@edge-mining/services'
import type { CommandData, Invocation } from '../command-kit'
import { parseCount, parseSince } from '../durations'
import { CliError } from '../errors'
import { findEntity, resolveId } from '../find'
import {
  decisionLine,
  type LoopStatus,
  type MinerLoopStatus,
  renderCycleReport,
  renderDecisions,
  renderLoopStatus,
  type StatusHold,
  type UnitLoopStatus,
} from '../loop-views'
import { emit, setup } from '../output'

/** The settings' time zone: times are shown as the rules see them. */
const timeZoneOf = (services: Services) => services.settings.get().timezone

const unitOf = (services: Services, reference: unknown, flag?: string): OptimizationUnit =>
  findEntity(services.units.list(), reference, 'optimization_unit', flag ? { flag } : {})

/**
 * `cycle run [--unit X] [--dry-run] [--explain]`: one cycle in this process, through the same
 * loop the server runs (the CLI never starts the schedule). A server holding the loop's lease
 * does not stop it — a one-off run is asked for — but both may act, so it says so.
 */
export async function runCycle(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const { args } = invocation
  const { loop, repositories } = await data.loop()
  const unit = args.unit === undefined ? undefined : unitOf(services, args.unit, 'unit')
  const dryRun = args['dry-run'] === true
  const lease = repositories.lease.current(data.now())
  if (lease) {
    data.terminal.logger.warn(
      dryRun
        ? `A server runs the decision loop on this database (${lease.holder}); this dry run only plans, the server goes on acting on its own cycles.`
        : `A server runs the decision loop on this database (${lease.holder}); this cycle acts too, so both may start or stop the same miners.`,
    )
  }
  const expected = unit ? 1 : services.units.list().filter((u) => u.is_enabled).length
  const report = await data.terminal.spin(dryRun ? 'Planning a cycle…' : 'Running a cycle…', () =>
    loop.runCycle({ ...(unit ? { unitId: unit.id } : {}), dryRun }),
  )
  emit(data, json, report, () =>
    renderCycleReport(report, {
      timeZone: timeZoneOf(services),
      paint: data.terminal.paint,
      explain: args.explain === true,
    }),
  )
  const failedUnits = expected - report.units.length
  const failedActions = report.units.flatMap((u) =>
    u.miners.filter((miner) => miner.executed && !miner.executed.success),
  ).length
  if (failedUnits > 0) {
    // The loop logged why on stderr; the unit is missing from the report.
    throw new CliError(
      `The cycle of ${failedUnits} unit${failedUnits === 1 ? '' : 's'} failed (see above)`,
    )
  }
  if (failedActions > 0) {
    throw new CliError(`${failedActions} action${failedActions === 1 ? '' : 's'} failed`, {
      // The human report already ends with it.
      silent: !json,
    })
  }
}

/** The entries that say what became of a miner (not notices or notifications). */
const MINER_KINDS: readonly DecisionKind[] = ['decision', 'action', 'hold', 'skip']
/** How far back one query of a unit looks for its miners' last entries. */
const UNIT_WINDOW = 200

/** The guard the last entry named, if it still holds at `nowMs`. */
function holdOf(
  override: MinerLoopStatus['override'],
  last: DecisionRecord | null,
  nowMs: number,
): StatusHold | null {
  if (override) {
    return {
      reason: 'override',
      until: override.until,
      remaining_seconds: Math.ceil((Date.parse(override.until) - nowMs) / 1000),
      source: 'override',
    }
  }
  const hold = last?.kind === 'hold' ? last.details?.hold : undefined
  if (!hold || typeof hold !== 'object') return null
  const { reason, until, remaining_seconds } = hold as Record<string, unknown>
  // An override the log names but the store no longer has was released or ran out.
  if (reason !== 'min_on' && reason !== 'min_off' && reason !== 'for_seconds') return null
  const remaining =
    typeof until === 'string'
      ? Math.ceil((Date.parse(until) - nowMs) / 1000)
      : typeof remaining_seconds === 'number' && last
        ? Math.ceil(remaining_seconds - (nowMs - Date.parse(last.at)) / 1000)
        : Number.NaN
  if (!(remaining > 0)) return null
  return {
    reason,
    until: typeof until === 'string' ? until : null,
    remaining_seconds: remaining,
    source: 'decision_log',
  }
}

async function minerStatus(
  services: Services,
  loop: DecisionLoop,
  repositories: LoopRepositories,
  unit: OptimizationUnit,
  recent: readonly DecisionRecord[],
  minerId: string,
  nowMs: number,
): Promise<MinerLoopStatus | null> {
  const miner = services.miners.list().find((candidate) => candidate.id === minerId)
  if (!miner) return null
  let status: MinerLoopStatus['status'] = null
  let statusError: string | null = null
  try {
    const state = await services.miners.status(miner.id)
    const problem = state.errors.find((error) => error.feature === 'status_monitoring')
    if (problem) statusError = `${problem.code}: ${problem.message}`
    else status = state.status
  } catch (error) {
    statusError = error instanceof Error ? error.message : String(error)
  }
  const last =
    recent.find((record) => record.miner_id === miner.id && MINER_KINDS.includes(record.kind)) ??
    loop.decisions({ unit_id: unit.id, miner_id: miner.id, kinds: MINER_KINDS, limit: 1 })[0] ??
    null
  const stored = repositories.overrides.get(miner.id)
  const override = stored && Date.parse(stored.until) > nowMs ? stored : null
  return {
    miner_id: miner.id,
    miner_name: miner.name,
    active: miner.active,
    status,
    status_error: statusError,
    last,
    override,
    hold: holdOf(override, last, nowMs),
  }
}

/**
 * What each unit's miners are doing and why. The last plans are in-process state of the loop
 * that ran them (the server's), which a separate CLI process does not have, so this reads what
 * every process shares: the newest decision-log entry of each miner in the unit, its status
 * read from the device now, and its override.
 */
export async function loopStatus(
  services: Services,
  access: { loop: DecisionLoop; repositories: LoopRepositories },
  units: readonly OptimizationUnit[],
  nowMs: number,
): Promise<LoopStatus> {
  const { loop, repositories } = access
  const lease = repositories.lease.current(nowMs)
  const read = await Promise.all(
    units.map(async (unit): Promise<UnitLoopStatus> => {
      const recent = loop.decisions({
        unit_id: unit.id,
        kinds: [...MINER_KINDS, 'notice'],
        limit: UNIT_WINDOW,
      })
      const miners = (
        await Promise.all(
          unit.target_miner_ids.map((id) =>
            minerStatus(services, loop, repositories, unit, recent, id, nowMs),
          ),
        )
      ).filter((miner): miner is MinerLoopStatus => miner !== null)
      const newestMinerEntry = Math.max(0, ...miners.map((miner) => miner.last?.id ?? 0))
      const notice = recent.find((record) => record.kind === 'notice') ?? null
      return {
        unit_id: unit.id,
        unit_name: unit.name,
        enabled: unit.is_enabled,
        notice: notice && notice.id > newestMinerEntry ? notice : null,
        miners,
      }
    }),
  )
  return {
    scheduler: lease
      ? { holder: lease.holder, expires_at: new Date(lease.expires_at).toISOString() }
      : null,
    units: read,
  }
}

/** `units status [UNIT]`: every unit (or one), per miner its status, last decision, hold. */
export async function unitsStatus(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const access = await data.loop()
  const units =
    invocation.args.unit === undefined
      ? services.units.list()
      : [unitOf(services, invocation.args.unit)]
  const status = await data.terminal.spin('Reading the miners…', () =>
    loopStatus(services, access, units, data.now()),
  )
  emit(data, json, status, () =>
    renderLoopStatus(status, timeZoneOf(services), data.terminal.paint),
  )
}

/** How many entries `decisions list` shows (and `--follow` starts with) unless told. */
export const DEFAULT_DECISIONS_LIMIT = 20
const MAX_DECISIONS_LIMIT = 1000
/** How often `--follow` asks the log for new entries. */
export const FOLLOW_POLL_MS = 1000

/** The filters of `decisions list` from its flags (every reference and value checked first). */
function decisionQuery(
  services: Services,
  args: Record<string, unknown>,
  nowMs: number,
): { query: DecisionQuery; limit: number } {
  const query: DecisionQuery = {}
  if (args.unit !== undefined) query.unit_id = unitOf(services, args.unit, 'unit').id
  if (args.miner !== undefined) {
    query.miner_id = resolveId(services, 'miner', args.miner, { flag: 'miner' })
  }
  if (args.since !== undefined) query.since = parseSince(args.since, nowMs, timeZoneOf(services))
  const limit =
    args.limit === undefined
      ? DEFAULT_DECISIONS_LIMIT
      : parseCount(args.limit, 'limit', MAX_DECISIONS_LIMIT)
  return { query, limit }
}

/**
 * `decisions list [--unit] [--miner] [--since] [--limit N] [--follow]`: newest first; with
 * `--follow` the last N oldest first, then every new entry as it is written (one line each, or
 * one JSON object per line with `--json`) until Ctrl-C.
 */
export async function listDecisions(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const { loop } = await data.loop()
  const { query, limit } = decisionQuery(services, invocation.args, data.now())
  const timeZone = timeZoneOf(services)
  if (invocation.args.follow !== true) {
    const records = loop.decisions({ ...query, limit })
    emit(data, json, records, () => renderDecisions(records, timeZone))
    return
  }
  await follow(data, loop, query, limit, timeZone, (record) =>
    json ? JSON.stringify(record) : decisionLine(record, timeZone),
  )
}

async function follow(
  data: CommandData,
  loop: DecisionLoop,
  query: DecisionQuery,
  limit: number,
  timeZone: string,
  line: (record: DecisionRecord) => string,
): Promise<void> {
  const { terminal, timers } = data
  let interrupted = false
  let wake: (() => void) | undefined
  const stop = () => {
    interrupted = true
    wake?.()
  }
  const stopListening = data.onInterrupt(stop)
  // The reader went away (`… --follow | head -3`): stop following, as Ctrl-C does.
  const readerGone = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    stop()
  }
  terminal.stdout.on('error', readerGone)
  try {
    const print = (records: readonly DecisionRecord[]) => {
      for (const record of records) {
        if (!interrupted) terminal.stdout.write(`${line(record)}\n`)
      }
      return records.at(-1)?.id
    }
    let last = print(loop.decisions({ ...query, limit }).reverse()) ?? 0
    terminal.stderr.write(
      terminal.paint.gray(`Following the decision log (times in ${timeZone}); Ctrl-C to stop.\n`),
    )
    while (!interrupted) {
      await new Promise<void>((resolve) => {
        const handle = timers.setTimeout(() => {
          wake = undefined
          resolve()
        }, FOLLOW_POLL_MS)
        wake = () => {
          timers.clearTimeout(handle)
          wake = undefined
          resolve()
        }
      })
      // More than a page may have come since: read on until it is all shown.
      for (;;) {
        if (interrupted) break
        const fresh = loop.decisions({ ...query, after_id: last, limit: MAX_DECISIONS_LIMIT })
        last = print(fresh) ?? last
        if (fresh.length < MAX_DECISIONS_LIMIT) break
      }
    }
  } finally {
    stopListening()
    terminal.stdout.off('error', readerGone)
  }
}
