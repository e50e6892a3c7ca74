/**
 * Seeded randomness for the made-up adapters. Two flavours: a stream (`seededRandom`) for
 * events such as commands, and values that are a pure function of (seed, time) (`valueNoise`)
 * for readings, so the same instant always reads the same however often it is read.
 */

/** mulberry32: a tiny seeded PRNG, enough for reproducible demo values. Answers [0, 1). */
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

/** FNV-1a of a text: a stable 32-bit seed from an entity id. */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193)
  }
  return hash >>> 0
}

/** A value in [0, 1) fixed by (seed, key): the first draw of a stream keyed by both. */
export function randomAt(seed: number, key: number): number {
  return seededRandom(seed ^ Math.imul(key | 0, 0x9e3779b1))()
}

/** Smoothstep, so value noise has no kinks at the knots. */
function smooth(fraction: number): number {
  return fraction * fraction * (3 - 2 * fraction)
}

/**
 * Value noise in [0, 1): random values at knots every `knotMs` of time, smoothly interpolated
 * between them. A pure function of (seed, instant), continuous in time.
 */
export function valueNoise(seed: number, instantMs: number, knotMs: number): number {
  const position = instantMs / knotMs
  const knot = Math.floor(position)
  const before = randomAt(seed, knot)
  const after = randomAt(seed, knot + 1)
  return before + (after - before) * smooth(position - knot)
}

/** An independent noise channel of the same seed (power, hash rate, temperature…). */
export function channel(seed: number, name: string): number {
  return (seed ^ seedFromText(name)) >>> 0
}
