import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from './retry-after.ts'

// Monday 1 January 2024, 00:00:00 UTC.
const NOW = Date.UTC(2024, 0, 1, 0, 0, 0)

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 30 ', 30_000],
    ['1.5', 1_500],
  ])('reads delta-seconds %j as %d ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected)
  })

  it.each([
    ['IMF-fixdate', 'Mon, 01 Jan 2024 00:00:45 GMT', 45_000],
    ['RFC 850', 'Monday, 01-Jan-24 00:01:00 GMT', 60_000],
    ['asctime', 'Mon Jan  1 00:02:00 2024', 120_000],
    ['asctime, two-digit day', 'Wed Jan 10 00:00:00 2024', 9 * 24 * 3600 * 1000],
    ['lower-case IMF-fixdate', 'mon, 01 jan 2024 00:00:45 gmt', 45_000],
  ])('reads an HTTP-date in %s form', (_form, header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected)
  })

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0)
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(0)
  })

  it('reads an RFC 850 two-digit year more than 50 years ahead as the previous century', () => {
    expect(parseRetryAfter('Tuesday, 01-Jan-30 00:00:00 GMT', NOW)).toBe(Date.UTC(2030, 0, 1) - NOW)
    expect(parseRetryAfter('Monday, 01-Jan-80 00:00:00 GMT', NOW)).toBe(0)
  })

  it('returns far-future values as they are (the cache clamps them)', () => {
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', NOW)).toBe(Date.UTC(2100, 0, 1) - NOW)
    expect(parseRetryAfter('99999999999', NOW)).toBe(99_999_999_999_000)
  })

  it.each([
    null,
    undefined,
    '',
    '   ',
    '-5',
    '+30',
    '1e3',
    '0x10',
    '30s',
    'soon',
    '9'.repeat(400),
    'Mon, 31 Feb 2024 00:00:00 GMT',
    'Mon, 01 Jan 2024 25:00:00 GMT',
    'Mon, 01 Foo 2024 00:00:00 GMT',
    'Mon, 01 Jan 2024 00:00:00 CET',
    '2024-01-01T00:00:45Z',
  ])('gives undefined for %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined()
  })

  it('needs a finite nowMs only for dates', () => {
    expect(parseRetryAfter('10', Number.NaN)).toBe(10_000)
    expect(() => parseRetryAfter('Mon, 01 Jan 2024 00:00:45 GMT', Number.NaN)).toThrow(RangeError)
  })
})
