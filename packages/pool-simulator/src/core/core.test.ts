import { describe, expect, it } from 'vitest'
import { parseEarnpayTime } from '../ocean/simulator.ts'
import { createFaultBook } from './faults.ts'
import { formatDecimal, naiveUtcIso, satsToBtc } from './format.ts'

describe('fixed-point formatting', () => {
  it('formats sats as 8-decimal BTC and 1e-9 units as 9 decimals, exactly', () => {
    expect(satsToBtc(412_345)).toBe('0.00412345')
    expect(satsToBtc(313_312_160)).toBe('3.13312160')
    expect(formatDecimal(166_667, 9)).toBe('0.000166667')
    expect(satsToBtc(0)).toBe('0.00000000')
    expect(() => formatDecimal(Number.NaN, 8)).toThrow(RangeError)
  })

  it('prints naive UTC ISO without a zone, as Ocean earnpay does', () => {
    expect(naiveUtcIso(Date.UTC(2026, 7, 20, 23, 11, 3) / 1000)).toBe('2026-08-20T23:11:03')
  })
})

describe('earnpay bounds', () => {
  it('accepts unix seconds, YYYY-MM-DD and YYYY-MM-DDTHH:MM:SS (UTC); rejects the rest', () => {
    expect(parseEarnpayTime('1786666988')).toBe(1_786_666_988)
    expect(parseEarnpayTime('2026-08-01')).toBe(Date.UTC(2026, 7, 1) / 1000)
    expect(parseEarnpayTime('2026-08-01T06:04:11')).toBe(Date.UTC(2026, 7, 1, 6, 4, 11) / 1000)
    for (const bad of ['2026-02-30', '2026-08-01T25:00:00', 'yesterday', '2026-8-1', '']) {
      expect(parseEarnpayTime(bad)).toBeNull()
    }
  })
})

describe('fault book', () => {
  it('applies the first matching rule with uses left, counting down `times`', () => {
    const book = createFaultBook<'a' | 'b'>([
      { endpoint: 'a', times: 2, fault: { kind: 'hang' } },
      { endpoint: ['a', 'b'], times: 1, fault: { kind: 'empty_body' } },
    ])
    expect(book.take('b')?.kind).toBe('empty_body')
    expect(book.take('b')).toBeNull()
    expect(book.take('a')?.kind).toBe('hang')
    expect(book.take('a')?.kind).toBe('hang')
    expect(book.take('a')).toBeNull()
    book.add({ fault: { kind: 'slow', delayMs: 10 } })
    expect(book.take('b')?.kind).toBe('slow')
    expect(book.pending()).toHaveLength(1)
  })
})
