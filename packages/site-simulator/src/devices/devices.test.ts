import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type SiteSimulator,
  startAxeOsFake,
  startBraiinsOsFake,
  startShellyFake,
  startSiteSimulator,
  startTasmotaFake,
} from '../index.ts'
import { createFakeClock, type FakeClock } from '../test-support.ts'

const NOON = '2026-06-21T10:00:00.000Z'
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close()
})

function keep<T extends { close(): Promise<void> }>(thing: T): T {
  open.push(thing)
  return thing
}

const clockOf = (clock: FakeClock) => ({
  now: clock.now,
  setTimeout: clock.setTimeout,
  clearTimeout: clock.clearTimeout,
})

/** A site whose house draws a flat 300 W, so any change of consumption is the device's. */
async function flatSite(clock: FakeClock): Promise<SiteSimulator> {
  return keep(
    await startSiteSimulator({
      ...clockOf(clock),
      weather: { cloudiness: 0 },
      battery: null,
      house: { baseW: 300, noise: 0, appliances: false, profile: Array(24).fill(1) },
      forecast: false,
    }),
  )
}

/** Lets a request reach the fake and be answered while the clock moves `stepMs` at a time. */
async function settle<T>(clock: FakeClock, request: Promise<T>, stepMs: number): Promise<T> {
  for (let turn = 0; turn < 400; turn++) {
    const done = await Promise.race([
      request.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 5)),
    ])
    if (done) return request
    clock.advance(stepMs)
  }
  throw new Error('request never settled')
}

async function body(response: Response): Promise<unknown> {
  const raw = await response.text()
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

describe('Braiins OS fake', () => {
  async function braiins(options: Parameters<typeof startBraiinsOsFake>[0] = {}) {
    const clock = createFakeClock(NOON)
    const fake = keep(
      await startBraiinsOsFake({ ...clockOf(clock), password: 'secret', ...options }),
    )
    const call = (method: string, path: string, token?: string, json?: unknown) =>
      fetch(`${fake.url}/api/v1${path}`, {
        method,
        headers: {
          ...(token ? { authorization: token } : {}),
          ...(json ? { 'content-type': 'application/json' } : {}),
        },
        ...(json ? { body: JSON.stringify(json) } : {}),
      })
    const login = async (password = 'secret') =>
      (await call('POST', '/auth/login', undefined, { username: 'root', password })) as Response
    const token = async () => ((await (await login()).json()) as { token: string }).token
    return { clock, fake, call, login, token }
  }

  it('logs in with {token, timeout_s}; the token goes raw in Authorization, not as Bearer', async () => {
    const { call, login, token } = await braiins()
    const answer = (await (await login()).json()) as { token: string; timeout_s: number }
    expect(answer.timeout_s).toBe(3600)
    expect(answer.token).toMatch(/^[A-Za-z0-9]{16}$/)
    expect((await call('GET', '/miner/details', answer.token)).status).toBe(200)
    expect((await call('GET', '/miner/details', `Bearer ${answer.token}`)).status).toBe(401)
    expect((await call('GET', '/miner/details')).status).toBe(401)
    expect((await login('wrong')).status).toBe(401)
    // The version needs no token.
    expect(await body(await call('GET', '/version/'))).toEqual({ major: 1, minor: 7, patch: 0 })
    expect(await token()).not.toBe(answer.token)
  })

  it('keeps a session alive while it is used and ends it after 3600 s of inactivity', async () => {
    const { clock, call, token } = await braiins()
    const session = await token()
    clock.advance(3500_000)
    expect((await call('GET', '/miner/details', session)).status).toBe(200)
    clock.advance(3500_000) // 7000 s after login, 3500 s after the last use
    expect((await call('GET', '/miner/details', session)).status).toBe(200)
    clock.advance(3601_000)
    expect((await call('GET', '/miner/details', session)).status).toBe(401)
    expect((await call('GET', '/miner/details', await token())).status).toBe(200)
  })

  it('pause and resume answer bare booleans, idempotent; details say 3 paused and 2 mining', async () => {
    const { call, token, fake } = await braiins()
    const session = await token()
    const details = async () =>
      (await body(await call('GET', '/miner/details', session))) as {
        status: number
        detailed_status: { status: Record<string, unknown> }
      }
    expect((await details()).status).toBe(2)
    expect(await body(await call('PUT', '/actions/pause', session))).toBe(false)
    expect(await body(await call('PUT', '/actions/pause', session))).toBe(true)
    expect(await details()).toMatchObject({
      status: 3,
      detailed_status: { status: { stopped: { reason: { user_pause: {} } } } },
    })
    expect(fake.state()).toMatchObject({ paused: true, mining: false, powerW: 0 })
    expect(await body(await call('PUT', '/actions/resume', session))).toBe(false)
    expect(await body(await call('PUT', '/actions/resume', session))).toBe(true)
    expect((await details()).status).toBe(2)
    expect((await call('GET', '/actions/pause', session)).status).toBe(405)
  })

  it('answers /miner/stats with HTTP 500 while bosminer starts, then GH/s and watts as it ramps', async () => {
    const { call, token, clock } = await braiins({ startingSeconds: 45, rampSeconds: 60 })
    const session = await token()
    expect(await body(await call('PUT', '/actions/stop', session))).toBe(false)
    expect((await call('GET', '/miner/stats', session)).status).toBe(500)
    expect(await body(await call('PUT', '/actions/start', session))).toBe(false)
    clock.advance(30_000)
    expect((await call('GET', '/miner/stats', session)).status).toBe(500)
    const starting = (await body(await call('GET', '/miner/details', session))) as Record<
      string,
      unknown
    >
    expect(starting).toMatchObject({ status: 1, bosminer_uptime_s: 0 })
    clock.advance(45_000) // 30 s into the ramp
    type Stats = {
      miner_stats: { real_hashrate: Record<string, { gigahash_per_second: number }> }
      power_stats: { approximated_consumption: { watt: number } }
    }
    const ramping = (await body(await call('GET', '/miner/stats', session))) as Stats
    const halfway = ramping.miner_stats.real_hashrate.last_5s?.gigahash_per_second ?? 0
    expect(halfway).toBeGreaterThan(104_000 * 0.4)
    expect(halfway).toBeLessThan(104_000 * 0.6)
    clock.advance(120_000)
    const full = (await body(await call('GET', '/miner/stats', session))) as Stats
    expect(full.miner_stats.real_hashrate.last_1m?.gigahash_per_second).toBeGreaterThan(100_000)
    expect(full.power_stats.approximated_consumption.watt).toBeGreaterThan(3250 * 0.98)
  })

  it('a reboot takes it off the network, ends every session and it comes back mining', async () => {
    const { call, token, clock, fake } = await braiins({ rebootSeconds: 90, startingSeconds: 45 })
    const session = await token()
    await call('PUT', '/actions/pause', session)
    fake.reboot()
    await expect(call('GET', '/miner/details', session)).rejects.toThrow()
    clock.advance(91_000)
    expect((await call('GET', '/miner/details', session)).status).toBe(401)
    clock.advance(60_000)
    expect(fake.state()).toMatchObject({ bosminer: 'running', paused: false, mining: true })
  })

  it('never completes the streaming /miner/status', async () => {
    const { call, token } = await braiins()
    const session = await token()
    const answer = await Promise.race([
      call('GET', '/miner/status', session).then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 100)),
    ])
    expect(answer).toBe('still open')
  })

  it('faults on demand: times, down, slow, garbage, truncated, 5xx, unauthorized; expired sessions and a new password', async () => {
    const { call, token, clock, fake, login } = await braiins()
    const session = await token()
    fake.fault({ endpoint: 'details', times: 1, fault: { kind: 'server_error', status: 503 } })
    expect((await call('GET', '/miner/details', session)).status).toBe(503)
    expect((await call('GET', '/miner/details', session)).status).toBe(200)
    fake.setFaults([{ endpoint: ['stats'], fault: { kind: 'down' } }])
    await expect(call('GET', '/miner/stats', session)).rejects.toThrow()
    expect((await call('GET', '/miner/details', session)).status).toBe(200)
    fake.setFaults([{ fault: { kind: 'garbage' } }])
    expect(await body(await call('GET', '/miner/details', session))).toMatch(/^<!DOCTYPE html>/)
    fake.setFaults([{ fault: { kind: 'truncated' } }])
    await expect((await call('GET', '/miner/details', session)).json()).rejects.toThrow()
    fake.setFaults([{ fault: { kind: 'unauthorized' } }])
    expect((await call('GET', '/miner/details', session)).status).toBe(401)
    fake.setFaults([{ fault: { kind: 'slow', delayMs: 4000 } }])
    const slow = call('GET', '/miner/details', session)
    expect((await settle(clock, slow, 1000)).status).toBe(200)
    fake.setFaults([])
    fake.expireSessions()
    expect((await call('GET', '/miner/details', session)).status).toBe(401)
    fake.setPassword('changed')
    expect((await login('secret')).status).toBe(401)
    expect((await login('changed')).status).toBe(200)
    expect(() => fake.fault({ endpoint: 'nope' as 'stats', fault: { kind: 'down' } })).toThrow(
      /startBraiinsOsFake\.fault\.endpoint/,
    )
    const log = fake.requests()
    expect(log.some((entry) => JSON.stringify(entry).includes('secret'))).toBe(false)
    expect(log.find((entry) => entry.fault === 'server_error')).toMatchObject({
      endpoint: 'details',
      status: 503,
    })
  })

  it('on a site: a paused miner stops drawing, and the site consumption drops by its power', async () => {
    const clock = createFakeClock(NOON)
    const site = await flatSite(clock)
    const fake = keep(await startBraiinsOsFake({ site, name: 'Garage S19', powerW: 3250 }))
    clock.advance(60_000)
    const mining = site.reading()
    expect(mining.loads['Garage S19']).toBeGreaterThan(3250 * 0.98)
    expect(mining.consumption).toBeCloseTo(300 + (mining.loads['Garage S19'] ?? 0), 6)
    const login = await fetch(`${fake.url}/api/v1/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'root', password: '' }),
    })
    const { token } = (await login.json()) as { token: string }
    await fetch(`${fake.url}/api/v1/actions/pause`, {
      method: 'PUT',
      headers: { authorization: token },
    })
    clock.advance(60_000)
    const paused = site.reading()
    expect(paused.loads['Garage S19']).toBe(0)
    expect(mining.consumption - paused.consumption).toBeGreaterThan(3250 * 0.98)
    expect(paused.consumption).toBeCloseTo(300, 6)
  })
})

describe('AxeOS fake', () => {
  type Info = Record<string, unknown> & { power: number; hashRate: number }

  async function bitaxe(options: Parameters<typeof startAxeOsFake>[0] = {}) {
    const clock = createFakeClock(NOON)
    const fake = keep(await startAxeOsFake({ ...clockOf(clock), ...options }))
    const info = async () => (await body(await fetch(`${fake.url}/api/system/info`))) as Info
    const post = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${fake.url}/api/system/${path}`, { method: 'POST', headers })
    return { clock, fake, info, post }
  }

  it('reports W, GH/s and miningPaused; pause and resume (≥ 2.14) stop and restart the ASIC', async () => {
    const { info, post, clock } = await bitaxe({ rampSeconds: 10 })
    const mining = await info()
    expect(mining).toMatchObject({ miningPaused: false, version: 'v2.14.2', ASICModel: 'BM1370' })
    expect(mining.power).toBeGreaterThan(14.5)
    expect(mining.hashRate).toBeGreaterThan(1100)
    expect(typeof mining.bestDiff).toBe('number')
    expect(await body(await post('pause'))).toEqual({ message: 'Mining paused' })
    expect(await info()).toMatchObject({ miningPaused: true, power: 0, hashRate: 0 })
    expect(await body(await post('resume'))).toEqual({ message: 'Mining resumed' })
    clock.advance(5000)
    const ramping = await info()
    expect(ramping.hashRate).toBeGreaterThan(1150 * 0.4)
    expect(ramping.hashRate).toBeLessThan(1150 * 0.6)
  })

  it('old firmware (< 2.14) has no pause: ESP-IDF answers 405; bestDiff is a string, no miningPaused', async () => {
    const { info, post } = await bitaxe({ version: 'v2.9.0' })
    const pause = await post('pause')
    expect(pause.status).toBe(405)
    expect(await pause.text()).toBe('Request method for this URI is not handled by server')
    const old = await info()
    expect(old).not.toHaveProperty('miningPaused')
    expect(old.bestDiff).toBe('4.29G')
    expect(old.hashRate).toBeGreaterThan(1000)
  })

  it('refuses a request whose Origin is not a private address, with text 401', async () => {
    const { fake } = await bitaxe()
    const outside = await fetch(`${fake.url}/api/system/info`, {
      headers: { origin: 'http://evil.example.com' },
    })
    expect([outside.status, await outside.text()]).toEqual([401, 'Unauthorized'])
    const lan = await fetch(`${fake.url}/api/system/info`, {
      headers: { origin: 'http://192.168.1.20' },
    })
    expect(lan.status).toBe(200)
  })

  it('a restart replies, goes off the network, and comes back mining (a pause is not kept)', async () => {
    const { info, post, clock, fake } = await bitaxe({ restartSeconds: 5 })
    await post('pause')
    expect(await body(await post('restart'))).toEqual({ message: 'System will restart shortly.' })
    clock.advance(2000)
    await expect(fetch(`${fake.url}/api/system/info`)).rejects.toThrow()
    clock.advance(60_000)
    expect(await info()).toMatchObject({ miningPaused: false })
    expect((await info()).power).toBeGreaterThan(14)
  })

  it('on a site: a paused Bitaxe stops drawing its power', async () => {
    const clock = createFakeClock(NOON)
    const site = await flatSite(clock)
    const fake = keep(await startAxeOsFake({ site, name: 'Desk Bitaxe', powerW: 15 }))
    clock.advance(30_000)
    const before = site.reading()
    await fetch(`${fake.url}/api/system/pause`, { method: 'POST' })
    clock.advance(30_000)
    const after = site.reading()
    expect(before.consumption - after.consumption).toBeGreaterThan(14.5)
    expect(after.loads['Desk Bitaxe']).toBe(0)
  })
})

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** RFC 7616 Authorization with SHA-256, written out here apart from the fake's own check. */
function digest(challenge: string, password: string, method: string, uri: string, nc = 1) {
  const field = (name: string) => new RegExp(`${name}="([^"]+)"`).exec(challenge)?.[1] ?? ''
  const realm = field('realm')
  const nonce = field('nonce')
  const cnonce = 'abcdef0123456789'
  const count = nc.toString(16).padStart(8, '0')
  const response = sha256(
    `${sha256(`admin:${realm}:${password}`)}:${nonce}:${count}:${cnonce}:auth:${sha256(`${method}:${uri}`)}`,
  )
  return `Digest username="admin", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=SHA-256, response="${response}", qop=auth, nc=${count}, cnonce="${cnonce}"`
}

describe('Shelly fake', () => {
  async function shelly(options: Parameters<typeof startShellyFake>[0] = {}) {
    const clock = createFakeClock(NOON)
    const fake = keep(await startShellyFake({ ...clockOf(clock), ...options }))
    const get = (uri: string, headers: Record<string, string> = {}) =>
      fetch(`${fake.url}${uri}`, { headers })
    return { clock, fake, get }
  }

  it('Switch.Set answers was_on, Switch.GetStatus the relay and apower (0 W off); JSON-RPC too', async () => {
    const { get, fake, clock } = await shelly({
      load: { powerW: 1400, bootSeconds: 0, rampSeconds: 0 },
    })
    expect(await body(await get('/shelly'))).toMatchObject({
      id: 'shellyplusplugs-aabbccddeeff',
      gen: 2,
      auth_en: false,
    })
    expect(await body(await get('/rpc/Switch.GetStatus?id=0'))).toMatchObject({
      id: 0,
      output: false,
      apower: 0,
    })
    expect(await body(await get('/rpc/Switch.Set?id=0&on=true'))).toEqual({ was_on: false })
    expect(await body(await get('/rpc/Switch.Set?id=0&on=true'))).toEqual({ was_on: true })
    clock.advance(10_000)
    const on = (await body(await get('/rpc/Switch.GetStatus?id=0'))) as {
      output: boolean
      apower: number
    }
    expect(on.output).toBe(true)
    expect(on.apower).toBeGreaterThan(1380)
    const rpc = await fetch(`${fake.url}/rpc`, {
      method: 'POST',
      body: JSON.stringify({ id: 7, method: 'Switch.Set', params: { id: 0, on: false } }),
    })
    expect(await rpc.json()).toEqual({
      id: 7,
      src: 'shellyplusplugs-aabbccddeeff',
      result: { was_on: true },
    })
    expect(fake.state()).toMatchObject({ on: false, powerW: 0 })
    const bad = await get('/rpc/Switch.GetStatus?id=3')
    expect([bad.status, await bad.json()]).toEqual([
      500,
      { code: -105, message: "Argument 'id', value 3 not found!" },
    ])
  })

  it('with a password: 401 with a SHA-256 digest challenge, then the RFC 7616 answer passes', async () => {
    const { get } = await shelly({ password: 'plug-pass' })
    expect((await get('/shelly')).status).toBe(200)
    const uri = '/rpc/Switch.GetStatus?id=0'
    const first = await get(uri)
    expect(first.status).toBe(401)
    const challenge = first.headers.get('www-authenticate') ?? ''
    expect(challenge).toMatch(
      /^Digest qop="auth", realm="shellyplusplugs-aabbccddeeff", nonce="[0-9a-f]+", algorithm=SHA-256$/,
    )
    expect(
      (await get(uri, { authorization: digest(challenge, 'plug-pass', 'GET', uri) })).status,
    ).toBe(200)
    expect((await get(uri, { authorization: digest(challenge, 'wrong', 'GET', uri) })).status).toBe(
      401,
    )
    // The digest binds the URI: the same answer does not open another request.
    const other = '/rpc/Switch.Set?id=0&on=true'
    expect(
      (await get(other, { authorization: digest(challenge, 'plug-pass', 'GET', uri) })).status,
    ).toBe(401)
  })

  it('a nonce goes stale after its lifetime: 401 with a fresh challenge', async () => {
    const { get, clock } = await shelly({ password: 'plug-pass', nonceLifetimeSeconds: 300 })
    const uri = '/rpc/Switch.GetStatus?id=0'
    const challenge = (await get(uri)).headers.get('www-authenticate') ?? ''
    clock.advance(301_000)
    const stale = await get(uri, { authorization: digest(challenge, 'plug-pass', 'GET', uri) })
    expect(stale.status).toBe(401)
    expect(stale.headers.get('www-authenticate')).not.toBe(challenge)
  })

  it('on a site: switching the plug off takes the miner behind it off the site', async () => {
    const clock = createFakeClock(NOON)
    const site = await flatSite(clock)
    const fake = keep(
      await startShellyFake({ site, initiallyOn: true, load: { name: 'Shed S9', powerW: 1400 } }),
    )
    clock.advance(30_000)
    const before = site.reading()
    expect(before.loads['Shed S9']).toBeGreaterThan(1380)
    await fetch(`${fake.url}/rpc/Switch.Set?id=0&on=false`)
    clock.advance(30_000)
    const after = site.reading()
    expect(before.consumption - after.consumption).toBeGreaterThan(1380)
    expect(after.consumption).toBeCloseTo(300, 6)
  })
})

describe('Tasmota fake', () => {
  async function tasmota(options: Parameters<typeof startTasmotaFake>[0] = {}) {
    const clock = createFakeClock(NOON)
    const fake = keep(await startTasmotaFake({ ...clockOf(clock), ...options }))
    const cmnd = async (command: string, credentials = '') =>
      fetch(`${fake.url}/cm?${credentials}cmnd=${encodeURIComponent(command)}`)
    return { clock, fake, cmnd }
  }

  it('Power On/Off answer {"POWER":…}; Status 8 reports the energy; unknown commands say so', async () => {
    const { cmnd, clock } = await tasmota({
      load: { powerW: 1400, bootSeconds: 0, rampSeconds: 0 },
    })
    expect(await body(await cmnd('Power'))).toEqual({ POWER: 'OFF' })
    expect(await body(await cmnd('Power On'))).toEqual({ POWER: 'ON' })
    clock.advance(3_600_000)
    const status = (await body(await cmnd('Status 8'))) as {
      StatusSNS: { ENERGY: { Power: number; Total: number; Today: number } }
    }
    expect(status.StatusSNS.ENERGY.Power).toBeGreaterThan(1380)
    expect(status.StatusSNS.ENERGY.Total).toBeGreaterThan(1.38) // kWh in an hour
    expect(status.StatusSNS.ENERGY.Total).toBeLessThan(1.42)
    expect(await body(await cmnd('Power Off'))).toEqual({ POWER: 'OFF' })
    expect(await body(await cmnd('Color 1'))).toEqual({ Command: 'Unknown' })
    // `+` for the space decodes too, as the device's web server reads it.
    expect(await body(await fetch(`${(await tasmota()).fake.url}/cm?cmnd=Power+On`))).toEqual({
      POWER: 'ON',
    })
  })

  it('with a password: a WARNING with 401 (since 8.2.3) or 200 (before), and the password is never logged', async () => {
    const { cmnd, fake } = await tasmota({ password: 'web-pass' })
    const refused = await cmnd('Power On')
    expect([refused.status, await refused.json()]).toEqual([
      401,
      { WARNING: 'Need user=<username>&password=<password>' },
    ])
    expect(await body(await cmnd('Power On', 'user=admin&password=web-pass&'))).toEqual({
      POWER: 'ON',
    })
    expect((await cmnd('Power', 'user=admin&password=nope&')).status).toBe(401)
    expect(JSON.stringify(fake.requests())).not.toContain('web-pass')
    const old = await tasmota({ password: 'web-pass', version: '8.1.0' })
    expect((await old.cmnd('Power On')).status).toBe(200)
  })

  it('on a site: relay off takes the miner off the site', async () => {
    const clock = createFakeClock(NOON)
    const site = await flatSite(clock)
    const fake = keep(
      await startTasmotaFake({ site, initiallyOn: true, load: { name: 'Attic L3', powerW: 900 } }),
    )
    clock.advance(30_000)
    const before = site.reading()
    await fetch(`${fake.url}/cm?cmnd=Power%20Off`)
    clock.advance(30_000)
    expect(before.consumption - site.reading().consumption).toBeGreaterThan(890)
  })
})
