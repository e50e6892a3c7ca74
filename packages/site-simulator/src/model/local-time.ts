const HOUR_MS = 3_600_000

/** Wall-clock reading of an instant in a time zone. */
export interface LocalTime {
  /** Hours since local midnight, fractional (0 ≤ h < 24, 23 or 25 on DST days aside). */
  hour: number
  /** The instant of the local midnight that starts this day. */
  dayStartMs: number
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string
}

/** Throws a RangeError for a zone Intl does not know. */
export function checkTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone })
}

/**
 * A converter from instants to local wall-clock time in `timeZone`. The zone's offset is looked
 * up once per UTC hour (offsets change on hour boundaries), so it is cheap per model step.
 */
export function localClock(timeZone: string): (instantMs: number) => LocalTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  const offsets = new Map<number, number>()
  const offsetAt = (instantMs: number): number => {
    const hourKey = Math.floor(instantMs / HOUR_MS)
    const cached = offsets.get(hourKey)
    if (cached !== undefined) return cached
    const parts = Object.fromEntries(
      format.formatToParts(new Date(hourKey * HOUR_MS)).map((part) => [part.type, part.value]),
    )
    const asUtc = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    )
    const offset = asUtc - hourKey * HOUR_MS
    if (offsets.size > 10_000) offsets.clear()
    offsets.set(hourKey, offset)
    return offset
  }
  return (instantMs) => {
    const offset = offsetAt(instantMs)
    const wall = instantMs + offset
    const wallDay = Math.floor(wall / (24 * HOUR_MS)) * 24 * HOUR_MS
    const date = new Date(wallDay).toISOString().slice(0, 10)
    // Midnight's own offset may differ from now's on a DST day.
    const dayStartMs = wallDay - offsetAt(wallDay - offset)
    return { hour: (wall - wallDay) / HOUR_MS, dayStartMs, date }
  }
}
