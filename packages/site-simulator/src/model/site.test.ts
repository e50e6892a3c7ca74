import { describe, expect, it } from 'vitest'
import { DEFAULT_HOUSE_PROFILE } from './house.ts'
import { createPlugMiner } from './plug-miner.ts'
import {
  type BatteryOptions,
  createSiteModel,
  type SiteModelOptions,
  type StepReading,
} from './site.ts'
import { clearSkyFraction, cloudFactor, type Location } from './solar.ts'

const ROME: Location = {
  latitude: 41.9028,
  longitude: 12.4964,
  elevation: 21,
  timeZone: 'Europe/Rome',
  name: 'Home',
}
const MIDNIGHT = Date.parse('2026-06-20T22:00:00Z') // 00:00 in Rome, 21 June
const HOUR = 3_600_000

const battery = (patch: Partial<BatteryOptions> = {}): BatteryOptions => ({
  capacityWh: 10_000,
  maxChargeW: 3000,
  maxDischargeW: 3000,
  initialSoc: 50,
  minSoc: 10,
  maxSoc: 100,
  efficiency: 0.95,
  ...patch,
})

function model(patch: Partial<SiteModelOptions> = {}) {
  return createSiteModel({
    location: ROME,
    pvPeakW: 6000,
    weather: { cloudiness: 0.3, seed: 7 },
    house: { baseW: 300, profile: DEFAULT_HOUSE_PROFILE, noise: 0.15, appliances: true, seed: 3 },
    battery: battery(),
    stepMs: 5000,
    startMs: MIDNIGHT,
    ...patch,
  })
}

describe('the energy model', () => {
  it('conserves energy at every step: grid = house + loads + charge − PV − discharge', () => {
    const site = model()
    const miner = createPlugMiner(
      {
        name: 'S9',
        powerW: 1350,
        bootSeconds: 20,
        bootW: 50,
        rampSeconds: 60,
        initiallyOn: false,
        seed: 1,
      },
      MIDNIGHT,
    )
    site.addLoad({ name: 'S9', kind: 'miner', power: (at) => miner.power(at) })
    const steps: StepReading[] = []
    site.onStep((reading) => steps.push(reading))
    // The miner runs 09:00–15:00 and 22:00–24:00 local: through surplus, clouds and night.
    site.advanceTo(MIDNIGHT + 9 * HOUR)
    miner.switchTo(true, MIDNIGHT + 9 * HOUR)
    site.advanceTo(MIDNIGHT + 15 * HOUR)
    miner.switchTo(false, MIDNIGHT + 15 * HOUR)
    site.advanceTo(MIDNIGHT + 22 * HOUR)
    miner.switchTo(true, MIDNIGHT + 22 * HOUR)
    site.advanceTo(MIDNIGHT + 24 * HOUR)
    expect(steps).toHaveLength((24 * HOUR) / 5000)
    for (const step of steps) {
      const charge = Math.max(0, step.battery)
      const discharge = Math.max(0, -step.battery)
      expect(step.grid).toBeCloseTo(
        step.house + step.miners + step.otherLoads + charge - step.pv - discharge,
        6,
      )
      expect(step.consumption).toBeCloseTo(step.house + step.miners, 6)
    }
    const ledger = site.ledger()
    const { pv, grid, house, loads } = ledger
    // Every Wh of PV went somewhere; every Wh consumed came from somewhere.
    expect(pv.toHouseWh + pv.toLoadsWh + pv.toBatteryWh + pv.exportedWh).toBeCloseTo(
      pv.producedWh,
      6,
    )
    const s9 = loads.S9
    expect(s9).toBeDefined()
    if (!s9) return
    expect(s9.fromPvWh + s9.fromBatteryWh + s9.fromGridWh).toBeCloseTo(s9.consumedWh, 6)
    expect(house.fromPvWh + house.fromBatteryWh + house.fromGridWh).toBeCloseTo(house.consumedWh, 6)
    expect(grid.importedWh).toBeCloseTo(house.fromGridWh + s9.fromGridWh, 6)
    // Eight hours near full power (1350 W), a little less for the ramps.
    expect(s9.consumedWh).toBeGreaterThan(8 * 1300)
    expect(s9.consumedWh).toBeLessThan(8 * 1370)
    // It ran on PV by day and on battery or grid at night.
    expect(s9.fromPvWh).toBeGreaterThan(5000)
    expect(s9.fromBatteryWh + s9.fromGridWh).toBeGreaterThan(2000)
  })

  it('integrates the SOC over simulated time, within the limits, efficiency and reserve', () => {
    const site = model({
      weather: { cloudiness: 0, seed: 1 },
      battery: battery({ initialSoc: 20 }),
    })
    let previous = site.reading()
    let seenFull = false
    let seenReserve = false
    const stop = site.onStep((step) => {
      const soc = step.soc ?? Number.NaN
      expect(soc).toBeGreaterThanOrEqual(10 - 1e-9)
      expect(soc).toBeLessThanOrEqual(100 + 1e-9)
      expect(step.battery).toBeLessThanOrEqual(3000 + 1e-9)
      expect(step.battery).toBeGreaterThanOrEqual(-3000 - 1e-9)
      // The stored energy moves by exactly the battery power over the step, less the losses.
      const hours = 5000 / HOUR
      const expected =
        step.battery >= 0 ? step.battery * hours * 0.95 : (step.battery * hours) / 0.95
      expect((step.storedWh ?? 0) - (previous.storedWh ?? 0)).toBeCloseTo(expected, 6)
      if (soc > 99.999) seenFull = true
      if (soc < 10.001) seenReserve = true
      previous = step
    })
    // Night drains it to the reserve (then the grid takes over); a clear day fills it.
    site.advanceTo(MIDNIGHT + 16 * HOUR)
    expect(seenReserve).toBe(true)
    expect(seenFull).toBe(true)
    // At the reserve, at night, the house runs on the grid and the battery idles.
    site.advanceTo(MIDNIGHT + 47 * HOUR)
    stop()
    site.setSoc(10)
    site.advanceTo(MIDNIGHT + 47 * HOUR + 60_000)
    const night = site.reading()
    expect(night.pv).toBe(0)
    expect(night.battery).toBe(0)
    expect(night.grid).toBeCloseTo(night.house, 6)
  })

  it('a switched-on miner raises grid import (or lowers export) once its ramp is done', () => {
    // No battery, so the balance goes straight to the grid.
    const noon = MIDNIGHT + 13 * HOUR
    const withMiner = model({ battery: null, startMs: noon - HOUR })
    const without = model({ battery: null, startMs: noon - HOUR })
    const miner = createPlugMiner(
      {
        name: 'S21',
        powerW: 3500,
        bootSeconds: 20,
        bootW: 50,
        rampSeconds: 60,
        initiallyOn: false,
        seed: 1,
      },
      noon - HOUR,
    )
    withMiner.addLoad({ name: 'S21', kind: 'miner', power: (at) => miner.power(at) })
    withMiner.advanceTo(noon)
    without.advanceTo(noon)
    expect(withMiner.reading().grid).toBeCloseTo(without.reading().grid, 6)
    miner.switchTo(true, noon)
    // Booting: only the control board.
    withMiner.advanceTo(noon + 10_000)
    without.advanceTo(noon + 10_000)
    expect(withMiner.reading().grid - without.reading().grid).toBeCloseTo(50, 6)
    // After boot (20 s) and ramp (60 s): the whole miner.
    withMiner.advanceTo(noon + 90_000)
    without.advanceTo(noon + 90_000)
    const added = withMiner.reading().grid - without.reading().grid
    expect(added).toBeGreaterThan(3500 * 0.99)
    expect(added).toBeLessThan(3500 * 1.01)
  })

  it('with a battery, a running miner is paid from the surplus: the export goes first, then charge', () => {
    const start = MIDNIGHT + 12 * HOUR
    const site = model({ weather: { cloudiness: 0, seed: 1 }, startMs: start })
    const miner = createPlugMiner(
      {
        name: 'S21',
        powerW: 3500,
        bootSeconds: 0,
        bootW: 0,
        rampSeconds: 0,
        initiallyOn: false,
        seed: 1,
      },
      start,
    )
    site.addLoad({ name: 'S21', kind: 'miner', power: (at) => miner.power(at) })
    site.advanceTo(start + 60_000)
    // Clear noon: the battery charges at its 3 kW limit and the rest is exported.
    const before = site.reading()
    expect(before.battery).toBeCloseTo(3000, 6)
    expect(before.grid).toBeLessThan(-1000)
    miner.switchTo(true, start + 60_000)
    site.advanceTo(start + 120_000)
    // The miner takes the export and part of the charge; nothing is imported.
    const after = site.reading()
    expect(after.grid).toBe(0)
    expect(after.battery).toBeLessThan(2500)
    expect(after.battery).toBeCloseTo(after.pv - after.house - after.miners, 6)
  })

  it('follows the sun for the place and date, and clouds only dim it', () => {
    const summerNoon = Date.parse('2026-06-21T11:10:00Z')
    const winterNoon = Date.parse('2026-12-21T11:10:00Z')
    expect(clearSkyFraction(summerNoon, ROME)).toBeGreaterThan(0.95)
    expect(clearSkyFraction(winterNoon, ROME)).toBeLessThan(0.55)
    expect(clearSkyFraction(MIDNIGHT, ROME)).toBe(0)
    const weather = { cloudiness: 0.5, seed: 9 }
    const factors = Array.from({ length: 24 * 60 }, (_, minute) =>
      cloudFactor(weather, summerNoon + minute * 60_000),
    )
    expect(Math.min(...factors)).toBeGreaterThanOrEqual(0.15 - 1e-9)
    expect(Math.max(...factors)).toBe(1)
    const clouded = factors.filter((factor) => factor < 0.5).length / factors.length
    expect(clouded).toBeGreaterThan(0.1)
    expect(clouded).toBeLessThan(0.8)
    // Seeded: the same weather twice.
    expect(cloudFactor(weather, summerNoon + 1234)).toBe(
      cloudFactor({ ...weather }, summerNoon + 1234),
    )
  })
})
