import { ConfigurationError, DeviceError, silentLogger } from '@edge-mining/domain'
import type { SiteSimulatorOptions } from '@edge-mining/site-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createHomeAssistantEnergyMonitor,
  type HomeAssistantEnergyMonitorConfigInput,
  HomeAssistantEnergyMonitorConfigSchema,
} from './energy-monitor'
import { closeAll, harness, until } from './test-support'

afterEach(closeAll)

const FULL: HomeAssistantEnergyMonitorConfigInput = {
  entity_production: 'sensor.pv_power',
  entity_consumption: 'sensor.house_consumption_without_miners',
  entity_grid: 'sensor.grid_power',
  entity_battery_soc: 'sensor.battery_soc',
  entity_battery_power: 'sensor.battery_power',
  entity_battery_remaining_capacity: 'sensor.battery_stored_energy',
  unit_battery_remaining_capacity: 'kWh',
}

async function monitorOn(
  options: SiteSimulatorOptions = {},
  config: HomeAssistantEnergyMonitorConfigInput = FULL,
) {
  const setup = await harness(options)
  const monitor = createHomeAssistantEnergyMonitor(config, setup.context)
  return { ...setup, monitor }
}

describe('home_assistant_api energy monitor: readings', () => {
  it('reads every entity in parallel, in W, with Edge Mining signs (+ import, + charging)', async () => {
    const { monitor, sim } = await monitorOn()
    const state = await monitor.getCurrentEnergyState()
    const truth = sim.reading()
    expect(state.production).toBeCloseTo(truth.pv, -1)
    expect(state.consumption?.current_power).toBeCloseTo(truth.house, -1)
    expect(state.grid?.current_power).toBeCloseTo(truth.grid, -1)
    expect(state.battery?.current_power).toBeCloseTo(truth.battery, -1)
    expect(state.battery?.state_of_charge).toBeCloseTo(truth.soc ?? 0, 0)
    expect(state.battery?.remaining_capacity).toBeCloseTo(truth.storedWh ?? 0, -1)
    expect(state.external_source).toBeNull()
    expect(state.timestamp).toBe('2026-06-21T10:00:00.000Z')
    // Six entities, six requests at the same simulated instant (no sequential chain).
    const log = sim.requests().log
    expect(log).toHaveLength(6)
    expect(new Set(log.map((entry) => entry.at)).size).toBe(1)
  })

  it('converts kW and MW, kWh, Wh and MWh; the entity’s own unit wins, the configured one fills in', async () => {
    const base = await monitorOn()
    const watts = await base.monitor.getCurrentEnergyState()
    const kw = await monitorOn({ sensors: { powerUnit: 'kW', energyUnit: 'Wh' } })
    const inKw = await kw.monitor.getCurrentEnergyState()
    expect(inKw.production).toBeCloseTo(watts.production ?? 0, -1)
    expect(inKw.grid?.current_power).toBeCloseTo(watts.grid?.current_power ?? 0, -1)
    expect(inKw.battery?.remaining_capacity).toBeCloseTo(watts.battery?.remaining_capacity ?? 0, -1)
    // An entity without a unit is read in the configured unit.
    kw.sim.set({ entities: { 'sensor.pv_power': { attributes: { unit_of_measurement: null } } } })
    const noUnit = createHomeAssistantEnergyMonitor({ ...FULL, unit_production: 'kw' }, kw.context)
    expect((await noUnit.getCurrentEnergyState()).production).toBeCloseTo(watts.production ?? 0, -1)
    const asWatts = createHomeAssistantEnergyMonitor(FULL, kw.context)
    expect((await asWatts.getCurrentEnergyState()).production).toBeCloseTo(
      (watts.production ?? 0) / 1000,
      0,
    )
    // MW and MWh as reported (this site reports energy in Wh: "5000" MWh is 5e9 Wh).
    kw.sim.set({
      entities: {
        'sensor.pv_power': { attributes: { unit_of_measurement: 'MW' } },
        'sensor.battery_stored_energy': { attributes: { unit_of_measurement: 'MWh' } },
      },
    })
    const mega = await asWatts.getCurrentEnergyState()
    expect(mega.production).toBeCloseTo((watts.production ?? 0) * 1000, -3)
    expect(mega.battery?.remaining_capacity).toBeCloseTo(
      (watts.battery?.remaining_capacity ?? 0) * 1_000_000,
      -3,
    )
  })

  it('honours both sign options (upstream ignored battery_positive_charge, trap T21)', async () => {
    const base = await monitorOn({ battery: { initialSoc: 50 } })
    const reference = await base.monitor.getCurrentEnergyState()
    const flipped = await monitorOn(
      { sensors: { gridSign: 'export_positive', batterySign: 'discharge_positive' } },
      { ...FULL, grid_positive_export: true, battery_positive_charge: false },
    )
    const same = await flipped.monitor.getCurrentEnergyState()
    expect(same.grid?.current_power).toBeCloseTo(reference.grid?.current_power ?? 0, 0)
    expect(same.battery?.current_power).toBeCloseTo(reference.battery?.current_power ?? 0, 0)
    expect(reference.battery?.current_power).toBeGreaterThan(0) // noon: charging
    // Without the options, a sensor in the other convention reads inverted.
    const wrong = createHomeAssistantEnergyMonitor(FULL, flipped.context)
    const inverted = await wrong.getCurrentEnergyState()
    expect(inverted.battery?.current_power).toBeCloseTo(-(reference.battery?.current_power ?? 0), 0)
  })

  it('consumption is the house without the miners: a running miner moves the grid, not consumption', async () => {
    const { monitor, sim, platform } = await monitorOn({ battery: null })
    const before = await monitor.getCurrentEnergyState()
    await fetch(`${sim.url}/api/services/switch/turn_on`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.token}` },
      body: JSON.stringify({ entity_id: 'switch.garage_s21' }),
    })
    platform.advance(120_000)
    const after = await monitor.getCurrentEnergyState()
    expect(
      Math.abs((after.consumption?.current_power ?? 0) - (before.consumption?.current_power ?? 0)),
    ).toBeLessThan(300)
    expect((after.grid?.current_power ?? 0) - (before.grid?.current_power ?? 0)).toBeGreaterThan(
      3000,
    )
  })
})

describe('home_assistant_api energy monitor: missing readings are null, never 0 (trap T11)', () => {
  it('unavailable, unknown, not a number, a non-power unit, stale or gone → that part is null, told once', async () => {
    const { monitor, sim, platform, logger } = await monitorOn()
    sim.set({
      entities: {
        'sensor.pv_power': { state: 'unavailable' },
        'sensor.grid_power': { removed: true },
        'sensor.battery_power': { state: '12,5' },
        'sensor.house_consumption_without_miners': { attributes: { unit_of_measurement: 'V' } },
        'sensor.battery_soc': { stale: true },
      },
    })
    platform.advance(121_000)
    const state = await monitor.getCurrentEnergyState()
    expect(state).toMatchObject({
      production: null,
      consumption: { current_power: null },
      grid: { current_power: null },
      battery: { state_of_charge: null, current_power: null },
    })
    expect(state.battery?.remaining_capacity).toBeGreaterThan(0)
    expect(monitor.missingReadings()).toEqual({
      'sensor.pv_power': 'is unavailable (its device or integration is offline)',
      'sensor.grid_power': 'is not an entity of this Home Assistant',
      'sensor.battery_power': 'reads "12,5", not a number',
      'sensor.house_consumption_without_miners': 'reports "V", not a unit of power (W, kW, MW)',
      'sensor.battery_soc': 'is stale (not updated for more than 120 s)',
    })
    // A second cycle with the same problems says nothing new.
    await monitor.getCurrentEnergyState()
    const warned = logger.lines.filter((line) => line.startsWith('warn'))
    expect(warned).toHaveLength(5)
    expect(warned[0]).toBe(
      'warn Energy monitor: sensor.pv_power is unavailable (its device or integration is offline); its reading is missing (never 0)',
    )
    // unknown is missing too; when the others read again, that is told once each.
    sim.set({
      entities: {
        'sensor.pv_power': { state: 'unknown' },
        'sensor.grid_power': null,
        'sensor.battery_power': null,
        'sensor.house_consumption_without_miners': null,
        'sensor.battery_soc': null,
      },
    })
    const back = await monitor.getCurrentEnergyState()
    expect(back.production).toBeNull()
    expect(back.consumption?.current_power).toBeGreaterThan(0)
    expect(monitor.missingReadings()).toEqual({ 'sensor.pv_power': 'has no value yet (unknown)' })
    expect(logger.lines.filter((line) => line.startsWith('info'))).toHaveLength(4)
  })

  it('with no reading at all it throws bad_response naming every entity and why', async () => {
    const { monitor, sim } = await monitorOn(
      {},
      {
        entity_production: 'sensor.pv_power',
        entity_consumption: 'sensor.house_consumption_typo',
      },
    )
    sim.set({ entities: { 'sensor.pv_power': { state: 'unavailable' } } })
    const error = await monitor.getCurrentEnergyState().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DeviceError)
    expect(error).toMatchObject({
      code: 'bad_response',
      message:
        'Home Assistant: no configured entity has a reading — sensor.pv_power is unavailable (its device or integration is offline); sensor.house_consumption_typo is not an entity of this Home Assistant',
    })
  })

  it('HA down, silent or answering garbage: the whole state is unreadable (a DeviceError), never zeros', async () => {
    const { monitor, sim, platform } = await monitorOn()
    sim.set({ faults: [{ fault: { kind: 'down' } }] })
    await expect(monitor.getCurrentEnergyState()).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/is unreachable/),
    })
    sim.set({ faults: [{ fault: { kind: 'hang' } }] })
    platform.advance(60_000) // past the back-off
    const silent = monitor.getCurrentEnergyState()
    await until(
      () => sim.requests().log.some((entry) => entry.fault === 'hang'),
      'the reads reached HA',
    )
    platform.advance(10_000)
    await expect(silent).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/did not answer within 10 s/),
    })
    sim.set({ faults: [{ fault: { kind: 'garbage' } }] })
    platform.advance(60_000)
    await expect(monitor.getCurrentEnergyState()).rejects.toMatchObject({ code: 'bad_response' })
    sim.set({ faults: [] })
    platform.advance(60_000)
    expect((await monitor.getCurrentEnergyState()).production).toBeGreaterThan(0)
  })
})

describe('config', () => {
  it('refuses what cannot work at configuration time, naming the field', () => {
    const parse = (config: unknown) => () =>
      createHomeAssistantEnergyMonitor(config as HomeAssistantEnergyMonitorConfigInput, {
        platform: { now: Date.now } as never,
        logger: silentLogger,
        externalService: { checkStatus: async () => ({}) } as never,
      })
    expect(parse({})).toThrow(/config entity_consumption: required/)
    expect(parse({ entity_consumption: 'Sensor.House Power' })).toThrow(
      /entity_consumption: must be an entity id/,
    )
    expect(parse({ entity_consumption: 'sensor.house', unit_production: 'V' })).toThrow(
      /unit_production: must be one of W, kW, MW/,
    )
    expect(
      parse({ entity_consumption: 'sensor.house', unit_battery_remaining_capacity: 'kW' }),
    ).toThrow(/unit_battery_remaining_capacity: must be one of Wh, kWh, MWh/)
    expect(parse({ entity_consumption: 'sensor.house', bogus: 1 })).toThrow(
      /config bogus: unknown key/,
    )
    expect(parse({ entity_consumption: 'sensor.house' })).toThrow(ConfigurationError)
    expect(parse({ entity_consumption: 'sensor.house' })).toThrow(
      /link it to a Home Assistant external service/,
    )
    const parsed = HomeAssistantEnergyMonitorConfigSchema['~standard'].validate({
      entity_consumption: ' sensor.house ',
      unit_grid: 'kw',
    })
    expect(parsed).toMatchObject({
      value: {
        entity_consumption: 'sensor.house',
        unit_grid: 'kW',
        unit_production: 'W',
        max_age_seconds: 120,
      },
    })
  })
})
