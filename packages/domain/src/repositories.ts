import type { AdapterEntity, AdapterKind } from './adapters'
import type { EnergySource } from './energy/energy'
import type { MinerEntity } from './miner/miner'
import type { SystemSettings } from './optimization/settings'
import type { OptimizationUnit } from './optimization/unit'

/**
 * Where services keep an entity type. Synchronous (the embedded database answers in
 * microseconds; the memory one in tests too). Values are copies: mutating one changes nothing
 * stored. Failures of the store itself throw the store's own error (e.g. StorageError `busy`).
 */
export interface EntityRepository<T extends { id: string }> {
  /** Every readable entity, oldest first; unreadable rows are skipped and reported by the store. */
  list(): T[]
  get(id: string): T | null
  /** Stores a new entity; throws ConflictError when the id is taken. */
  add(entity: T): T
  /** Replaces a stored entity; throws EntityNotFoundError when there is none. */
  update(entity: T): T
  /** Deletes it; answers what was deleted, or null when there was nothing. */
  remove(id: string): T | null
}

/** The one settings row. `get` answers what is stored (possibly partial) or null before any save. */
export interface SettingsRepository {
  get(): Partial<SystemSettings> | null
  save(settings: SystemSettings): void
}

/** A policy file as the folder holds it. */
export interface PolicyFile {
  /** The file name without `.yaml` (a policy id when it is a UUID). */
  id: string
  /** Absolute path, for messages. */
  path: string
  text: string
  /** ISO-8601 UTC of the last modification (hand edits are picked up by comparing it). */
  modified_at: string
}

/**
 * The policy folder (`POLICIES_DIR`): one `<uuid>.yaml` per policy, in upstream's format.
 * Writes are atomic (temporary file + rename): a reader never sees half a policy.
 */
export interface PolicyFileStore {
  /** Absolute path of the folder. */
  readonly folder: string
  /** Every `*.yaml` file, by name. */
  list(): PolicyFile[]
  read(id: string): PolicyFile | null
  write(id: string, text: string): PolicyFile
  /** Deletes the file; false when there was none. */
  remove(id: string): boolean
}

/** Everything the configuration services persist through (`runtime` injects `storage`'s). */
export interface ConfigurationRepositories {
  adapters: Record<AdapterKind, EntityRepository<AdapterEntity>>
  miners: EntityRepository<MinerEntity>
  energySources: EntityRepository<EnergySource>
  units: EntityRepository<OptimizationUnit>
  settings: SettingsRepository
  policies: PolicyFileStore
  /** Runs `work` as one transaction: every write in it lands, or none does. */
  transaction<T>(work: () => T): T
}

// ─── The decision loop's state ────────────────────────────────────────────────

/** "True since" of `for_seconds` rules, per (unit, miner, rule) key: survives a restart. */
export interface RuleStateRepository {
  get(key: string): number | undefined
  set(key: string, trueSinceMs: number): void
  delete(key: string): void
  /** Forgets every key starting with `prefix` (a unit or miner removed). */
  deletePrefix(prefix: string): void
  /** Every `[key, trueSinceMs]` whose key starts with `prefix` (a unit's state, to plan with). */
  list(prefix: string): [string, number][]
}

/** A manual start/stop that holds a miner in that state until `until`. */
export interface MinerOverride {
  miner_id: string
  action: 'start' | 'stop'
  /** ISO-8601 UTC */
  until: string
  /** ISO-8601 UTC */
  created_at: string
  reason: string | null
}

export interface OverrideRepository {
  get(minerId: string): MinerOverride | null
  list(): MinerOverride[]
  set(override: MinerOverride): void
  /** False when there was none. */
  clear(minerId: string): boolean
}

/** What the loop last did to a miner: min on/off times are counted from `last_switch_at`. */
export interface MinerRuntimeState {
  miner_id: string
  /** The status the loop last saw. */
  last_status: string | null
  /** ISO-8601 UTC of the last start or stop the loop (or a manual action) executed. */
  last_switch_at: string | null
  last_action: 'start' | 'stop' | null
}

export interface MinerRuntimeRepository {
  get(minerId: string): MinerRuntimeState | null
  set(state: MinerRuntimeState): void
  remove(minerId: string): void
}

/** What a decision-log entry records. */
export const DECISION_KINDS = [
  'decision',
  'action',
  'hold',
  'skip',
  'notice',
  'notification',
] as const
export type DecisionKind = (typeof DECISION_KINDS)[number]

/** One entry of the decision log (every action, failure, change of decision or hold). */
export interface DecisionRecord {
  /** Increasing: newer entries have larger ids. */
  id: number
  /** ISO-8601 UTC */
  at: string
  kind: DecisionKind
  unit_id: string | null
  unit_name: string | null
  miner_id: string | null
  miner_name: string | null
  policy_id: string | null
  policy_name: string | null
  rule_id: string | null
  rule_name: string | null
  rule_type: 'start' | 'stop' | null
  decision: 'start_mining' | 'stop_mining' | 'maintain_state' | null
  /** What was done: `start`, `stop`, or `none`. */
  action: 'start' | 'stop' | 'none'
  /** `executed`, `failed`, `held`, `skipped`, `decided`, `sent`, `undelivered`… */
  outcome: string
  status_before: string | null
  status_after: string | null
  /** A sentence a person can read. */
  reason: string
  /** The explain trace (JSON), or null. */
  trace: unknown
  /** Anything else worth keeping (JSON object), or null. */
  details: Record<string, unknown> | null
}
export type NewDecisionRecord = Omit<DecisionRecord, 'id'>

export interface DecisionQuery {
  unit_id?: string
  miner_id?: string
  /** ISO-8601 UTC: entries at or after it. */
  since?: string
  /** Entries with an id below it (paging backwards). */
  before_id?: number
  /** Entries with an id above it (following). */
  after_id?: number
  kinds?: readonly DecisionKind[]
  /** Default 50, at most 1000. */
  limit?: number
}

export interface DecisionLogRepository {
  append(record: NewDecisionRecord): DecisionRecord
  /** Newest first (or oldest first with `after_id`, for following). */
  query(query: DecisionQuery): DecisionRecord[]
  /** Deletes entries older than `beforeIso`; answers how many. */
  pruneBefore(beforeIso: string): number
}

/** Keeps the decision loop to one scheduler per database. */
export interface SchedulerLeaseRepository {
  /** Takes or renews the lease for `holder` until `nowMs + ttlMs`; false when another holds it. */
  acquire(holder: string, ttlMs: number, nowMs: number): boolean
  /** Gives it up (only if `holder` holds it). */
  release(holder: string): void
  /** Who holds it at `nowMs`, or null. */
  current(nowMs: number): { holder: string; expires_at: number } | null
}

// ─── History (charts, Prometheus-less trends, what the pool does not give) ────────────

/** One reading of one series at one instant (epoch ms). */
export interface HistoryPoint {
  series: string
  at: number
  value: number
}

/**
 * How long each resolution is kept: every reading for 24 h, 1-minute averages for 7 days,
 * 15-minute averages for 90 days. Points are averaged into every tier as they are written, so
 * no background job has to aggregate; pruning only deletes what is past a tier's retention.
 */
export const HISTORY_TIERS = [
  { tier: 0, bucketMs: 0, retentionMs: 86_400_000 },
  { tier: 1, bucketMs: 60_000, retentionMs: 7 * 86_400_000 },
  { tier: 2, bucketMs: 900_000, retentionMs: 90 * 86_400_000 },
] as const

/**
 * The tier to answer from: among those that still hold `from`, the coarsest whose buckets are
 * no wider than the step (fewest rows to read); the finest of them when the step is narrower
 * than all; the coarsest tier when `from` is older than every retention.
 */
export function historyTierFor(from: number, now: number, stepMs: number): number {
  const holding = HISTORY_TIERS.filter(({ retentionMs }) => from >= now - retentionMs)
  if (holding.length === 0) return HISTORY_TIERS[HISTORY_TIERS.length - 1]?.tier ?? 0
  const fitting = holding.filter(({ bucketMs }) => bucketMs <= stepMs)
  return (fitting.at(-1) ?? holding[0])?.tier ?? 0
}

export interface HistoryQuery {
  series: readonly string[]
  /** Epoch ms, inclusive. */
  from: number
  /** Epoch ms, exclusive. */
  to: number
  /** Width of the answered buckets in ms (each point is the average of its bucket). */
  stepMs: number
  /** Now, to choose the finest tier that still covers `from`. */
  now: number
}

export interface HistorySeries {
  series: string
  /** `[bucket start ms, average]`, oldest first; buckets without data are absent. */
  points: [number, number][]
}

export interface HistoryRepository {
  record(points: readonly HistoryPoint[]): void
  query(query: HistoryQuery): HistorySeries[]
  /** A series' average over [from, to) from the 1-minute tier, and how much of it is covered. */
  average(series: string, from: number, to: number): { value: number; covered_ms: number } | null
  /** Deletes at most `limit` rows past their tier's retention; answers how many. */
  prune(now: number, limit?: number): number
  /** Rows and distinct series stored. */
  stats(): { rows: number; series: number }
}

/** The loop's own persistence (`runtime` injects `storage`'s). */
export interface LoopRepositories {
  ruleState: RuleStateRepository
  overrides: OverrideRepository
  minerRuntime: MinerRuntimeRepository
  decisions: DecisionLogRepository
  lease: SchedulerLeaseRepository
  history: HistoryRepository
}
