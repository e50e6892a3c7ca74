import { describe, expect, it } from 'vitest'
import { SimulatorOptionsError } from '../core/errors.ts'
import { getJson, httpGet, startsOnFakeClock, until } from '../test-support.ts'
import { DEFAULT_OCEAN_ADDRESS, startOceanSimulator } from './simulator.ts'

const T0 = 1_788_000_000_000
const ADDRESS = DEFAULT_OCEAN_ADDRESS
const NO_SUCH_USER = { error: 'No such user or user has no active workers' }

const startOnFakeClock = startsOnFakeClock(startOceanSimulator, T0)

async function start(options: Parameters<typeof startOceanSimulator>[0] = {}) {
  const { sim, clock } = await startOnFakeClock(options)
  return { sim, clock, statsnap: `${sim.url}/v1/statsnap/${ADDRESS}` }
}

describe('Ocean simulator: faults', () => {
  it('the next statsnap call gets a 429 with Retry-After: 30, then normal answers resume', async () => {
    const { sim, statsnap } = await start()
    sim.setScenario({
      faults: [
        {
          endpoint: 'statsnap',
          times: 1,
          fault: { kind: 'too_many_requests', retryAfterSeconds: 30 },
        },
      ],
    })
    expect((await httpGet(`${sim.url}/v1/user_hashrate/${ADDRESS}`)).status).toBe(200)
    const limited = await httpGet(statsnap)
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('30')
    expect((await httpGet(statsnap)).status).toBe(200)
  })

  it('429 with Retry-After as an HTTP-date (now() + seconds), or without the header', async () => {
    const { sim, statsnap } = await start()
    sim.setScenario({
      faults: [
        {
          times: 1,
          fault: {
            kind: 'too_many_requests',
            retryAfterSeconds: 30,
            retryAfterFormat: 'http-date',
          },
        },
        { times: 1, fault: { kind: 'too_many_requests' } },
      ],
    })
    const dated = await httpGet(statsnap)
    expect(dated.status).toBe(429)
    expect(dated.headers['retry-after']).toBe('Sat, 29 Aug 2026 10:40:30 GMT')
    const bare = await httpGet(statsnap)
    expect(bare.status).toBe(429)
    expect(bare.headers['retry-after']).toBeUndefined()
  })

  it('500 with {"error":"Internal server error"}', async () => {
    const { sim, statsnap } = await start({
      scenario: { faults: [{ fault: { kind: 'server_error' } }] },
    })
    const response = await getJson(statsnap)
    expect(response.status).toBe(500)
    expect(response.json).toEqual({ error: 'Internal server error' })
    expect((await getJson(`${sim.url}/v1/pool_stat`)).status).toBe(500)
  })

  it('unknown address → the "No such user" envelope with status 200 by default, 404 when configured', async () => {
    const { sim } = await start()
    const unknown = `${sim.url}/v1/user_hashrate/bc1qsomeotheraddress000000000000000000000`
    const at200 = await getJson(unknown)
    expect(at200.status).toBe(200)
    expect(at200.json).toEqual(NO_SUCH_USER)
    sim.setScenario({ unknownAddressStatus: 404 })
    const at404 = await getJson(unknown)
    expect(at404.status).toBe(404)
    expect(at404.json).toEqual(NO_SUCH_USER)
  })

  it('unknown_user fault answers "No such user" for the known address with its own status', async () => {
    const { sim, statsnap } = await start()
    sim.addFault({
      endpoint: ['statsnap', 'earnpay'],
      fault: { kind: 'unknown_user', status: 404 },
    })
    const response = await getJson(statsnap)
    expect(response.status).toBe(404)
    expect(response.json).toEqual(NO_SUCH_USER)
    expect((await getJson(`${sim.url}/v1/earnpay/${ADDRESS}`)).json).toEqual(NO_SUCH_USER)
    expect((await getJson(`${sim.url}/v1/user_hashrate/${ADDRESS}`)).json).toHaveProperty('result')
  })

  it('slow: the answer waits for the injected timer (delay as configured)', async () => {
    const { sim, clock, statsnap } = await start({
      scenario: { faults: [{ fault: { kind: 'slow', delayMs: 1500 } }] },
    })
    let answered = false
    const pending = httpGet(statsnap).then((response) => {
      answered = true
      return response
    })
    await until(() => clock.pendingDelays().length === 1)
    expect(clock.pendingDelays()).toEqual([1500])
    expect(answered).toBe(false)
    expect(sim.requests().log[0]?.status).toBeNull()
    clock.runTimers()
    const response = await pending
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toHaveProperty('result.hashrate_60s')
    expect(sim.requests().log[0]?.status).toBe(200)
  })

  it('hang: the request never gets an answer; close() ends it', async () => {
    const { sim, statsnap } = await start({
      scenario: { faults: [{ endpoint: 'statsnap', fault: { kind: 'hang' } }] },
    })
    const pending = httpGet(statsnap)
    await until(() => sim.requests().total === 1)
    expect(sim.requests().log[0]).toMatchObject({ endpoint: 'statsnap', status: null })
    await sim.close()
    await expect(pending).rejects.toThrow()
  })

  it('truncated: a complete HTTP message carrying half the JSON; abort mode resets mid-body', async () => {
    const { sim, statsnap } = await start()
    const whole = (await httpGet(statsnap)).body
    sim.setScenario({ faults: [{ times: 1, fault: { kind: 'truncated' } }] })
    const cut = await httpGet(statsnap)
    expect(cut.status).toBe(200)
    expect(cut.body.length).toBeGreaterThan(0)
    expect(whole.startsWith(cut.body)).toBe(true)
    expect(cut.body.length).toBeLessThan(whole.length)
    expect(() => JSON.parse(cut.body)).toThrow()
    sim.setScenario({ faults: [{ times: 1, fault: { kind: 'truncated', abort: true } }] })
    await expect(httpGet(statsnap)).rejects.toThrow()
  })

  it('non_json: a 200 HTML page; empty_body: a 200 with nothing', async () => {
    const { statsnap } = await start({
      scenario: {
        faults: [
          { times: 1, fault: { kind: 'non_json' } },
          { times: 1, fault: { kind: 'empty_body' } },
        ],
      },
    })
    const html = await httpGet(statsnap)
    expect(html.status).toBe(200)
    expect(html.headers['content-type']).toMatch(/^text\/html/)
    expect(() => JSON.parse(html.body)).toThrow()
    const empty = await httpGet(statsnap)
    expect(empty.status).toBe(200)
    expect(empty.body).toBe('')
  })

  it('empty account: no workers, zero hash rates, no earnings or payouts, nothing unpaid', async () => {
    const { sim, statsnap } = await start({
      scenario: { faults: [{ fault: { kind: 'empty_account' } }] },
    })
    const result = async (url: string) =>
      ((await getJson(url)).json as { result: Record<string, unknown> }).result
    const snap = await result(statsnap)
    expect(snap).toMatchObject({ hashrate_60s: '0', hashrate_300s: '0', unpaid: '0.00000000' })
    const hashrate = await result(`${sim.url}/v1/user_hashrate/${ADDRESS}`)
    expect(hashrate).toMatchObject({ active_worker_count: 0, hashrate_86400s: '0' })
    const full = await result(`${sim.url}/v1/user_hashrate_full/${ADDRESS}`)
    expect(full.workers).toEqual({})
    const earnpay = await result(`${sim.url}/v1/earnpay/${ADDRESS}/2020-01-01/2100-01-01`)
    expect(earnpay).toMatchObject({ earnings: [], payouts: [] })
  })

  it('targets one endpoint, a list, or all, and counts down `times` per matching request', async () => {
    const { sim, statsnap } = await start({
      scenario: {
        faults: [
          { endpoint: 'pool_stat', times: 2, fault: { kind: 'server_error', status: 503 } },
          { endpoint: '*', times: 1, fault: { kind: 'server_error' } },
        ],
      },
    })
    expect((await httpGet(`${sim.url}/v1/pool_stat`)).status).toBe(503)
    expect((await httpGet(statsnap)).status).toBe(500)
    expect((await httpGet(statsnap)).status).toBe(200)
    expect((await httpGet(`${sim.url}/v1/pool_stat`)).status).toBe(503)
    expect((await httpGet(`${sim.url}/v1/pool_stat`)).status).toBe(200)
  })

  it('rejects a malformed scenario with an error naming the field', async () => {
    const { sim } = await start()
    expect(() =>
      sim.setScenario({
        faults: [{ endpoint: 'statsnapp' as 'statsnap', fault: { kind: 'hang' } }],
      }),
    ).toThrow(SimulatorOptionsError)
    expect(() => sim.setScenario({ faults: [{ fault: { kind: 'forbidden' } }] })).toThrow(
      /scenario\.faults\.0\.fault\.kind/,
    )
    expect(() => sim.setScenario({ faults: [{ times: 0, fault: { kind: 'hang' } }] })).toThrow(
      /scenario\.faults\.0\.times/,
    )
    await expect(startOceanSimulator({ port: -1 })).rejects.toThrow(/options\.port/)
  })
})

describe('Ocean simulator: request log', () => {
  it('counts what reached it per endpoint, with the fake time and the status sent', async () => {
    const { sim, clock, statsnap } = await start()
    await httpGet(statsnap)
    clock.advance(1234)
    await httpGet(`${sim.url}/v1/earnpay/${ADDRESS}/2026-08-01`)
    await httpGet(`${sim.url}/v1/earnpay/${ADDRESS}`)
    await httpGet(`${sim.url}/v1/ping`)
    const log = sim.requests()
    expect(log.total).toBe(4)
    expect(log.byEndpoint).toEqual({ statsnap: 1, earnpay: 2, ping: 1 })
    expect(log.log[0]).toEqual({
      at: T0,
      method: 'GET',
      path: `/v1/statsnap/${ADDRESS}`,
      query: '',
      endpoint: 'statsnap',
      status: 200,
    })
    expect(log.log[1]).toMatchObject({ at: T0 + 1234, path: `/v1/earnpay/${ADDRESS}/2026-08-01` })
    sim.resetRequests()
    expect(sim.requests()).toEqual({ total: 0, byEndpoint: {}, log: [] })
  })
})
