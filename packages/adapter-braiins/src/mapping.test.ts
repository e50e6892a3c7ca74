import { MiningPoolResponseError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { mapDailyRewards, mapProfile, mapWorkerState, mapWorkers, rewardsWindow } from './mapping'
import { REFERENCE_WORKERS_EXPECTED } from './test-support'

// The examples of pool-apis.md §2.3, verbatim; expected values are computed by hand from them.
const PROFILE = {
  username: 'miner_alice',
  btc: {
    all_time_reward: '0.48215530',
    hash_rate_unit: 'Gh/s',
    hash_rate_5m: 101234,
    hash_rate_60m: 100877,
    hash_rate_24h: 99512,
    hash_rate_yesterday: 98340,
    low_workers: 0,
    off_workers: 1,
    ok_workers: 2,
    dis_workers: 1,
    current_balance: '0.00412300',
    today_reward: '0.000166667',
    estimated_reward: '0.00011940',
    shares_5m: 123,
    shares_60m: 1476,
    shares_24h: 35424,
    shares_yesterday: 34910,
  },
}

const zeroRates = {
  hash_rate_unit: 'Gh/s',
  hash_rate_5m: 0,
  hash_rate_60m: 0,
  hash_rate_24h: 0,
  shares_5m: 0,
  shares_60m: 0,
  shares_24h: 0,
}

const WORKERS = {
  btc: {
    workers: {
      'miner_alice.s21': {
        state: 'ok',
        last_share: 1787999990,
        hash_rate_unit: 'Gh/s',
        hash_rate_5m: 89310,
        hash_rate_60m: 88710,
        hash_rate_24h: 87622,
        shares_5m: 90304,
        shares_60m: 1125762,
        shares_24h: 20945364,
      },
      'miner_alice.s19': {
        state: 'low',
        last_share: 1787999975,
        hash_rate_unit: 'Gh/s',
        hash_rate_5m: 11924,
        hash_rate_60m: 12167,
        hash_rate_24h: 11890,
        shares_5m: 12050,
        shares_60m: 154410,
        shares_24h: 3711250,
      },
      'miner_alice.bitaxe': { state: 'off', last_share: 1787731200, ...zeroRates },
      'miner_alice.[auto]': { state: 'dis', last_share: null, ...zeroRates },
    },
  },
}

const REWARDS = {
  btc: {
    daily_rewards: [
      {
        date: 1787961600,
        total_reward: '0.00061081',
        mining_reward: '0.00058119',
        bos_plus_reward: '0.00002962',
        referral_bonus: '0.00000000',
        referral_reward: '0.00000000',
        shares: 34910,
        share_prices: [
          { from_ts: 1787961600, to_ts: 1787994000, share_price: '0.0000000174' },
          { from_ts: 1787994000, to_ts: 1788048000, share_price: '0.0000000176' },
        ],
        calculation_date: 1788055200,
      },
    ],
  },
}

const th = (value: number) => ({ value, unit: 'TH/s' })

describe('mapProfile', () => {
  it('maps the reference profile: Gh/s → TH/s, BTC strings → sats', () => {
    expect(mapProfile(PROFILE)).toEqual({
      current_hashrate: th(101.234),
      average_hashrate_24h: th(99.512),
      unpaid_balance: 412_300,
      estimated_next_payout: 11_940,
    })
  })

  it('converts 9-decimal BTC strings exactly (sub-satoshi digit rounds half to even)', () => {
    const nine = (current_balance: string, estimated_reward: string) =>
      mapProfile({ btc: { ...PROFILE.btc, current_balance, estimated_reward } })
    expect(nine('0.000166667', '0.123456789')).toMatchObject({
      unpaid_balance: 16_667,
      estimated_next_payout: 12_345_679,
    })
    expect(nine('0.000000005', '0.000000015')).toMatchObject({
      unpaid_balance: 0,
      estimated_next_payout: 2,
    })
    expect(nine('20999999.976900000', '0')).toMatchObject({
      unpaid_balance: 2_099_999_997_690_000,
      estimated_next_payout: 0,
    })
  })

  it.each([
    ['Th/s', 101.234, th(101.234)],
    ['PH/s', 0.25, th(250)],
    ['gh/s', 101234, th(101.234)],
    ['Zh/s (unknown → Gh/s)', 101234, th(101.234)],
    ['', 101234, th(101.234)],
  ])('reads hash_rate_unit %s', (unit, value, expected) => {
    const body = {
      btc: { ...PROFILE.btc, hash_rate_unit: unit.split(' ')[0], hash_rate_5m: value },
    }
    expect(mapProfile(body).current_hashrate).toEqual(expected)
  })

  it('treats a missing unit as Gh/s and numeric strings as numbers', () => {
    const { hash_rate_unit: _, ...withoutUnit } = PROFILE.btc
    expect(mapProfile({ btc: { ...withoutUnit, hash_rate_5m: '28191' } }).current_hashrate).toEqual(
      th(28.191),
    )
  })

  it('answers null for fields the pool does not send (an empty or legacy profile)', () => {
    expect(mapProfile({ username: 'x', btc: {} })).toEqual({
      current_hashrate: null,
      average_hashrate_24h: null,
      unpaid_balance: null,
      estimated_next_payout: null,
    })
  })

  it.each([
    [{ username: 'x' }, /profile: unexpected response at btc/],
    ['<html>maintenance</html>', /profile: unexpected response/],
    [{ btc: { ...PROFILE.btc, current_balance: 'n/a' } }, /btc\.current_balance/],
    [{ btc: { ...PROFILE.btc, current_balance: '-0.1' } }, /btc\.current_balance: "-0\.1"/],
    [{ btc: { ...PROFILE.btc, hash_rate_5m: -5 } }, /btc\.hash_rate_5m: -5/],
    [{ btc: { ...PROFILE.btc, hash_rate_24h: true } }, /btc\.hash_rate_24h/],
  ])('rejects %j as a bad response naming the field', (body, message) => {
    expect(() => mapProfile(body)).toThrow(MiningPoolResponseError)
    expect(() => mapProfile(body)).toThrow(message)
  })
})

describe('mapWorkers', () => {
  it('maps the reference workers map: state, last_share, shares_24h, per-worker unit', () => {
    expect(mapWorkers(WORKERS)).toEqual(REFERENCE_WORKERS_EXPECTED)
  })

  it('uses the worker unit, else the envelope unit, else Gh/s', () => {
    const body = {
      btc: {
        hash_rate_unit: 'Th/s',
        workers: {
          'a.own': { hash_rate_unit: 'Ph/s', hash_rate_5m: 0.1 },
          'a.envelope': { hash_rate_5m: 95 },
          'a.unknown': { hash_rate_unit: 'furlongs', hash_rate_5m: 95 },
        },
      },
    }
    const noEnvelopeUnit = { btc: { workers: { 'a.x': { hash_rate_5m: 95_000 } } } }
    expect(mapWorkers(body).map((w) => w.hashrate)).toEqual([th(100), th(95), th(95)])
    expect(mapWorkers(noEnvelopeUnit)[0]?.hashrate).toEqual(th(95))
  })

  it('an empty account has no workers', () => {
    expect(mapWorkers({ btc: { workers: {} } })).toEqual([])
  })

  it.each([
    [{ btc: { workers: [] } }, /workers: unexpected response at btc\.workers/],
    [
      { btc: { workers: { 'a.b': { last_share: 'yesterday' } } } },
      /btc\.workers\.a\.b\.last_share/,
    ],
    [{ btc: { workers: { 'a.b': { shares_24h: 1.5 } } } }, /btc\.workers\.a\.b\.shares_24h: 1\.5/],
    [{ btc: { workers: { '': { state: 'ok' } } } }, /Braiins Pool workers: worker\.worker_name/],
  ])('rejects %j as a bad response naming the field', (body, message) => {
    expect(() => mapWorkers(body)).toThrow(MiningPoolResponseError)
    expect(() => mapWorkers(body)).toThrow(message)
  })
})

describe('mapWorkerState', () => {
  it.each([
    ['ok', 'online'],
    ['OK', 'online'],
    [' Ok ', 'online'],
    ['low', 'low'],
    ['LOW', 'low'],
    ['off', 'offline'],
    ['dis', 'disabled'],
    ['DIS', 'disabled'],
    ['unknown', null],
    [null, null],
    [undefined, null],
  ])('%j → %j', (state, expected) => {
    expect(mapWorkerState(state)).toBe(expected)
  })
})

describe('mapDailyRewards', () => {
  it('maps total_reward to sats dated midnight UTC', () => {
    expect(mapDailyRewards(REWARDS)).toEqual([
      { amount: 61_081, timestamp: '2026-08-29T00:00:00.000Z' },
    ])
  })

  it('sorts newest first whatever the pool order; reads date strings and 9 decimals', () => {
    const body = {
      btc: {
        daily_rewards: [
          { date: 1787788800, total_reward: '0.000500001' },
          { date: '2026-08-29', total_reward: 0.00061081 },
          { date: 1787875200 + 3600, total_reward: '0.000600005' },
        ],
      },
    }
    expect(mapDailyRewards(body)).toEqual([
      { amount: 61_081, timestamp: '2026-08-29T00:00:00.000Z' },
      { amount: 60_000, timestamp: '2026-08-28T00:00:00.000Z' },
      { amount: 50_000, timestamp: '2026-08-27T00:00:00.000Z' },
    ])
  })

  it.each([
    [{ btc: {} }, /rewards: unexpected response at btc\.daily_rewards/],
    [{ btc: { daily_rewards: [{ date: 'soon', total_reward: '1' }] } }, /daily_rewards\.0\.date/],
    [{ btc: { daily_rewards: [{ date: 1, total_reward: '-1' }] } }, /0\.total_reward: "-1"/],
  ])('rejects %j as a bad response naming the field', (body, message) => {
    expect(() => mapDailyRewards(body)).toThrow(MiningPoolResponseError)
    expect(() => mapDailyRewards(body)).toThrow(message)
  })
})

describe('rewardsWindow', () => {
  const at = Date.parse('2026-08-30T13:45:00Z')

  it('asks for the pool default 90 days up to today (inclusive UTC dates)', () => {
    expect(rewardsWindow(10, at)).toEqual({ from: '2026-06-02', to: '2026-08-30' })
    expect(rewardsWindow(90, at)).toEqual(rewardsWindow(1, at))
  })

  it('covers `limit` days when more than 90 are wanted', () => {
    expect(rewardsWindow(500, at)).toEqual({ from: '2025-04-18', to: '2026-08-30' })
  })
})
