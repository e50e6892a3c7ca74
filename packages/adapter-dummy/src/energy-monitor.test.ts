import type { EnergySource, EnergyStateSnapshot } from '@edge-mining/domain'
import { ConfigurationError, EnergyStateSnapshotSchema } from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  createDummySolarMonitor,
  type DummySolarMonitorConfigInput,
  dummySolarEnergyMonitorDefinition,
} from './energy-monitor'
import { contextOn, fakeClock } from './test-helpers'

// Rome (the default settings), 21 June 2026. Solar noon there is about 11:11 UTC, when the
// sun stands 90° − 41.90° + 23.44° = 71.54° high: a clear 5 kW array gives
// 5000 × sin(71.54°) ≈ 4743 W.
const NOON = '2026-06-21T11:10:00Z'
const NIGHT = '2026-06-21T23:00:00Z'
const CLEAR_NOON_W = 4743

function source(overrides: Partial<EnergySource> = {}): EnergySource {
  return {
    id: '3a6f0b2c-1d4e-4f5a-8b6c-7d8e9f0a1b2c',
    name: 'Roof',
    type: 'solar',
    nominal_power_max: 5000,
    storage: { nominal_capacity: 10_000 },
    grid: { contracted_power: 6000 },
    external_source: null,
    energy_monitor_id: null,
    forecast_provider_id: null,
    ...overrides,
  }
}

function setup(
  start: string,
  config: DummySolarMonitorConfigInput = {},
  energySource: EnergySource = source(),
) {
  const clock = fakeClock(start)
  const monitor = createDummySolarMonitor(config, contextOn(clock, { energySource }))
  const read = async (): Promise<EnergyStateSnapshot> => {
    const snapshot = await monitor.getCurrentEnergyState()
    if (!snapshot) throw new Error('no snapshot')
    return snapshot
  }
  return { clock, monitor, read }
}

/** Load fixed at `watts` and no clouds: every number below follows by hand. */
const steady = (watts: number, extra: DummySolarMonitorConfigInput = {}) => ({
  cloudiness: 0,
  base_load_power: watts,
  max_consumption_power: watts,
  ...extra,
})

describe('dummy_solar monitor: production', () => {
  it('is zero at night and positive at noon for Rome in June', async () => {
    expect((await setup(NIGHT).read()).production).toBe(0)
    const noon = (await setup(NOON).read()).production ?? 0
    // Default cloudiness 0.3 takes at most 30 % of the clear-sky power.
    expect(noon).toBeGreaterThanOrEqual(CLEAR_NOON_W * 0.7 - 10)
    expect(noon).toBeLessThanOrEqual(CLEAR_NOON_W + 10)
  })

  it('under a clear sky is nominal power × sin(elevation)', async () => {
    const noon = (await setup(NOON, { cloudiness: 0 }).read()).production ?? 0
    expect(Math.abs(noon - CLEAR_NOON_W)).toBeLessThan(10)
    // 06:00 UTC is 5.2 h before solar noon, an hour angle of 77.9°:
    // sin(elevation) = sin 41.9° sin 23.44° + cos 41.9° cos 23.44° cos 77.9° = 0.2656 + 0.6829 ×
    // 0.2096 = 0.4087, so 5000 × 0.4087 ≈ 2044 W.
    const morning = (await setup('2026-06-21T06:00:00Z', { cloudiness: 0 }).read()).production
    expect(Math.abs((morning ?? 0) - 2044)).toBeLessThan(15)
  })

  it('gives the same reading for the same seed and instant, another for another seed', async () => {
    const first = await setup(NOON, { seed: 5 }).read()
    const again = await setup(NOON, { seed: 5 }).read()
    expect(again).toEqual(first)
    const other = await setup(NOON, { seed: 6 }).read()
    expect(other.production).not.toBe(first.production)
  })

  it('scales with the source nominal power, 5000 W when it names none', async () => {
    const small = await setup(NOON, { cloudiness: 0 }, source({ nominal_power_max: 1000 })).read()
    expect(Math.abs((small.production ?? 0) - CLEAR_NOON_W / 5)).toBeLessThan(2)
    const unnamed = await setup(NOON, { cloudiness: 0 }, source({ nominal_power_max: null })).read()
    expect(Math.abs((unnamed.production ?? 0) - CLEAR_NOON_W)).toBeLessThan(10)
  })
})

describe('dummy_solar monitor: house load', () => {
  it('stays between base and max, high in the evening and low at night', async () => {
    // 19:30 local: activity 0.1 + 0.8 (evening peak) ± 0.1 noise → at least 400 + 2800 × 0.8.
    const evening = (await setup('2026-06-21T17:30:00Z').read()).consumption?.current_power ?? 0
    expect(evening).toBeGreaterThanOrEqual(2640)
    expect(evening).toBeLessThanOrEqual(3200)
    // 03:00 local: activity 0.1 ± 0.1 → at most 400 + 2800 × 0.2.
    const night = (await setup('2026-06-21T01:00:00Z').read()).consumption?.current_power ?? 0
    expect(night).toBeGreaterThanOrEqual(400)
    expect(night).toBeLessThanOrEqual(960)
  })
})

describe('dummy_solar monitor: battery and grid', () => {
  it('charges under a surplus over simulated time, not per read', async () => {
    const { clock, read } = setup(NOON, steady(400))
    const before = await read()
    expect(before.battery?.state_of_charge).toBe(60)
    // Reads at one instant change nothing.
    expect(await read()).toEqual(before)
    for (let minute = 0; minute < 10; minute += 1) {
      clock.advance(60_000)
      await read()
      await read()
    }
    // Surplus ≈ 4743 − 400 W, above the 3000 W limit: 3000 W × 1/6 h = 500 Wh = 5 % of 10 kWh.
    const after = await read()
    expect(after.battery?.state_of_charge).toBeCloseTo(65, 6)
    expect(after.battery?.remaining_capacity).toBeCloseTo(6500, 1)
    expect(after.battery?.current_power).toBe(3000)

    // One read after a single 10-minute gap lands on the same charge.
    const jump = setup(NOON, steady(400))
    jump.clock.advance(600_000)
    expect((await jump.read()).battery?.state_of_charge).toBeCloseTo(65, 6)
  })

  it('reports a surplus after the battery as a negative (exporting) grid power', async () => {
    const charging = await setup(NOON, steady(400)).read()
    // 400 W load + 3000 W into the battery − 4743 W from the panels ≈ −1343 W.
    expect(charging.grid?.current_power).toBeLessThan(0)
    expect(Math.abs((charging.grid?.current_power ?? 0) + 1343)).toBeLessThan(10)
    const full = await setup(NOON, steady(400, { initial_soc: 100 })).read()
    expect(full.battery?.current_power).toBe(0)
    expect(Math.abs((full.grid?.current_power ?? 0) + 4343)).toBeLessThan(10)
  })

  it('discharges into a deficit at night, and imports once the battery is at 10 %', async () => {
    const discharging = await setup(NIGHT, steady(1000)).read()
    expect(discharging.battery?.current_power).toBe(-1000)
    expect(discharging.grid?.current_power).toBe(0)
    const empty = await setup(NIGHT, steady(1000, { initial_soc: 10 })).read()
    expect(empty.battery?.current_power).toBe(0)
    expect(empty.grid?.current_power).toBe(1000)
  })

  it('keeps the SOC within 10–100 % over a long night', async () => {
    const { clock, read } = setup('2026-06-21T19:00:00Z', steady(3200))
    for (let quarter = 0; quarter < 32; quarter += 1) {
      clock.advance(15 * 60_000)
      const soc = (await read()).battery?.state_of_charge ?? 0
      expect(soc).toBeGreaterThanOrEqual(10)
    }
    // 8 h × 3000 W would be 24 kWh; the 10 kWh battery stops at 10 %, and the grid takes over.
    const last = await read()
    expect(last.battery?.state_of_charge).toBe(10)
    expect(last.grid?.current_power).toBe(3200)
  })

  it('integrates at most 15 minutes of a long gap', async () => {
    const { clock, read } = setup('2026-06-21T20:00:00Z', steady(1000, { initial_soc: 100 }))
    clock.advance(6 * 3_600_000)
    // Without the cap 6 h × 1000 W = 6 kWh (60 %); with it 0.25 h × 1000 W = 250 Wh = 2.5 %.
    expect((await read()).battery?.state_of_charge).toBeCloseTo(97.5, 6)
  })

  it('has no grid part without source.grid and no battery without storage', async () => {
    const islanded = await setup(NOON, steady(400), source({ grid: null })).read()
    expect(islanded.grid).toBeNull()
    expect(islanded.battery?.current_power).toBe(3000)
    const noBattery = await setup(NOON, steady(400), source({ storage: null })).read()
    expect(noBattery.battery).toBeNull()
    expect(noBattery.grid?.current_power).toBeCloseTo(400 - (noBattery.production ?? 0), 0)
  })
})

describe('dummy_solar monitor: snapshot and config', () => {
  it('answers a valid snapshot stamped with the platform clock', async () => {
    const snapshot = await setup(NOON, {}, source({ external_source: 1500 })).read()
    expect(v.is(EnergyStateSnapshotSchema, snapshot)).toBe(true)
    expect(snapshot.timestamp).toBe('2026-06-21T11:10:00.000Z')
    expect(snapshot.external_source).toBe(1500)
  })

  it('rejects a base load above the maximum, bad values and a missing source', () => {
    expect(() => setup(NOON, { base_load_power: 5000 })).toThrow(ConfigurationError)
    expect(() => setup(NOON, { initial_soc: 5 })).toThrow(/initial_soc/)
    expect(() => setup(NOON, { cloudiness: 2 })).toThrow(/cloudiness/)
    const clock = fakeClock(NOON)
    expect(() => dummySolarEnergyMonitorDefinition.create({}, contextOn(clock))).toThrow(
      /needs an energy source/,
    )
  })

  it('applies the documented defaults', () => {
    expect(setup(NOON).monitor.config).toEqual({
      max_consumption_power: 3200,
      base_load_power: 400,
      cloudiness: 0.3,
      battery_max_power: 3000,
      initial_soc: 60,
    })
  })
})
