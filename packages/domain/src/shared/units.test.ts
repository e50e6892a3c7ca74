import { afterEach, describe, expect, it } from 'vitest'
import {
  btcToSats,
  parseCount,
  parseDecimalNumber,
  parseHashrateUnit,
  parseTimestamp,
  satsToBtc,
  secondsBetween,
  toTerahashPerSecond,
} from './units'

describe('toTerahashPerSecond', () => {
  it('converts Ocean H/s integer strings beyond 2^53 without float drift', () => {
    // pool-apis.md §1.1: a live statsnap reports hashrate_60s "932770542822219264" H/s; the
    // result must be the double nearest to the exact quotient 932770.542822219264.
    expect(toTerahashPerSecond('932770542822219264', 'H/s')).toBe(Number('932770.542822219264'))
    // The reference's small miner: "200002310417066" H/s ≈ 200.002 TH/s.
    expect(toTerahashPerSecond('200002310417066', 'H/s')).toBe(200.002310417066)
  })

  it('converts Braiins Gh/s numbers (upstream tests: 150000 Gh/s → 150 TH/s)', () => {
    expect(toTerahashPerSecond(150000, 'Gh/s')).toBe(150)
    expect(toTerahashPerSecond(101234, 'Gh/s')).toBe(101.234)
    expect(toTerahashPerSecond(1000, 'gh/s')).toBe(1)
  })

  it.each([
    ['H/s', 1e-12],
    ['kH/s', 1e-9],
    ['KH/s', 1e-9],
    ['MH/s', 1e-6],
    ['GH/s', 1e-3],
    ['Gh/s', 1e-3],
    [' th/s ', 1],
    ['PH/s', 1e3],
    ['EH/s', 1e6],
  ])('reads one %s as %d TH/s', (unit, expected) => {
    expect(toTerahashPerSecond(1, unit)).toBe(expected)
  })

  it('accepts exponent notation as upstream does ("1.0e14" H/s → 100 TH/s)', () => {
    expect(toTerahashPerSecond('1.0e14', 'H/s')).toBe(100)
    expect(toTerahashPerSecond('2.5e13', 'H/s')).toBe(25)
  })

  it.each([
    ['', 'H/s'],
    ['   ', 'H/s'],
    ['-5', 'TH/s'],
    ['12abc', 'TH/s'],
    [null, 'TH/s'],
    [{}, 'TH/s'],
    [Number.NaN, 'TH/s'],
    [Number.POSITIVE_INFINITY, 'TH/s'],
    ['1e999', 'TH/s'],
    [5, 'W'],
    [5, ''],
    [5, null],
    [5, 'ZH/s'],
  ])('answers null for %j in %j', (value, unit) => {
    expect(toTerahashPerSecond(value, unit)).toBeNull()
  })

  it('parses unit spellings case-insensitively and rejects others', () => {
    expect(parseHashrateUnit('Gh/s')).toBe('g')
    expect(parseHashrateUnit('EH/S')).toBe('e')
    expect(parseHashrateUnit('hashes')).toBeNull()
  })
})

describe('btcToSats', () => {
  it.each([
    ['0.00012345', 12345], // Braiins current_balance in upstream's tests
    ['0.00412345', 412345], // Ocean unpaid in the reference example
    ['0.14294639', 14294639], // live Ocean estimated_total_earn_next_block
    ['0.00000001', 1],
    ['1e-8', 1],
    ['1E-8', 1],
    ['0.000166667', 16667], // 9 decimals (Braiins today_reward sample): 16666.7 sats
    ['0.000000009', 1], // 0.9 sat rounds up
    ['0.000000005', 0], // half to even
    ['0.000000015', 2], // half to even
    ['0.0000000009', 0],
    [' 0.5 ', 50_000_000],
    ['21000000', 2_100_000_000_000_000],
    ['0', 0],
    ['-0', 0],
    ['.5', 50_000_000],
    ['5.', 500_000_000],
  ])('reads %j BTC as %d sats', (input, expected) => {
    expect(btcToSats(input)).toBe(expected)
  })

  it('reads numbers through their shortest decimal form, free of binary error', () => {
    expect(btcToSats(0.5)).toBe(50_000_000)
    expect(btcToSats(0.1 + 0.2)).toBe(30_000_000)
    expect(btcToSats(0.00023456)).toBe(23456)
    expect(btcToSats(1e-8)).toBe(1)
  })

  it.each([
    [''],
    ['   '],
    ['-0.1'],
    ['abc'],
    ['1.2.3'],
    ['0x10'],
    ['Infinity'],
    ['.'],
    ['1e'],
    ['12345678901234567890'], // 20 digits: beyond safe integer sats
    ['1e100'],
    [null],
    [undefined],
    [{}],
    [[]],
    [true],
    [Number.NaN],
    [-1],
  ])('answers null for %j', (input) => {
    expect(btcToSats(input)).toBeNull()
  })

  it('formats sats back to an 8-decimal BTC string', () => {
    expect(satsToBtc(412345)).toBe('0.00412345')
    expect(satsToBtc(150_000_000)).toBe('1.50000000')
    expect(satsToBtc(0)).toBe('0.00000000')
    expect(() => satsToBtc(0.5)).toThrow(RangeError)
  })
})

describe('parseTimestamp', () => {
  const originalTz = process.env.TZ
  afterEach(() => {
    process.env.TZ = originalTz
  })

  it('reads unix seconds as numbers and strings', () => {
    expect(parseTimestamp(1700000000)).toBe('2023-11-14T22:13:20.000Z') // upstream's test value
    expect(parseTimestamp('1787271723')).toBe('2026-08-21T00:22:03.000Z') // live lastest_share_ts
    expect(parseTimestamp(1788000000.5)).toBe('2026-08-29T10:40:00.500Z')
  })

  it('reads zone-less ISO as UTC whatever the process time zone', () => {
    process.env.TZ = 'America/New_York'
    expect(parseTimestamp('2026-08-20T23:11:03')).toBe('2026-08-20T23:11:03.000Z')
    expect(parseTimestamp('2026-04-18T10:54:28.021400')).toBe('2026-04-18T10:54:28.021Z')
    expect(parseTimestamp('2026-08-20 23:11')).toBe('2026-08-20T23:11:00.000Z')
  })

  it('applies explicit zones', () => {
    expect(parseTimestamp('2026-08-20T23:11:03Z')).toBe('2026-08-20T23:11:03.000Z')
    expect(parseTimestamp('2026-08-20T23:11:03+02:00')).toBe('2026-08-20T21:11:03.000Z')
    expect(parseTimestamp('2026-08-20T23:11:03-0530')).toBe('2026-08-21T04:41:03.000Z')
  })

  it('reads YYYY-MM-DD as midnight UTC', () => {
    expect(parseTimestamp('2026-01-10')).toBe('2026-01-10T00:00:00.000Z')
  })

  it('passes valid Dates through', () => {
    expect(parseTimestamp(new Date(Date.UTC(2026, 0, 1)))).toBe('2026-01-01T00:00:00.000Z')
  })

  it.each([
    [''],
    ['  '],
    ['garbage'],
    ['2026-02-30'],
    ['2026-13-01'],
    ['2026-08-20T24:00:00'],
    ['2026-08-20T23:11:03+25:00'],
    ['1e3'],
    [-5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [99999999999999],
    [null],
    [{}],
    [new Date('nope')],
  ])('answers null for %j', (input) => {
    expect(parseTimestamp(input)).toBeNull()
  })

  it('measures whole seconds between two instants', () => {
    expect(secondsBetween('2026-08-20T23:11:03Z', '2026-08-20T23:12:04.900Z')).toBe(61)
    expect(secondsBetween('2026-08-20T23:12:00Z', '2026-08-20T23:11:00Z')).toBe(0)
    expect(secondsBetween('nope', '2026-08-20T23:11:00Z')).toBeNull()
  })
})

describe('parseDecimalNumber and parseCount', () => {
  it('reads numeric strings and rejects junk', () => {
    expect(parseDecimalNumber('64621117440')).toBe(64621117440)
    expect(parseDecimalNumber('-2.5')).toBe(-2.5)
    expect(parseDecimalNumber('x')).toBeNull()
    expect(parseCount('2866')).toBe(2866)
    expect(parseCount(2866)).toBe(2866)
    expect(parseCount('1.5')).toBeNull()
    expect(parseCount('-1')).toBeNull()
    expect(parseCount('99999999999999999999')).toBeNull()
  })
})
