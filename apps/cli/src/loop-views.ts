import type { DecisionRecord, MinerOverride, MinerStatus } from '@edge-mining/domain'
import type { CycleReport, MinerCycleReport } from '@edge-mining/services'
import { formatDuration, renderTable } from './format'
import type { Paint } from './terminal'

const NONE = '—'

/** `2026-12-01 21:36:05`: an instant on the wall clock of `timeZone` (the settings' zone). */
export function formatLocalTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return NONE
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return NONE
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at)
  const field = (type: string) => parts.find((part) => part.type === type)?.value ?? '??'
  return `${field('year')}-${field('month')}-${field('day')} ${field('hour')}:${field('minute')}:${field('second')}`
}

/** One line of text: reasons are sentences, but a device's error may carry line breaks. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ')

/** What the cycle does to a miner: ▶ start, ■ stop, · hold (a guard, or nothing to do), - skip. */
export function actionMark(plan: Pick<MinerCycleReport, 'kind' | 'action'>): string {
  if (plan.kind === 'act') return plan.action === 'start' ? '▶ start' : '■ stop'
  if (plan.kind === 'skip') return '- skip'
  return '· hold'
}

/** After an action: `→ on`, or `FAILED`. */
function executedMark(plan: MinerCycleReport): string {
  if (!plan.executed) return ''
  return plan.executed.success ? ` → ${plan.executed.status_after ?? NONE}` : ' FAILED'
}

const indent = (text: string, by = '  ') =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : `${by}${line}`))
    .join('\n')

export interface CycleViewOptions {
  timeZone: string
  paint: Paint
  /** Print each miner's rule explanation, leaf by leaf, under its line. */
  explain?: boolean
}

/** A cycle: per unit a header, its notice and unreadable parts, per miner one line. */
export function renderCycleReport(report: CycleReport, options: CycleViewOptions): string {
  const { paint, timeZone } = options
  const blocks: string[] = []
  if (report.units.length === 0) {
    blocks.push('No enabled optimization unit: nothing to decide (enable one with `units enable`).')
  }
  for (const unit of report.units) {
    const lines = [
      paint.bold(`${unit.unit_name} (${unit.unit_id})  ${formatLocalTime(unit.at, timeZone)}`),
    ]
    if (unit.notice) lines.push(paint.yellow(`  ! ${oneLine(unit.notice.message)}`))
    for (const error of unit.errors) {
      lines.push(paint.yellow(`  ! ${error.part}: ${error.code}: ${oneLine(error.message)}`))
    }
    if (unit.miners.length === 0) lines.push('  No miner to decide for.')
    else {
      const table = renderTable(unit.miners, [
        { header: 'Miner', value: (m) => m.miner_name },
        { header: 'Status', value: (m) => m.status ?? 'unreadable' },
        { header: 'Decision', value: (m) => m.decision },
        { header: 'Action', value: (m) => `${actionMark(m)}${executedMark(m)}` },
        {
          header: 'Reason',
          value: (m) =>
            oneLine(
              m.executed && !m.executed.success
                ? `${m.reason} — failed: ${m.executed.error ?? 'unknown error'}`
                : m.reason,
            ),
        },
      ])
      lines.push(indent(table))
      if (options.explain) {
        for (const miner of unit.miners) {
          if (!miner.explanation) continue
          lines.push('', `  ${miner.miner_name}:`, indent(miner.explanation, '    '))
        }
      }
    }
    blocks.push(lines.join('\n'))
  }
  const failed = report.units.flatMap((unit) =>
    unit.miners.filter((miner) => miner.executed && !miner.executed.success),
  ).length
  if (report.dry_run) {
    blocks.push(
      paint.yellow(
        'Dry run: this is what a cycle would do now. Nothing was started or stopped, nothing was recorded.',
      ),
    )
  } else if (failed > 0) {
    blocks.push(paint.red(`${failed} action${failed === 1 ? '' : 's'} failed.`))
  }
  return blocks.join('\n\n')
}

/** How a miner is held now: by its override, or by the guard its last log entry named. */
export interface StatusHold {
  reason: 'override' | 'min_on' | 'min_off' | 'for_seconds'
  /** ISO-8601 UTC; null for for_seconds (it ends with the rule's conditions). */
  until: string | null
  remaining_seconds: number
  /** Where it was read: the override store, or the last `hold` entry of the decision log. */
  source: 'override' | 'decision_log'
}

export interface MinerLoopStatus {
  miner_id: string
  miner_name: string
  active: boolean
  /** Read from the device now; null when it could not be (see status_error). */
  status: MinerStatus | null
  status_error: string | null
  /** The newest decision-log entry of this miner in this unit (decision, action, hold, skip). */
  last: DecisionRecord | null
  /** Its manual override, while it holds. */
  override: MinerOverride | null
  hold: StatusHold | null
}

export interface UnitLoopStatus {
  unit_id: string
  unit_name: string
  enabled: boolean
  /** The unit's newest notice (policy unusable, energy unreadable, cycle failed) when it is newer than every miner's entry. */
  notice: DecisionRecord | null
  miners: MinerLoopStatus[]
}

export interface LoopStatus {
  /** Who runs the decision loop on this database now (the scheduler lease), or null. */
  scheduler: { holder: string; expires_at: string } | null
  units: UnitLoopStatus[]
}

const HOLD_WORDS: Record<StatusHold['reason'], string> = {
  override: 'override',
  min_on: 'minimum on time',
  min_off: 'minimum off time',
  for_seconds: 'waiting for a rule',
}

function holdText(miner: MinerLoopStatus, timeZone: string): string {
  const hold = miner.hold
  if (!hold) return NONE
  const left = `${formatDuration(hold.remaining_seconds)} left`
  const what =
    hold.reason === 'override' && miner.override
      ? `override (${miner.override.action})`
      : HOLD_WORDS[hold.reason]
  return hold.until
    ? `${what} until ${formatLocalTime(hold.until, timeZone)} (${left})`
    : `${what} (~${left})`
}

/** Per unit a header and per miner its status now, last decision, reason and hold. */
export function renderLoopStatus(status: LoopStatus, timeZone: string, paint: Paint): string {
  if (status.units.length === 0) return 'No optimization units configured.'
  const blocks = status.units.map((unit) => {
    const lines = [
      paint.bold(
        `${unit.unit_name} (${unit.unit_id})${unit.enabled ? '' : paint.gray('  disabled')}`,
      ),
    ]
    if (unit.notice) {
      lines.push(
        paint.yellow(
          `  ! ${formatLocalTime(unit.notice.at, timeZone)}  ${oneLine(unit.notice.reason)}`,
        ),
      )
    }
    if (unit.miners.length === 0) lines.push('  No miners.')
    else {
      const table = renderTable(unit.miners, [
        { header: 'Miner', value: (m) => `${m.miner_name}${m.active ? '' : ' (inactive)'}` },
        { header: 'Status', value: (m) => m.status ?? 'unreadable' },
        { header: 'Last decision', value: (m) => m.last?.decision ?? NONE },
        { header: 'At', value: (m) => formatLocalTime(m.last?.at, timeZone) },
        { header: 'Reason', value: (m) => (m.last ? oneLine(m.last.reason) : 'no decision yet') },
        { header: 'Hold', value: (m) => holdText(m, timeZone) },
      ])
      lines.push(indent(table))
      for (const miner of unit.miners) {
        if (miner.status_error) {
          lines.push(paint.yellow(`  ! ${miner.miner_name}: ${oneLine(miner.status_error)}`))
        }
      }
    }
    return lines.join('\n')
  })
  blocks.push(
    paint.gray(
      status.scheduler
        ? `The decision loop runs in ${status.scheduler.holder}. Times in ${timeZone}.`
        : `No server runs the decision loop on this database: the entries are from \`cycle run\` and manual actions. Times in ${timeZone}.`,
    ),
  )
  return blocks.join('\n\n')
}

/** The cells of one decision-log entry: time, unit, miner, kind, outcome, reason. */
export function decisionCells(record: DecisionRecord, timeZone: string): string[] {
  return [
    formatLocalTime(record.at, timeZone),
    record.unit_name ?? NONE,
    record.miner_name ?? NONE,
    record.kind,
    record.outcome,
    oneLine(record.reason),
  ]
}

export const DECISION_HEADERS = ['Time', 'Unit', 'Miner', 'Kind', 'Outcome', 'Reason'] as const

/** One entry as one line (following the log: widths cannot wait for the rows to come). */
export function decisionLine(record: DecisionRecord, timeZone: string): string {
  return decisionCells(record, timeZone).join('  ')
}

/** Entries as a table, in the order given. */
export function renderDecisions(records: readonly DecisionRecord[], timeZone: string): string {
  if (records.length === 0) return 'No decisions recorded.'
  const rows = records.map((record) => decisionCells(record, timeZone))
  return renderTable(
    rows,
    DECISION_HEADERS.map((header, index) => ({
      header: index === 0 ? `${header} (${timeZone})` : header,
      value: (row) => row[index] ?? '',
    })),
  )
}
