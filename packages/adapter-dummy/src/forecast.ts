import type {
  AdapterDefinition,
  ForecastInterval,
  ForecastProviderPort,
  ForecastSnapshot,
} from '@edge-mining/domain'
import { parseAdapterConfig } from '@edge-mining/domain'
import * as v from 'valibot'
import { HOUR_MS, nextLocalMidnight, startOfLocalHour } from './local-time'
import {
  DEFAULT_NOMINAL_POWER_W,
  type DummySolarContext,
  meanPvPower,
  pvEnergy,
  requireEnergySource,
  type SolarModel,
  siteOf,
  sourceSeed,
} from './solar-model'

export const DummySolarForecastConfigSchema = v.strictObject({
  capacity_kwp: v.optional(
    v.pipe(
      v.number(),
      v.finite(),
      v.minValue(0),
      v.description("Array peak in kWp; 0 = the energy source's nominal_power_max / 1000"),
    ),
    0,
  ),
  efficiency_percent: v.optional(
    v.pipe(
      v.number(),
      v.gtValue(0),
      v.maxValue(100),
      v.description('Share of the peak the array delivers (inverter and wiring losses), in %'),
    ),
    80,
  ),
  cloudiness: v.optional(
    v.pipe(
      v.number(),
      v.minValue(0),
      v.maxValue(1),
      v.description("Expected cloudiness 0–1; set it as the monitor's to forecast its weather"),
    ),
    0.3,
  ),
  seed: v.optional(
    v.pipe(
      v.number(),
      v.safeInteger(),
      v.description("Seed of the weather; default the source's, as the monitor's default"),
    ),
  ),
})
export type DummySolarForecastConfig = v.InferOutput<typeof DummySolarForecastConfigSchema>
export type DummySolarForecastConfigInput = v.InferInput<typeof DummySolarForecastConfigSchema>

const INTERVAL_COUNT = 24

const round = (value: number) => Math.round(value * 10) / 10
const iso = (instantMs: number) => new Date(instantMs).toISOString()

function intervalsFrom(model: SolarModel, startMs: number): ForecastInterval[] {
  return Array.from({ length: INTERVAL_COUNT }, (_, index) => {
    const start = startMs + index * HOUR_MS
    const power = meanPvPower(model, start, start + HOUR_MS, 'expected')
    return {
      start: iso(start),
      end: iso(start + HOUR_MS),
      power: round(power),
      energy: round(power),
    }
  })
}

/**
 * The `dummy_solar` forecast: the monitor's clear-sky model projected forward, with the weather
 * but not the passing clouds (an estimate), as 24 hourly intervals from the start of the
 * current local hour plus the energy left today and expected tomorrow in the site's time zone.
 */
export function createDummySolarForecast(
  config: DummySolarForecastConfigInput,
  context: DummySolarContext,
): ForecastProviderPort & { readonly config: DummySolarForecastConfig } {
  const parsed = parseAdapterConfig(DummySolarForecastConfigSchema, config, {
    adapterType: 'dummy_solar',
  })
  const source = requireEnergySource(context, 'forecast')
  const { settings } = context
  const peak =
    parsed.capacity_kwp > 0
      ? parsed.capacity_kwp * 1000
      : (source.nominal_power_max ?? DEFAULT_NOMINAL_POWER_W)
  const model: SolarModel = {
    peakPower: (peak * parsed.efficiency_percent) / 100,
    site: siteOf(settings),
    seed: sourceSeed(parsed.seed, source),
    cloudiness: parsed.cloudiness,
  }

  const forecastAt = (now: number): ForecastSnapshot => {
    const midnight = nextLocalMidnight(now, settings.timezone)
    const followingMidnight = nextLocalMidnight(midnight, settings.timezone)
    return {
      timestamp: iso(now),
      intervals: intervalsFrom(model, startOfLocalHour(now, settings.timezone)),
      energy_remaining_today: round(pvEnergy(model, now, midnight, 'expected')),
      energy_tomorrow: round(pvEnergy(model, midnight, followingMidnight, 'expected')),
    }
  }

  return {
    config: parsed,
    getForecast: async () => forecastAt(context.platform.now()),
  }
}

/** The `dummy_solar` forecast provider (allowed for solar sources). */
export const dummySolarForecastDefinition: AdapterDefinition<'forecast_provider'> = {
  kind: 'forecast_provider',
  type: 'dummy_solar',
  label: 'Dummy solar (clear-sky estimate)',
  configSchema: DummySolarForecastConfigSchema,
  secretFields: [],
  create: (config, context) => createDummySolarForecast(config, context),
}
