import type { Sun } from '@edge-mining/domain'
import { getPosition, getTimes } from 'suncalc'

const DAY_MS = 86_400_000

const seconds = (ms: number) => Math.round(ms / 1000)

/**
 * An instant suncalc reads as the calendar date `atMs` falls on in `timeZone`: that date's
 * local solar noon (12:00 UTC shifted by the longitude, 4 minutes a degree).
 */
function dayAnchor(atMs: number, longitude: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(new Date(atMs))
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return Date.UTC(part('year'), part('month') - 1, part('day'), 12) - longitude * 240_000
}

/** The next time `pick` happens at or after `atMs`, looking at most two days past `anchor`. */
function nextEvent(
  atMs: number,
  anchor: number,
  latitude: number,
  longitude: number,
  pick: 'sunrise' | 'sunset',
): number | null {
  for (let day = 0; day <= 2; day++) {
    const when = getTimes(new Date(anchor + day * DAY_MS), latitude, longitude)[pick]
    if (when && when.getTime() >= atMs) return when.getTime()
  }
  return null
}

/**
 * The sun at the site at `atMs`, computed per call (upstream froze it at process start, and
 * exposed durations a rule could not compare — trap T6): times as ISO UTC (null in polar day or
 * night), elevation and azimuth in degrees (azimuth clockwise from north), durations in seconds.
 * "Today" is the calendar date in `timeZone` (the settings' zone), so just after local midnight
 * today's sunrise is the coming one, not yesterday's.
 */
export function sunContext(
  atMs: number,
  latitude: number,
  longitude: number,
  timeZone = 'UTC',
): Sun {
  const at = new Date(atMs)
  const anchor = dayAnchor(atMs, longitude, timeZone)
  const today = getTimes(new Date(anchor), latitude, longitude)
  const position = getPosition(at, latitude, longitude)
  const sunrise = today.sunrise?.getTime() ?? null
  const untilSunrise = nextEvent(atMs, anchor, latitude, longitude, 'sunrise')
  const untilSunset = nextEvent(atMs, anchor, latitude, longitude, 'sunset')
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
