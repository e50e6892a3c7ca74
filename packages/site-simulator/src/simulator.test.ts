import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type HaState,
  type SiteSimulator,
  type SiteSimulatorOptions,
  startSiteSimulator,
} from './index.ts'
import { createFakeClock, type FakeClock } from './test-support.ts'

const NOON = '2026-06-21T10:00:00.000Z' // 12:00 in Rome
const running: SiteSimulator[] = []
afterEach(async () => {
  while (running.length > 0) await running.pop()?.close()
})

async function start(options: SiteSimulatorOptions = {}, at = NOON) {
  const clock = createFakeClock(at)
  const sim = await startSiteSimulator({
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    miners: [{ name: 'Garage S21', powerW: 3500 }],
    weather: { cloudiness: 0 },
    ...options,
  })
  running.push(sim)
  const auth = { authorization: `Bearer ${sim.token}` }
  const get = (path: string, headers: Record<string, string> = auth) =>
    fetch(`${sim.url}${path}`, { headers })
  const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const state = async (entityId: string) =>
    (await (await get(`/api/states/${entityId}`)).json()) as HaState
  return { sim, clock, get, post, state }
}

/** Lets a request reach the server and the server decide (loopback, no clock involved). */
async function settle(clock: FakeClock, request: Promise<Response>, stepMs: number) {
  for (let turn = 0; turn < 200; turn++) {
    const done = await Promise.race([
      request.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 5)),
    ])
    if (done) return request
    clock.advance(stepMs)
  }
  throw new Error('request never settled')
}

describe('the fake Home Assistant: auth and routes', () => {
  it('needs the long-lived token everywhere: text/plain "401: Unauthorized" without it', async () => {
    const { get, sim } = await start()
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: sim.token },
    ]) {
      const response = await get('/api/', headers)
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(await response.text()).toBe('401: Unauthorized')
    }
    const ok = await get('/api/')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ message: 'API running.' })
    // No trailing slash is no route; a wrong method is 405.
    expect((await get('/api')).status).toBe(404)
    expect(await (await get('/api/nothing')).text()).toBe('404: Not Found')
    expect((await fetch(`${sim.url}/api/states`, { method: 'DELETE' })).status).toBe(405)
    // The log says how auth went, never the token.
    const log = sim.requests()
    expect(log.log.filter((entry) => entry.auth === 'missing')).toHaveLength(2)
    expect(log.log.filter((entry) => entry.auth === 'invalid')).toHaveLength(2)
    expect(JSON.stringify(log)).not.toContain(sim.token)
  })

  it('serves /api/config with the version, location and time zone', async () => {
    const { get } = await start({ location: { name: 'Cascina', timeZone: 'Europe/Rome' } })
    const config = (await (await get('/api/config')).json()) as Record<string, unknown>
    expect(config).toMatchObject({
      version: '2026.9.1',
      location_name: 'Cascina',
      time_zone: 'Europe/Rome',
      latitude: 41.9028,
      state: 'RUNNING',
      unit_system: { temperature: '°C', length: 'km' },
    })
  })

  it('serves states as HA does: strings, unit and device class, timestamps, 404 JSON', async () => {
    const { get, state, sim } = await start()
    const pv = await state('sensor.pv_power')
    expect(Object.keys(pv).sort()).toEqual([
      'attributes',
      'context',
      'entity_id',
      'last_changed',
      'last_reported',
      'last_updated',
      'state',
    ])
    expect(typeof pv.state).toBe('string')
    expect(Number(pv.state)).toBeGreaterThan(4000)
    expect(pv.attributes).toEqual({
      state_class: 'measurement',
      unit_of_measurement: 'W',
      device_class: 'power',
      friendly_name: 'PV power',
    })
    expect(pv.last_updated).toBe('2026-06-21T10:00:00.000000+00:00')
    expect(pv.context.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    const missing = await get('/api/states/sensor.nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ message: 'Entity not found.' })
    const all = (await (await get('/api/states')).json()) as HaState[]
    expect(all.map((s) => s.entity_id)).toEqual(
      expect.arrayContaining([
        'sensor.pv_power',
        'sensor.house_consumption',
        'sensor.house_consumption_without_miners',
        'sensor.grid_power',
        'sensor.battery_soc',
        'sensor.battery_power',
        'sensor.power_production_next_hour',
        'sensor.energy_production_today_remaining',
        'switch.garage_s21',
        'sensor.garage_s21_power',
        'sun.sun',
      ]),
    )
    expect(all).toEqual(sim.states())
  })

  it('moves last_changed only when the state changes, last_updated on any change, last_reported on every write', async () => {
    // Midnight: PV reads "0" at every write.
    const { clock, state } = await start({}, '2026-06-20T22:00:00.000Z')
    const first = await state('sensor.pv_power')
    clock.advance(60_000)
    const later = await state('sensor.pv_power')
    expect(later.state).toBe('0')
    expect(later.last_changed).toBe(first.last_changed)
    expect(later.last_updated).toBe(first.last_updated)
    expect(later.last_reported).toBe('2026-06-20T22:01:00.000000+00:00')
    // The house load changes at every write.
    const house = await state('sensor.house_consumption')
    expect(house.last_changed).toBe('2026-06-20T22:01:00.000000+00:00')
    // A sensor updates every 10 s: between writes it does not move.
    clock.advance(5_000)
    expect((await state('sensor.house_consumption')).last_reported).toBe(house.last_reported)
  })

  it('reports in kW and with the other sign conventions when told to', async () => {
    const base = await start({ battery: null })
    const grid = Number((await base.state('sensor.grid_power')).state)
    const kw = await start({
      battery: null,
      sensors: { powerUnit: 'kW', gridSign: 'export_positive' },
    })
    const other = await kw.state('sensor.grid_power')
    expect(other.attributes.unit_of_measurement).toBe('kW')
    expect(Number(other.state)).toBeCloseTo(-grid / 1000, 3)
    // Exporting at noon: + import reads negative.
    expect(grid).toBeLessThan(0)
  })
})

describe('the fake Home Assistant: services', () => {
  it('switches a plug: the call answers the changed state, [] when nothing changed', async () => {
    const { post, state, clock } = await start()
    const gridBefore = Number((await state('sensor.grid_power')).state)
    const socBefore = Number((await state('sensor.battery_power')).state)
    const first = await post('/api/services/switch/turn_on', { entity_id: 'switch.garage_s21' })
    expect(first.status).toBe(200)
    const changed = (await first.json()) as HaState[]
    expect(changed.map((s) => [s.entity_id, s.state])).toEqual([['switch.garage_s21', 'on']])
    const again = await post('/api/services/switch/turn_on', { entity_id: 'switch.garage_s21' })
    expect(await again.json()).toEqual([])
    expect((await state('switch.garage_s21')).state).toBe('on')
    // After its ramp the miner draws ~3.5 kW: the battery charges less and/or the grid imports more.
    clock.advance(120_000)
    expect(Number((await state('sensor.garage_s21_power')).state)).toBeGreaterThan(3400)
    const gridAfter = Number((await state('sensor.grid_power')).state)
    const batteryAfter = Number((await state('sensor.battery_power')).state)
    expect(gridAfter - gridBefore - (batteryAfter - socBefore)).toBeGreaterThan(2500)
    const off = await post('/api/services/homeassistant/turn_off', {
      entity_id: ['switch.garage_s21'],
    })
    expect(((await off.json()) as HaState[])[0]?.state).toBe('off')
  })

  it('a plug that confirms late answers [] and switches after its delay', async () => {
    const { post, state, clock, sim } = await start({
      miners: [{ name: 'Shed S9', powerW: 1350, switchDelayMs: 1500 }],
    })
    const call = await post('/api/services/switch/turn_on', { entity_id: 'switch.shed_s9' })
    expect(await call.json()).toEqual([])
    expect((await state('switch.shed_s9')).state).toBe('off')
    clock.advance(1500)
    const on = await state('switch.shed_s9')
    expect(on.state).toBe('on')
    expect(on.last_changed).toBe('2026-06-21T10:00:01.500000+00:00')
    expect(sim.switchLog()).toEqual([
      {
        at: Date.parse(NOON) + 1500,
        entity_id: 'switch.shed_s9',
        miner: 'Shed S9',
        state: 'on',
        by: 'service',
      },
    ])
  })

  it('refuses unknown services and bad bodies as HA does; a missing entity is no error', async () => {
    const { post } = await start()
    const unknown = await post('/api/services/switch/explode', { entity_id: 'switch.garage_s21' })
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toBe('400: Bad Request')
    const badJson = await post('/api/services/switch/turn_on', '{"entity_id":')
    expect(badJson.status).toBe(400)
    expect(await badJson.json()).toEqual({ message: 'Data should be valid JSON.' })
    const nobody = await post('/api/services/switch/turn_on', { entity_id: 'switch.nobody' })
    expect(nobody.status).toBe(200)
    expect(await nobody.json()).toEqual([])
  })

  it('lists its services and delivers notify messages (title + message) to the sink', async () => {
    const { get, post, sim } = await start({ notifyServices: ['mobile_app_pixel'] })
    const services = (await (await get('/api/services')).json()) as {
      domain: string
      services: Record<string, unknown>
    }[]
    const byDomain = Object.fromEntries(
      services.map((entry) => [entry.domain, Object.keys(entry.services)]),
    )
    expect(byDomain.switch).toEqual(['turn_on', 'turn_off', 'toggle'])
    expect(byDomain.notify).toEqual(['mobile_app_pixel'])
    const sent = await post('/api/services/notify/mobile_app_pixel', {
      title: 'Miner Started: S21',
      message: 'Started on the surplus',
    })
    expect(await sent.json()).toEqual([])
    expect(sim.notifications()).toEqual([
      {
        at: Date.parse(NOON),
        service: 'notify.mobile_app_pixel',
        title: 'Miner Started: S21',
        message: 'Started on the surplus',
        data: null,
      },
    ])
    expect(
      (await post('/api/services/notify/mobile_app_pixel', { title: 'no message' })).status,
    ).toBe(400)
    expect((await post('/api/services/notify/mobile_app_other', { message: 'x' })).status).toBe(400)
  })
})

describe('the fake Home Assistant: faults', () => {
  it('slow answers after the delay on the simulated clock; hang never answers', async () => {
    const { get, clock, sim } = await start({
      faults: [{ endpoint: 'state', times: 1, fault: { kind: 'slow', delayMs: 8000 } }],
    })
    const slow = get('/api/states/sensor.pv_power')
    const response = await settle(clock, slow, 1000)
    expect(response.status).toBe(200)
    expect(clock.now() - Date.parse(NOON)).toBeGreaterThanOrEqual(8000)
    sim.addFault({ endpoint: 'api', fault: { kind: 'hang' } })
    const aborted = new AbortController()
    const hanging = fetch(`${sim.url}/api/`, {
      headers: { authorization: `Bearer ${sim.token}` },
      signal: aborted.signal,
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    aborted.abort()
    await expect(hanging).rejects.toThrow()
    expect(sim.requests().log.at(-1)).toMatchObject({
      endpoint: 'api',
      fault: 'hang',
      status: null,
    })
  })

  it('down resets the connection; 5xx and garbage answer as a proxy or portal would', async () => {
    const { get, sim } = await start()
    sim.set({ faults: [{ fault: { kind: 'down' } }] })
    await expect(get('/api/config')).rejects.toThrow()
    sim.set({ faults: [{ fault: { kind: 'server_error', status: 502 } }] })
    const bad = await get('/api/config')
    expect(bad.status).toBe(502)
    expect(await bad.text()).toContain('502 Bad Gateway')
    sim.set({ faults: [{ fault: { kind: 'garbage' } }] })
    const portal = await get('/api/states/sensor.pv_power')
    expect(portal.status).toBe(200)
    await expect(portal.json()).rejects.toThrow()
    sim.set({ faults: [{ endpoint: 'states', fault: { kind: 'truncated' } }] })
    await expect((await get('/api/states')).json()).rejects.toThrow()
    sim.set({ faults: [] })
    expect((await get('/api/config')).status).toBe(200)
  })

  it('a revoked token is refused from then on; a new one works', async () => {
    const { get, sim } = await start()
    const old = sim.token
    sim.set({ token: 'a-brand-new-long-lived-token' })
    expect((await get('/api/', { authorization: `Bearer ${old}` })).status).toBe(401)
    expect(
      (await get('/api/', { authorization: 'Bearer a-brand-new-long-lived-token' })).status,
    ).toBe(200)
    sim.set({ faults: [{ times: 1, fault: { kind: 'unauthorized' } }] })
    expect(
      (await get('/api/', { authorization: 'Bearer a-brand-new-long-lived-token' })).status,
    ).toBe(401)
    expect(
      (await get('/api/', { authorization: 'Bearer a-brand-new-long-lived-token' })).status,
    ).toBe(200)
  })

  it('entities can go unavailable, unknown, stale, garbage, wrong-unit or missing, and come back', async () => {
    const { state, get, clock, sim } = await start()
    sim.set({
      entities: {
        'sensor.pv_power': { state: 'unavailable' },
        'sensor.grid_power': { state: 'unknown' },
        'sensor.battery_soc': { stale: true },
        'sensor.battery_power': { state: 'on fire' },
        'sensor.house_consumption': {
          attributes: { unit_of_measurement: 'V', device_class: 'voltage' },
        },
        'sensor.garage_s21_power': { removed: true },
      },
    })
    const soc = await state('sensor.battery_soc')
    clock.advance(10 * 60_000)
    expect((await state('sensor.pv_power')).state).toBe('unavailable')
    expect((await state('sensor.grid_power')).state).toBe('unknown')
    expect((await state('sensor.battery_power')).state).toBe('on fire')
    const stale = await state('sensor.battery_soc')
    expect(stale.last_reported).toBe(soc.last_reported)
    expect(stale.last_updated).toBe(soc.last_updated)
    const house = await state('sensor.house_consumption')
    expect(house.attributes.unit_of_measurement).toBe('V')
    expect(house.last_updated).toBe('2026-06-21T10:10:00.000000+00:00')
    expect((await get('/api/states/sensor.garage_s21_power')).status).toBe(404)
    expect(sim.states().some((s) => s.entity_id === 'sensor.garage_s21_power')).toBe(false)
    sim.set({ entities: { 'sensor.pv_power': null, 'sensor.battery_soc': null } })
    expect(Number((await state('sensor.pv_power')).state)).toBeGreaterThan(0)
    expect((await state('sensor.battery_soc')).last_reported).toBe(
      '2026-06-21T10:10:00.000000+00:00',
    )
    // An unavailable plug is skipped by a service call.
    sim.set({ entities: { 'switch.garage_s21': { state: 'unavailable' } } })
    expect(
      await (
        await fetch(`${sim.url}/api/services/switch/turn_on`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sim.token}` },
          body: JSON.stringify({ entity_id: 'switch.garage_s21' }),
        })
      ).json(),
    ).toEqual([])
    expect(sim.miners()[0]?.on).toBe(false)
  })

  it('counts `times`, matches by entity, and logs the fault per request', async () => {
    const { get, sim } = await start({
      faults: [
        {
          endpoint: 'state',
          entity: 'sensor.grid_power',
          times: 2,
          fault: { kind: 'server_error' },
        },
      ],
    })
    expect((await get('/api/states/sensor.pv_power')).status).toBe(200)
    expect((await get('/api/states/sensor.grid_power')).status).toBe(500)
    expect((await get('/api/states/sensor.grid_power')).status).toBe(500)
    expect((await get('/api/states/sensor.grid_power')).status).toBe(200)
    const { byEndpoint, log } = sim.requests()
    expect(byEndpoint).toEqual({ state: 4 })
    expect(log.map((entry) => [entry.entity, entry.fault, entry.status])).toEqual([
      ['sensor.pv_power', null, 200],
      ['sensor.grid_power', 'server_error', 500],
      ['sensor.grid_power', 'server_error', 500],
      ['sensor.grid_power', null, 200],
    ])
    sim.resetRequests()
    expect(sim.requests().total).toBe(0)
  })
})

describe('options', () => {
  it('a bad option names the field; the token never appears in a message or inspect', async () => {
    await expect(startSiteSimulator({ battery: { capacityWh: -1 } })).rejects.toThrow(
      /startSiteSimulator\.battery\.capacityWh/,
    )
    await expect(
      startSiteSimulator({ miners: [{ name: 'a', powerW: 1, switchEntity: 'sensor.x' }] }),
    ).rejects.toThrow(
      /miners\.0\.switchEntity: must be a switch, light, fan or input_boolean entity/,
    )
    await expect(startSiteSimulator({ token: 'short' })).rejects.toThrow(/token must be at least 8/)
    const { sim } = await start({ token: 'super-secret-token-123' })
    expect(() => sim.set({ token: 'x' })).toThrow(/set\.token/)
    expect(() => sim.set({ entities: { 'sensor.none': { state: 'on' } } })).toThrow(
      /no entity sensor\.none/,
    )
    expect(inspect(sim.requests(), { depth: 10 })).not.toContain('super-secret-token-123')
  })
})
