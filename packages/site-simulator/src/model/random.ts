/**
 * Seeded randomness only. Every random quantity of the model is a pure function of (seed,
 * channel, time or index), so a site evaluated at the same instants always gives the same
 * numbers, however often and in whatever order it is observed.
 */

/** mulberry32: a tiny seeded PRNG. Answers [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** FNV-1a of a text: a stable 32-bit number from a name. */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193)
  }
  return hash >>> 0
}

/** An independent stream of the same seed (clouds, house, appliances…). */
export function channel(seed: number, name: string): number {
  return (seed ^ seedFromText(name)) >>> 0
}

/** A value in [0, 1) fixed by (seed, key). Keys may be large integers (minute indexes). */
export function randomAt(seed: number, key: number): number {
  const low = key % 0x1_0000_0000
  const high = Math.floor(key / 0x1_0000_0000)
  return seededRandom(seed ^ Math.imul(low | 0, 0x9e3779b1) ^ Math.imul(high | 0, 0x85ebca6b))()
}

function smooth(fraction: number): number {
  return fraction * fraction * (3 - 2 * fraction)
}

/**
 * Value noise in [0, 1): random values at knots every `knotMs`, smoothly interpolated. A pure
 * function of (seed, instant), continuous in time.
 */
export function valueNoise(seed: number, instantMs: number, knotMs: number): number {
  const position = instantMs / knotMs
  const knot = Math.floor(position)
  const before = randomAt(seed, knot)
  const after = randomAt(seed, knot + 1)
  return before + (after - before) * smooth(position - knot)
}

/** 0 below `from`, 1 above `to`, smooth in between. */
export function smoothEdge(value: number, from: number, to: number): number {
  if (value <= from) return 0
  if (value >= to) return 1
  return smooth((value - from) / (to - from))
}
