import { stripVTControlCharacters } from 'node:util'
import type {
  AdapterEntity,
  HashRate,
  MiningPerformanceSnapshot,
  MiningReward,
  PayoutSchedule,
  PoolStats,
  PoolWorkerStats,
} from '@edge-mining/domain'
import { satsToBtc } from '@edge-mining/domain'
import type { Paint } from './terminal'

const NONE = '—'
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatHashrate(rate: HashRate | null | undefined): string {
  if (!rate) return NONE
  return `${number.format(rate.value)} ${rate.unit}`
}

/** `12,345 sats (0.00012345 BTC)` */
export function formatSats(sats: number | null | undefined): string {
  if (sats === null || sats === undefined) return NONE
  return `${integer.format(sats)} sats (${satsToBtc(sats)} BTC)`
}

/** A duration in words, coarse enough to read at a glance: `42 s`, `3 min`, `2 h 5 min`, `3 days`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) {
    const rest = minutes % 60
    return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
  }
  return `${Math.floor(hours / 24)} days`
}

/** `3 min ago`, `in 2 h`, `just now`. */
export function formatRelative(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return NONE
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return NONE
  const seconds = (nowMs - at) / 1000
  if (Math.abs(seconds) < 5) return 'just now'
  return seconds > 0 ? `${formatDuration(seconds)} ago` : `in ${formatDuration(-seconds)}`
}

/** `2026-08-20 23:11 UTC (3 min ago)` */
export function formatTime(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return NONE
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return NONE
  const shown = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  return `${shown} (${formatRelative(iso, nowMs)})`
}

export interface Column<Row> {
  header: string
  value(row: Row): string
  align?: 'left' | 'right'
}

const visibleLength = (text: string) => stripVTControlCharacters(text).length

/** A plain aligned table: header, rule, rows. */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)))
  const widths = columns.map((column, index) =>
    Math.max(
      visibleLength(column.header),
      ...cells.map((line) => visibleLength(line[index] ?? '')),
    ),
  )
  const pad = (text: string, index: number) => {
    const width = widths[index] ?? 0
    const fill = ' '.repeat(Math.max(0, width - visibleLength(text)))
    return columns[index]?.align === 'right' ? fill + text : text + fill
  }
  const line = (parts: readonly string[]) =>
    parts
      .map((part, index) => pad(part, index))
      .join('  ')
      .trimEnd()
  return [
    line(columns.map((column) => column.header)),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
  ].join('\n')
}

/** `label  value` lines with the labels aligned. */
export function renderPairs(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length))
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')
}

/** A line about how fresh the shown pool data is; stale data is flagged with its age. */
export function freshnessLine(
  freshness: { stale: boolean; age_seconds: number | null; from_cache: boolean } | null,
  paint: Paint,
): string | null {
  if (!freshness || freshness.age_seconds === null) return null
  if (freshness.stale) {
    return paint.yellow(
      `STALE: the pool is not answering; this data is ${formatDuration(freshness.age_seconds)} old`,
    )
  }
  return paint.gray(
    freshness.from_cache
      ? `Cached pool data, ${formatDuration(freshness.age_seconds)} old`
      : 'Fresh from the pool',
  )
}

/** A list of adapter entities: id, name, type with its label. */
export function renderAdapterEntities(
  entities: readonly AdapterEntity[],
  labelOf: (type: string) => string,
  none: string,
): string {
  if (entities.length === 0) return none
  return renderTable(entities, [
    { header: 'ID', value: (e) => e.id },
    { header: 'Name', value: (e) => e.name },
    { header: 'Type', value: (e) => `${e.adapter_type} (${labelOf(e.adapter_type)})` },
  ])
}

/** Config values as `  key  value` lines (a secret arrives as `***`). */
function configPairs(config: Record<string, unknown>): [string, string][] {
  return Object.entries(config).map(([key, value]) => [
    `  ${key}`,
    value === null || value === undefined ? 'None' : JSON.stringify(value),
  ])
}

export function renderAdapterEntityDetails(entity: AdapterEntity, label: string): string {
  const config = configPairs(entity.config)
  return renderPairs([
    ['Name', entity.name],
    ['ID', entity.id],
    ['Adapter', `${entity.adapter_type} (${label})`],
    ['External service', entity.external_service_id ?? 'None'],
    ['Created', entity.created_at],
    ['Updated', entity.updated_at],
    ['Configuration', config.length === 0 ? NONE : ''],
    ...config,
  ])
}

function lastShareOf(stats: PoolStats): string | null {
  const candidates = [stats.last_share_at, ...stats.workers.map((w) => w.last_share_at)].filter(
    (at): at is string => typeof at === 'string',
  )
  if (candidates.length === 0) return null
  return candidates.reduce((newest, at) => (Date.parse(at) > Date.parse(newest) ? at : newest))
}

export function renderStats(stats: PoolStats, nowMs: number): string {
  const online = stats.workers.filter(
    (w) =>
      w.state === 'online' ||
      w.state === 'low' ||
      (w.state === null && (w.hashrate?.value ?? 0) > 0),
  ).length
  return renderPairs([
    ['Current hash rate', formatHashrate(stats.current_hashrate)],
    ['24 h average', formatHashrate(stats.average_hashrate_24h)],
    ['7 day average', formatHashrate(stats.average_hashrate_7d)],
    ['Unpaid balance', formatSats(stats.unpaid_balance)],
    ['Estimated next payout', formatSats(stats.estimated_next_payout)],
    ['Last share', formatRelative(lastShareOf(stats), nowMs)],
    ['Workers', `${online} online of ${stats.workers.length}`],
    ['Pool data time', formatTime(stats.timestamp, nowMs)],
  ])
}

export function renderWorkers(workers: readonly PoolWorkerStats[], nowMs: number): string {
  if (workers.length === 0) return 'No workers reported by the pool.'
  const count = (n: number | null) => (n === null ? NONE : integer.format(n))
  return renderTable(workers, [
    { header: 'Worker', value: (w) => w.worker_name },
    { header: 'State', value: (w) => w.state ?? NONE },
    { header: 'Hash rate', value: (w) => formatHashrate(w.hashrate), align: 'right' },
    { header: 'Last share', value: (w) => formatRelative(w.last_share_at, nowMs) },
    { header: 'Valid', value: (w) => count(w.valid_shares), align: 'right' },
    { header: 'Stale', value: (w) => count(w.stale_shares), align: 'right' },
    { header: 'Rejected', value: (w) => count(w.rejected_shares), align: 'right' },
  ])
}

export function renderRewards(rewards: readonly MiningReward[], nowMs: number): string {
  if (rewards.length === 0) return 'No recent rewards.'
  return renderTable(rewards, [
    { header: 'Time', value: (r) => formatTime(r.timestamp, nowMs) },
    { header: 'Sats', value: (r) => integer.format(r.amount), align: 'right' },
    { header: 'BTC', value: (r) => satsToBtc(r.amount), align: 'right' },
  ])
}

export function renderPayout(schedule: PayoutSchedule, nowMs: number): string {
  return renderPairs([
    ['Frequency', schedule.frequency],
    ['Threshold', formatSats(schedule.threshold)],
    ['Next payout', formatTime(schedule.next_payout_at, nowMs)],
  ])
}

export function renderSnapshot(snapshot: MiningPerformanceSnapshot, nowMs: number): string {
  const ratio = snapshot.hashrate_ratio_24h
  const progress = snapshot.payout_progress
  const lines = [
    renderPairs([
      ['Snapshot time', formatTime(snapshot.timestamp, nowMs)],
      ['Current hash rate', formatHashrate(snapshot.current_hashrate)],
      ['vs 24 h average', ratio === null ? NONE : `${number.format(ratio * 100)} %`],
      [
        'Last share',
        snapshot.seconds_since_last_share === null
          ? NONE
          : `${formatDuration(snapshot.seconds_since_last_share)} ago`,
      ],
      [
        'Workers online',
        snapshot.workers_online === null
          ? NONE
          : `${snapshot.workers_online} of ${snapshot.workers_total ?? NONE}`,
      ],
      ['Unpaid balance', formatSats(snapshot.pool_stats?.unpaid_balance)],
      ['Payout threshold', formatSats(snapshot.payout_schedule?.threshold)],
      ['Payout progress', progress === null ? NONE : `${number.format(progress * 100)} %`],
      ['Payout frequency', snapshot.payout_schedule?.frequency ?? NONE],
      ['Next payout', formatTime(snapshot.payout_schedule?.next_payout_at, nowMs)],
      [
        'Data age',
        snapshot.data_age_seconds === null
          ? NONE
          : `${formatDuration(snapshot.data_age_seconds)}${snapshot.stale ? ' (STALE)' : ''}`,
      ],
    ]),
  ]
  for (const error of snapshot.errors) {
    lines.push(`! ${error.part}: ${error.code}: ${error.message}`)
  }
  return lines.join('\n')
}
