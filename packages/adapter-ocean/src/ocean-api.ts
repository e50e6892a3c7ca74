import { NumberLikeSchema, parseResponse } from '@edge-mining/adapter-kit'
import {
  btcToSats,
  type HashRate,
  hashRate,
  MiningPoolResponseError,
  type MiningReward,
  miningReward,
  newestRewards,
  type PoolWorkerStats,
  parseCount,
  parseTimestamp,
  poolWorkerStats,
  toTerahashPerSecond,
  type WorkerState,
} from '@edge-mining/domain'
import * as v from 'valibot'

/**
 * Ocean's real response shapes (see the pool-API reference §1): every JSON endpoint answers
 * `{"result": …}` or `{"error": "…"}` (the latter possibly with HTTP 200), numbers mostly as
 * strings, hash rates in H/s, BTC amounts as 8-decimal strings, `lastest_share_ts` (sic) in
 * unix seconds, naive-UTC ISO `ts` in earnpay. Schemas accept numbers and numeric strings and
 * convert to domain units as they validate, so a bad value is reported with its field path.
 */

const POOL = 'Ocean'

/** What Ocean answers for an address that never mined or has nothing active. */
export const NO_SUCH_USER_PATTERN = /no such user/i

// ─── Field schemas (validate and convert) ─────────────────────────────────────

/** H/s as a number or integer string → TH/s (exact decimal shift). */
const HashrateSchema = v.pipe(
  NumberLikeSchema,
  v.check(
    (value) => toTerahashPerSecond(value, 'H/s') !== null,
    'expected a non-negative hash rate in H/s',
  ),
  v.transform((value) => toTerahashPerSecond(value, 'H/s') ?? 0),
)

/** BTC as a decimal string → integer sats (exact). */
const BtcSchema = v.pipe(
  NumberLikeSchema,
  v.check((value) => btcToSats(value) !== null, 'expected a non-negative BTC amount'),
  v.transform((value) => btcToSats(value) ?? 0),
)

/** Integer sats as a number or numeric string. */
const SatsSchema = v.pipe(
  NumberLikeSchema,
  v.check((value) => parseCount(value) !== null, 'expected a whole, non-negative number of sats'),
  v.transform((value) => parseCount(value) ?? 0),
)

/** Unix seconds (`lastest_share_ts`) → ISO UTC; `0` or `null` means "no share yet". */
const LastShareSchema = v.pipe(
  v.nullable(NumberLikeSchema),
  v.check(
    (value) => value === null || parseCount(value) !== null,
    'expected unix seconds as a whole number',
  ),
  v.transform((value) => {
    const seconds = value === null ? 0 : (parseCount(value) ?? 0)
    return seconds === 0 ? null : parseTimestamp(seconds)
  }),
)

/** earnpay `ts`: naive ISO-8601 meaning UTC (`2026-08-20T23:11:03`), or unix seconds. */
const EarnpayTimestampSchema = v.pipe(
  v.union([v.string(), v.number()]),
  v.check((value) => parseTimestamp(value) !== null, 'expected an ISO-8601 or unix timestamp'),
  v.transform((value) => parseTimestamp(value) ?? ''),
)

const HashrateWindowsSchema = v.object({
  hashrate_60s: v.optional(HashrateSchema),
  hashrate_300s: v.optional(HashrateSchema),
  hashrate_600s: v.optional(HashrateSchema),
  hashrate_1800s: v.optional(HashrateSchema),
  hashrate_3600s: v.optional(HashrateSchema),
  hashrate_10800s: v.optional(HashrateSchema),
  hashrate_43200s: v.optional(HashrateSchema),
  hashrate_86400s: v.optional(HashrateSchema),
})
type HashrateWindows = v.InferOutput<typeof HashrateWindowsSchema>

// ─── Endpoint schemas ─────────────────────────────────────────────────────────

export const UserHashrateResponseSchema = v.object({
  result: v.object({
    ...HashrateWindowsSchema.entries,
    lastest_share_ts: v.optional(LastShareSchema, null),
  }),
})

export const StatsnapResponseSchema = v.object({
  result: v.object({
    unpaid: BtcSchema,
    estimated_payout_next_block: BtcSchema,
    lastest_share_ts: v.optional(LastShareSchema, null),
  }),
})

export const UserHashrateFullResponseSchema = v.object({
  result: v.object({
    workers: v.record(
      v.pipe(v.string(), v.minLength(1, 'expected a worker name')),
      v.pipe(
        v.array(HashrateWindowsSchema),
        v.minLength(1, 'expected a one-element array of hash-rate windows'),
      ),
    ),
  }),
})

export const EarnpayResponseSchema = v.object({
  result: v.object({
    earnings: v.array(
      v.object({
        ts: EarnpayTimestampSchema,
        satoshis_net_earned: SatsSchema,
      }),
    ),
  }),
})

// ─── What the adapter caches per endpoint ─────────────────────────────────────

/** From `user_hashrate`: the account's hash rates and newest share. */
export interface OceanHashrateSummary {
  current_hashrate: HashRate | null
  average_hashrate_24h: HashRate | null
  last_share_at: string | null
}

/** From `statsnap`: the account's balance. */
export interface OceanBalance {
  unpaid_balance: number | null
  estimated_next_payout: number | null
  last_share_at: string | null
}

export const EMPTY_HASHRATE_SUMMARY: OceanHashrateSummary = {
  current_hashrate: null,
  average_hashrate_24h: null,
  last_share_at: null,
}

export const EMPTY_BALANCE: OceanBalance = {
  unpaid_balance: null,
  estimated_next_payout: null,
  last_share_at: null,
}

// ─── Envelope ─────────────────────────────────────────────────────────────────

function errorMessageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined
  const { error } = body as { error: unknown }
  if (error === undefined || error === null || error === false || error === '') return undefined
  return typeof error === 'string' ? error : JSON.stringify(error)
}

/** True for Ocean's "No such user or user has no active workers" envelope. */
export function isNoSuchUser(body: unknown): boolean {
  const message = errorMessageOf(body)
  return message !== undefined && NO_SUCH_USER_PATTERN.test(message)
}

/**
 * Reads Ocean's envelope: "No such user" → `empty` (an honest empty account, not a failure);
 * any other `{"error": …}` → MiningPoolResponseError quoting Ocean's message; else the schema.
 */
function readEnvelope<const TSchema extends v.GenericSchema, TEmpty>(
  schema: TSchema,
  body: unknown,
  endpoint: string,
  empty: TEmpty,
): { empty: true; value: TEmpty } | { empty: false; value: v.InferOutput<TSchema> } {
  const message = errorMessageOf(body)
  if (message !== undefined) {
    if (NO_SUCH_USER_PATTERN.test(message)) return { empty: true, value: empty }
    throw new MiningPoolResponseError(
      `${POOL} ${endpoint}: the pool answered with an error: ${message.slice(0, 200)}`,
    )
  }
  return { empty: false, value: parseResponse(schema, body, { pool: POOL, endpoint }) }
}

/** Neither `hashrate_300s` nor `hashrate_60s` under `at` (e.g. `result.`). */
function missingCurrentRate(endpoint: string, at: string): MiningPoolResponseError {
  return new MiningPoolResponseError(
    `${POOL} ${endpoint}: unexpected response at ${at}hashrate_300s: missing, and no hashrate_60s either`,
  )
}

// ─── Mapping ──────────────────────────────────────────────────────────────────

/**
 * The current rate of a window set: the 5-minute window, or the 1-minute one when Ocean omits
 * it. `0` is a real reading (no accepted share in the window), never "missing".
 */
function currentRate(windows: HashrateWindows): number | undefined {
  return windows.hashrate_300s ?? windows.hashrate_60s
}

/** A worker hashing below this share of its 3-hour average is `low`. */
export const LOW_HASHRATE_RATIO = 0.5

/**
 * Ocean reports no worker state, so it is inferred from the windows: no hash rate in the last
 * 5 minutes → `offline` (whatever older windows say: it stopped); hashing at less than half
 * its 3-hour average → `low`; otherwise `online`. Ocean has no `disabled` workers.
 */
export function inferWorkerState(windows: HashrateWindows): WorkerState | null {
  const current = currentRate(windows)
  if (current === undefined) return null
  if (current === 0) return 'offline'
  const reference = windows.hashrate_10800s
  if (reference !== undefined && current < reference * LOW_HASHRATE_RATIO) return 'low'
  return 'online'
}

export function mapUserHashrate(body: unknown): OceanHashrateSummary {
  const read = readEnvelope(
    UserHashrateResponseSchema,
    body,
    'user_hashrate',
    EMPTY_HASHRATE_SUMMARY,
  )
  if (read.empty) return read.value
  const { result } = read.value
  const current = currentRate(result)
  if (current === undefined) throw missingCurrentRate('user_hashrate', 'result.')
  return {
    current_hashrate: hashRate(current),
    average_hashrate_24h:
      result.hashrate_86400s === undefined ? null : hashRate(result.hashrate_86400s),
    last_share_at: result.lastest_share_ts,
  }
}

export function mapStatsnap(body: unknown): OceanBalance {
  const read = readEnvelope(StatsnapResponseSchema, body, 'statsnap', EMPTY_BALANCE)
  if (read.empty) return read.value
  const { result } = read.value
  return {
    unpaid_balance: result.unpaid,
    estimated_next_payout: result.estimated_payout_next_block,
    last_share_at: result.lastest_share_ts,
  }
}

/** Workers sorted by name; each is its one-element window array's first element. */
export function mapUserHashrateFull(body: unknown): PoolWorkerStats[] {
  const read = readEnvelope(UserHashrateFullResponseSchema, body, 'user_hashrate_full', [])
  if (read.empty) return read.value
  return Object.entries(read.value.result.workers)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([worker_name, [windows]]) => {
      const current = windows === undefined ? undefined : currentRate(windows)
      if (windows === undefined || current === undefined) {
        throw missingCurrentRate('user_hashrate_full', `result.workers.${worker_name}.0.`)
      }
      return poolWorkerStats({
        worker_name,
        hashrate: hashRate(current),
        state: inferWorkerState(windows),
      })
    })
}

/** Per-block earnings (net of Ocean's fee), newest first. */
export function mapEarnpay(body: unknown): MiningReward[] {
  const read = readEnvelope(EarnpayResponseSchema, body, 'earnpay', [])
  if (read.empty) return read.value
  const rewards = read.value.result.earnings.map((earning) =>
    miningReward(earning.satoshis_net_earned, earning.ts),
  )
  return newestRewards(rewards, rewards.length)
}

/** The newer of two ISO timestamps (either may be null). */
export function newerTimestamp(a: string | null, b: string | null): string | null {
  if (a === null) return b
  if (b === null) return a
  return Date.parse(a) >= Date.parse(b) ? a : b
}
