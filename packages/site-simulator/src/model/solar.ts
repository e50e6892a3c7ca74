import { getPosition } from 'suncalc'
import { channel, smoothEdge, valueNoise } from './random.ts'

/** Where the site is: the sun follows from it, the house's daily pattern from the time zone. */
export interface Location {
  /** ° north */
  latitude: number
  /** ° east */
  longitude: number
  /** m above sea level (served in `/api/config` only) */
  elevation: number
  /** IANA zone of the house's clock, e.g. `Europe/Rome` */
  timeZone: string
  /** `location_name` of `/api/config` */
  name: string
}

export interface Weather {
  /** 0 = a clear day; 1 = overcast. Share of the day the sun is behind a cloud, roughly. */
  cloudiness: number
  seed: number
}

/** Large clouds drift over ~20 minutes, small ones over ~3. */
const BIG_CLOUD_KNOT_MS = 20 * 60_000
const SMALL_CLOUD_KNOT_MS = 3 * 60_000
/** What a thick cloud leaves of the clear-sky power (diffuse light). */
const CLOUD_DEPTH = 0.85
/** Small clouds are thinner. */
const SMALL_CLOUD_OPACITY = 0.6

/** The sun's apparent elevation above the horizon, in degrees. */
export function sunElevation(instantMs: number, location: Location): number {
  return getPosition(new Date(instantMs), location.latitude, location.longitude).altitude
}

/** The sun's azimuth, degrees clockwise from north. */
export function sunAzimuth(instantMs: number, location: Location): number {
  return getPosition(new Date(instantMs), location.latitude, location.longitude).azimuth
}

/**
 * Clear-sky global irradiance as a share of 1000 W/m² (Haurwitz's model:
 * 1098 · cos z · e^(−0.057 / cos z) W/m²), 0 with the sun below the horizon.
 */
export function clearSkyFraction(instantMs: number, location: Location): number {
  const elevation = sunElevation(instantMs, location)
  if (elevation <= 0) return 0
  const cosZenith = Math.sin((elevation * Math.PI) / 180)
  return (1098 * cosZenith * Math.exp(-0.057 / cosZenith)) / 1000
}

/**
 * How opaque the sky in front of the sun is at an instant, 0 (clear) to 1: big clouds from a
 * slow noise, small thinner ones from a fast one; `cloudiness` sets how much of each noise
 * range counts as cloud.
 */
export function cloudOpacity(weather: Weather, instantMs: number): number {
  const c = Math.min(1, Math.max(0, weather.cloudiness))
  if (c === 0) return 0
  const big = valueNoise(channel(weather.seed, 'big clouds'), instantMs, BIG_CLOUD_KNOT_MS)
  const small = valueNoise(channel(weather.seed, 'small clouds'), instantMs, SMALL_CLOUD_KNOT_MS)
  const bigThreshold = 1 - c
  const smallThreshold = 1 - 0.5 * c
  return Math.max(
    smoothEdge(big, bigThreshold - 0.04, bigThreshold + 0.04),
    SMALL_CLOUD_OPACITY * smoothEdge(small, smallThreshold - 0.03, smallThreshold + 0.03),
  )
}

/** Share of the clear-sky power that reaches the panels. */
export function cloudFactor(weather: Weather, instantMs: number): number {
  return 1 - CLOUD_DEPTH * cloudOpacity(weather, instantMs)
}

/** What a forecast expects of the clouds: their mean effect, never a single one. */
export function expectedCloudFactor(weather: Weather): number {
  const c = Math.min(1, Math.max(0, weather.cloudiness))
  return 1 - CLOUD_DEPTH * (0.8 * c + 0.1 * c * SMALL_CLOUD_OPACITY)
}

/** W the array delivers at an instant, clouds included. */
export function pvPower(peakW: number, location: Location, weather: Weather, at: number): number {
  const clear = clearSkyFraction(at, location)
  if (clear === 0) return 0
  return peakW * clear * cloudFactor(weather, at)
}

/** W a forecast expects at an instant. */
export function expectedPvPower(
  peakW: number,
  location: Location,
  weather: Weather,
  at: number,
): number {
  const clear = clearSkyFraction(at, location)
  if (clear === 0) return 0
  return peakW * clear * expectedCloudFactor(weather)
}

const FORECAST_SAMPLE_MS = 5 * 60_000

/** Wh a forecast expects over [from, to), midpoint rule on 5-minute samples. */
export function expectedPvEnergy(
  peakW: number,
  location: Location,
  weather: Weather,
  from: number,
  to: number,
): number {
  if (to <= from) return 0
  const steps = Math.ceil((to - from) / FORECAST_SAMPLE_MS)
  const stepMs = (to - from) / steps
  let energy = 0
  for (let step = 0; step < steps; step += 1) {
    energy += expectedPvPower(peakW, location, weather, from + (step + 0.5) * stepMs) * stepMs
  }
  return energy / 3_600_000
}
