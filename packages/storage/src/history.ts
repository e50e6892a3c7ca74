import {
  HISTORY_TIERS,
  type HistoryRepository,
  historyTierFor,
  InvalidValueError,
} from '@edge-mining/domain'
import type { StorageConnection } from './database'
import { guarded } from './rows'

type Connection = Pick<StorageConnection, 'sqlite' | 'path'>

const DEFAULT_PRUNE_LIMIT = 5000
/** A 1-minute tier bucket counts as covered when it has a reading. */
const MINUTE_MS = 60_000

/** The bucket a reading falls in, per tier: its instant for tier 0. */
function bucketOf(at: number, bucketMs: number): number {
  return bucketMs === 0 ? at : Math.floor(at / bucketMs) * bucketMs
}

/**
 * The history on SQLite (tables `history` and `history_series`): every reading added to the three tiers in one
 * transaction by UPSERT (sum, count, min, max), queries bucketed by the caller's step from the
 * finest tier that still covers the range, pruning in bounded batches so it never holds the
 * database for long.
 */
export function createHistoryRepository(connection: Connection): HistoryRepository {
  const { sqlite, path } = connection
  const statements = guarded(path, 'prepare the history statements on', () => ({
    addSeries: sqlite.prepare('INSERT OR IGNORE INTO history_series (name) VALUES (?)'),
    seriesId: sqlite.prepare('SELECT id FROM history_series WHERE name = ?').pluck(),
    upsert: sqlite.prepare(
      `INSERT INTO history (series_id, tier, bucket, sum, count, min, max)
       VALUES (@series, @tier, @bucket, @value, 1, @value, @value)
       ON CONFLICT(series_id, tier, bucket) DO UPDATE SET
         sum = sum + excluded.sum, count = count + 1,
         min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
    ),
    query: sqlite
      .prepare(
        // Bound numbers are REALs: cast the step so the division floors.
        `SELECT (bucket / CAST(@step AS INTEGER)) * CAST(@step AS INTEGER) AS at,
           SUM(sum) / SUM(count) AS value FROM history
         WHERE series_id = @series AND tier = @tier AND bucket >= @from AND bucket < @to
         GROUP BY at ORDER BY at`,
      )
      .raw(),
    average: sqlite.prepare(
      `SELECT SUM(sum) / SUM(count) AS value, COUNT(*) AS buckets FROM history
       WHERE series_id = @series AND tier = 1 AND bucket >= @from AND bucket < @to`,
    ),
    prune: sqlite.prepare(
      `DELETE FROM history WHERE (series_id, tier, bucket) IN (
         SELECT series_id, tier, bucket FROM history
         WHERE tier = @tier AND bucket < @before LIMIT @limit)`,
    ),
    rows: sqlite.prepare('SELECT COUNT(*) FROM history').pluck(),
    series: sqlite.prepare('SELECT COUNT(DISTINCT series_id) FROM history').pluck(),
  }))
  /** Series ids never change once given: kept for the process, looked up on a miss only. */
  const ids = new Map<string, number>()
  const known = (name: string): number | null => {
    const cached = ids.get(name)
    if (cached !== undefined) return cached
    const id = statements.seriesId.get(name) as number | undefined
    if (id === undefined) return null
    ids.set(name, id)
    return id
  }
  const idOf = (name: string): number => {
    const id = known(name)
    if (id !== null) return id
    statements.addSeries.run(name)
    return known(name) as number
  }
  const record = sqlite.transaction(
    (points: readonly { series: string; at: number; value: number }[]) => {
      for (const point of points) {
        const series = idOf(point.series)
        for (const { tier, bucketMs } of HISTORY_TIERS) {
          statements.upsert.run({
            series,
            tier,
            bucket: bucketOf(point.at, bucketMs),
            value: point.value,
          })
        }
      }
    },
  )

  return {
    record(points) {
      const readable = points.filter(
        (point) => Number.isFinite(point.value) && Number.isSafeInteger(Math.round(point.at)),
      )
      if (readable.length === 0) return
      guarded(path, 'write to', () =>
        record.immediate(readable.map((point) => ({ ...point, at: Math.round(point.at) }))),
      )
    },
    query(query) {
      const step = Math.floor(query.stepMs)
      if (!(step >= 1)) throw new InvalidValueError('step', query.stepMs, 'at least 1 ms')
      const tier = historyTierFor(query.from, query.now, step)
      return query.series.map((series) => {
        const id = guarded(path, 'read', () => known(series))
        return {
          series,
          points: (id === null
            ? []
            : guarded(path, 'read', () =>
                statements.query.all({ series: id, tier, from: query.from, to: query.to, step }),
              )) as [number, number][],
        }
      })
    },
    average(series, from, to) {
      const id = guarded(path, 'read', () => known(series))
      if (id === null) return null
      const row = guarded(path, 'read', () => statements.average.get({ series: id, from, to })) as
        | { value: number | null; buckets: number }
        | undefined
      if (!row || row.value === null || row.buckets === 0) return null
      return { value: row.value, covered_ms: row.buckets * MINUTE_MS }
    },
    prune(now, limit = DEFAULT_PRUNE_LIMIT) {
      let removed = 0
      for (const { tier, retentionMs } of HISTORY_TIERS) {
        if (removed >= limit) break
        removed += guarded(path, 'write to', () =>
          statements.prune.run({ tier, before: now - retentionMs, limit: limit - removed }),
        ).changes
      }
      return removed
    },
    stats: () =>
      guarded(path, 'read', () => ({
        rows: Number(statements.rows.get()),
        series: Number(statements.series.get()),
      })),
  }
}
