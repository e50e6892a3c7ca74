import { describe, expect, it } from 'vitest'
import { clearSkyFraction, cloudFactor, pvEnergy, type SolarModel } from './solar-model'

const rome = { latitude: 41.9028, longitude: 12.4964 }
const model = (cloudiness: number, seed = 1): SolarModel => ({
  peakPower: 5000,
  site: rome,
  seed,
  cloudiness,
})

describe('clear-sky model', () => {
  it('follows sin(elevation): 0.9485 at the June solstice noon in Rome, 0 at night', () => {
    // sin 41.9° sin 23.44° + cos 41.9° cos 23.44° = 0.2656 + 0.6829.
    expect(clearSkyFraction(Date.parse('2026-06-21T11:11:00Z'), rome)).toBeCloseTo(0.9485, 3)
    expect(clearSkyFraction(Date.parse('2026-06-21T23:00:00Z'), rome)).toBe(0)
  })

  it('integrates a clear June day in Rome to peak × 8.80 h', () => {
    // ∫ max(0, a + b cos H) over a day, a = 0.2656, b = 0.6829: the sun is up while
    // cos H > −a/b, |H| < 112.9° = 1.970 rad; 2(a·1.970 + b·sin 112.9°) = 2.305 rad = 8.804 h.
    const midnight = Date.parse('2026-06-20T22:00:00Z')
    const energy = pvEnergy(model(0), midnight, midnight + 86_400_000, 'actual')
    expect(energy / 5000).toBeGreaterThan(8.804 * 0.99)
    expect(energy / 5000).toBeLessThan(8.804 * 1.01)
  })
})

describe('clouds', () => {
  it('take at most `cloudiness` of the power and nothing when it is 0', () => {
    const start = Date.parse('2026-06-21T00:00:00Z')
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const instant = start + minute * 60_000
      const factor = cloudFactor(model(0.4), instant, 'actual')
      expect(factor).toBeGreaterThanOrEqual(0.6)
      expect(factor).toBeLessThanOrEqual(1)
      expect(cloudFactor(model(0), instant, 'actual')).toBe(1)
    }
  })

  it("give the forecast the weather without the passing clouds' detail", () => {
    // Same seed: the expected factor lies within half the cloudiness of the actual one.
    const start = Date.parse('2026-06-21T00:00:00Z')
    for (let minute = 0; minute < 24 * 60; minute += 11) {
      const instant = start + minute * 60_000
      const actual = cloudFactor(model(0.8, 9), instant, 'actual')
      const expected = cloudFactor(model(0.8, 9), instant, 'expected')
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(0.8 * 0.25 + 1e-12)
    }
  })
})
