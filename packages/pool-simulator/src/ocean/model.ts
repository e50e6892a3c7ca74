import { naiveUtcIso, satsToBtc } from '../core/format.ts'
import { hexDigits, signedNoise, unitNoise } from '../core/random.ts'

/** One miner of the model: a constant nominal hash rate with seeded per-minute share noise. */
export type OceanWorker = { name: string; hashrateThs: number }
export type OceanAccount = { address: string; workers: OceanWorker[] }

/** The eight windows Ocean reports, in seconds. */
export const OCEAN_WINDOWS = [60, 300, 600, 1800, 3600, 10_800, 43_200, 86_400] as const
export type OceanWindow = (typeof OCEAN_WINDOWS)[number]

const TWO_POW_32 = 2 ** 32
/** From the reference's pool_stat example: the TIDES log holds 8 × network difficulty shares. */
export const NETWORK_DIFFICULTY = '138966872071213.02'
export const TIDES_TOTAL_SHARES = 1_111_734_976_569_704
/** How long the share log reaches back for a constant miner (the reference's ratio shares_in_tides / rate). */
const TIDES_WINDOW_SECONDS = 900_000
const BLOCK_SUBSIDY_SATS = 312_500_000
const POOL_FEE_PERCENT = 1

export type OceanModelOptions = {
  seed: number
  /** Unix seconds: the accounts' reward history (earnings, payouts) starts after this. */
  historyStartSeconds: number
  /** Ocean finds one block per interval, at a seeded moment inside it. */
  blockIntervalSeconds: number
  /** Unpaid balance at which the next block's coinbase pays the account out. */
  payoutThresholdSats: number
}

/** `generation`: paid in the block's coinbase; `wallet`: paid hours later from a pool wallet (both seen live). */
export type OceanPayoutKind = 'generation' | 'wallet'

export type Earning = {
  block_hash: string
  ts: string
  shares_in_window: number
  fees_colected_satoshis: number
  satoshis_net_earned: number
}
export type Payout = {
  ts: string
  on_chain_txid: string
  total_satoshis_net_paid: number
  is_generation_txn: boolean
}

/** Integer H/s string of `shares` diff-1 shares over `seconds`: floor(shares × 2^32 / seconds). */
export function hashrateFromShares(shares: number, seconds: number): string {
  return ((BigInt(shares) << 32n) / BigInt(seconds)).toString()
}

export function createOceanModel(options: OceanModelOptions) {
  const { seed } = options

  function minuteShares(worker: OceanWorker, minute: number): number {
    if (worker.hashrateThs <= 0) return 0
    const expected = (worker.hashrateThs * 1e12 * 60) / TWO_POW_32
    return Math.round(expected * (1 + 0.04 * signedNoise(seed, 'shares', worker.name, minute)))
  }

  /** Shares of each window ending at the snapshot minute (exclusive). */
  function windowShares(worker: OceanWorker, snapMinute: number): Record<OceanWindow, number> {
    const result = {} as Record<OceanWindow, number>
    let sum = 0
    let minutes = 0
    for (const window of OCEAN_WINDOWS) {
      while (minutes < window / 60) {
        minutes += 1
        sum += minuteShares(worker, snapMinute - minutes)
      }
      result[window] = sum
    }
    return result
  }

  function sumWindows(parts: Array<Record<OceanWindow, number>>): Record<OceanWindow, number> {
    const total = {} as Record<OceanWindow, number>
    for (const window of OCEAN_WINDOWS) {
      total[window] = parts.reduce((acc, part) => acc + part[window], 0)
    }
    return total
  }

  function hashrateWindows(shares: Record<OceanWindow, number>): Record<string, string> {
    const out: Record<string, string> = {}
    for (const window of OCEAN_WINDOWS) {
      out[`hashrate_${window}s`] = hashrateFromShares(shares[window], window)
    }
    return out
  }

  function sharesInTides(workers: OceanWorker[], seconds: number): number {
    const rate = workers.reduce((acc, w) => acc + Math.max(0, w.hashrateThs), 0) * 1e12
    const hour = Math.floor(seconds / 3600)
    const expected = (rate * TIDES_WINDOW_SECONDS) / TWO_POW_32
    return Math.round(expected * (1 + 0.01 * signedNoise(seed, 'tides', hour)))
  }

  function blockRewardSats(blockIndex: number): number {
    return (
      BLOCK_SUBSIDY_SATS + 500_000 + Math.floor(unitNoise(seed, 'fees', blockIndex) * 2_000_000)
    )
  }

  function blockTime(blockIndex: number): number {
    const interval = options.blockIntervalSeconds
    return blockIndex * interval + Math.floor(unitNoise(seed, 'block', blockIndex) * interval)
  }

  function netEarning(rewardSats: number, shares: number) {
    const gross = Math.floor((rewardSats * shares) / TIDES_TOTAL_SHARES)
    const fee = Math.round((gross * POOL_FEE_PERCENT) / 100)
    return { fee, net: gross - fee }
  }

  /** Replays every block from the history start to `nowSeconds`: earnings, coinbase payouts, unpaid. */
  function ledger(account: OceanAccount, nowSeconds: number, kind: OceanPayoutKind = 'generation') {
    const earnings: Array<Earning & { at: number }> = []
    const payouts: Array<Payout & { at: number }> = []
    let unpaid = 0
    const interval = options.blockIntervalSeconds
    for (
      let index = Math.floor(options.historyStartSeconds / interval);
      index <= Math.floor(nowSeconds / interval);
      index++
    ) {
      const at = blockTime(index)
      if (at <= options.historyStartSeconds || at > nowSeconds) continue
      const shares = sharesInTides(account.workers, at)
      if (shares === 0) continue
      const { fee, net } = netEarning(blockRewardSats(index), shares)
      earnings.push({
        at,
        block_hash: `0000000000000000000${hexDigits(seed, 45, 'hash', index)}`,
        ts: naiveUtcIso(at),
        shares_in_window: shares,
        fees_colected_satoshis: fee,
        satoshis_net_earned: net,
      })
      unpaid += net
      if (unpaid >= options.payoutThresholdSats) {
        // TIDES pays in the coinbase of the block itself; Ocean records it seconds to minutes
        // later. A wallet payout goes out in a batch a few hours later.
        const lag = kind === 'generation' ? 14 : 3 * 3600
        const paidAt = at + lag + Math.floor(unitNoise(seed, 'paid', index) * 120)
        if (paidAt > nowSeconds) continue
        payouts.push({
          at: paidAt,
          ts: naiveUtcIso(paidAt),
          on_chain_txid: hexDigits(seed, 64, 'txid', index, account.address),
          total_satoshis_net_paid: unpaid,
          is_generation_txn: kind === 'generation',
        })
        unpaid = 0
      }
    }
    return { earnings, payouts, unpaid }
  }

  function estimates(account: OceanAccount, workers: OceanWorker[], nowSeconds: number) {
    const nextBlock = Math.floor(nowSeconds / options.blockIntervalSeconds) + 1
    const shares = sharesInTides(workers, nowSeconds)
    const { net } = netEarning(blockRewardSats(nextBlock), shares)
    const { unpaid } = ledger(account, nowSeconds)
    return {
      shares,
      estimated_earn_next_block: satsToBtc(net),
      estimated_bonus_earn_next_block: satsToBtc(0),
      estimated_total_earn_next_block: satsToBtc(net),
      estimated_payout_next_block: satsToBtc(
        unpaid + net >= options.payoutThresholdSats ? unpaid + net : 0,
      ),
      unpaid: satsToBtc(unpaid),
    }
  }

  function lastShareSeconds(workers: OceanWorker[], nowSeconds: number): string {
    if (!workers.some((w) => w.hashrateThs > 0)) return String(options.historyStartSeconds)
    return String(nowSeconds - Math.floor(unitNoise(seed, 'last', nowSeconds) * 3))
  }

  const snapMinuteOf = (nowSeconds: number) => Math.floor(nowSeconds / 60)

  return {
    /** `statsnap` payload for the whole account, or for one worker (`address.worker`). */
    statsnap(account: OceanAccount, nowSeconds: number, workerName?: string) {
      const workers =
        workerName === undefined
          ? account.workers
          : account.workers.filter((w) => w.name === workerName)
      const snapMinute = snapMinuteOf(nowSeconds)
      const shares = sumWindows(workers.map((w) => windowShares(w, snapMinute)))
      const estimate = estimates(account, workers, nowSeconds)
      return {
        snap_type: workerName === undefined ? 'user' : 'worker',
        snap_ts: String(snapMinute * 60),
        shares_60s: String(shares[60]),
        shares_300s: String(shares[300]),
        hashrate_60s: hashrateFromShares(shares[60], 60),
        hashrate_300s: hashrateFromShares(shares[300], 300),
        lastest_share_ts: lastShareSeconds(workers, nowSeconds),
        shares_in_tides: String(estimate.shares),
        estimated_earn_next_block: estimate.estimated_earn_next_block,
        estimated_bonus_earn_next_block: estimate.estimated_bonus_earn_next_block,
        estimated_total_earn_next_block: estimate.estimated_total_earn_next_block,
        estimated_payout_next_block: estimate.estimated_payout_next_block,
        unpaid: estimate.unpaid,
      }
    },

    userHashrate(account: OceanAccount, nowSeconds: number) {
      const snapMinute = snapMinuteOf(nowSeconds)
      const shares = sumWindows(account.workers.map((w) => windowShares(w, snapMinute)))
      return {
        snap_ts: String(snapMinute * 60),
        // The database snapshot lags the live one by a few minutes (as in the capture).
        db_ts: String(snapMinute * 60 - 180),
        ...hashrateWindows(shares),
        active_worker_count: account.workers.filter((w) => w.hashrateThs > 0).length,
        lastest_share_ts: lastShareSeconds(account.workers, nowSeconds),
      }
    },

    userHashrateFull(account: OceanAccount, nowSeconds: number) {
      const snapMinute = snapMinuteOf(nowSeconds)
      const perWorker = account.workers.map((w) => windowShares(w, snapMinute))
      const workers: Record<string, [Record<string, string>]> = {}
      account.workers.forEach((worker, i) => {
        const shares = perWorker[i]
        if (shares !== undefined) workers[worker.name] = [hashrateWindows(shares)]
      })
      return {
        snap_ts: String(snapMinute * 60),
        db_ts: String(snapMinute * 60 - 180),
        workers,
        user_hashrate: hashrateWindows(sumWindows(perWorker)),
      }
    },

    /** Earnings and payouts with `ts` in [start, end], newest first, as known at `nowSeconds`. */
    earnpay(
      account: OceanAccount,
      nowSeconds: number,
      start: number,
      end: number,
      kind: OceanPayoutKind = 'generation',
    ) {
      const { earnings, payouts } = ledger(account, nowSeconds, kind)
      const inWindow = (at: number) => at >= start && at <= end
      return {
        start_ts: String(start),
        end_ts: String(end),
        earnings: earnings
          .filter((e) => inWindow(e.at))
          .reverse()
          .map(({ at: _at, ...earning }) => earning),
        payouts: payouts
          .filter((p) => inWindow(p.at))
          .reverse()
          .map(({ at: _at, ...payout }) => payout),
      }
    },

    poolStat(nowSeconds: number) {
      const hour = Math.floor(nowSeconds / 3600)
      const nextBlock = Math.floor(nowSeconds / options.blockIntervalSeconds) + 1
      return {
        snap_ts: String(snapMinuteOf(nowSeconds) * 60),
        active_users: String(2410 + Math.round(40 * signedNoise(seed, 'users', hour))),
        active_workers: String(86_080 + Math.round(900 * signedNoise(seed, 'workers', hour))),
        network_difficulty: NETWORK_DIFFICULTY,
        current_tides_shares: String(TIDES_TOTAL_SHARES),
        max_tides_shares: String(TIDES_TOTAL_SHARES),
        current_estimated_block_reward: satsToBtc(blockRewardSats(nextBlock)),
      }
    },
  }
}

export type OceanModel = ReturnType<typeof createOceanModel>
