/**
 * History size and query time: a simulated 90 days of one unit with 4 miners and 1 tracker at
 * the loop's 5 s cycle, written through `createHistoryService` (so every reading lands in the
 * raw, 1-minute and 15-minute tiers as in production) on a temporary SQLite file and pruned every
 * simulated hour as the loop runner does; then the file size and rows per tier, and the time of
 * the dashboard's 7-day query of 4 miners (power, hash rate, status: 12 series) at the API's
 * default step and at the dashboard's, p50/p95 over BENCH_QUERIES runs (default 20).
 *
 * Writing 1.55 M cycles through the service takes a while, so by default only the part whose
 * rows survive pruning at full resolution is written at 5 s: the last 24 h (raw tier). The days
 * before are written at one cycle per minute (2–7 days ago: every 1-minute bucket still gets a
 * reading) and one per 15 minutes (8–90 days ago), which leaves exactly the rows production
 * leaves — only their `count` column is smaller. BENCH_FULL=1 writes every 5 s cycle of the 90
 * days instead. Prints figures, asserts nothing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type Platform, systemPlatform } from '@edge-mining/domain'
import { type CycleObservation, createHistoryService } from '@edge-mining/services'
import { createHistoryRepository, openDatabase } from '@edge-mining/storage'

const DAY_MS = 86_400_000
const DAYS = 90
const CYCLE_MS = 5000
const FULL = process.env.BENCH_FULL === '1'
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20)
const END = Date.parse('2026-09-30T00:00:00Z')
const START = END - DAYS * DAY_MS

const unitId = '6f1d2c3b-0a9e-4e8d-9c7b-000000000001'
const trackerId = '6f1d2c3b-0a9e-4e8d-9c7b-000000000002'
const minerIds = [1, 2, 3, 4].map((n) => `6f1d2c3b-0a9e-4e8d-9c7b-00000000010${n}`)

/** One cycle's readings: a solar day, the miners on while the sun is up, a pool that follows. */
function observationAt(at: number): CycleObservation {
  const hour = (at / 3_600_000 + 2) % 24
  const sun = Math.max(0, Math.sin(((hour - 6) / 14) * Math.PI))
  const production = 9000 * sun * (0.85 + 0.15 * Math.sin(at / 700_000))
  const on = sun > 0.3
  const miners = minerIds.map((id, index) => ({
    miner: { id },
    state: {
      status: on ? 'on' : 'off',
      power_consumption: on ? 3250 - index * 400 + 40 * Math.sin(at / 60_000 + index) : 5,
      hash_rate: { value: on ? 110 - index * 12 + Math.sin(at / 90_000 + index) : 0, unit: 'TH/s' },
    },
  }))
  const iso = new Date(at).toISOString()
  return {
    report: {
      started_at: iso,
      units: [
        {
          unit_id: unitId,
          miners: minerIds.map((miner_id) => ({
            miner_id,
            decision: on ? 'start_mining' : 'maintain_state',
          })),
        },
      ],
    },
    units: [
      {
        unit: { id: unitId },
        reading: {
          at,
          energyState: {
            production,
            consumption: { current_power: 600 + 400 * Math.sin(at / 5_000_000) ** 2 },
            battery: { state_of_charge: 20 + 70 * sun, current_power: 1500 * (sun - 0.4) },
            grid: { current_power: 800 - production / 3 },
          },
        },
        miners,
      },
    ],
    snapshots: [
      {
        tracker_id: trackerId,
        snapshot: {
          current_hashrate: { value: on ? 380 : 0, unit: 'TH/s' },
          pool_stats: { unpaid_balance: Math.floor((at - START) / 60_000) % 250_000 },
          workers_online: on ? 4 : 0,
          payout_progress: (Math.floor((at - START) / 60_000) % 250_000) / 250_000,
        },
      },
    ],
  } as unknown as CycleObservation
}

/** The cycle interval used at `at`: 5 s, or the fast path's coarser one for older days. */
function intervalAt(at: number): number {
  if (FULL) return CYCLE_MS
  const age = END - at
  if (age <= DAY_MS) return CYCLE_MS
  if (age <= 7 * DAY_MS) return 60_000
  return 15 * 60_000
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

const folder = mkdtempSync(join(tmpdir(), 'edge-mining-bench-history-'))
try {
  const path = join(folder, 'history.db')
  const connection = openDatabase({ path })
  let now = START
  const platform: Platform = { ...systemPlatform(), now: () => now }
  const logger = { debug() {}, info() {}, warn: console.warn, error: console.error }
  const history = createHistoryService({
    repository: createHistoryRepository(connection),
    platform,
    logger,
  })

  console.log(
    `writing ${DAYS} days of 1 unit, ${minerIds.length} miners, 1 tracker (${FULL ? 'every 5 s cycle' : 'fast path: 5 s cycles for the last 24 h, 1 min for 2–7 days, 15 min before'})`,
  )
  let cycles = 0
  let pruned = 0
  let nextPrune = START + 3_600_000
  const started = performance.now()
  while (now < END) {
    history.record(observationAt(now))
    cycles += 1
    now += intervalAt(now)
    if (now >= nextPrune) {
      pruned += await history.prune()
      nextPrune += 3_600_000
    }
  }
  pruned += await history.prune()
  const writeSeconds = (performance.now() - started) / 1000
  const pointsPerCycle = history.pointsOf(observationAt(END)).length
  console.log(
    `${cycles} cycles × ${pointsPerCycle} readings in ${writeSeconds.toFixed(1)} s (${Math.round(cycles / writeSeconds)} cycles/s, ${pruned} rows pruned on the way)`,
  )

  const { sqlite } = connection
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  const tiers = sqlite
    .prepare('SELECT tier, COUNT(*) AS rows FROM history GROUP BY tier ORDER BY tier')
    .all() as { tier: number; rows: number }[]
  const labels = ['raw (24 h)', '1 min (7 days)', '15 min (90 days)']
  for (const { tier, rows } of tiers) {
    console.log(
      `  tier ${tier} ${(labels[tier] ?? '').padEnd(18)} ${String(rows).padStart(9)} rows`,
    )
  }
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }))
  const free = Number(sqlite.pragma('freelist_count', { simple: true })) * pageSize
  const bytes = statSync(path).size
  const mb = (value: number) => `${(value / 1_048_576).toFixed(1)} MB`
  let tableBytes = ''
  try {
    const rows = sqlite
      .prepare(
        "SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name = 'history' OR name LIKE '%history%' GROUP BY name",
      )
      .all() as { name: string; bytes: number }[]
    tableBytes = rows.map((row) => `${row.name} ${mb(row.bytes)}`).join(', ')
  } catch {
    tableBytes = 'dbstat not compiled in'
  }
  console.log(`database file ${mb(bytes)} (${mb(free)} of it free pages after pruning)`)
  console.log(`  by b-tree: ${tableBytes}`)

  const series = minerIds.flatMap((id) =>
    ['power', 'hashrate', 'status'].map((n) => `miner:${id}:${n}`),
  )
  const query = (step?: number) => () =>
    history.query({ series, from: END - 7 * DAY_MS, to: END, ...(step ? { step } : {}) })
  for (const [label, run] of [
    ['7 days × 4 miners, API default step', query()],
    ['7 days × 4 miners, dashboard step 1800 s', query(1800)],
    [
      '24 h × 4 miners, dashboard step 300 s',
      () => history.query({ series, from: END - DAY_MS, to: END, step: 300 }),
    ],
  ] as const) {
    const times: number[] = []
    let points = 0
    let step = 0
    for (let index = 0; index < QUERIES; index++) {
      const before = performance.now()
      const answer = run()
      times.push(performance.now() - before)
      points = answer.series.reduce((sum, one) => sum + one.points.length, 0)
      step = answer.step_seconds
    }
    times.sort((a, b) => a - b)
    console.log(
      `${label.padEnd(42)} step ${String(step).padStart(4)} s  ${String(points).padStart(5)} points  p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms`,
    )
  }
  connection.close()
} finally {
  rmSync(folder, { recursive: true, force: true })
}
