import {
  isEdgeMiningError,
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
} from '@edge-mining/domain'

/** What the HTTP client and the cache throw, read structurally (adapters depend on no class). */
interface HttpLikeError {
  name?: unknown
  message?: unknown
  status?: unknown
  retryAfterMs?: unknown
  reason?: unknown
}

function isHttpLike(error: unknown): error is Error & HttpLikeError {
  if (!(error instanceof Error)) return false
  const { status, reason, name } = error as HttpLikeError
  return (
    typeof status === 'number' ||
    reason === 'timeout' ||
    reason === 'network' ||
    reason === 'server' ||
    name === 'RateLimitedError' ||
    name === 'HttpUnreachableError' ||
    name === 'HttpResponseError' ||
    name === 'HttpAuthError'
  )
}

/**
 * Maps what the HTTP client and the cache throw to the domain's pool errors; domain errors and
 * anything unrecognised (a programming error must stay visible) pass through unchanged.
 * `pool` names the pool in messages ("Ocean", "Braiins Pool").
 */
export function toPoolError(error: unknown, pool: string): unknown {
  if (isEdgeMiningError(error) || !isHttpLike(error)) return error
  const status = typeof error.status === 'number' ? error.status : undefined
  const detail = String(error.message)
  if (status === 429 || error.name === 'RateLimitedError') {
    const waitMs = typeof error.retryAfterMs === 'number' ? error.retryAfterMs : null
    return new MiningPoolRateLimitedError(`${pool} rate-limited: ${detail}`, {
      retry_after_seconds: waitMs === null ? null : waitMs / 1000,
      cause: error,
    })
  }
  if (status === 401 || status === 403) {
    return new MiningPoolAuthError(`${pool} rejected the credentials (HTTP ${status})`, {
      cause: error,
    })
  }
  if (
    (status !== undefined && status >= 500) ||
    error.reason === 'timeout' ||
    error.reason === 'network' ||
    error.name === 'HttpUnreachableError'
  ) {
    return new MiningPoolUnreachableError(`${pool} unreachable: ${detail}`, { cause: error })
  }
  return new MiningPoolResponseError(`${pool} returned an invalid response: ${detail}`, {
    cause: error,
  })
}
