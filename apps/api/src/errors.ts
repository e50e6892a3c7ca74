import {
  InvalidValueError,
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { StorageError } from '@edge-mining/storage'
import { HTTPException } from 'hono/http-exception'
import { ApiError } from './http'

export interface HttpFailure {
  status: number
  detail: string
  headers: Record<string, string>
  /** True for failures the server did not expect (answered 500 and logged as errors). */
  unexpected: boolean
}

const failure = (status: number, detail: string, headers: Record<string, string> = {}) => ({
  status,
  detail,
  headers,
  unexpected: false,
})

/**
 * Upstream's error map (reference §6.2), extended to every domain error: a domain error never
 * becomes a 500. Details name the field; secrets are scrubbed by the caller.
 */
export function toHttpFailure(error: unknown): HttpFailure {
  if (error instanceof ApiError) return failure(error.status, error.message, error.headers)
  if (error instanceof TrackerNotFoundError) {
    return failure(404, 'Mining performance tracker not found')
  }
  if (error instanceof TrackerConfigurationError) {
    // An unknown adapter type is a bad enum value (upstream: 422); a bad config is a 400.
    return failure(error.field === 'adapter_type' ? 422 : 400, error.message)
  }
  if (error instanceof InvalidValueError) return failure(422, error.message)
  if (error instanceof MiningPoolRateLimitedError) {
    const seconds = error.retry_after_seconds
    return failure(
      429,
      `Pool rate-limited: ${error.message}`,
      seconds !== null ? { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) } : {},
    )
  }
  if (error instanceof MiningPoolAuthError) {
    return failure(401, `Pool authentication failed: ${error.message}`)
  }
  if (error instanceof MiningPoolUnreachableError) {
    return failure(503, `Pool unreachable: ${error.message}`)
  }
  if (error instanceof MiningPoolResponseError) {
    return failure(502, `Pool returned invalid response: ${error.message}`)
  }
  if (error instanceof StorageError) {
    if (error.code === 'already_exists')
      return failure(409, 'Mining performance tracker already exists')
    // Busy or read-only database: the request may succeed later. Messages hold no stored values.
    const status = error.code === 'busy' ? 503 : 500
    return { ...failure(status, `Storage error (${error.code})`), unexpected: status === 500 }
  }
  if (error instanceof HTTPException) {
    // Hono's own: malformed JSON (400), body too large (413).
    return failure(error.status, error.message || 'Bad request')
  }
  return { status: 500, detail: 'Internal server error', headers: {}, unexpected: true }
}
