import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * Database schema: one export per table. drizzle-kit reads this file to generate migrations
 * (`pnpm --filter @edge-mining/storage run db:generate`), so it imports nothing but drizzle.
 */

/**
 * Configured mining performance trackers (upstream's table of the same name, reference §8.2).
 * `config` is the adapter config as JSON text; it may hold a pool token, hence the file mode
 * 0600. Parsed by the repository rather than by drizzle's json mode, so that one unreadable
 * row can be reported instead of failing every read. Timestamps are ISO-8601 UTC strings, which
 * sort chronologically as text.
 */
export const miningPerformanceTrackers = sqliteTable('mining_performance_trackers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  adapter_type: text('adapter_type').notNull(),
  config: text('config').notNull(),
  external_service_id: text('external_service_id'),
  created_at: text('created_at').notNull(),
  updated_at: text('updated_at').notNull(),
})

export type MiningPerformanceTrackerRow = typeof miningPerformanceTrackers.$inferSelect

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
