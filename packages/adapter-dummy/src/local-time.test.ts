import { describe, expect, it } from 'vitest'
import { localHourOfDay, nextLocalMidnight, startOfLocalHour } from './local-time'

const at = (iso: string) => Date.parse(iso)

describe('local time in the site zone', () => {
  it('reads the local hour in summer and winter time', () => {
    // Rome is UTC+2 in June and UTC+1 in January.
    expect(localHourOfDay(at('2026-06-21T10:30:00Z'), 'Europe/Rome')).toBe(12.5)
    expect(localHourOfDay(at('2026-01-10T10:30:00Z'), 'Europe/Rome')).toBe(11.5)
    expect(localHourOfDay(at('2026-01-10T10:30:00Z'), 'UTC')).toBe(10.5)
  })

  it('finds the start of the local hour, also in a half-hour zone', () => {
    expect(startOfLocalHour(at('2026-06-21T10:17:33.250Z'), 'Europe/Rome')).toBe(
      at('2026-06-21T10:00:00Z'),
    )
    // Kolkata is UTC+5:30: 10:17 UTC is 15:47 there, whose hour began at 09:30 UTC.
    expect(startOfLocalHour(at('2026-06-21T10:17:00Z'), 'Asia/Kolkata')).toBe(
      at('2026-06-21T09:30:00Z'),
    )
  })

  it('finds the next local midnight, across a DST change too', () => {
    expect(nextLocalMidnight(at('2026-06-21T10:00:00Z'), 'Europe/Rome')).toBe(
      at('2026-06-21T22:00:00Z'),
    )
    // At midnight itself: the following one.
    expect(nextLocalMidnight(at('2026-06-21T22:00:00Z'), 'Europe/Rome')).toBe(
      at('2026-06-22T22:00:00Z'),
    )
    // Rome goes from UTC+2 to UTC+1 on 2026-10-25: that day has 25 hours.
    expect(nextLocalMidnight(at('2026-10-25T10:00:00Z'), 'Europe/Rome')).toBe(
      at('2026-10-25T23:00:00Z'),
    )
    expect(nextLocalMidnight(at('2026-03-29T10:00:00Z'), 'Europe/Rome')).toBe(
      at('2026-03-29T22:00:00Z'),
    )
  })
})
