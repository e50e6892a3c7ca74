import { MiningPoolResponseError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import capturedEarnpay from './fixtures/captured/earnpay.json' with { type: 'json' }
import capturedStatsnap from './fixtures/captured/statsnap.json' with { type: 'json' }
import capturedUserHashrate from './fixtures/captured/user_hashrate.json' with { type: 'json' }
import capturedUserHashrateFull from './fixtures/captured/user_hashrate_full.json' with {
  type: 'json',
}
import referenceEarnpay from './fixtures/reference/earnpay.json' with { type: 'json' }
import referenceStatsnap from './fixtures/reference/statsnap.json' with { type: 'json' }
import referenceUserHashrate from './fixtures/reference/user_hashrate.json' with { type: 'json' }
import referenceUserHashrateFull from './fixtures/reference/user_hashrate_full.json' with {
  type: 'json',
}
import {
  inferWorkerState,
  mapEarnpay,
  mapStatsnap,
  mapUserHashrate,
  mapUserHashrateFull,
} from './ocean-api'

const NO_SUCH_USER = { error: 'No such user or user has no active workers' }
const th = (value: number) => ({ value, unit: 'TH/s' })

/** A deep copy of `body` with `result` fields replaced (undefined deletes the key). */
function withResult(body: { result: object }, changes: Record<string, unknown>) {
  const result: Record<string, unknown> = { ...structuredClone(body.result) }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete result[key]
    else result[key] = value
  }
  return { result }
}

describe('user_hashrate → current and 24 h hash rate, last share', () => {
  it('maps the reference example: 5-min window and 24 h window, H/s → TH/s exactly', () => {
    expect(mapUserHashrate(referenceUserHashrate)).toEqual({
      current_hashrate: th(199.715979264), // "199715979264000" H/s
      average_hashrate_24h: th(150.1238464512), // "150123846451200" H/s
      last_share_at: '2026-08-29T10:40:59.000Z', // "1788000059"
    })
  })

  it('maps the live capture (hash rates above 2^53 H/s)', () => {
    expect(mapUserHashrate(capturedUserHashrate)).toEqual({
      current_hashrate: th(Number('926277.853359426816')), // "926277853359426816" H/s: the double nearest to the exact decimal
      average_hashrate_24h: th(Number('810287.957706473728')),
      last_share_at: '2026-08-21T00:23:03.000Z', // "1787271783"
    })
  })

  it('falls back to the 1-minute window when the 5-minute one is missing', () => {
    const body = withResult(referenceUserHashrate, { hashrate_300s: undefined })
    expect(mapUserHashrate(body).current_hashrate).toEqual(th(200.002310417066))
  })

  it('reports "0" as 0 TH/s (no share in 5 minutes), not as missing', () => {
    const body = withResult(referenceUserHashrate, { hashrate_300s: '0' })
    expect(mapUserHashrate(body).current_hashrate).toEqual(th(0))
  })

  it('accepts JSON numbers as well as strings', () => {
    const body = withResult(referenceUserHashrate, {
      hashrate_300s: 199715979264000,
      lastest_share_ts: 1788000059,
    })
    expect(mapUserHashrate(body)).toMatchObject({
      current_hashrate: th(199.715979264),
      last_share_at: '2026-08-29T10:40:59.000Z',
    })
  })

  it('has no 24 h average or last share when Ocean omits them, and "0" means no share yet', () => {
    const body = withResult(referenceUserHashrate, {
      hashrate_86400s: undefined,
      lastest_share_ts: '0',
    })
    expect(mapUserHashrate(body)).toMatchObject({ average_hashrate_24h: null, last_share_at: null })
  })

  it('turns "No such user" into an empty account', () => {
    expect(mapUserHashrate(NO_SUCH_USER)).toEqual({
      current_hashrate: null,
      average_hashrate_24h: null,
      last_share_at: null,
    })
  })

  it.each([
    [
      withResult(referenceUserHashrate, { hashrate_300s: 'n/a' }),
      /user_hashrate: unexpected response at result\.hashrate_300s/,
    ],
    [
      withResult(referenceUserHashrate, { hashrate_300s: '-5' }),
      /result\.hashrate_300s: expected a non-negative hash rate/,
    ],
    [
      withResult(referenceUserHashrate, { hashrate_300s: undefined, hashrate_60s: undefined }),
      /result\.hashrate_300s: missing, and no hashrate_60s/,
    ],
    [referenceUserHashrate.result, /unexpected response at result/],
    ['<html>502</html>', /unexpected response/],
    [{ error: 'Internal server error' }, /answered with an error: Internal server error/],
  ])('rejects a bad body as a bad response naming the field (%#)', (body, message) => {
    expect(() => mapUserHashrate(body)).toThrow(MiningPoolResponseError)
    expect(() => mapUserHashrate(body)).toThrow(message)
  })
})

describe('statsnap → unpaid balance and estimated next payout', () => {
  it('maps the reference example: BTC strings → exact sats', () => {
    expect(mapStatsnap(referenceStatsnap)).toEqual({
      unpaid_balance: 412345, // "0.00412345"
      estimated_next_payout: 0, // "0.00000000": below threshold, the next block pays nothing out
      last_share_at: '2026-08-29T10:39:58.000Z', // "1787999998"
    })
  })

  it('maps the live capture', () => {
    expect(mapStatsnap(capturedStatsnap)).toEqual({
      unpaid_balance: 0,
      estimated_next_payout: 14294639, // "0.14294639"
      last_share_at: '2026-08-21T00:22:03.000Z',
    })
  })

  it('turns "No such user" into unknown balances', () => {
    expect(mapStatsnap(NO_SUCH_USER)).toEqual({
      unpaid_balance: null,
      estimated_next_payout: null,
      last_share_at: null,
    })
  })

  it.each([
    [withResult(referenceStatsnap, { unpaid: undefined }), /result\.unpaid/],
    [withResult(referenceStatsnap, { unpaid: 'NaN' }), /result\.unpaid/],
    [withResult(referenceStatsnap, { unpaid: '-0.1' }), /result\.unpaid/],
    [
      withResult(referenceStatsnap, { estimated_payout_next_block: null }),
      /result\.estimated_payout_next_block/,
    ],
  ])('names the bad field (%#)', (body, message) => {
    expect(() => mapStatsnap(body)).toThrow(message)
  })
})

describe('user_hashrate_full → workers', () => {
  it('maps the reference example: name → first element, sorted by name', () => {
    expect(mapUserHashrateFull(referenceUserHashrateFull)).toEqual([
      {
        worker_name: 'bitaxe-desk',
        hashrate: th(9.9857989632), // "9985798963200"
        last_share_at: null,
        valid_shares: null,
        stale_shares: null,
        rejected_shares: null,
        state: 'online',
      },
      {
        worker_name: 's21-rack1',
        hashrate: th(189.7301803008), // "189730180300800"
        last_share_at: null,
        valid_shares: null,
        stale_shares: null,
        rejected_shares: null,
        state: 'online',
      },
    ])
  })

  it('maps the live capture', () => {
    const workers = mapUserHashrateFull(capturedUserHashrateFull)
    expect(
      workers.map((worker) => [worker.worker_name, worker.hashrate?.value, worker.state]),
    ).toEqual([
      ['cc550a000ca5', 202.661983231672, 'online'],
      ['cc5719000408', 262.709978263279, 'online'],
      ['cc5719001b71', 405.323966463345, 'online'],
    ])
  })

  it('has no workers for an empty account or "No such user"', () => {
    expect(mapUserHashrateFull({ result: { workers: {} } })).toEqual([])
    expect(mapUserHashrateFull(NO_SUCH_USER)).toEqual([])
  })

  it.each([
    [{ result: { workers: [{ name: 'rig', hashrate_300s: '1' }] } }, /result\.workers/],
    [{ result: { workers: { rig: { hashrate_300s: '1' } } } }, /result\.workers\.rig/],
    [{ result: { workers: { rig: [] } } }, /result\.workers\.rig: expected a one-element array/],
    [
      { result: { workers: { rig: [{ hashrate_60s: 'x' }] } } },
      /result\.workers\.rig\.0\.hashrate_60s/,
    ],
    [
      { result: { workers: { rig: [{ hashrate_3600s: '5' }] } } },
      /result\.workers\.rig\.0\.hashrate_300s: missing/,
    ],
  ])('rejects wrong shapes naming the field (%#)', (body, message) => {
    expect(() => mapUserHashrateFull(body)).toThrow(message)
  })
})

describe('worker state inferred from the windows', () => {
  it('is offline with no hash rate in the last 5 minutes, whatever older windows say', () => {
    expect(inferWorkerState({ hashrate_300s: 0, hashrate_10800s: 150 })).toBe('offline')
  })

  it('is low below half its 3-hour average, online otherwise', () => {
    expect(inferWorkerState({ hashrate_300s: 40, hashrate_10800s: 100 })).toBe('low')
    expect(inferWorkerState({ hashrate_300s: 50, hashrate_10800s: 100 })).toBe('online')
    expect(inferWorkerState({ hashrate_300s: 1 })).toBe('online')
  })

  it('uses the 1-minute window when the 5-minute one is missing', () => {
    expect(inferWorkerState({ hashrate_60s: 0 })).toBe('offline')
    expect(inferWorkerState({})).toBeNull()
  })
})

describe('earnpay → rewards', () => {
  it('maps the reference example: net sats per block, naive ts read as UTC, newest first', () => {
    expect(mapEarnpay(referenceEarnpay)).toEqual([
      { amount: 12468, timestamp: '2026-08-29T07:12:44.000Z' },
      { amount: 12391, timestamp: '2026-08-28T19:40:02.000Z' },
    ])
  })

  it('maps the live capture', () => {
    expect(mapEarnpay(capturedEarnpay)).toEqual([
      { amount: 14297234, timestamp: '2026-08-20T23:11:03.000Z' },
      { amount: 14562604, timestamp: '2026-08-20T09:39:27.000Z' },
      { amount: 14690711, timestamp: '2026-08-20T06:04:11.000Z' },
    ])
  })

  it('sorts newest first whatever Ocean order, and accepts string sats', () => {
    const body = {
      result: {
        earnings: [
          { ts: '2026-08-28T19:40:02', satoshis_net_earned: '12391' },
          { ts: '2026-08-29T07:12:44', satoshis_net_earned: 12468 },
        ],
      },
    }
    expect(mapEarnpay(body).map((reward) => reward.amount)).toEqual([12468, 12391])
  })

  it('has no rewards for an empty window or "No such user"', () => {
    expect(mapEarnpay({ result: { earnings: [], payouts: [] } })).toEqual([])
    expect(mapEarnpay(NO_SUCH_USER)).toEqual([])
  })

  it.each([
    [
      { result: { earnings: [{ ts: 'yesterday', satoshis_net_earned: 1 }] } },
      /result\.earnings\.0\.ts/,
    ],
    [
      { result: { earnings: [{ ts: '2026-08-29T07:12:44', satoshis_net_earned: 1.5 }] } },
      /result\.earnings\.0\.satoshis_net_earned/,
    ],
    [{ result: { payouts: [] } }, /result\.earnings/],
  ])('rejects bad rows naming the field (%#)', (body, message) => {
    expect(() => mapEarnpay(body)).toThrow(message)
  })
})
