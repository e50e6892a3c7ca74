// Deep imports: the package root loads every query builder too (≈ 3 MB the server never uses).
import { integer } from 'drizzle-orm/sqlite-core/columns/integer'
import { real } from 'drizzle-orm/sqlite-core/columns/real'
import { text } from 'drizzle-orm/sqlite-core/columns/text'
import { index } from 'drizzle-orm/sqlite-core/indexes'
import { primaryKey } from 'drizzle-orm/sqlite-core/primary-keys'
import { sqliteTable } from 'drizzle-orm/sqlite-core/table'

/**
 * Database schema: one export per table. drizzle-kit reads this file to generate migrations
 * (`pnpm --filter @edge-mining/storage run db:generate`), so it imports nothing but drizzle.
 *
 * Conventions: JSON values are TEXT parsed by the repositories rather than by drizzle's json
 * mode, so that one unreadable row can be reported instead of failing every read. Booleans are
 * INTEGER 0/1. Timestamps of configuration rows are ISO-8601 UTC TEXT (they sort
 * chronologically); the loop's own instants that are compared with `Date.now()` are INTEGER ms.
 *
 * There are no foreign keys between tables: references (a unit's miners, a miner's controllers,
 * an entity's external service) live partly in JSON lists SQLite cannot constrain, policies live
 * in YAML files, and the services check references and detach them on delete with messages that
 * name what is in the way (ConflictError usages). A foreign key would turn those answers into
 * SQLITE_CONSTRAINT failures and make a hand-edited row block every write.
 */

/**
 * The shape every configurable adapter entity shares (trackers, energy monitors, miner
 * controllers, forecast providers, notifiers, external services). `config` is the adapter
 * config as JSON text and may hold a token or password, hence the file mode 0600.
 */
function adapterEntityTable<const TName extends string>(name: TName) {
  return sqliteTable(name, {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    adapter_type: text('adapter_type').notNull(),
    config: text('config').notNull(),
    external_service_id: text('external_service_id'),
    created_at: text('created_at').notNull(),
    updated_at: text('updated_at').notNull(),
  })
}

/** Upstream's table of the same name (reference §8.2). */
export const miningPerformanceTrackers = adapterEntityTable('mining_performance_trackers')
export const energyMonitors = adapterEntityTable('energy_monitors')
export const minerControllers = adapterEntityTable('miner_controllers')
export const forecastProviders = adapterEntityTable('forecast_providers')
export const notifiers = adapterEntityTable('notifiers')
export const externalServices = adapterEntityTable('external_services')

/** Any of the six adapter-entity tables. */
export type AdapterEntityTable = ReturnType<typeof adapterEntityTable<string>>
export type AdapterEntityRow = AdapterEntityTable['$inferSelect']

/** Configured miners. `controller_ids` is not stored: it is derived from `features` on read. */
export const miners = sqliteTable('miners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  model: text('model'),
  /** `{ value, unit: "TH/s" }` or NULL */
  hash_rate_max: text('hash_rate_max'),
  /** W */
  power_consumption_max: real('power_consumption_max'),
  active: integer('active', { mode: 'boolean' }).notNull(),
  /** `[{ feature_type, controller_id, priority, enabled }]` */
  features: text('features').notNull(),
  pool_worker_name: text('pool_worker_name'),
  created_at: text('created_at').notNull(),
  updated_at: text('updated_at').notNull(),
})

export const energySources = sqliteTable('energy_sources', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  type: text('type').notNull(),
  /** W */
  nominal_power_max: real('nominal_power_max'),
  /** `{ nominal_capacity }` (Wh) or NULL */
  storage: text('storage'),
  /** `{ contracted_power }` (W) or NULL */
  grid: text('grid'),
  /** W */
  external_source: real('external_source'),
  energy_monitor_id: text('energy_monitor_id'),
  forecast_provider_id: text('forecast_provider_id'),
  created_at: text('created_at').notNull(),
  updated_at: text('updated_at').notNull(),
})

/** Energy optimization units (upstream's table, reference §2.1, plus min on/off times). */
export const optimizationUnits = sqliteTable('optimization_units', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  is_enabled: integer('is_enabled', { mode: 'boolean' }).notNull(),
  policy_id: text('policy_id'),
  /** JSON array of miner ids, in processing order */
  target_miner_ids: text('target_miner_ids').notNull(),
  energy_source_id: text('energy_source_id'),
  performance_tracker_id: text('performance_tracker_id'),
  home_loads_profile_id: text('home_loads_profile_id'),
  /** JSON array of notifier ids */
  notifier_ids: text('notifier_ids').notNull(),
  /** JSON array of climate zone ids */
  climate_zone_ids: text('climate_zone_ids').notNull(),
  min_on_seconds: integer('min_on_seconds').notNull(),
  min_off_seconds: integer('min_off_seconds').notNull(),
  created_at: text('created_at').notNull(),
  updated_at: text('updated_at').notNull(),
})

/** Upstream's settings table (reference §13): one row `global_settings`, a JSON object. */
export const settings = sqliteTable('settings', {
  id: text('id').primaryKey(),
  settings_json: text('settings_json').notNull(),
})

// ─── The decision loop's state ────────────────────────────────────────────────

/** "True since" (ms) of `for_seconds` rules, per (unit, miner, rule) key. */
export const ruleState = sqliteTable('rule_state', {
  key: text('key').primaryKey(),
  true_since: integer('true_since').notNull(),
})

/** Manual start/stop holds, one per miner; `until` and `created_at` are ISO-8601 UTC. */
export const minerOverrides = sqliteTable('miner_overrides', {
  miner_id: text('miner_id').primaryKey(),
  action: text('action').notNull(),
  until: text('until').notNull(),
  created_at: text('created_at').notNull(),
  reason: text('reason'),
})

/** What the loop last saw and did per miner (min on/off times count from `last_switch_at`). */
export const minerRuntime = sqliteTable('miner_runtime', {
  miner_id: text('miner_id').primaryKey(),
  last_status: text('last_status'),
  last_switch_at: text('last_switch_at'),
  last_action: text('last_action'),
})

/**
 * Every action, failure, change of decision or hold. `id` is AUTOINCREMENT so an id is never
 * reused after pruning: followers page with `after_id` and must not see an old id come back.
 */
export const decisionLog = sqliteTable(
  'decision_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    kind: text('kind').notNull(),
    unit_id: text('unit_id'),
    unit_name: text('unit_name'),
    miner_id: text('miner_id'),
    miner_name: text('miner_name'),
    policy_id: text('policy_id'),
    policy_name: text('policy_name'),
    rule_id: text('rule_id'),
    rule_name: text('rule_name'),
    rule_type: text('rule_type'),
    decision: text('decision'),
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    status_before: text('status_before'),
    status_after: text('status_after'),
    reason: text('reason').notNull(),
    /** The explain trace, JSON or NULL */
    trace: text('trace'),
    /** JSON object or NULL */
    details: text('details'),
  },
  (table) => [
    index('decision_log_unit_id_idx').on(table.unit_id, table.id),
    index('decision_log_miner_id_idx').on(table.miner_id, table.id),
    index('decision_log_at_idx').on(table.at),
  ],
)

/** One scheduler per database: the row `decision_loop` names who runs the loop until when (ms). */
export const schedulerLease = sqliteTable('scheduler_lease', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expires_at: integer('expires_at').notNull(),
})

/**
 * Pool-data cache shared by every process on the database (API server, CLI): one row per cache
 * key (`@edge-mining/http-cache` keys are pool URLs; they never contain a token). `value` is the
 * cached value as JSON text; `stored_at` is ms since the epoch on the writer's clock.
 */
export const poolCacheEntries = sqliteTable('pool_cache_entries', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  stored_at: integer('stored_at').notNull(),
})

/**
 * Open (or expired, not yet reset) rate-limit cool-downs per cache scope (a pool host): no
 * process calls the pool before `until` (ms since the epoch); `step` is the next rung of the
 * backoff ladder.
 */
export const poolCacheCooldowns = sqliteTable('pool_cache_cooldowns', {
  scope: text('scope').primaryKey(),
  until: integer('until').notNull(),
  step: integer('step').notNull(),
})

/**
 * The names of the history's series (`miner:<id>:power`…), each stored once: the history's
 * rows carry the small integer id instead of the name (a third of the file at 90 days).
 */
export const historySeries = sqliteTable('history_series', {
  id: integer('id').primaryKey(),
  name: text('name').notNull().unique(),
})

/**
 * History of readings for charts and for what the pools do not give (Ocean's 7-day average):
 * one row per (series, tier, bucket) holding the sum, count, min and max of the readings in it.
 * Tier 0 keeps every reading (bucket = its instant) for 24 h, tier 1 one-minute buckets for
 * 7 days, tier 2 fifteen-minute buckets for 90 days (domain `HISTORY_TIERS`). A reading is
 * added to all three as it is written, so the size is bounded by the retentions alone. The
 * table is WITHOUT ROWID (migration 0004): the key is the row, with no second copy in an index.
 */
export const historyBuckets = sqliteTable(
  'history',
  {
    series_id: integer('series_id').notNull(),
    tier: integer('tier').notNull(),
    bucket: integer('bucket').notNull(),
    sum: real('sum').notNull(),
    count: integer('count').notNull(),
    min: real('min').notNull(),
    max: real('max').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.series_id, table.tier, table.bucket] }),
    index('history_tier_bucket').on(table.tier, table.bucket),
  ],
)
