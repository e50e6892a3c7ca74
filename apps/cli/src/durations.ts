import { UsageError } from './errors'

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }
const DURATION = /^(\d{1,9})\s*([smhd])$/i

/** `90s`, `30m`, `2h`, `1d` in seconds; undefined when the text is not such a duration. */
function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim())
  if (!match) return undefined
  return Number(match[1]) * (UNIT_SECONDS[(match[2] ?? 's').toLowerCase()] ?? 1)
}

/** The most a manual start or stop may hold a miner (as the API's `override_seconds`). */
export const MAX_HOLD_SECONDS = 604_800

/** `--for`: whole seconds (`3600`) or a duration (`30m`, `2h`, `1d`), from 1 s to 7 days. */
export function parseHoldSeconds(raw: unknown, flag = 'for'): number {
  const text = String(raw).trim()
  const seconds = /^\d{1,9}$/.test(text) ? Number(text) : durationSeconds(text)
  if (seconds === undefined || seconds < 1 || seconds > MAX_HOLD_SECONDS) {
    throw new UsageError(
      `--${flag}: expected seconds (3600) or a duration such as 90s, 30m, 2h, 1d, from 1 second to 7 days, got "${text}"`,
      { showUsage: false },
    )
  }
  return seconds
}

/** `--limit`: a whole number from 1 to `max`. */
export function parseCount(raw: unknown, flag: string, max: number): number {
  const text = String(raw).trim()
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN
  if (!(value >= 1 && value <= max)) {
    throw new UsageError(`--${flag}: expected a whole number from 1 to ${max}, got "${text}"`, {
      showUsage: false,
    })
  }
  return value
}

/** The offset of `timeZone` from UTC at `utcMs`, in ms (Europe/Rome in winter: +3 600 000). */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMs))
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value)
  const wall = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  )
  return wall - Math.floor(utcMs / 1000) * 1000
}

/** A wall-clock time of `timeZone` (fields as Date.UTC takes them) as an instant. */
function zonedInstant(timeZone: string, wallMs: number): number {
  // Two passes settle the offset, also next to a daylight-saving change.
  let instant = wallMs - zoneOffsetMs(timeZone, wallMs)
  instant = wallMs - zoneOffsetMs(timeZone, instant)
  return instant
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i

/**
 * `--since`: an ISO-8601 instant (`2026-12-01T08:00:00Z`, `…+01:00`), a date or a date and time
 * without a zone (read in `timeZone`, the settings' one: `2026-12-01`, `2026-12-01 08:00`), or a
 * time ago (`90s`, `30m`, `2h`, `1d`). Answers ISO-8601 UTC.
 */
export function parseSince(raw: unknown, nowMs: number, timeZone: string): string {
  const text = String(raw).trim()
  const ago = durationSeconds(text)
  if (ago !== undefined && ago > 0) return new Date(nowMs - ago * 1000).toISOString()
  if (WITH_ZONE.test(text)) {
    const instant = Date.parse(text)
    if (!Number.isNaN(instant)) return new Date(instant).toISOString()
  }
  const local = LOCAL.exec(text)
  if (local) {
    const [year, month, day, hour, minute, second] = local
      .slice(1, 7)
      .map((part) => Number(part ?? 0))
    const wall = Date.UTC(
      year ?? 0,
      (month ?? 1) - 1,
      day ?? 1,
      hour ?? 0,
      minute ?? 0,
      second ?? 0,
    )
    const check = new Date(wall)
    const valid =
      check.getUTCFullYear() === year &&
      check.getUTCMonth() === (month ?? 1) - 1 &&
      check.getUTCDate() === day &&
      (hour ?? 0) < 24 &&
      (minute ?? 0) < 60 &&
      (second ?? 0) < 60
    if (valid) {
      const ms = Number((local[7] ?? '').padEnd(3, '0'))
      return new Date(zonedInstant(timeZone, wall) + ms).toISOString()
    }
  }
  throw new UsageError(
    `--since: expected an ISO-8601 time (2026-12-01T08:00:00Z, or 2026-12-01 08:00 in ${timeZone}) or a time ago such as 30m, 2h, 1d, got "${text}"`,
    { showUsage: false },
  )
}
