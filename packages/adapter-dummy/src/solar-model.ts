import type { AdapterContext, EnergySource, SystemSettings } from '@edge-mining/domain'
import { ConfigurationError } from '@edge-mining/domain'
import { getPosition } from 'suncalc'
import { HOUR_MS } from './local-time'
import { channel, seedFromText, valueNoise } from './random'

/**
 * The clear-sky PV model the `dummy_solar` monitor and forecast share: peak power × the sine of
 * the sun's elevation at the site for the instant × a cloud attenuation that is a pure function
 * of (seed, instant). The monitor sees every passing cloud; the forecast sees the weather and
 * only the average effect of passing clouds, as an estimate would.
 */

export interface Site {
  /** ° north */
  latitude: number
  /** ° east */
  longitude: number
}

export interface SolarModel {
  /** W at the sun's zenith under a clear sky. */
  peakPower: number
  site: Site
  seed: number
  /** 0 = always clear; 1 = clouds may take everything. */
  cloudiness: number
}

/** What the dummy_solar monitor and forecast are built from. */
export type DummySolarContext = Pick<AdapterContext, 'platform' | 'settings' | 'energySource'>

/** Upstream's peak when the source names none. */
export const DEFAULT_NOMINAL_POWER_W = 5000

export function requireEnergySource(context: DummySolarContext, what: string): EnergySource {
  if (context.energySource) return context.energySource
  throw new ConfigurationError(`dummy_solar ${what}: it needs an energy source to simulate`, {
    field: null,
  })
}

/**
 * The seed of a source's weather: the config's, else one fixed by the source id — so by
 * default the monitor and the forecast of one source see the same weather.
 */
export function sourceSeed(seed: number | undefined, source: EnergySource): number {
  return seed ?? seedFromText(source.id)
}

export function siteOf(settings: SystemSettings): Site {
  return { latitude: settings.latitude, longitude: settings.longitude }
}

/** `actual`: the monitor's reading; `expected`: the forecast's, without passing clouds. */
export type CloudDetail = 'actual' | 'expected'

/** The weather changes over hours; single clouds over 10-minute knots. */
const WEATHER_KNOT_MS = 3 * HOUR_MS
const CLOUD_KNOT_MS = 10 * 60_000
/** The forecast integrates with this step (288 samples a day). */
const SAMPLE_MS = 5 * 60_000

/** The sun's apparent elevation above the horizon at the site, in degrees. */
function sunElevation(instantMs: number, site: Site): number {
  return getPosition(new Date(instantMs), site.latitude, site.longitude).altitude
}

/** Share of the peak a clear sky gives: sin(elevation), 0 below the horizon. */
export function clearSkyFraction(instantMs: number, site: Site): number {
  return Math.max(0, Math.sin((sunElevation(instantMs, site) * Math.PI) / 180))
}

/** Share of the clear-sky power that gets through the clouds, in [1 − cloudiness, 1]. */
export function cloudFactor(model: SolarModel, instantMs: number, detail: CloudDetail): number {
  const weather = valueNoise(channel(model.seed, 'weather'), instantMs, WEATHER_KNOT_MS)
  // Value noise averages 1/2: the forecast takes passing clouds at their mean.
  const passing =
    detail === 'actual' ? valueNoise(channel(model.seed, 'clouds'), instantMs, CLOUD_KNOT_MS) : 0.5
  const cover = 0.5 * weather + 0.5 * passing
  return 1 - model.cloudiness * cover
}

/** W produced at the instant. */
export function pvPower(model: SolarModel, instantMs: number, detail: CloudDetail): number {
  const clearSky = clearSkyFraction(instantMs, model.site)
  if (clearSky === 0) return 0
  return model.peakPower * clearSky * cloudFactor(model, instantMs, detail)
}

/** Wh produced over [from, to), by the midpoint rule. */
export function pvEnergy(
  model: SolarModel,
  fromMs: number,
  toMs: number,
  detail: CloudDetail,
): number {
  if (toMs <= fromMs) return 0
  const steps = Math.ceil((toMs - fromMs) / SAMPLE_MS)
  const stepMs = (toMs - fromMs) / steps
  let energy = 0
  for (let step = 0; step < steps; step += 1) {
    energy += pvPower(model, fromMs + (step + 0.5) * stepMs, detail) * (stepMs / HOUR_MS)
  }
  return energy
}

/** Mean W over [from, to). */
export function meanPvPower(
  model: SolarModel,
  fromMs: number,
  toMs: number,
  detail: CloudDetail,
): number {
  return toMs > fromMs ? pvEnergy(model, fromMs, toMs, detail) / ((toMs - fromMs) / HOUR_MS) : 0
}
