import type {
  DecisionQuery,
  DecisionRecord,
  LoopRepositories,
  MinerOverride,
  MinerRuntimeState,
} from '@edge-mining/domain'
import { HISTORY_TIERS, type HistoryRepository, historyTierFor } from '@edge-mining/domain'

/**
 * The decision loop's repositories in memory (tests, throwaway demos): the contract of
 * storage's SQLite ones — copies in and out, newest-first queries, exclusive leases.
 */
export function createMemoryLoopRepositories(): LoopRepositories {
  const ruleState = new Map<string, number>()
  const overrides = new Map<string, MinerOverride>()
  const runtime = new Map<string, MinerRuntimeState>()
  const log: DecisionRecord[] = []
  let lease: { holder: string; expires_at: number } | null = null

  const matches = (record: DecisionRecord, query: DecisionQuery) =>
    (query.unit_id === undefined || record.unit_id === query.unit_id) &&
    (query.miner_id === undefined || record.miner_id === query.miner_id) &&
    (query.since === undefined || record.at >= query.since) &&
    (query.before_id === undefined || record.id < query.before_id) &&
    (query.after_id === undefined || record.id > query.after_id) &&
    (query.kinds === undefined || query.kinds.length === 0 || query.kinds.includes(record.kind))

  return {
    ruleState: {
      get: (key) => ruleState.get(key),
      set: (key, since) => {
        ruleState.set(key, since)
      },
      delete: (key) => {
        ruleState.delete(key)
      },
      deletePrefix(prefix) {
        for (const key of [...ruleState.keys()]) if (key.startsWith(prefix)) ruleState.delete(key)
      },
      list: (prefix) =>
        [...ruleState]
          .filter(([key]) => key.startsWith(prefix))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    },
    overrides: {
      get: (minerId) => structuredClone(overrides.get(minerId) ?? null),
      list: () => [...overrides.values()].map((override) => structuredClone(override)),
      set: (override) => {
        overrides.set(override.miner_id, structuredClone(override))
      },
      clear: (minerId) => overrides.delete(minerId),
    },
    minerRuntime: {
      get: (minerId) => structuredClone(runtime.get(minerId) ?? null),
      set: (state) => {
        runtime.set(state.miner_id, structuredClone(state))
      },
      remove: (minerId) => {
        runtime.delete(minerId)
      },
    },
    decisions: {
      append(record) {
        const stored = { ...structuredClone(record), id: (log.at(-1)?.id ?? 0) + 1 }
        log.push(stored)
        return structuredClone(stored)
      },
      query(query) {
        const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000)
        const found = log.filter((record) => matches(record, query))
        const ordered = query.after_id === undefined ? found.reverse() : found
        return ordered.slice(0, limit).map((record) => structuredClone(record))
      },
      pruneBefore(beforeIso) {
        const kept = log.filter((record) => record.at >= beforeIso)
        const pruned = log.length - kept.length
        log.splice(0, log.length, ...kept)
        return pruned
      },
    },
    history: createMemoryHistory(),
    lease: {
      acquire(holder, ttlMs, nowMs) {
        if (lease && lease.holder !== holder && lease.expires_at > nowMs) return false
        lease = { holder, expires_at: nowMs + ttlMs }
        return true
      },
      release(holder) {
        if (lease?.holder === holder) lease = null
      },
      current: (nowMs) => (lease && lease.expires_at > nowMs ? { ...lease } : null),
    },
  }
}

/** Tiered history in memory, with storage's semantics (sum/count per bucket, per tier). */
function createMemoryHistory(): HistoryRepository {
  const buckets = new Map<
    string,
    { series: string; tier: number; bucket: number; sum: number; count: number }
  >()
  const bucketOf = (at: number, size: number) => (size === 0 ? at : Math.floor(at / size) * size)
  return {
    record(points) {
      for (const point of points) {
        if (!Number.isFinite(point.value)) continue
        for (const { tier, bucketMs } of HISTORY_TIERS) {
          const bucket = bucketOf(Math.round(point.at), bucketMs)
          const key = `${point.series}|${tier}|${bucket}`
          const row = buckets.get(key) ?? { series: point.series, tier, bucket, sum: 0, count: 0 }
          row.sum += point.value
          row.count += 1
          buckets.set(key, row)
        }
      }
    },
    query(query) {
      const tier = historyTierFor(query.from, query.now, query.stepMs)
      return query.series.map((series) => {
        const grouped = new Map<number, { sum: number; count: number }>()
        for (const row of buckets.values()) {
          if (row.series !== series || row.tier !== tier) continue
          if (row.bucket < query.from || row.bucket >= query.to) continue
          const at = Math.floor(row.bucket / query.stepMs) * query.stepMs
          const group = grouped.get(at) ?? { sum: 0, count: 0 }
          group.sum += row.sum
          group.count += row.count
          grouped.set(at, group)
        }
        const points = [...grouped]
          .sort(([a], [b]) => a - b)
          .map(([at, group]): [number, number] => [at, group.sum / group.count])
        return { series, points }
      })
    },
    average(series, from, to) {
      let sum = 0
      let count = 0
      let covered = 0
      for (const row of buckets.values()) {
        if (row.series !== series || row.tier !== 1 || row.bucket < from || row.bucket >= to)
          continue
        sum += row.sum
        count += row.count
        covered += 60_000
      }
      return count === 0 ? null : { value: sum / count, covered_ms: covered }
    },
    prune(now, limit = 5000) {
      let removed = 0
      for (const [key, row] of buckets) {
        if (removed >= limit) break
        const retention = HISTORY_TIERS.find(({ tier }) => tier === row.tier)?.retentionMs ?? 0
        if (row.bucket < now - retention) {
          buckets.delete(key)
          removed += 1
        }
      }
      return removed
    },
    stats: () => ({
      rows: buckets.size,
      series: new Set([...buckets.values()].map((row) => row.series)).size,
    }),
  }
}
