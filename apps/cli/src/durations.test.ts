import { describe, expect, test } from 'vitest'
import { parseCount, parseHoldSeconds, parseSince } from './durations'
import { UsageError } from './errors'
import { formatLocalTime } from './loop-views'

const NOW = Date.parse('2026-12-01T12:00:00Z')

describe('--since', () => {
  test('a time ago: seconds, minutes, hours, days', () => {
    expect(parseSince('90s', NOW, 'UTC')).toBe('2026-12-01T11:58:30.000Z')
    expect(parseSince('30m', NOW, 'UTC')).toBe('2026-12-01T11:30:00.000Z')
    expect(parseSince('2H', NOW, 'UTC')).toBe('2026-12-01T10:00:00.000Z')
    expect(parseSince(' 1d ', NOW, 'UTC')).toBe('2026-11-30T12:00:00.000Z')
  })

  test('an instant with a zone is taken as it is', () => {
    expect(parseSince('2026-12-01T08:00:00Z', NOW, 'Europe/Rome')).toBe('2026-12-01T08:00:00.000Z')
    expect(parseSince('2026-12-01T08:00+01:00', NOW, 'UTC')).toBe('2026-12-01T07:00:00.000Z')
    expect(parseSince('2026-12-01T08:00:00.25Z', NOW, 'UTC')).toBe('2026-12-01T08:00:00.250Z')
  })

  test("a date or a time without a zone is on the settings' clock, daylight saving included", () => {
    expect(parseSince('2026-12-01', NOW, 'Europe/Rome')).toBe('2026-11-30T23:00:00.000Z')
    expect(parseSince('2026-12-01 08:00', NOW, 'Europe/Rome')).toBe('2026-12-01T07:00:00.000Z')
    expect(parseSince('2026-07-01T08:00:30', NOW, 'Europe/Rome')).toBe('2026-07-01T06:00:30.000Z')
    expect(parseSince('2026-12-01 08:00', NOW, 'Asia/Kolkata')).toBe('2026-12-01T02:30:00.000Z')
    expect(parseSince('2026-12-01 08:00:00.05', NOW, 'UTC')).toBe('2026-12-01T08:00:00.050Z')
  })

  test.each(['yesterday', '0m', '-1h', '30', '2026-02-30', '2026-12-01 24:00', '12:00', ''])(
    '%j is refused naming the flag and the value',
    (text) => {
      expect(() => parseSince(text, NOW, 'UTC')).toThrow(UsageError)
      expect(() => parseSince(text, NOW, 'UTC')).toThrow(`--since: expected an ISO-8601 time`)
      expect(() => parseSince(text, NOW, 'UTC')).toThrow(`got "${text}"`)
    },
  )
})

describe('--for and --limit', () => {
  test('seconds or a duration, up to 7 days', () => {
    expect(parseHoldSeconds('3600')).toBe(3600)
    expect(parseHoldSeconds('30m')).toBe(1800)
    expect(parseHoldSeconds('2h')).toBe(7200)
    expect(parseHoldSeconds('7d')).toBe(604_800)
    expect(parseHoldSeconds('1')).toBe(1)
    for (const bad of ['0', '0m', '8d', '604801', '1.5h', 'soon', '-5']) {
      expect(() => parseHoldSeconds(bad)).toThrow(`--for: expected seconds`)
    }
  })

  test('a count from 1 to the most', () => {
    expect(parseCount('20', 'limit', 1000)).toBe(20)
    expect(parseCount('1000', 'limit', 1000)).toBe(1000)
    for (const bad of ['0', '1001', '2.5', 'all', '']) {
      expect(() => parseCount(bad, 'limit', 1000)).toThrow(
        `--limit: expected a whole number from 1 to 1000, got "${bad}"`,
      )
    }
  })
})

test('times are shown on the wall clock of the given zone', () => {
  expect(formatLocalTime('2026-12-01T21:05:35.703Z', 'Europe/Rome')).toBe('2026-12-01 22:05:35')
  expect(formatLocalTime('2026-07-01T21:05:35Z', 'Europe/Rome')).toBe('2026-07-01 23:05:35')
  expect(formatLocalTime('2026-12-31T23:30:00Z', 'Asia/Kolkata')).toBe('2027-01-01 05:00:00')
  expect(formatLocalTime(null, 'UTC')).toBe('—')
})
