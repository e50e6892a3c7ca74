/**
 * Wall-clock arithmetic in an IANA time zone with `Intl` alone: the dummy adapters need the
 * local hour (house load), the start of the local hour (forecast intervals) and local midnight
 * (the day's energy) in the site's configured zone, never the server's.
 */

export const HOUR_MS = 3_600_000

interface LocalTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formats = new Map<string, Intl.DateTimeFormat>()

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(timeZone, format)
  }
  return format
}

function localTime(instantMs: number, timeZone: string): LocalTime {
  const fields: Record<string, number> = {}
  for (const part of formatFor(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  return {
    year: fields.year ?? 1970,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  }
}

const millisecondsOf = (instantMs: number) => ((instantMs % 1000) + 1000) % 1000

/** How far the zone's wall clock is ahead of UTC at `instantMs`. */
function offsetMs(instantMs: number, timeZone: string): number {
  const local = localTime(instantMs, timeZone)
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  )
  return wall - (instantMs - millisecondsOf(instantMs))
}

/** Local hour of day with its fraction, 0 ≤ h < 24. */
export function localHourOfDay(instantMs: number, timeZone: string): number {
  const local = localTime(instantMs, timeZone)
  return local.hour + local.minute / 60 + (local.second + millisecondsOf(instantMs) / 1000) / 3600
}

/** The instant the current local hour began (zones at :30 or :45 offsets included). */
export function startOfLocalHour(instantMs: number, timeZone: string): number {
  const local = localTime(instantMs, timeZone)
  return instantMs - (local.minute * 60 + local.second) * 1000 - millisecondsOf(instantMs)
}

/** The next local midnight after `instantMs` (an instant at midnight gives the one after). */
export function nextLocalMidnight(instantMs: number, timeZone: string): number {
  const local = localTime(instantMs, timeZone)
  const wall = Date.UTC(local.year, local.month - 1, local.day + 1)
  // Two passes: the offset at the answer may differ from today's across a DST change.
  const guess = wall - offsetMs(instantMs, timeZone)
  const midnight = wall - offsetMs(guess, timeZone)
  return midnight > instantMs ? midnight : midnight + 24 * HOUR_MS
}
