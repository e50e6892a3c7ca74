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
 * The history on SQLite (table `history`): every reading added to the three tiers in one
 * transaction by UPSERT (sum, count, min, max), queries bucketed by the caller's step from the
 * finest tier that still covers the range, pruning in bounded batches so it never holds the
 * database for long.
 */
export function createHistoryRepository(connection: Connection): HistoryRepository {
  const { sqlite, path } = connection
  const statements = guarded(path, 'prepare the history statements on', () => ({
    upsert: sqlite.prepare(
      `INSERT INTO history (series, tier, bucket, sum, count, min, max)
       VALUES (@series, @tier, @bucket, @value, 1, @value, @value)
       ON CONFLICT(series, tier, bucket) DO UPDATE SET
         sum = sum + excluded.sum, count = count + 1,
         min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
    ),
    query: sqlite
      .prepare(
        // Bound numbers are REALs: cast the step so the division floors.
        `SELECT (bucket / CAST(@step AS INTEGER)) * CAST(@step AS INTEGER) AS at,
           SUM(sum) / SUM(count) AS value FROM history
         WHERE series = @series AND tier = @tier AND bucket >= @from AND bucket < @to
         GROUP BY at ORDER BY at`,
      )
      .raw(),
    average: sqlite.prepare(
      `SELECT SUM(sum) / SUM(count) AS value, COUNT(*) AS buckets FROM history
       WHERE series = @series AND tier = 1 AND bucket >= @from AND bucket < @to`,
    ),
    prune: sqlite.prepare(
      `DELETE FROM history WHERE rowid IN (
         SELECT rowid FROM history WHERE tier = @tier AND bucket < @before LIMIT @limit)`,
    ),
    rows: sqlite.prepare('SELECT COUNT(*) FROM history').pluck(),
    series: sqlite.prepare('SELECT COUNT(DISTINCT series) FROM history').pluck(),
  }))
  const record = sqlite.transaction(
    (points: readonly { series: string; at: number; value: number }[]) => {
      for (const point of points) {
        for (const { tier, bucketMs } of HISTORY_TIERS) {
          statements.upsert.run({
            series: point.series,
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
      return query.series.map((series) => ({
        series,
        points: guarded(path, 'read', () =>
          statements.query.all({ series, tier, from: query.from, to: query.to, step }),
        ) as [number, number][],
      }))
    },
    average(series, from, to) {
      const row = guarded(path, 'read', () => statements.average.get({ series, from, to })) as
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
