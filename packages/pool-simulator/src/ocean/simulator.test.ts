import { describe, expect, it } from 'vitest'
import { getJson, httpGet, startsOnFakeClock, typesOf } from '../test-support.ts'
import { DEFAULT_OCEAN_ADDRESS, startOceanSimulator } from './simulator.ts'

// 2026-08-29T10:40:00Z, the moment of the reference's small-miner examples (snap_ts 1788000000).
const T0 = 1_788_000_000_000
const ADDRESS = DEFAULT_OCEAN_ADDRESS
const HS = /^\d+$/
const BTC8 = /^\d+\.\d{8}$/
const NAIVE_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/
const WINDOW_KEYS = [60, 300, 600, 1800, 3600, 10800, 43200, 86400].map((n) => `hashrate_${n}s`)

type Json = Record<string, unknown>
const startOnFakeClock = startsOnFakeClock(startOceanSimulator, T0)

async function start(options: Parameters<typeof startOceanSimulator>[0] = {}) {
  const { sim, clock } = await startOnFakeClock(options)
  const result = async (path: string) => {
    const response = await getJson(`${sim.url}${path}`)
    expect(response.status).toBe(200)
    return (response.json as { result: Json }).result
  }
  return { sim, clock, result }
}

describe('Ocean simulator: shapes and JSON types of every endpoint (pool-apis.md §1.3)', () => {
  it('statsnap: every field a string, hash rates integer H/s, BTC with 8 decimals, lastest_share_ts typo', async () => {
    const { result } = await start()
    const snap = await result(`/v1/statsnap/${ADDRESS}`)
    expect(Object.keys(snap).sort()).toEqual(
      [
        'snap_type',
        'snap_ts',
        'shares_60s',
        'shares_300s',
        'hashrate_60s',
        'hashrate_300s',
        'lastest_share_ts',
        'shares_in_tides',
        'estimated_earn_next_block',
        'estimated_bonus_earn_next_block',
        'estimated_total_earn_next_block',
        'estimated_payout_next_block',
        'unpaid',
      ].sort(),
    )
    expect(Object.values(typesOf(snap)).every((t) => t === 'string')).toBe(true)
    expect(snap.snap_type).toBe('user')
    for (const key of ['snap_ts', 'shares_60s', 'shares_300s', 'hashrate_60s', 'hashrate_300s']) {
      expect(snap[key]).toMatch(HS)
    }
    expect(snap.lastest_share_ts).toMatch(HS)
    expect(snap.shares_in_tides).toMatch(HS)
    for (const key of ['estimated_earn_next_block', 'estimated_total_earn_next_block', 'unpaid']) {
      expect(snap[key]).toMatch(BTC8)
    }
    expect(snap.estimated_bonus_earn_next_block).toBe('0.00000000')
    // Snapshots are taken on whole minutes (the captured snap_ts values are multiples of 60).
    expect(Number(snap.snap_ts) % 60).toBe(0)
  })

  it('statsnap accepts address.worker and answers a worker snapshot', async () => {
    const { result } = await start()
    const snap = await result(`/v1/statsnap/${ADDRESS}.bitaxe-desk`)
    expect(snap.snap_type).toBe('worker')
    expect(Number(snap.hashrate_300s) / 1e12).toBeGreaterThan(9)
    expect(Number(snap.hashrate_300s) / 1e12).toBeLessThan(11)
  })

  it('user_hashrate: eight windows as strings with the trailing s, active_worker_count a number', async () => {
    const { result } = await start()
    const body = await result(`/v1/user_hashrate/${ADDRESS}`)
    expect(Object.keys(body).sort()).toEqual(
      ['snap_ts', 'db_ts', ...WINDOW_KEYS, 'active_worker_count', 'lastest_share_ts'].sort(),
    )
    expect(body.active_worker_count).toBe(2)
    for (const key of ['snap_ts', 'db_ts', 'lastest_share_ts', ...WINDOW_KEYS]) {
      expect(body[key]).toMatch(HS)
    }
    expect(Number(body.db_ts)).toBeLessThan(Number(body.snap_ts))
  })

  it('user_hashrate_full: workers map name → one-element array, plus user totals', async () => {
    const { result } = await start()
    const body = await result(`/v1/user_hashrate_full/${ADDRESS}`)
    expect(Object.keys(body).sort()).toEqual(['db_ts', 'snap_ts', 'user_hashrate', 'workers'])
    const workers = body.workers as Record<string, unknown>
    expect(Object.keys(workers).sort()).toEqual(['bitaxe-desk', 's21-rack1'])
    for (const entry of Object.values(workers)) {
      expect(Array.isArray(entry)).toBe(true)
      expect(entry).toHaveLength(1)
      const windows = (entry as Json[])[0] as Json
      expect(Object.keys(windows).sort()).toEqual([...WINDOW_KEYS].sort())
      for (const value of Object.values(windows)) expect(value).toMatch(HS)
    }
    const user = body.user_hashrate as Json
    expect(Object.keys(user).sort()).toEqual([...WINDOW_KEYS].sort())
  })

  it('earnpay: start_ts/end_ts strings, sat fields numbers, naive-UTC ts, fees_colected typo', async () => {
    const { result } = await start()
    const body = await result(`/v1/earnpay/${ADDRESS}/2020-01-01/2100-01-01`)
    expect(Object.keys(body).sort()).toEqual(['earnings', 'end_ts', 'payouts', 'start_ts'])
    expect(typesOf(body)).toMatchObject({ start_ts: 'string', end_ts: 'string' })
    const earnings = body.earnings as Json[]
    const payouts = body.payouts as Json[]
    expect(earnings.length).toBeGreaterThan(0)
    expect(payouts.length).toBeGreaterThan(0)
    for (const earning of earnings) {
      expect(typesOf(earning)).toEqual({
        block_hash: 'string',
        ts: 'string',
        shares_in_window: 'number',
        fees_colected_satoshis: 'number',
        satoshis_net_earned: 'number',
      })
      expect(earning.block_hash).toMatch(/^0{19}[0-9a-f]{45}$/)
      expect(earning.ts).toMatch(NAIVE_ISO)
    }
    for (const payout of payouts) {
      expect(typesOf(payout)).toEqual({
        ts: 'string',
        on_chain_txid: 'string',
        total_satoshis_net_paid: 'number',
        is_generation_txn: 'boolean',
      })
      expect(payout.ts).toMatch(NAIVE_ISO)
      expect(payout.on_chain_txid).toMatch(/^[0-9a-f]{64}$/)
    }
  })

  it('pool_stat: all strings; current_tides_shares = 8 × network difficulty', async () => {
    const { result } = await start()
    const body = await result('/v1/pool_stat')
    expect(typesOf(body)).toEqual({
      snap_ts: 'string',
      active_users: 'string',
      active_workers: 'string',
      network_difficulty: 'string',
      current_tides_shares: 'string',
      max_tides_shares: 'string',
      current_estimated_block_reward: 'string',
    })
    expect(body.current_tides_shares).toBe('1111734976569704')
    expect(body.current_estimated_block_reward).toMatch(BTC8)
  })

  it('ping answers PONG in the envelope, or as bare text when asked', async () => {
    const { sim } = await start()
    expect((await getJson(`${sim.url}/v1/ping`)).json).toEqual({ result: 'PONG' })
    sim.setScenario({ pingFormat: 'text' })
    const text = await httpGet(`${sim.url}/v1/ping`)
    expect(text.body).toBe('PONG')
    expect(text.headers['content-type']).toMatch(/^text\/plain/)
  })

  it('sends CORS * like the real API, and 404s an unknown path (logged as unknown)', async () => {
    const { sim } = await start()
    const response = await httpGet(`${sim.url}/v1/pool_stat`)
    expect(response.headers['access-control-allow-origin']).toBe('*')
    expect(response.headers['content-type']).toBe('application/json')
    expect((await httpGet(`${sim.url}/v1/nope/${ADDRESS}`)).status).toBe(404)
    expect(sim.requests().byEndpoint).toEqual({ pool_stat: 1, unknown: 1 })
  })
})

describe('Ocean simulator: reference and captured data modes', () => {
  it('reference mode serves the small-miner examples of §1.3 verbatim', async () => {
    const { result } = await start({ scenario: { data: 'reference' } })
    const snap = await result(`/v1/statsnap/${ADDRESS}`)
    expect(snap.hashrate_60s).toBe('200002310417066')
    expect(snap.hashrate_300s).toBe('199715979264000')
    expect(snap.unpaid).toBe('0.00412345')
    expect(snap.estimated_earn_next_block).toBe('0.00011874')
    const hashrate = await result(`/v1/user_hashrate/${ADDRESS}`)
    expect(hashrate.hashrate_86400s).toBe('150123846451200')
    expect(hashrate.active_worker_count).toBe(2)
    const full = await result(`/v1/user_hashrate_full/${ADDRESS}`)
    const workers = full.workers as Record<string, Json[]>
    expect(workers['s21-rack1']?.[0]?.hashrate_60s).toBe('190002194896213')
    expect(workers['bitaxe-desk']?.[0]?.hashrate_86400s).toBe('10006192322560')
    const earnpay = await result(`/v1/earnpay/${ADDRESS}`)
    expect(earnpay.start_ts).toBe('1785408000')
    expect((earnpay.earnings as Json[])[0]).toMatchObject({
      ts: '2026-08-29T07:12:44',
      fees_colected_satoshis: 126,
      satoshis_net_earned: 12468,
    })
    expect((earnpay.payouts as Json[])[0]).toMatchObject({
      total_satoshis_net_paid: 1049310,
      is_generation_txn: false,
    })
    const pool = await result('/v1/pool_stat')
    expect(pool.network_difficulty).toBe('138966872071213.02')
  })

  it('captured mode serves the live captures', async () => {
    const { result } = await start({ scenario: { data: 'captured' } })
    const snap = await result(`/v1/statsnap/${ADDRESS}`)
    expect(snap.hashrate_60s).toBe('932770542822219264')
    expect(snap.estimated_total_earn_next_block).toBe('0.14294639')
    expect((await result(`/v1/user_hashrate/${ADDRESS}`)).active_worker_count).toBe(2866)
    const full = await result(`/v1/user_hashrate_full/${ADDRESS}`)
    expect(Object.keys(full.workers as Json)).toEqual([
      'cc5719001b71',
      'cc550a000ca5',
      'cc5719000408',
    ])
    const earnpay = await result(`/v1/earnpay/${ADDRESS}`)
    expect((earnpay.earnings as Json[])[0]?.fees_colected_satoshis).toBe(144417)
    expect((earnpay.payouts as Json[])[0]?.is_generation_txn).toBe(true)
  })

  it('an unknown address still gets the error envelope in fixture modes', async () => {
    const { sim } = await start({ scenario: { data: 'reference' } })
    const response = await getJson(
      `${sim.url}/v1/statsnap/bc1qnotminingaddress0000000000000000000000`,
    )
    expect(response.json).toEqual({ error: 'No such user or user has no active workers' })
  })
})

describe('Ocean simulator: the miners model', () => {
  it('defaults to the reference small miner: ≈190 TH/s s21-rack1 + ≈10 TH/s bitaxe-desk', async () => {
    const { result } = await start()
    const full = await result(`/v1/user_hashrate_full/${ADDRESS}`)
    const workers = full.workers as Record<string, Json[]>
    const ths = (value: unknown) => Number(value) / 1e12
    expect(ths(workers['s21-rack1']?.[0]?.hashrate_3600s)).toBeCloseTo(190, -1)
    expect(ths(workers['bitaxe-desk']?.[0]?.hashrate_3600s)).toBeCloseTo(10, 0)
    expect(ths((full.user_hashrate as Json).hashrate_86400s)).toBeCloseTo(200, -1)
  })

  it('hash rates are consistent with shares: hashrate_Ns = floor(shares_Ns × 2^32 / N)', async () => {
    // The formula reproduces the reference example: 2794000 × 2^32 / 60 → "200002310417066".
    expect(((2_794_000n << 32n) / 60n).toString()).toBe('200002310417066')
    const { clock, result } = await start()
    for (let step = 0; step < 5; step++) {
      const snap = await result(`/v1/statsnap/${ADDRESS}`)
      expect(snap.hashrate_60s).toBe(((BigInt(snap.shares_60s as string) << 32n) / 60n).toString())
      expect(snap.hashrate_300s).toBe(
        ((BigInt(snap.shares_300s as string) << 32n) / 300n).toString(),
      )
      const hashrate = await result(`/v1/user_hashrate/${ADDRESS}`)
      expect(hashrate.hashrate_300s).toBe(snap.hashrate_300s)
      const full = await result(`/v1/user_hashrate_full/${ADDRESS}`)
      for (const key of WINDOW_KEYS) {
        const sum = Object.values(full.workers as Record<string, Json[]>).reduce(
          (acc, [windows]) => acc + BigInt((windows as Json)[key] as string),
          0n,
        )
        const user = BigInt((full.user_hashrate as Json)[key] as string)
        // Each worker's value is floored separately: the sum may be short by < 1 H/s per worker.
        expect(user - sum >= 0n && user - sum < 2n).toBe(true)
        expect((full.user_hashrate as Json)[key]).toBe(hashrate[key])
      }
      clock.advance(7 * 60_000)
    }
  })

  it('values move with the clock, and the same seed and clock give the same bodies', async () => {
    const a = await start({ seed: 7 })
    const b = await start({ seed: 7 })
    const c = await start({ seed: 8 })
    const path = `/v1/user_hashrate/${ADDRESS}`
    const first = await a.result(path)
    expect(await b.result(path)).toEqual(first)
    expect((await c.result(path)).hashrate_60s).not.toBe(first.hashrate_60s)
    a.clock.advance(60_000)
    const later = await a.result(path)
    expect(later.hashrate_60s).not.toBe(first.hashrate_60s)
    expect(Number(later.snap_ts) - Number(first.snap_ts)).toBe(60)
  })

  it('rewards accrue: new blocks add earnings newest first, unpaid grows, a payout resets it', async () => {
    const { clock, result } = await start()
    const sats = (btc: unknown) => Math.round(Number(btc) * 1e8)
    type Ledger = { earnings: Json[]; payouts: Json[]; unpaid: number }
    const read = async (): Promise<Ledger> => {
      const earnpay = await result(`/v1/earnpay/${ADDRESS}/2020-01-01/2100-01-01`)
      const snap = await result(`/v1/statsnap/${ADDRESS}`)
      return {
        earnings: earnpay.earnings as Json[],
        payouts: earnpay.payouts as Json[],
        unpaid: sats(snap.unpaid),
      }
    }
    const total = (rows: Json[], key: string) =>
      rows.reduce((acc, row) => acc + Number(row[key]), 0)
    let before = await read()
    let sawPayout = false
    for (let day = 0; day < 40; day++) {
      clock.advance(86_400_000)
      const after = await read()
      expect(after.earnings.length).toBeGreaterThan(before.earnings.length)
      const timestamps = after.earnings.map((e) => e.ts as string)
      expect([...timestamps].sort().reverse()).toEqual(timestamps)
      // Everything ever earned is either paid out or still unpaid.
      expect(total(after.earnings, 'satoshis_net_earned')).toBe(
        total(after.payouts, 'total_satoshis_net_paid') + after.unpaid,
      )
      const newEarnings = after.earnings.slice(0, after.earnings.length - before.earnings.length)
      if (after.payouts.length === before.payouts.length) {
        expect(after.unpaid).toBe(before.unpaid + total(newEarnings, 'satoshis_net_earned'))
      } else {
        sawPayout = true
        const payout = after.payouts[0] as Json
        expect(payout.total_satoshis_net_paid).toBeGreaterThanOrEqual(1_048_576)
        expect(payout.is_generation_txn).toBe(true)
        expect(after.unpaid).toBeLessThan(1_048_576)
      }
      before = after
    }
    expect(sawPayout).toBe(true)
  })

  it('payoutKind wallet: payouts not in the coinbase (is_generation_txn false), hours after the block', async () => {
    const { sim, result } = await start()
    const window = `/v1/earnpay/${ADDRESS}/2020-01-01/2100-01-01`
    const generation = (await result(window)).payouts as Json[]
    sim.setScenario({ payoutKind: 'wallet' })
    const wallet = (await result(window)).payouts as Json[]
    expect(wallet.length).toBeGreaterThan(0)
    expect(wallet.map((p) => p.is_generation_txn)).toEqual(wallet.map(() => false))
    expect(wallet.map((p) => p.total_satoshis_net_paid)).toEqual(
      generation.map((p) => p.total_satoshis_net_paid),
    )
    const lagSeconds =
      (Date.parse(`${wallet[0]?.ts}Z`) - Date.parse(`${generation[0]?.ts}Z`)) / 1000
    expect(lagSeconds).toBeGreaterThanOrEqual(3 * 3600 - 14)
  })

  it('earnpay windows: default last 30 days, only-start → 30 days after, dates and datetimes in UTC', async () => {
    const { sim, result } = await start()
    const nowS = T0 / 1000
    const defaults = await result(`/v1/earnpay/${ADDRESS}`)
    expect(defaults).toMatchObject({ start_ts: String(nowS - 2_592_000), end_ts: String(nowS) })
    const onlyStart = await result(`/v1/earnpay/${ADDRESS}/1787000000`)
    expect(onlyStart).toMatchObject({ start_ts: '1787000000', end_ts: '1789592000' })
    const dates = await result(`/v1/earnpay/${ADDRESS}/2026-08-01/2026-08-20T12:30:00`)
    expect(dates).toMatchObject({
      start_ts: String(Date.UTC(2026, 7, 1) / 1000),
      end_ts: String(Date.UTC(2026, 7, 20, 12, 30, 0) / 1000),
    })
    for (const earning of dates.earnings as Json[]) {
      const at = Date.parse(`${earning.ts as string}Z`)
      expect(at).toBeGreaterThanOrEqual(Date.UTC(2026, 7, 1))
      expect(at).toBeLessThanOrEqual(Date.UTC(2026, 7, 20, 12, 30, 0))
    }
    const bad = await getJson(`${sim.url}/v1/earnpay/${ADDRESS}/2026-02-30`)
    expect(bad.status).toBe(400)
    expect(bad.json).toHaveProperty('error')
  })
})
