import type {
  AdapterDefinition,
  MiningPerformanceTrackerPort,
  PoolWorkerStats,
} from '@edge-mining/domain'
import {
  DEFAULT_REWARDS_LIMIT,
  hashRate,
  miningReward,
  parseTrackerConfig,
  payoutSchedule,
  poolStats,
  poolWorkerStats,
  validateRewardsLimit,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { seededRandom } from './random'

export const DummyTrackerConfigSchema = v.strictObject({
  message: v.optional(
    v.pipe(v.string(), v.description('Free text shown with the tracker')),
    'This is a dummy performance tracker',
  ),
  seed: v.optional(
    v.pipe(
      v.number(),
      v.safeInteger(),
      v.description('Seed for reproducible values; random when absent'),
    ),
  ),
})
export type DummyTrackerConfig = v.InferOutput<typeof DummyTrackerConfigSchema>
export type DummyTrackerConfigInput = v.InferInput<typeof DummyTrackerConfigSchema>

export interface DummyTrackerOptions {
  /** Clock in ms; default Date.now. */
  now?: () => number
}

const DAY_MS = 86_400_000

/**
 * A tracker with plausible made-up data (≈100 TH/s, two workers, daily rewards) for demos and
 * tests; reproducible when `seed` is set. Like upstream's, its payout schedule is `unknown`.
 */
export function createDummyTracker(
  config: DummyTrackerConfigInput = {},
  options: DummyTrackerOptions = {},
): MiningPerformanceTrackerPort & { readonly config: DummyTrackerConfig } {
  const parsed = parseTrackerConfig(DummyTrackerConfigSchema, config, { adapterType: 'dummy' })
  const random = parsed.seed === undefined ? Math.random : seededRandom(parsed.seed)
  const now = options.now ?? Date.now
  const between = (low: number, high: number) =>
    Math.round((low + (high - low) * random()) * 1000) / 1000
  const isoAgo = (ms: number) => new Date(now() - ms).toISOString()

  const workers = (): PoolWorkerStats[] =>
    ['dummy-1', 'dummy-2'].map((worker_name) =>
      poolWorkerStats({
        worker_name,
        hashrate: hashRate(between(45, 55)),
        last_share_at: isoAgo(Math.floor(random() * 30_000)),
        valid_shares: Math.floor(between(10_000, 20_000)),
        state: 'online',
      }),
    )

  return {
    config: parsed,
    async getCurrentHashrate() {
      return hashRate(between(90, 110))
    },
    async getPoolStats() {
      return poolStats({
        current_hashrate: hashRate(between(90, 110)),
        average_hashrate_24h: hashRate(between(85, 105)),
        average_hashrate_7d: hashRate(between(80, 100)),
        unpaid_balance: 0,
        estimated_next_payout: 0,
        workers: workers(),
        timestamp: new Date(now()).toISOString(),
      })
    },
    async getWorkerStats() {
      return workers()
    },
    async getRecentRewards(limit = DEFAULT_REWARDS_LIMIT) {
      const count = validateRewardsLimit(limit)
      const today = Math.floor(now() / DAY_MS) * DAY_MS
      return Array.from({ length: count }, (_, day) =>
        miningReward(
          Math.floor(between(10_000, 20_000)),
          new Date(today - day * DAY_MS).toISOString(),
        ),
      )
    },
    async getPayoutSchedule() {
      return payoutSchedule({ frequency: 'unknown' })
    },
  }
}

/** The `dummy` tracker type: made-up pool data, seeded when `seed` is set. */
export const dummyTrackerDefinition: AdapterDefinition<'mining_performance_tracker'> = {
  kind: 'mining_performance_tracker',
  type: 'dummy',
  label: 'Dummy (made-up data)',
  configSchema: DummyTrackerConfigSchema,
  secretFields: [],
  create: (config, context) => createDummyTracker(config, { now: () => context.platform.now() }),
}
