import { describe, expect, it } from 'vitest'
import { getJson, httpGet, startsOnFakeClock, typesOf, until } from '../test-support.ts'
import { DEFAULT_BRAIINS_TOKEN, startBraiinsSimulator } from './simulator.ts'
import { tokenTag } from './token.ts'

const T0 = 1_788_000_000_000 // 2026-08-29T10:40:00Z, the reference examples' moment
const TOKEN = DEFAULT_BRAIINS_TOKEN
const BTC8 = /^\d+\.\d{8}$/
const PROFILE = '/accounts/profile/json/btc/'
const WORKERS = '/accounts/workers/json/btc/'
const REWARDS = '/accounts/rewards/json/btc/'
const PAYOUTS = '/accounts/payouts/json/btc/'
const STATS = '/stats/json/btc/'

type Json = Record<string, unknown>
const startOnFakeClock = startsOnFakeClock(startBraiinsSimulator, T0)

async function start(options: Parameters<typeof startBraiinsSimulator>[0] = {}) {
  const { sim, clock } = await startOnFakeClock(options)
  const body = async (path: string, token = TOKEN) => {
    const response = await getJson(`${sim.url}${path}`, { 'Pool-Auth-Token': token })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json')
    return response.json as Json
  }
  return { sim, clock, body }
}

describe('Braiins simulator: shapes and JSON types (pool-apis.md §2.3)', () => {
  it('profile: top-level username + btc; hash rates numbers in Gh/s; BTC amounts strings', async () => {
    const { body } = await start()
    const profile = await body(PROFILE)
    expect(Object.keys(profile).sort()).toEqual(['btc', 'username'])
    expect(profile.username).toBe('miner_alice')
    const btc = profile.btc as Json
    expect(typesOf(btc)).toEqual({
      all_time_reward: 'string',
      hash_rate_unit: 'string',
      hash_rate_5m: 'number',
      hash_rate_60m: 'number',
      hash_rate_24h: 'number',
      hash_rate_yesterday: 'number',
      low_workers: 'number',
      off_workers: 'number',
      ok_workers: 'number',
      dis_workers: 'number',
      current_balance: 'string',
      today_reward: 'string',
      estimated_reward: 'string',
      shares_5m: 'number',
      shares_60m: 'number',
      shares_24h: 'number',
      shares_yesterday: 'number',
    })
    expect(btc.hash_rate_unit).toBe('Gh/s')
    expect(btc.current_balance).toMatch(BTC8)
    expect(btc.all_time_reward).toMatch(BTC8)
    expect(btc.estimated_reward).toMatch(BTC8)
    // A 9-decimal BTC string, like the reference's "0.000166667".
    expect(btc.today_reward).toMatch(/^\d+\.\d{9}$/)
    expect(btc).toMatchObject({ ok_workers: 1, low_workers: 1, off_workers: 1, dis_workers: 1 })
    // ≈101 TH/s as in the reference account.
    expect(btc.hash_rate_5m as number).toBeGreaterThan(95_000)
    expect(btc.hash_rate_5m as number).toBeLessThan(107_000)
  })

  it('workers: map keyed user.worker, states ok/low/off/dis, a null last_share', async () => {
    const { body } = await start()
    const workers = ((await body(WORKERS)).btc as { workers: Record<string, Json> }).workers
    expect(Object.keys(workers).sort()).toEqual(
      ['miner_alice.[auto]', 'miner_alice.bitaxe', 'miner_alice.s19', 'miner_alice.s21'].sort(),
    )
    for (const worker of Object.values(workers)) {
      expect(Object.keys(worker).sort()).toEqual(
        [
          'state',
          'last_share',
          'hash_rate_unit',
          'hash_rate_5m',
          'hash_rate_60m',
          'hash_rate_24h',
          'shares_5m',
          'shares_60m',
          'shares_24h',
        ].sort(),
      )
      for (const key of ['hash_rate_5m', 'hash_rate_60m', 'hash_rate_24h', 'shares_5m']) {
        expect(typeof worker[key]).toBe('number')
      }
    }
    expect(workers['miner_alice.s21']).toMatchObject({ state: 'ok' })
    expect(workers['miner_alice.s19']).toMatchObject({ state: 'low' })
    expect(workers['miner_alice.bitaxe']).toMatchObject({ state: 'off', hash_rate_5m: 0 })
    expect(workers['miner_alice.bitaxe']?.last_share).toBe(T0 / 1000 - 3 * 86_400)
    expect(workers['miner_alice.[auto]']).toMatchObject({ state: 'dis', last_share: null })
    expect(typeof workers['miner_alice.s21']?.last_share).toBe('number')
  })

  it('profile hash rates and worker counts agree with the workers endpoint', async () => {
    const { body } = await start()
    const btc = (await body(PROFILE)).btc as Json
    const workers = Object.values(
      ((await body(WORKERS)).btc as { workers: Record<string, Json> }).workers,
    )
    for (const key of ['hash_rate_5m', 'hash_rate_60m', 'hash_rate_24h']) {
      expect(btc[key]).toBe(workers.reduce((acc, w) => acc + (w[key] as number), 0))
    }
  })

  it('rewards: daily_rewards with date at UTC midnight, BTC strings, shares and share_prices', async () => {
    const { body } = await start()
    const rewards = ((await body(REWARDS)).btc as { daily_rewards: Json[] }).daily_rewards
    expect(rewards.length).toBeGreaterThan(30)
    for (const day of rewards) {
      expect(typesOf(day)).toEqual({
        date: 'number',
        total_reward: 'string',
        mining_reward: 'string',
        bos_plus_reward: 'string',
        referral_bonus: 'string',
        referral_reward: 'string',
        shares: 'number',
        share_prices: 'array',
        calculation_date: 'number',
      })
      expect((day.date as number) % 86_400).toBe(0)
      expect(day.total_reward).toMatch(BTC8)
      expect(
        Math.round(Number(day.mining_reward) * 1e8) + Math.round(Number(day.bos_plus_reward) * 1e8),
      ).toBe(Math.round(Number(day.total_reward) * 1e8))
      for (const price of day.share_prices as Json[]) {
        expect(typesOf(price)).toEqual({
          from_ts: 'number',
          to_ts: 'number',
          share_price: 'string',
        })
      }
    }
  })

  it('payouts: unwrapped {onchain, lightning}, integer sats, tx_id string or null', async () => {
    const { body } = await start()
    const payouts = await body(`${PAYOUTS}?from=2026-01-01&to=2026-12-31`)
    expect(Object.keys(payouts).sort()).toEqual(['lightning', 'onchain'])
    const onchain = payouts.onchain as Json[]
    expect(onchain.length).toBeGreaterThan(0)
    for (const payout of onchain) {
      expect(typesOf(payout)).toMatchObject({
        financial_account_name: 'string',
        requested_at_ts: 'number',
        resolved_at_ts: 'number',
        status: 'string',
        amount_sats: 'number',
        fee_sats: 'number',
        destination: 'string',
        trigger_type: 'string',
      })
      expect(Number.isInteger(payout.amount_sats)).toBe(true)
      expect(['confirmed', 'queued']).toContain(payout.status)
      expect(payout.tx_id === null || typeof payout.tx_id === 'string').toBe(true)
    }
  })

  it('stats: pool hash rates in Gh/s, blocks keyed by height string, fpps_rate a number', async () => {
    const { body } = await start()
    const btc = (await body(STATS)).btc as Json
    expect(typesOf(btc)).toEqual({
      hash_rate_unit: 'string',
      pool_active_workers: 'number',
      pool_5m_hash_rate: 'number',
      pool_60m_hash_rate: 'number',
      pool_24h_hash_rate: 'number',
      update_ts: 'number',
      blocks: 'object',
      fpps_rate: 'number',
    })
    const blocks = btc.blocks as Record<string, Json>
    const heights = Object.keys(blocks)
    expect(heights.length).toBeGreaterThan(0)
    expect(heights.length).toBeLessThanOrEqual(15)
    for (const [height, block] of Object.entries(blocks)) {
      expect(height).toMatch(/^\d+$/)
      expect(typesOf(block)).toEqual({
        date_found: 'number',
        mining_duration: 'number',
        total_shares: 'number',
        state: 'string',
        confirmations_left: 'number',
        value: 'string',
        user_reward: 'string',
        pool_scoring_hash_rate: 'number',
      })
    }
  })

  it('serves every path with and without the trailing slash', async () => {
    const { sim } = await start()
    for (const path of [PROFILE, WORKERS, REWARDS, PAYOUTS, STATS]) {
      for (const variant of [path, path.slice(0, -1)]) {
        const response = await httpGet(`${sim.url}${variant}`, { 'Pool-Auth-Token': TOKEN })
        expect(response.status).toBe(200)
      }
    }
    expect(sim.requests().byEndpoint).toEqual({
      profile: 2,
      workers: 2,
      rewards: 2,
      payouts: 2,
      stats: 2,
    })
  })
})

describe('Braiins simulator: workers changed while it runs', () => {
  it('a worker set off stops hashing and last shared then; set ok it hashes again', async () => {
    const { sim, clock, body } = await start()
    const workers = async () =>
      ((await body(WORKERS)).btc as { workers: Record<string, Json> }).workers
    clock.advance(60_000)
    sim.setWorker('s21', { state: 'off' })
    const stoppedAt = Math.floor((T0 + 60_000) / 1000)
    clock.advance(3_600_000)
    expect((await workers())['miner_alice.s21']).toMatchObject({
      state: 'off',
      hash_rate_5m: 0,
      last_share: stoppedAt,
    })
    sim.setWorker('s21', { state: 'ok' })
    const back = (await workers())['miner_alice.s21'] as Json
    expect(back.state).toBe('ok')
    expect(back.hash_rate_5m as number).toBeGreaterThan(80_000)
    expect(() => sim.setWorker('s99', { state: 'off' })).toThrow("no worker 's99'")
  })
})

describe('Braiins simulator: token checking', () => {
  it('accepts Pool-Auth-Token, X-Pool-Auth-Token and the legacy SlushPool headers', async () => {
    const { sim } = await start()
    for (const header of [
      'Pool-Auth-Token',
      'X-Pool-Auth-Token',
      'SlushPool-Auth-Token',
      'X-SlushPool-Auth-Token',
    ]) {
      expect((await httpGet(`${sim.url}${PROFILE}`, { [header]: TOKEN })).status).toBe(200)
    }
  })

  it('a wrong or missing token → 403 text/plain "Forbidden", on /stats too', async () => {
    const { sim } = await start()
    for (const path of [PROFILE, STATS, '/stats/json/btc']) {
      for (const headers of [{}, { 'Pool-Auth-Token': 'wrong-token' }]) {
        const response = await httpGet(`${sim.url}${path}`, headers)
        expect(response.status).toBe(403)
        expect(response.headers['content-type']).toBe('text/plain; charset=utf-8')
        expect(response.body).toBe('Forbidden')
      }
    }
  })

  it('never echoes or logs a token: the log holds a short hash tag', async () => {
    const { sim } = await start()
    const secretWrong = 'wrong-secret-token-xyz'
    const seen: string[] = []
    for (const token of [TOKEN, secretWrong]) {
      const response = await httpGet(`${sim.url}${PROFILE}`, { 'Pool-Auth-Token': token })
      seen.push(response.body, JSON.stringify(response.headers))
    }
    const log = sim.requests()
    expect(log.log.map((entry) => entry.token)).toEqual([tokenTag(TOKEN), tokenTag(secretWrong)])
    expect(tokenTag(TOKEN)).toMatch(/^[0-9a-f]{12}$/)
    const everything = [...seen, JSON.stringify(log)].join('\n')
    expect(everything).not.toContain(TOKEN)
    expect(everything).not.toContain(secretWrong)
    await httpGet(`${sim.url}${PROFILE}`)
    expect(sim.requests().log[2]).not.toHaveProperty('token')
  })

  it('maps several tokens to accounts, and rejects an invalid token option without quoting it', async () => {
    const { sim, body } = await start({
      accounts: [
        { username: 'alice', workers: [{ name: 'rig', hashrateThs: 100 }] },
        { username: 'bob', workers: [{ name: 'rig', hashrateThs: 5 }] },
      ],
      tokens: { 'token-a': 'alice', 'token-b': 'bob' },
    })
    expect(sim.tokens()).toEqual(['token-a', 'token-b'])
    expect((await body(PROFILE, 'token-b')).username).toBe('bob')
    const workers = ((await body(WORKERS, 'token-b')).btc as { workers: Json }).workers
    expect(Object.keys(workers)).toEqual(['bob.rig'])
    let message = ''
    try {
      await startBraiinsSimulator({ tokens: { 'bad secret': 'miner_alice' } })
    } catch (error) {
      message = error instanceof Error ? error.message : ''
    }
    expect(message).toMatch(/options\.tokens/)
    expect(message).not.toContain('bad secret')
  })
})

describe('Braiins simulator: data modes and presentation switches', () => {
  it('reference mode serves the §2.3 examples (balance, 9-decimal today_reward, null last_share)', async () => {
    const { body } = await start({ scenario: { data: 'reference' } })
    const profile = await body(PROFILE)
    expect(profile.username).toBe('miner_alice')
    expect(profile.btc).toMatchObject({
      current_balance: '0.00412300',
      estimated_reward: '0.00011940',
      today_reward: '0.000166667',
      hash_rate_5m: 101234,
      hash_rate_unit: 'Gh/s',
    })
    const workers = ((await body(WORKERS)).btc as { workers: Record<string, Json> }).workers
    expect(workers['miner_alice.[auto]']).toMatchObject({ state: 'dis', last_share: null })
    expect(workers['miner_alice.s21']?.hash_rate_5m).toBe(89310)
    const rewards = ((await body(REWARDS)).btc as { daily_rewards: Json[] }).daily_rewards
    expect(rewards[0]).toMatchObject({ date: 1787961600, total_reward: '0.00061081' })
    const payouts = await body(PAYOUTS)
    expect((payouts.onchain as Json[])[0]).toMatchObject({
      amount_sats: 412300,
      status: 'confirmed',
    })
    expect((payouts.lightning as Json[])[0]).toMatchObject({ amount_sats: 41348 })
    const stats = (await body(STATS)).btc as Json
    expect(stats.pool_5m_hash_rate).toBe(16127703422.51)
    expect(stats.fpps_rate).toBe(0.00000042)
  })

  it('an unknown hash_rate_unit relabels without converting; Th/s converts the numbers', async () => {
    const { sim, body } = await start({ scenario: { data: 'reference', hashRateUnit: 'XH/s' } })
    expect((await body(PROFILE)).btc).toMatchObject({
      hash_rate_unit: 'XH/s',
      hash_rate_5m: 101234,
    })
    const workers = ((await body(WORKERS)).btc as { workers: Record<string, Json> }).workers
    expect(workers['miner_alice.s21']).toMatchObject({
      hash_rate_unit: 'XH/s',
      hash_rate_5m: 89310,
    })
    sim.setScenario({ data: 'reference', hashRateUnit: 'Th/s' })
    expect((await body(PROFILE)).btc).toMatchObject({
      hash_rate_unit: 'Th/s',
      hash_rate_5m: 101.234,
    })
  })

  it('upper-case "OK" state on request; daily rewards order switchable', async () => {
    const { sim, body } = await start({ scenario: { upperCaseOkState: true } })
    const workers = ((await body(WORKERS)).btc as { workers: Record<string, Json> }).workers
    expect(workers['miner_alice.s21']?.state).toBe('OK')
    expect(workers['miner_alice.s19']?.state).toBe('low')
    const newest = ((await body(REWARDS)).btc as { daily_rewards: Json[] }).daily_rewards
    const dates = newest.map((d) => d.date as number)
    expect([...dates].sort((a, b) => b - a)).toEqual(dates)
    sim.setScenario({ rewardsOrder: 'oldest_first' })
    const oldest = ((await body(REWARDS)).btc as { daily_rewards: Json[] }).daily_rewards
    expect(oldest.map((d) => d.date)).toEqual([...dates].reverse())
  })
})

describe('Braiins simulator: the rewards model', () => {
  const sats = (btc: unknown) => Math.round(Number(btc) * 1e8)

  it('rewards filter: from/to inclusive UTC days; default the last 90 days', async () => {
    const { sim, body } = await start({ historyStart: T0 - 200 * 86_400_000 })
    const one = (
      (await body(`${REWARDS}?from=2026-08-10&to=2026-08-10`)).btc as { daily_rewards: Json[] }
    ).daily_rewards
    expect(one.map((d) => d.date)).toEqual([Date.UTC(2026, 7, 10) / 1000])
    const range = (
      (await body(`${REWARDS}?from=2026-08-01&to=2026-08-10`)).btc as { daily_rewards: Json[] }
    ).daily_rewards
    expect(range).toHaveLength(10)
    const all = ((await body(REWARDS)).btc as { daily_rewards: Json[] }).daily_rewards
    const oldest = Math.min(...all.map((d) => d.date as number))
    expect(oldest).toBe(Date.UTC(2026, 7, 29) / 1000 - 90 * 86_400)
    const bad = await httpGet(`${sim.url}${REWARDS}?from=29-08-2026`, { 'Pool-Auth-Token': TOKEN })
    expect(bad.status).toBe(400)
  })

  it('balance accrues daily and is paid out on-chain above the threshold; totals reconcile', async () => {
    const { clock, body } = await start()
    let previousBalance = sats(((await body(PROFILE)).btc as Json).current_balance)
    let payoutsSeen = 0
    for (let day = 0; day < 20; day++) {
      clock.advance(86_400_000)
      const btc = (await body(PROFILE)).btc as Json
      const rewards = (
        (await body(`${REWARDS}?from=2020-01-01&to=2100-01-01`)).btc as {
          daily_rewards: Json[]
        }
      ).daily_rewards
      const onchain = (await body(`${PAYOUTS}?from=2020-01-01&to=2100-01-01`)).onchain as Json[]
      const earned = rewards.reduce((acc, d) => acc + sats(d.total_reward), 0)
      const paid = onchain.reduce((acc, p) => acc + (p.amount_sats as number), 0)
      const balance = sats(btc.current_balance)
      expect(sats(btc.all_time_reward)).toBe(earned)
      expect(paid + balance).toBe(earned)
      if (onchain.length > payoutsSeen) {
        expect(onchain[0]?.amount_sats as number).toBeGreaterThanOrEqual(500_000)
        payoutsSeen = onchain.length
      } else {
        expect(balance).toBeGreaterThan(previousBalance)
      }
      previousBalance = balance
    }
    expect(payoutsSeen).toBeGreaterThanOrEqual(2)
  })
})

describe('Braiins simulator: rate limiting per token (fake clock)', () => {
  it('synthetic-429: a second request within 5 s gets 429; another token is independent', async () => {
    const { sim, clock } = await start({
      accounts: [{ username: 'alice', workers: [{ name: 'rig', hashrateThs: 100 }] }],
      tokens: { 'token-a': 'alice', 'token-b': 'alice' },
      rateLimit: { intervalMs: 5000, mode: 'synthetic-429' },
    })
    const get = (token: string) => httpGet(`${sim.url}${PROFILE}`, { 'Pool-Auth-Token': token })
    expect((await get('token-a')).status).toBe(200)
    clock.advance(3000)
    const limited = await get('token-a')
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('2')
    expect((await get('token-b')).status).toBe(200)
    clock.advance(2000)
    expect((await get('token-a')).status).toBe(200)
    expect(sim.requests().log.map((e) => e.status)).toEqual([200, 429, 200, 200])
  })

  it('drop: an over-limit request is ignored (never answered) until close()', async () => {
    const { sim } = await start({ rateLimit: { intervalMs: 5000, mode: 'drop' } })
    expect((await httpGet(`${sim.url}${WORKERS}`, { 'Pool-Auth-Token': TOKEN })).status).toBe(200)
    const dropped = httpGet(`${sim.url}${WORKERS}`, { 'Pool-Auth-Token': TOKEN })
    await until(() => sim.requests().total === 2)
    expect(sim.requests().log[1]).toMatchObject({ endpoint: 'workers', status: null })
    await sim.close()
    await expect(dropped).rejects.toThrow()
  })

  it('off by default; a scenario can switch the limit on at run time', async () => {
    const { sim, clock } = await start()
    const get = () => httpGet(`${sim.url}${STATS}`, { 'Pool-Auth-Token': TOKEN })
    expect((await get()).status).toBe(200)
    expect((await get()).status).toBe(200)
    sim.setScenario({ rateLimit: { mode: 'synthetic-429' } })
    expect((await get()).status).toBe(429)
    clock.advance(5000)
    expect((await get()).status).toBe(200)
  })
})

describe('Braiins simulator: faults', () => {
  it('500 text, forbidden for a valid token, empty account, a targeted 429 with Retry-After', async () => {
    const { sim, body } = await start()
    const get = (path: string) => httpGet(`${sim.url}${path}`, { 'Pool-Auth-Token': TOKEN })
    sim.setScenario({
      faults: [
        { endpoint: 'profile', times: 1, fault: { kind: 'server_error' } },
        { endpoint: 'profile', times: 1, fault: { kind: 'forbidden' } },
        {
          endpoint: 'workers',
          times: 1,
          fault: { kind: 'too_many_requests', retryAfterSeconds: 60 },
        },
      ],
    })
    expect((await get(PROFILE)).status).toBe(500)
    const revoked = await get(PROFILE)
    expect(revoked.status).toBe(403)
    expect(revoked.body).toBe('Forbidden')
    const limited = await get(WORKERS)
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('60')
    expect((await get(PROFILE)).status).toBe(200)

    sim.setScenario({ faults: [{ fault: { kind: 'empty_account' } }] })
    expect(((await body(WORKERS)).btc as Json).workers).toEqual({})
    expect(((await body(REWARDS)).btc as Json).daily_rewards).toEqual([])
    expect(await body(PAYOUTS)).toEqual({ onchain: [], lightning: [] })
    expect((await body(PROFILE)).btc).toMatchObject({
      current_balance: '0.00000000',
      hash_rate_5m: 0,
      ok_workers: 0,
    })
  })

  it('rejects the Ocean-only unknown_user fault with an error naming the field', async () => {
    const { sim } = await start()
    expect(() => sim.setScenario({ faults: [{ fault: { kind: 'unknown_user' } }] })).toThrow(
      /scenario\.faults\.0\.fault\.kind/,
    )
  })
})
