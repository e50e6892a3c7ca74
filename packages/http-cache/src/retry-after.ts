/**
 * `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date in any of the three forms a
 * recipient must accept (§5.6.7): IMF-fixdate, obsolete RFC 850 and ANSI C asctime.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^[a-z]{3}, (\\d{1,2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i')
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC_850 = new RegExp(`^[a-z]{6,9}, (\\d{1,2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i')
// Sun Nov  6 08:49:37 1994 (always UTC, although it names no zone)
const ASCTIME = new RegExp(`^[a-z]{3} ${MONTH} +(\\d{1,2}) ${TIME} (\\d{4})$`, 'i')

// Lenient like the upstream parser: `120` and `1.5` are accepted; `-5`, `1e3`, `0x10` are not.
const DELTA_SECONDS = /^\d+(?:\.\d+)?$/

/**
 * Milliseconds to wait, from a `Retry-After` header value, or `undefined` when the value is
 * missing or unparsable (negative numbers, garbage, impossible dates). A date in the past gives 0.
 * Values far in the future are returned as they are: the cache clamps them to `maxCooldownMs`.
 */
export function parseRetryAfter(
  headerValue: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (typeof headerValue !== 'string') return undefined
  const value = headerValue.trim()
  if (value === '') return undefined
  if (DELTA_SECONDS.test(value)) {
    const ms = Number(value) * 1000
    return Number.isFinite(ms) ? Math.round(ms) : undefined
  }
  if (!Number.isFinite(nowMs)) {
    throw new RangeError(`parseRetryAfter: nowMs must be a finite number, got ${String(nowMs)}`)
  }
  const dateMs = parseHttpDate(value, nowMs)
  return dateMs === undefined ? undefined : Math.max(0, dateMs - nowMs)
}

function parseHttpDate(value: string, nowMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(value)
  if (match) return utc(match[3], match[2], match[1], match[4], match[5], match[6])
  match = ASCTIME.exec(value)
  if (match) return utc(match[6], match[1], match[2], match[3], match[4], match[5])
  match = RFC_850.exec(value)
  if (match) {
    const year = expandTwoDigitYear(Number(match[3]), nowMs)
    return utc(String(year), match[2], match[1], match[4], match[5], match[6])
  }
  return undefined
}

/** RFC 9110: a two-digit year more than 50 years in the future means the previous century. */
function expandTwoDigitYear(twoDigits: number, nowMs: number): number {
  const currentYear = new Date(nowMs).getUTCFullYear()
  const year = currentYear - (currentYear % 100) + twoDigits
  return year > currentYear + 50 ? year - 100 : year
}

function utc(
  yearText: string | undefined,
  monthText: string | undefined,
  dayText: string | undefined,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
): number | undefined {
  const year = Number(yearText)
  const month = MONTHS.indexOf(String(monthText).toLowerCase())
  const day = Number(dayText)
  const hour = Number(hourText)
  const minute = Number(minuteText)
  const second = Number(secondText)
  if (hour > 23 || minute > 59 || second > 60) return undefined
  const ms = Date.UTC(year, month, day, hour, minute, second)
  // Date.UTC rolls 31 Feb over into March; such a date is invalid, not a different day.
  const date = new Date(ms)
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined
  return ms
}
