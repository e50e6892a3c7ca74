import type { AdapterDefinition, EnergyMonitorPort, EnergyStateSnapshot } from '@edge-mining/domain'
import { ConfigurationError, parseAdapterConfig } from '@edge-mining/domain'
import * as v from 'valibot'
import { HOUR_MS, localHourOfDay } from './local-time'
import { channel, valueNoise } from './random'
import {
  DEFAULT_NOMINAL_POWER_W,
  type DummySolarContext,
  pvPower,
  requireEnergySource,
  type SolarModel,
  siteOf,
  sourceSeed,
} from './solar-model'

const Watts = (description: string) =>
  v.pipe(v.number(), v.finite(), v.minValue(0), v.description(description))

export const DummySolarMonitorConfigSchema = v.strictObject({
  max_consumption_power: v.optional(
    Watts('Highest house load in W, reached around the evening peak'),
    3200,
  ),
  base_load_power: v.optional(Watts('Lowest house load in W, at night'), 400),
  cloudiness: v.optional(
    v.pipe(
      v.number(),
      v.minValue(0),
      v.maxValue(1),
      v.description('0 = always clear sky; 1 = clouds may take all the production'),
    ),
    0.3,
  ),
  seed: v.optional(
    v.pipe(
      v.number(),
      v.safeInteger(),
      v.description('Seed of the clouds and the load noise; default derived from the source id'),
    ),
  ),
  battery_max_power: v.optional(
    v.pipe(
      v.number(),
      v.finite(),
      v.gtValue(0),
      v.description('Highest battery charge or discharge power in W'),
    ),
    3000,
  ),
  initial_soc: v.optional(
    v.pipe(
      v.number(),
      v.minValue(10),
      v.maxValue(100),
      v.description('Battery state of charge in % when the monitor is created (10–100)'),
    ),
    60,
  ),
})
export type DummySolarMonitorConfig = v.InferOutput<typeof DummySolarMonitorConfigSchema>
export type DummySolarMonitorConfigInput = v.InferInput<typeof DummySolarMonitorConfigSchema>

const SOC_MIN = 10
const SOC_MAX = 100
/** A gap between reads longer than this is integrated as this much: no absurd jumps. */
export const MAX_INTEGRATION_MS = 15 * 60_000
const INTEGRATION_STEP_MS = 60_000
const LOAD_NOISE_KNOT_MS = 2 * 60_000

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value))

const round = (value: number, decimals = 1) => {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}

/** A bump of height 1 at `peak` hours, `width` hours wide, across midnight too. */
function bump(hour: number, peak: number, width: number): number {
  const distance = Math.min(Math.abs(hour - peak), 24 - Math.abs(hour - peak))
  return Math.exp(-(distance * distance) / (2 * width * width))
}

/** Share of the load range in use at a local hour: low at night, morning and evening peaks. */
function dailyActivity(hour: number): number {
  return Math.min(1, 0.1 + 0.45 * bump(hour, 7.5, 1) + 0.8 * bump(hour, 19.5, 1.5))
}

/** The simulated battery: capacity in Wh, state of charge in %. */
interface Battery {
  capacity: number
  soc: number
}

/** + charging from a surplus, − discharging into a deficit, 0 at the SOC bounds. */
function batteryPower(surplus: number, soc: number, maxPower: number): number {
  if (surplus > 0 && soc < SOC_MAX) return Math.min(surplus, maxPower)
  if (surplus < 0 && soc > SOC_MIN) return -Math.min(-surplus, maxPower)
  return 0
}

/**
 * The `dummy_solar` monitor: clear-sky PV at the site, a house load with a daily pattern, a
 * battery when the source has storage and the grid as the balance when it has a grid. Every
 * reading is a function of (seed, instant) except the SOC, which integrates the battery power
 * over the simulated time between reads (at most {@link MAX_INTEGRATION_MS} per read).
 */
export function createDummySolarMonitor(
  config: DummySolarMonitorConfigInput,
  context: DummySolarContext,
): EnergyMonitorPort & { readonly config: DummySolarMonitorConfig } {
  const parsed = parseAdapterConfig(DummySolarMonitorConfigSchema, config, {
    adapterType: 'dummy_solar',
  })
  if (parsed.base_load_power > parsed.max_consumption_power) {
    throw new ConfigurationError(
      `dummy_solar config base_load_power: ${parsed.base_load_power} W is above max_consumption_power (${parsed.max_consumption_power} W)`,
      { field: 'base_load_power' },
    )
  }
  const source = requireEnergySource(context, 'monitor')
  const { settings } = context
  const seed = sourceSeed(parsed.seed, source)
  const model: SolarModel = {
    peakPower: source.nominal_power_max ?? DEFAULT_NOMINAL_POWER_W,
    site: siteOf(settings),
    seed,
    cloudiness: parsed.cloudiness,
  }
  const battery: Battery | null = source.storage
    ? { capacity: source.storage.nominal_capacity, soc: parsed.initial_soc }
    : null
  let integratedTo = context.platform.now()

  const loadAt = (at: number) => {
    const noise = valueNoise(channel(seed, 'load'), at, LOAD_NOISE_KNOT_MS) - 0.5
    const activity = clamp(dailyActivity(localHourOfDay(at, settings.timezone)) + 0.2 * noise, 0, 1)
    return (
      parsed.base_load_power + (parsed.max_consumption_power - parsed.base_load_power) * activity
    )
  }
  const surplusAt = (at: number) => pvPower(model, at, 'actual') - loadAt(at)

  const integrate = (to: number) => {
    if (!battery) return
    const from = Math.max(integratedTo, to - MAX_INTEGRATION_MS)
    integratedTo = Math.max(integratedTo, to)
    if (to <= from) return
    const steps = Math.ceil((to - from) / INTEGRATION_STEP_MS)
    const stepMs = (to - from) / steps
    for (let step = 0; step < steps; step += 1) {
      const power = batteryPower(
        surplusAt(from + (step + 0.5) * stepMs),
        battery.soc,
        parsed.battery_max_power,
      )
      const percent = ((power * stepMs) / HOUR_MS / battery.capacity) * 100
      battery.soc = clamp(battery.soc + percent, SOC_MIN, SOC_MAX)
    }
  }

  const snapshotAt = (at: number): EnergyStateSnapshot => {
    integrate(at)
    const production = pvPower(model, at, 'actual')
    const load = loadAt(at)
    const charging = battery
      ? batteryPower(production - load, battery.soc, parsed.battery_max_power)
      : 0
    return {
      production: round(production),
      consumption: { current_power: round(load) },
      battery: battery && {
        state_of_charge: round(battery.soc, 2),
        remaining_capacity: round((battery.capacity * battery.soc) / 100),
        current_power: round(charging),
      },
      // What the house and battery need beyond the panels comes from the grid (+ importing);
      // what is left over goes to it (− exporting). Upstream had this sign inverted (T5).
      grid: source.grid && { current_power: round(load + charging - production) },
      external_source: source.external_source,
      timestamp: new Date(at).toISOString(),
    }
  }

  return {
    config: parsed,
    getCurrentEnergyState: async () => snapshotAt(context.platform.now()),
  }
}

/** The `dummy_solar` energy monitor: a simulated PV site with house load, battery and grid. */
export const dummySolarEnergyMonitorDefinition: AdapterDefinition<'energy_monitor'> = {
  kind: 'energy_monitor',
  type: 'dummy_solar',
  label: 'Dummy solar (simulated site)',
  configSchema: DummySolarMonitorConfigSchema,
  secretFields: [],
  create: (config, context) => createDummySolarMonitor(config, context),
}
