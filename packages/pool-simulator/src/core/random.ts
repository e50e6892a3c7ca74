// Stateless, seeded noise: every value is a pure function of (seed, stream, index), so the model
// can be evaluated at any fake time in any order and still give the same answer.

function mix32(value: number): number {
  let x = value | 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

/** 32-bit FNV-1a of a string, to turn names (workers, streams) into numbers. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  }
  return hash >>> 0
}

/** A uniform number in [0, 1) determined by the seed and the keys. */
export function unitNoise(seed: number, ...keys: Array<number | string>): number {
  let state = mix32(seed ^ 0x9e3779b9)
  for (const key of keys) {
    const part = typeof key === 'string' ? hashString(key) : key
    // Split large integers (minute or block indexes) so no bits are lost to `| 0`.
    state = mix32(state ^ mix32(part % 0x1_0000_0000))
    state = mix32(state ^ Math.floor(part / 0x1_0000_0000))
  }
  return state / 0x1_0000_0000
}

/** A number in [-1, 1) determined by the seed and the keys. */
export function signedNoise(seed: number, ...keys: Array<number | string>): number {
  return unitNoise(seed, ...keys) * 2 - 1
}

/** `length` deterministic lower-case hex digits (block hashes, txids). */
export function hexDigits(seed: number, length: number, ...keys: Array<number | string>): string {
  let out = ''
  for (let i = 0; out.length < length; i++) {
    out += Math.floor(unitNoise(seed, ...keys, i) * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0')
  }
  return out.slice(0, length)
}
