import {
  ConfigurationError,
  DeviceError,
  EntityNotFoundError,
  isEdgeMiningError,
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
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

const retryAfter = (seconds: number | null): Record<string, string> =>
  seconds !== null ? { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) } : {}

/** A storage failure, recognised by name and code (apps do not import the storage package). */
function storageCode(error: unknown): string | null {
  if (!(error instanceof Error) || error.name !== 'StorageError') return null
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : 'io'
}

/**
 * Upstream's error map (upstream-behaviour.md §6.2), extended to every domain error by its
 * code: a domain error never becomes a 500. Details name the field; secrets are scrubbed by
 * the caller.
 */
export function toHttpFailure(error: unknown): HttpFailure {
  if (error instanceof ApiError) return failure(error.status, error.message, error.headers)
  if (error instanceof TrackerNotFoundError) {
    return failure(404, 'Mining performance tracker not found')
  }
  if (error instanceof EntityNotFoundError) return failure(404, error.message)
  if (error instanceof ConfigurationError) {
    // An unknown adapter type is a bad enum value (upstream: 422); a bad config is a 400.
    return failure(error.field === 'adapter_type' ? 422 : 400, error.message)
  }
  if (error instanceof MiningPoolRateLimitedError) {
    return failure(
      429,
      `Pool rate-limited: ${error.message}`,
      retryAfter(error.retry_after_seconds),
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
  if (error instanceof DeviceError) {
    switch (error.code) {
      case 'rate_limited':
        return failure(
          429,
          `Device rate-limited: ${error.message}`,
          retryAfter(error.retry_after_seconds),
        )
      case 'auth_failed':
        // 502, not 401: the device refused our credentials; the API client's token is fine.
        return failure(502, `Device authentication failed: ${error.message}`)
      case 'unreachable':
        return failure(503, `Device unreachable: ${error.message}`)
      default:
        return failure(502, `Device returned an invalid response: ${error.message}`)
    }
  }
  if (isEdgeMiningError(error)) {
    switch (error.code) {
      case 'invalid_value':
        return failure(422, error.message)
      case 'conflict':
      case 'unsupported':
      case 'not_active':
        return failure(409, error.message)
      default:
        return failure(400, error.message)
    }
  }
  const storage = storageCode(error)
  if (storage !== null) {
    if (storage === 'already_exists') return failure(409, 'Already exists')
    // Busy or read-only database: the request may succeed later. Messages hold no stored values.
    const status = storage === 'busy' ? 503 : 500
    return { ...failure(status, `Storage error (${storage})`), unexpected: status === 500 }
  }
  if (error instanceof HTTPException) {
    // Hono's own: malformed JSON (400), body too large (413).
    return failure(error.status, error.message || 'Bad request')
  }
  return { status: 500, detail: 'Internal server error', headers: {}, unexpected: true }
}
