import { describe, expect, it } from 'vitest'
import { randomAt, seededRandom, seedFromText, valueNoise } from './random'

describe('seededRandom', () => {
  it('repeats its stream for one seed and differs for another', () => {
    const first = seededRandom(42)
    const second = seededRandom(42)
    const a = [first(), first(), first()]
    expect([second(), second(), second()]).toEqual(a)
    expect(seededRandom(43)()).not.toBe(a[0])
    expect(a.every((value) => value >= 0 && value < 1)).toBe(true)
  })
})

describe('seedFromText', () => {
  it('is 32-bit FNV-1a', () => {
    // Published FNV-1a test vectors.
    expect(seedFromText('')).toBe(0x811c9dc5)
    expect(seedFromText('a')).toBe(0xe40c292c)
  })
})

describe('valueNoise', () => {
  const knot = 600_000

  it('passes through the knot values and stays between neighbours in between', () => {
    expect(valueNoise(7, 3 * knot, knot)).toBe(randomAt(7, 3))
    expect(valueNoise(7, 4 * knot, knot)).toBe(randomAt(7, 4))
    const middle = valueNoise(7, 3.5 * knot, knot)
    // Smoothstep at one half is one half: the midpoint is the mean of the two knots.
    expect(middle).toBeCloseTo((randomAt(7, 3) + randomAt(7, 4)) / 2, 12)
  })

  it('is a pure function of (seed, instant)', () => {
    const instant = Date.UTC(2026, 5, 21, 10, 17)
    expect(valueNoise(1, instant, knot)).toBe(valueNoise(1, instant, knot))
    expect(valueNoise(1, instant, knot)).not.toBe(valueNoise(2, instant, knot))
  })
})
