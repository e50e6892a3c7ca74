/**
 * Pure mapping from the Braiins Pool API's real JSON (pool-apis.md §2.3) to the domain's value
 * objects. Every function throws MiningPoolResponseError naming the endpoint and the field when
 * the body cannot be used; none answers NaN or swallows a bad field into null.
 */
import { NumberLikeSchema, parseResponse } from '@edge-mining/adapter-kit'
import {
  btcToSats,
  type HashRate,
  hashRate,
  isEdgeMiningError,
  MiningPoolResponseError,
  type MiningReward,
  miningReward,
  newestRewards,
  type PoolWorkerStats,
  parseCount,
  parseHashrateUnit,
  parseTimestamp,
  poolWorkerStats,
  toTerahashPerSecond,
  type WorkerState,
} from '@edge-mining/domain'
import * as v from 'valibot'

export const POOL_NAME = 'Braiins Pool'

/** Used when `hash_rate_unit` is missing or unreadable: the unit Braiins documents and sends. */
export const DEFAULT_HASH_RATE_UNIT = 'Gh/s'

const DAY_MS = 86_400_000

// Fields are optional and nullable: Braiins' docs and live data disagree on some of them, and a
// field that is absent means "the pool does not say", which the value objects express as null.
const Amount = v.nullish(NumberLikeSchema)
const Rate = v.nullish(NumberLikeSchema)
const Unit = v.nullish(v.string())

export const ProfileResponseSchema = v.object({
  username: v.optional(v.string()),
  btc: v.object({
    hash_rate_unit: Unit,
    hash_rate_5m: Rate,
    hash_rate_24h: Rate,
    current_balance: Amount,
    estimated_reward: Amount,
  }),
})

export const WorkerResponseSchema = v.object({
  state: v.nullish(v.string()),
  last_share: v.nullish(NumberLikeSchema),
  hash_rate_unit: Unit,
  hash_rate_5m: Rate,
  shares_24h: v.nullish(NumberLikeSchema),
})

export const WorkersResponseSchema = v.object({
  btc: v.object({
    hash_rate_unit: Unit,
    // valibot's record accepts arrays; the real API sends a map keyed `user.worker`.
    workers: v.pipe(
      v.custom<unknown>((input) => !Array.isArray(input), 'expected a map keyed by worker name'),
      v.record(v.string(), WorkerResponseSchema),
    ),
  }),
})

export const RewardsResponseSchema = v.object({
  btc: v.object({
    daily_rewards: v.array(
      v.object({
        date: v.union([v.number(), v.string()]),
        total_reward: NumberLikeSchema,
      }),
    ),
  }),
})

function badField(endpoint: string, field: string, value: unknown): MiningPoolResponseError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)
  return new MiningPoolResponseError(
    `${POOL_NAME} ${endpoint}: unexpected response at ${field}: ${shown}`,
  )
}

/** The unit to convert with: the first readable of `units`, else Gh/s (documented default). */
function unitOf(...units: ReadonlyArray<string | null | undefined>): string {
  return units.find((unit) => parseHashrateUnit(unit) !== null) ?? DEFAULT_HASH_RATE_UNIT
}

function toHashRate(
  value: string | number | null | undefined,
  unit: string,
  endpoint: string,
  field: string,
): HashRate | null {
  if (value == null) return null
  const terahash = toTerahashPerSecond(value, unit)
  if (terahash === null) throw badField(endpoint, field, value)
  return hashRate(terahash)
}

function requireSats(value: string | number, endpoint: string, field: string): number {
  const sats = btcToSats(value)
  if (sats === null) throw badField(endpoint, field, value)
  return sats
}

function toSats(value: string | number | null | undefined, endpoint: string, field: string) {
  return value == null ? null : requireSats(value, endpoint, field)
}

export interface ProfileFigures {
  current_hashrate: HashRate | null
  average_hashrate_24h: HashRate | null
  unpaid_balance: number | null
  estimated_next_payout: number | null
}

/** `GET /accounts/profile/json/btc/` → the account-level figures of PoolStats. */
export function mapProfile(body: unknown): ProfileFigures {
  const { btc } = parseResponse(ProfileResponseSchema, body, {
    pool: POOL_NAME,
    endpoint: 'profile',
  })
  const unit = unitOf(btc.hash_rate_unit)
  return {
    current_hashrate: toHashRate(btc.hash_rate_5m, unit, 'profile', 'btc.hash_rate_5m'),
    average_hashrate_24h: toHashRate(btc.hash_rate_24h, unit, 'profile', 'btc.hash_rate_24h'),
    unpaid_balance: toSats(btc.current_balance, 'profile', 'btc.current_balance'),
    estimated_next_payout: toSats(btc.estimated_reward, 'profile', 'btc.estimated_reward'),
  }
}

const WORKER_STATES: Readonly<Record<string, WorkerState>> = {
  ok: 'online',
  low: 'low',
  off: 'offline',
  dis: 'disabled',
}

/** Braiins `ok`/`low`/`off`/`dis` (any case) → the domain's state; anything else → null. */
export function mapWorkerState(state: string | null | undefined): WorkerState | null {
  if (state == null) return null
  return WORKER_STATES[state.trim().toLowerCase()] ?? null
}

/** `GET /accounts/workers/json/btc` → one PoolWorkerStats per `user.worker` key, in the pool's order. */
export function mapWorkers(body: unknown): PoolWorkerStats[] {
  const { btc } = parseResponse(WorkersResponseSchema, body, {
    pool: POOL_NAME,
    endpoint: 'workers',
  })
  return Object.entries(btc.workers).map(([name, worker]) => {
    const field = `btc.workers.${name}`
    const lastShareAt = worker.last_share == null ? null : parseTimestamp(worker.last_share)
    if (worker.last_share != null && lastShareAt === null) {
      throw badField('workers', `${field}.last_share`, worker.last_share)
    }
    const validShares = worker.shares_24h == null ? null : parseCount(worker.shares_24h)
    if (worker.shares_24h != null && validShares === null) {
      throw badField('workers', `${field}.shares_24h`, worker.shares_24h)
    }
    const unit = unitOf(worker.hash_rate_unit, btc.hash_rate_unit)
    try {
      return poolWorkerStats({
        worker_name: name,
        hashrate: toHashRate(worker.hash_rate_5m, unit, 'workers', `${field}.hash_rate_5m`),
        last_share_at: lastShareAt,
        valid_shares: validShares,
        state: mapWorkerState(worker.state),
      })
    } catch (error) {
      // A value the domain refuses (an empty worker name) is the pool's fault, not ours.
      if (isEdgeMiningError(error) && !(error instanceof MiningPoolResponseError)) {
        throw new MiningPoolResponseError(`${POOL_NAME} workers: ${error.message}`)
      }
      throw error
    }
  })
}

/** Midnight UTC of the day `iso` falls on. */
function utcMidnight(iso: string): string {
  return new Date(Math.floor(Date.parse(iso) / DAY_MS) * DAY_MS).toISOString()
}

/**
 * `GET /accounts/rewards/json/btc` → one MiningReward per day (`total_reward`, dated midnight
 * UTC), newest first: Braiins does not document the order of `daily_rewards`.
 */
export function mapDailyRewards(body: unknown): MiningReward[] {
  const { btc } = parseResponse(RewardsResponseSchema, body, {
    pool: POOL_NAME,
    endpoint: 'rewards',
  })
  const rewards = btc.daily_rewards.map((day, index) => {
    const field = `btc.daily_rewards.${index}`
    const at = parseTimestamp(day.date)
    if (at === null) throw badField('rewards', `${field}.date`, day.date)
    const amount = requireSats(day.total_reward, 'rewards', `${field}.total_reward`)
    return miningReward(amount, utcMidnight(at))
  })
  return newestRewards(rewards, rewards.length)
}

/** Days of history asked for by default: the pool's own default window. */
export const DEFAULT_REWARDS_WINDOW_DAYS = 90

/**
 * The `from`/`to` query (inclusive UTC dates) for `limit` daily rewards: the pool's default 90
 * days, or `limit` days when more are wanted. A fixed window (rather than exactly `limit` days)
 * lets every limit up to 90 share one cached response, and still finds `limit` rewards when the
 * account skipped some days.
 */
export function rewardsWindow(limit: number, nowMs: number): { from: string; to: string } {
  const days = Math.max(DEFAULT_REWARDS_WINDOW_DAYS, limit)
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  return { from: day(today - (days - 1) * DAY_MS), to: day(today) }
}
