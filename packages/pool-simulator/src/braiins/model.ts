import { formatDecimal, satsToBtc, utcDayStart } from '../core/format.ts'
import { hexDigits, signedNoise, unitNoise } from '../core/random.ts'

export type BraiinsWorkerState = 'ok' | 'low' | 'off' | 'dis'

/** One worker of the model. `off`/`dis` workers report zero hash rate whatever `hashrateThs` says. */
export type BraiinsWorker = {
  /** The part after `username.` in the workers map key. */
  name: string
  hashrateThs: number
  /** Default: `ok` when hashrateThs > 0, else `off`. */
  state?: BraiinsWorkerState | undefined
  /** ms; last share of a worker that is not hashing. null/omitted → `last_share: null`. */
  lastShareAt?: number | null | undefined
}
export type BraiinsAccount = { username: string; workers: BraiinsWorker[] }

export type BraiinsModelOptions = {
  seed: number
  /** Unix seconds: the daily reward history starts on the UTC day after this. */
  historyStartSeconds: number
  /** Balance (sats) at which a daily calculation triggers an on-chain payout. */
  payoutThresholdSats: number
}

const DAY = 86_400
/** Daily rewards are calculated 26 h after the day starts (the reference's calculation_date). */
const CALCULATION_DELAY = DAY + 7200
/** FPPS hash price in sats per TH/s per day (≈ the reference: 0.00061081 BTC for 98.3 TH/s). */
const HASH_PRICE_SATS = 620
const BOS_PLUS_SHARE = 0.0485
const BLOCK_INTERVAL = 21_600
const REFERENCE_BLOCK = { height: 962_101, at: 1_787_987_123 }
const POOL_HASH_RATE_GHS = 16_100_000_000

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

export function createBraiinsModel(options: BraiinsModelOptions) {
  const { seed } = options

  function stateOf(worker: BraiinsWorker): BraiinsWorkerState {
    return worker.state ?? (worker.hashrateThs > 0 ? 'ok' : 'off')
  }

  function hashingGhs(worker: BraiinsWorker): number {
    const state = stateOf(worker)
    return state === 'off' || state === 'dis' ? 0 : worker.hashrateThs * 1000
  }

  function noisyGhs(worker: BraiinsWorker, stream: string, bucket: number, spread: number) {
    return Math.round(
      hashingGhs(worker) * (1 + spread * signedNoise(seed, stream, worker.name, bucket)),
    )
  }

  function workerRates(worker: BraiinsWorker, now: number) {
    const rate5m = noisyGhs(worker, '5m', Math.floor(now / 300), 0.03)
    const rate60m = noisyGhs(worker, '60m', Math.floor(now / 3600), 0.015)
    const rate24h = noisyGhs(worker, '24h', Math.floor(now / 3600), 0.008)
    return { rate5m, rate60m, rate24h }
  }

  function lastShare(worker: BraiinsWorker, now: number): number | null {
    if (hashingGhs(worker) > 0)
      return now - Math.floor(unitNoise(seed, 'last', worker.name, now) * 30)
    return worker.lastShareAt == null ? null : Math.floor(worker.lastShareAt / 1000)
  }

  function dailySats(account: BraiinsAccount, day: number) {
    const ths = account.workers.reduce(
      (acc, w) =>
        acc + (hashingGhs(w) / 1000) * (1 + 0.008 * signedNoise(seed, 'day', w.name, day)),
      0,
    )
    const price = HASH_PRICE_SATS * (1 + 0.05 * signedNoise(seed, 'price', day))
    const total = Math.round(ths * price)
    const bos = Math.round(total * BOS_PLUS_SHARE)
    return { ths, total, bos, mining: total - bos }
  }

  /** Replays daily calculations up to `now`: rewards, payouts, balance. */
  function ledger(account: BraiinsAccount, now: number) {
    const days: Array<{ day: number; total: number; mining: number; bos: number; ths: number }> = []
    const payouts: Array<{ requested: number; amount: number; index: number }> = []
    let balance = 0
    let allTime = 0
    for (
      let day = utcDayStart(options.historyStartSeconds) + DAY;
      day + CALCULATION_DELAY <= now;
      day += DAY
    ) {
      const reward = dailySats(account, day)
      if (reward.total === 0) continue
      days.push({ day, ...reward })
      balance += reward.total
      allTime += reward.total
      const requested =
        day + CALCULATION_DELAY + 100 + Math.floor(unitNoise(seed, 'req', day) * 300)
      if (balance >= options.payoutThresholdSats && requested <= now) {
        payouts.push({ requested, amount: balance, index: day / DAY })
        balance = 0
      }
    }
    return { days, payouts, balance, allTime }
  }

  return {
    workers(account: BraiinsAccount, now: number) {
      const workers: Record<string, unknown> = {}
      for (const worker of account.workers) {
        const { rate5m, rate60m, rate24h } = workerRates(worker, now)
        workers[`${account.username}.${worker.name}`] = {
          state: stateOf(worker),
          last_share: lastShare(worker, now),
          hash_rate_unit: 'Gh/s',
          hash_rate_5m: rate5m,
          hash_rate_60m: rate60m,
          hash_rate_24h: rate24h,
          // Weighted "active shares" per window, in the reference's proportions to the hash rate.
          shares_5m: Math.round(rate5m * 1.011),
          shares_60m: Math.round(rate60m * 12.69),
          shares_24h: Math.round(rate24h * 239.04),
        }
      }
      return { workers }
    },

    profile(account: BraiinsAccount, now: number) {
      const rates = account.workers.map((w) => workerRates(w, now))
      const sum = (pick: (r: (typeof rates)[number]) => number) =>
        rates.reduce((acc, r) => acc + pick(r), 0)
      const yesterday = account.workers.reduce(
        (acc, w) => acc + noisyGhs(w, 'day', utcDayStart(now) / DAY - 1, 0.008),
        0,
      )
      const count = (state: BraiinsWorkerState) =>
        account.workers.filter((w) => stateOf(w) === state).length
      const { balance, allTime } = ledger(account, now)
      const today = utcDayStart(now)
      const todaySats = dailySats(account, today).total
      const rate5m = sum((r) => r.rate5m)
      const rate60m = sum((r) => r.rate60m)
      const rate24h = sum((r) => r.rate24h)
      return {
        all_time_reward: satsToBtc(allTime),
        hash_rate_unit: 'Gh/s',
        hash_rate_5m: rate5m,
        hash_rate_60m: rate60m,
        hash_rate_24h: rate24h,
        hash_rate_yesterday: yesterday,
        low_workers: count('low'),
        off_workers: count('off'),
        ok_workers: count('ok'),
        dis_workers: count('dis'),
        current_balance: satsToBtc(balance),
        // Accrued so far today, to 1e-9 BTC like the reference's "0.000166667".
        today_reward: formatDecimal(Math.floor((todaySats * 10 * (now - today)) / DAY), 9),
        estimated_reward: satsToBtc(todaySats),
        shares_5m: Math.round(rate5m * 0.001215),
        shares_60m: Math.round(rate60m * 0.01463),
        shares_24h: Math.round(rate24h * 0.356),
        shares_yesterday: Math.round(yesterday * 0.355),
      }
    },

    /** Daily rewards with `date` in [fromDay, toDay] (unix seconds of UTC midnights). */
    dailyRewards(account: BraiinsAccount, now: number, fromDay: number, toDay: number) {
      return ledger(account, now)
        .days.filter(({ day }) => day >= fromDay && day <= toDay)
        .map(({ day, total, mining, bos, ths }) => {
          const shares = Math.max(1, Math.round(ths * 355))
          const price = Math.round((mining * 100) / shares)
          const split = day + 32_400 + Math.floor(unitNoise(seed, 'split', day) * 28_800)
          const later = Math.round(price * (1 + 0.02 * signedNoise(seed, 'sp', day)))
          return {
            date: day,
            total_reward: satsToBtc(total),
            mining_reward: satsToBtc(mining),
            bos_plus_reward: satsToBtc(bos),
            referral_bonus: satsToBtc(0),
            referral_reward: satsToBtc(0),
            shares,
            share_prices: [
              { from_ts: day, to_ts: split, share_price: formatDecimal(price, 10) },
              { from_ts: split, to_ts: day + DAY, share_price: formatDecimal(later, 10) },
            ],
            calculation_date: day + CALCULATION_DELAY,
          }
        })
    },

    /** On-chain payouts requested in [from, to] (unix seconds), newest first. */
    payouts(account: BraiinsAccount, now: number, from: number, to: number) {
      const onchain = ledger(account, now)
        .payouts.filter(({ requested }) => requested >= from && requested <= to)
        .reverse()
        .map(({ requested, amount, index }) => {
          const resolved = requested + 2200
          const confirmed = resolved <= now
          return {
            financial_account_name: 'Bitcoin Account',
            requested_at_ts: requested,
            resolved_at_ts: confirmed ? resolved : requested,
            status: confirmed ? 'confirmed' : 'queued',
            amount_sats: amount,
            fee_sats: 0,
            destination: 'bc1qexampledestination000000000000000000000000',
            tx_id: confirmed ? hexDigits(seed, 64, 'tx', index, account.username) : null,
            trigger_type: 'triggered',
          }
        })
      return { onchain, lightning: [] as unknown[] }
    },

    stats(now: number) {
      const bucket5m = Math.floor(now / 300)
      const blocks: Record<string, unknown> = {}
      const last = Math.floor(now / BLOCK_INTERVAL)
      const blockTime = (k: number) =>
        k * BLOCK_INTERVAL + Math.floor(unitNoise(seed, 'b', k) * BLOCK_INTERVAL)
      const referenceIndex = Math.floor(REFERENCE_BLOCK.at / BLOCK_INTERVAL)
      let found = 0
      for (let k = last; k > last - 20 && found < 15; k--) {
        const at = blockTime(k)
        if (at > now) continue
        found += 1
        const duration = at - blockTime(k - 1)
        const confirmationsLeft = Math.max(0, 100 - Math.floor((now - at) / 600))
        const rate = round2(POOL_HASH_RATE_GHS * (1 + 0.01 * signedNoise(seed, 'bp', k)))
        blocks[String(REFERENCE_BLOCK.height + (k - referenceIndex) * 36)] = {
          date_found: at,
          mining_duration: duration,
          total_shares: Math.round(duration * rate * 0.0687),
          state: confirmationsLeft === 0 ? 'confirmed' : 'pending',
          confirmations_left: confirmationsLeft,
          value: satsToBtc(312_500_000 + Math.floor(unitNoise(seed, 'bv', k) * 2_500_000)),
          user_reward: satsToBtc(0),
          pool_scoring_hash_rate: rate,
        }
      }
      return {
        hash_rate_unit: 'Gh/s',
        pool_active_workers: 214_503 + Math.round(2000 * signedNoise(seed, 'pw', bucket5m)),
        pool_5m_hash_rate: round2(
          POOL_HASH_RATE_GHS * (1 + 0.01 * signedNoise(seed, 'p5', bucket5m)),
        ),
        pool_60m_hash_rate: round2(
          POOL_HASH_RATE_GHS * (1 + 0.005 * signedNoise(seed, 'p60', Math.floor(now / 3600))),
        ),
        pool_24h_hash_rate: round2(
          POOL_HASH_RATE_GHS * (1 + 0.002 * signedNoise(seed, 'p24', Math.floor(now / 3600))),
        ),
        update_ts: Math.floor(now / 60) * 60,
        blocks,
        fpps_rate: 0.00000042,
      }
    },
  }
}
