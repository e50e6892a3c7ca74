import type { Freshness } from '@edge-mining/domain'

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
    /**
     * The JSON answer with these headers. The headers go as a plain record: @hono/node-server
     * writes one as it is, while Hono's `c.header` builds a Headers object, which costs more
     * to build and to write than a small body.
     */
    json(body: unknown): Response {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-edge-mining-stale': stale ? 'true' : 'false',
      }
      if (ageSeconds !== null) {
        headers['x-edge-mining-data-age'] = String(ageSeconds)
        headers.age = String(ageSeconds)
      }
      return new Response(JSON.stringify(body), { status: 200, headers })
    },
  }
}
