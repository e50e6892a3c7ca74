/**
 * Exact unit helpers for pool data. Pools send numbers as decimal strings (Ocean's H/s
 * integers beyond 2^53, Braiins' 9-decimal BTC amounts), so conversions work on the decimal
 * text — shifting the exponent, never multiplying binary floats — and every parser answers
 * `null` for input it cannot read: never NaN, Infinity or a fractional satoshi.
 */

const MAX_NUMERIC_TEXT_LENGTH = 64
const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d{1,6}))?$/i

/** A finite decimal as `digits × 10^exponent` (digits without leading zeros, "0" for zero). */
interface Decimal {
  negative: boolean
  digits: string
  exponent: number
}

function parseDecimal(value: unknown): Decimal | null {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null
    text = String(value)
  } else if (typeof value === 'string') {
    text = value.trim()
    if (text.length === 0 || text.length > MAX_NUMERIC_TEXT_LENGTH) return null
  } else {
    return null
  }
  const match = DECIMAL_PATTERN.exec(text)
  if (!match) return null
  const [, sign = '', integerPart = '', fractionPart = '', exponentPart = '0'] = match
  if (integerPart.length === 0 && fractionPart.length === 0) return null
  const digits = `${integerPart}${fractionPart}`.replace(/^0+/, '') || '0'
  return {
    negative: sign === '-' && digits !== '0',
    digits,
    exponent: Number(exponentPart) - fractionPart.length,
  }
}

/** Reads a decimal number from a number or numeric string; `null` when it is not one. */
export function parseDecimalNumber(value: unknown): number | null {
  const decimal = parseDecimal(value)
  if (!decimal) return null
  const result = Number(`${decimal.negative ? '-' : ''}${decimal.digits}e${decimal.exponent}`)
  return Number.isFinite(result) ? result : null
}

/** Reads a non-negative safe integer (counts, unix seconds) from a number or numeric string. */
export function parseCount(value: unknown): number | null {
  const result = parseDecimalNumber(value)
  if (result === null || result < 0 || !Number.isSafeInteger(result)) return null
  return result
}

// ─── Hash rate ────────────────────────────────────────────────────────────────

/** Powers of ten from each unit to TH/s. */
const HASHRATE_PREFIX_EXPONENT_TO_TERA = {
  '': -12,
  k: -9,
  m: -6,
  g: -3,
  t: 0,
  p: 3,
  e: 6,
} as const

export type HashrateUnitPrefix = keyof typeof HASHRATE_PREFIX_EXPONENT_TO_TERA

const HASHRATE_UNIT_PATTERN = /^([kmgtpe]?)h(?:\/s|s|ps)?$/

/**
 * Reads a hash-rate unit such as `H/s`, `kH/s`, `Gh/s`, `TH/s`, `PH/s`, `EH/s`
 * (case-insensitive, surrounding blanks ignored); `null` for anything else.
 */
export function parseHashrateUnit(unit: unknown): HashrateUnitPrefix | null {
  if (typeof unit !== 'string') return null
  const match = HASHRATE_UNIT_PATTERN.exec(unit.trim().toLowerCase())
  return match ? (match[1] as HashrateUnitPrefix) : null
}

/**
 * Converts a hash rate given in `unit` to TH/s. `value` may be a number or a decimal string
 * (Ocean sends H/s integers above 2^53 as strings); the conversion shifts the decimal
 * exponent, so `"932770542822219264"` H/s gives the double nearest to 932770.542822219264.
 * Returns `null` for an unknown unit, a negative or unreadable value.
 */
export function toTerahashPerSecond(value: unknown, unit: unknown): number | null {
  const prefix = parseHashrateUnit(unit)
  if (prefix === null) return null
  const decimal = parseDecimal(value)
  if (!decimal || decimal.negative) return null
  const shifted = decimal.exponent + HASHRATE_PREFIX_EXPONENT_TO_TERA[prefix]
  const result = Number(`${decimal.digits}e${shifted}`)
  return Number.isFinite(result) ? result : null
}

// ─── Bitcoin amounts ──────────────────────────────────────────────────────────

export const SATOSHIS_PER_BTC = 100_000_000

/**
 * Converts a BTC amount (decimal string or number) to integer satoshis, exactly: `"0.00012345"`
 * → 12345, `"1e-8"` → 1. Digits below one satoshi round half to even (as upstream's Python
 * `round`): `"0.000000009"` → 1, `"0.000000005"` → 0. Negative amounts, amounts above
 * `Number.MAX_SAFE_INTEGER` sats and unreadable input give `null`.
 */
export function btcToSats(value: unknown): number | null {
  const decimal = parseDecimal(value)
  if (!decimal || decimal.negative) return null
  const exponent = decimal.exponent + 8
  const digits = BigInt(decimal.digits)
  let sats: bigint
  if (exponent >= 0) {
    if (exponent > 20) return decimal.digits === '0' ? 0 : null
    sats = digits * 10n ** BigInt(exponent)
  } else if (-exponent > decimal.digits.length) {
    // Below a tenth of a satoshi: rounds to zero.
    sats = 0n
  } else {
    const divisor = 10n ** BigInt(-exponent)
    const quotient = digits / divisor
    const twiceRemainder = (digits % divisor) * 2n
    const roundUp = twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)
    sats = roundUp ? quotient + 1n : quotient
  }
  return sats <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sats) : null
}

/** Formats integer satoshis as a BTC decimal string with 8 decimals (`412345` → `"0.00412345"`). */
export function satsToBtc(sats: number): string {
  if (!Number.isSafeInteger(sats))
    throw new RangeError(`sats: expected a safe integer, got ${sats}`)
  const sign = sats < 0 ? '-' : ''
  const text = String(Math.abs(sats)).padStart(9, '0')
  return `${sign}${text.slice(0, -8)}.${text.slice(-8)}`
}

// ─── Timestamps ───────────────────────────────────────────────────────────────

/** 9999-12-31T23:59:59Z: the last instant ISO-8601 basic years can write. */
const MAX_UNIX_SECONDS = 253_402_300_799

const DATE_ONLY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i

function fromUnixSeconds(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_UNIX_SECONDS) return null
  return new Date(Math.round(seconds * 1000)).toISOString()
}

function fromCalendar(
  parts: readonly [number, number, number, number, number, number, number],
  offsetMinutes: number,
): string | null {
  const [year, month, day, hour, minute, second, millisecond] = parts
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second, millisecond)
  // Date.UTC rolls 31 February over into March: reject days the month does not have.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null
  return new Date(epochMs - offsetMinutes * 60_000).toISOString()
}

function parseOffsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (!match) return null
  const hours = Number(match[2])
  const minutes = Number(match[3] ?? '0')
  if (hours > 23 || minutes > 59) return null
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

/**
 * Reads a point in time and returns it as an ISO-8601 UTC string ending in `Z`, or `null`.
 * Accepts unix seconds (number or numeric string), `YYYY-MM-DD` (midnight UTC), ISO-8601
 * date-times with or without a zone — a zone-less one is UTC, never local time (Ocean's
 * `earnpay` timestamps are naive UTC) — and valid `Date` objects.
 */
export function parseTimestamp(value: unknown): string | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString()
  }
  if (typeof value === 'number') return fromUnixSeconds(value)
  if (typeof value !== 'string') return null
  const text = value.trim()
  if (text.length === 0 || text.length > MAX_NUMERIC_TEXT_LENGTH) return null
  if (/^\d+(?:\.\d+)?$/.test(text)) return fromUnixSeconds(Number(text))
  const dateOnly = DATE_ONLY_PATTERN.exec(text)
  if (dateOnly) {
    return fromCalendar(
      [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3]), 0, 0, 0, 0],
      0,
    )
  }
  const dateTime = ISO_DATE_TIME_PATTERN.exec(text)
  if (!dateTime) return null
  const offset = parseOffsetMinutes(dateTime[8])
  if (offset === null) return null
  const fraction = (dateTime[7] ?? '').padEnd(3, '0').slice(0, 3)
  return fromCalendar(
    [
      Number(dateTime[1]),
      Number(dateTime[2]),
      Number(dateTime[3]),
      Number(dateTime[4]),
      Number(dateTime[5]),
      Number(dateTime[6] ?? '0'),
      Number(fraction),
    ],
    offset,
  )
}

/** Whole seconds from `from` to `to` (ISO strings), never negative; `null` if either is unreadable. */
export function secondsBetween(from: string, to: string): number | null {
  const start = Date.parse(from)
  const end = Date.parse(to)
  if (Number.isNaN(start) || Number.isNaN(end)) return null
  return Math.max(0, Math.floor((end - start) / 1000))
}
