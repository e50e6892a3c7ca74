/**
 * Domain errors. Each carries a stable `code` that the API, the CLI and the snapshot's
 * `errors` list expose, so callers branch on codes, never on message text.
 */
export type ErrorCode =
  | 'rate_limited'
  | 'auth_failed'
  | 'unreachable'
  | 'bad_response'
  | 'not_found'
  | 'invalid_config'
  | 'invalid_value'

export abstract class EdgeMiningError extends Error {
  abstract readonly code: ErrorCode

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The pool throttled us (HTTP 429 or an open cool-down). */
export class MiningPoolRateLimitedError extends EdgeMiningError {
  readonly code = 'rate_limited'
  /** Seconds until the pool may be asked again; null when the pool did not say. */
  readonly retry_after_seconds: number | null

  constructor(
    message: string,
    options: { retry_after_seconds?: number | null | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    const seconds = options.retry_after_seconds
    this.retry_after_seconds =
      typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
        ? Math.ceil(seconds)
        : null
  }
}

/** The pool rejected our credentials (HTTP 401/403). Never retried. */
export class MiningPoolAuthError extends EdgeMiningError {
  readonly code = 'auth_failed'
}

/** Timeout, network error or HTTP 5xx. */
export class MiningPoolUnreachableError extends EdgeMiningError {
  readonly code = 'unreachable'
}

/** The pool answered with something we cannot use: error envelope, non-JSON, wrong shape. */
export class MiningPoolResponseError extends EdgeMiningError {
  readonly code = 'bad_response'
}

export class TrackerNotFoundError extends EdgeMiningError {
  readonly code = 'not_found'
  readonly tracker_id: string

  constructor(trackerId: string) {
    super(`Mining performance tracker not found: ${trackerId}`)
    this.tracker_id = trackerId
  }
}

/** A tracker configuration is invalid; `field` names the offending config key. */
export class TrackerConfigurationError extends EdgeMiningError {
  readonly code = 'invalid_config'
  readonly field: string | null

  constructor(message: string, options: { field?: string | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.field = options.field ?? null
  }
}

/** A value handed to a domain constructor is unusable; `field` names it. */
export class InvalidValueError extends EdgeMiningError {
  readonly code = 'invalid_value'
  readonly field: string

  constructor(field: string, value: unknown, expected: string) {
    super(`${field}: expected ${expected}, got ${describeValue(value)}`)
    this.field = field
  }
}

/** A short, printable rendering of an offending value (bounded, never throws). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
    return JSON.stringify(shown)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

export function isEdgeMiningError(error: unknown): error is EdgeMiningError {
  return error instanceof EdgeMiningError
}
