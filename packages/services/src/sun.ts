import type { Sun } from '@edge-mining/domain'
import { getPosition, getTimes } from 'suncalc'

const DAY_MS = 86_400_000

const seconds = (ms: number) => Math.round(ms / 1000)

/** The next time `pick` happens at or after `atMs`, looking at most two solar days ahead. */
function nextEvent(
  atMs: number,
  latitude: number,
  longitude: number,
  pick: 'sunrise' | 'sunset',
): number | null {
  for (let day = 0; day <= 2; day++) {
    const when = getTimes(new Date(atMs + day * DAY_MS), latitude, longitude)[pick]
    if (when && when.getTime() >= atMs) return when.getTime()
  }
  return null
}

/**
 * The sun at the site at `atMs`, computed per call (upstream froze it at process start, and
 * exposed durations a rule could not compare — trap T6): times as ISO UTC (null in polar day or
 * night), elevation and azimuth in degrees (azimuth clockwise from north), durations in seconds.
 */
export function sunContext(atMs: number, latitude: number, longitude: number): Sun {
  const at = new Date(atMs)
  const today = getTimes(at, latitude, longitude)
  const position = getPosition(at, latitude, longitude)
  const sunrise = today.sunrise?.getTime() ?? null
  const untilSunrise = nextEvent(atMs, latitude, longitude, 'sunrise')
  const untilSunset = nextEvent(atMs, latitude, longitude, 'sunset')
  return {
    sunrise: today.sunrise?.toISOString() ?? null,
    sunset: today.sunset?.toISOString() ?? null,
    solar_noon: today.solarNoon.toISOString(),
    elevation: Math.round(position.altitude * 100) / 100,
    azimuth: Math.round(position.azimuth * 100) / 100,
    is_daylight: position.altitude > 0,
    seconds_until_sunrise: untilSunrise === null ? null : seconds(untilSunrise - atMs),
    seconds_until_sunset: untilSunset === null ? null : seconds(untilSunset - atMs),
    seconds_since_sunrise: sunrise !== null && sunrise <= atMs ? seconds(atMs - sunrise) : null,
  }
}
