import type { Freshness } from '@edge-mining/domain'
import type { Context } from 'hono'

/**
 * Collects how fresh the pool data behind one response is, and says so in headers:
 * `X-Edge-Mining-Stale: true|false`, and when known `X-Edge-Mining-Data-Age: <s>` and `Age: <s>`.
 */
export function createFreshnessRecorder() {
  let stale = false
  let ageSeconds: number | null = null
  return {
    onFreshness(freshness: Freshness) {
      stale ||= freshness.stale
      ageSeconds = Math.max(ageSeconds ?? 0, Math.max(0, Math.round(freshness.age_seconds)))
    },
    record(stalePart: boolean, age: number | null) {
      stale ||= stalePart
      if (age !== null) ageSeconds = Math.max(ageSeconds ?? 0, Math.max(0, Math.round(age)))
    },
    apply(c: Context) {
      c.header('X-Edge-Mining-Stale', stale ? 'true' : 'false')
      if (ageSeconds !== null) {
        c.header('X-Edge-Mining-Data-Age', String(ageSeconds))
        c.header('Age', String(ageSeconds))
      }
    },
  }
}
