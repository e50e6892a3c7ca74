import type {
  DecisionQuery,
  DecisionRecord,
  LoopRepositories,
  MinerOverride,
  MinerRuntimeState,
} from '@edge-mining/domain'

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
