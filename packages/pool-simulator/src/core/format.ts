/**
 * An integer amount of `10^-decimals` units as a fixed-point decimal string, e.g.
 * `formatDecimal(412345, 8)` → `"0.00412345"` (sats → BTC) without floating-point rounding.
 */
export function formatDecimal(units: number, decimals: number): string {
  if (!Number.isSafeInteger(units) || units < 0) {
    throw new RangeError(`formatDecimal: units must be a non-negative safe integer, got ${units}`)
  }
  const digits = String(units).padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  return decimals === 0 ? whole : `${whole}.${digits.slice(digits.length - decimals)}`
}

/** Satoshis → BTC string with 8 decimals. */
export function satsToBtc(sats: number): string {
  return formatDecimal(sats, 8)
}

/** Unix seconds (floor) of a millisecond clock value. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}

/** Naive ISO-8601 UTC without zone, as Ocean's earnpay prints it: `2026-08-20T23:11:03`. */
export function naiveUtcIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19)
}

/** The first second (unix) of the UTC day containing `seconds`. */
export function utcDayStart(seconds: number): number {
  return Math.floor(seconds / 86_400) * 86_400
}
