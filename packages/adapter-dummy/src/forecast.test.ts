import type { EnergySource, ForecastSnapshot } from '@edge-mining/domain'
import { DEFAULT_SETTINGS, ForecastSnapshotSchema } from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  createDummySolarForecast,
  type DummySolarForecastConfigInput,
  dummySolarForecastDefinition,
} from './forecast'
import { contextOn, fakeClock } from './test-helpers'

// A clear June day in Rome yields peak × 8.804 h (see solar-model.test.ts): 44 020 Wh for a
// 5 kW array, 35 216 Wh at the default 80 % efficiency.
const CLEAR_DAY_HOURS = 8.804

const source: EnergySource = {
  id: '3a6f0b2c-1d4e-4f5a-8b6c-7d8e9f0a1b2c',
  name: 'Roof',
  type: 'solar',
  nominal_power_max: 5000,
  storage: null,
  grid: null,
  external_source: null,
  energy_monitor_id: null,
  forecast_provider_id: null,
}

async function forecastAt(
  instant: string,
  config: DummySolarForecastConfigInput = {},
  timezone: string = DEFAULT_SETTINGS.timezone,
): Promise<ForecastSnapshot> {
  const clock = fakeClock(instant)
  const context = contextOn(clock, {
    energySource: source,
    settings: { ...DEFAULT_SETTINGS, timezone },
  })
  const forecast = await createDummySolarForecast(config, context).getForecast()
  if (!forecast) throw new Error('no forecast')
  return forecast
}

const clear = { cloudiness: 0, efficiency_percent: 100 }

describe('dummy_solar forecast: intervals', () => {
  it('has 24 contiguous hourly intervals from the start of the current hour', async () => {
    const forecast = await forecastAt('2026-06-21T08:17:45Z')
    expect(forecast.timestamp).toBe('2026-06-21T08:17:45.000Z')
    expect(forecast.intervals).toHaveLength(24)
    expect(forecast.intervals[0]?.start).toBe('2026-06-21T08:00:00.000Z')
    expect(forecast.intervals[23]?.end).toBe('2026-06-22T08:00:00.000Z')
    for (const [index, interval] of forecast.intervals.entries()) {
      expect(Date.parse(interval.end) - Date.parse(interval.start)).toBe(3_600_000)
      if (index > 0) expect(interval.start).toBe(forecast.intervals[index - 1]?.end)
      // One hour at the mean power: Wh equals W.
      expect(interval.energy).toBe(interval.power)
    }
    expect(v.is(ForecastSnapshotSchema, forecast)).toBe(true)
  })

  it('starts at the local hour in a half-hour zone', async () => {
    const forecast = await forecastAt('2026-06-21T08:17:00Z', {}, 'Asia/Kolkata')
    expect(forecast.intervals[0]?.start).toBe('2026-06-21T07:30:00.000Z')
  })

  it('is higher at noon than in the morning, and zero at night', async () => {
    // From 05:00 local: index 3 is 08–09 local, index 8 is 13–14 local, index 18 is 23–24.
    const { intervals } = await forecastAt('2026-06-21T03:00:00Z', clear)
    const morning = intervals[3]?.power ?? 0
    const noon = intervals[8]?.power ?? 0
    expect(noon).toBeGreaterThan(morning)
    // Around solar noon sin(elevation) stays above 0.92: at least 4600 W of 5000.
    expect(noon).toBeGreaterThan(4600)
    expect(intervals[18]?.power).toBe(0)
  })
})

describe('dummy_solar forecast: day totals', () => {
  it('counts a whole clear day before sunrise, at the default 80 % efficiency', async () => {
    const forecast = await forecastAt('2026-06-20T22:30:00Z', { cloudiness: 0 })
    const day = 5000 * 0.8 * CLEAR_DAY_HOURS
    expect(forecast.energy_remaining_today).toBeGreaterThan(day * 0.99)
    expect(forecast.energy_remaining_today).toBeLessThan(day * 1.01)
    expect(forecast.energy_tomorrow).toBeGreaterThan(day * 0.99)
    expect(forecast.energy_tomorrow).toBeLessThan(day * 1.01)
  })

  it('shrinks energy_remaining_today through the day, to 0 after sunset', async () => {
    const remaining: number[] = []
    for (const hour of ['04', '08', '12', '16']) {
      const forecast = await forecastAt(`2026-06-21T${hour}:00:00Z`)
      remaining.push(forecast.energy_remaining_today ?? 0)
    }
    for (let index = 1; index < remaining.length; index += 1) {
      expect(remaining[index]).toBeLessThan(remaining[index - 1] ?? 0)
    }
    // 22:00 local is after sunset (about 20:50 local in June).
    expect((await forecastAt('2026-06-21T20:00:00Z')).energy_remaining_today).toBe(0)
  })

  it('takes the peak from capacity_kwp when set, else from the source', async () => {
    const own = await forecastAt('2026-06-20T22:30:00Z', { ...clear, capacity_kwp: 2 })
    const fromSource = await forecastAt('2026-06-20T22:30:00Z', clear)
    expect((own.energy_tomorrow ?? 0) / (fromSource.energy_tomorrow ?? 1)).toBeCloseTo(2 / 5, 4)
  })

  it('loses at most `cloudiness` of the clear-sky energy', async () => {
    const cloudy = await forecastAt('2026-06-20T22:30:00Z', { cloudiness: 0.3 })
    const day = 5000 * 0.8 * CLEAR_DAY_HOURS
    expect(cloudy.energy_tomorrow).toBeGreaterThan(day * 0.7 * 0.99)
    expect(cloudy.energy_tomorrow).toBeLessThan(day)
  })

  it('is the same for the same seed and instant', async () => {
    const first = await forecastAt('2026-06-21T09:00:00Z', { seed: 4 })
    expect(await forecastAt('2026-06-21T09:00:00Z', { seed: 4 })).toEqual(first)
  })
})

describe('dummySolarForecastDefinition', () => {
  it('validates its config with defaults and needs an energy source', () => {
    const clock = fakeClock('2026-06-21T09:00:00Z')
    const created = createDummySolarForecast({}, contextOn(clock, { energySource: source }))
    expect(created.config).toEqual({ capacity_kwp: 0, efficiency_percent: 80, cloudiness: 0.3 })
    expect(() => dummySolarForecastDefinition.create({}, contextOn(clock))).toThrow(
      /needs an energy source/,
    )
    expect(() =>
      dummySolarForecastDefinition.create(
        { efficiency_percent: 0 },
        contextOn(clock, { energySource: source }),
      ),
    ).toThrow(/efficiency_percent/)
  })
})
