/**
 * Errors raised by the HTTP client and the cache. They carry what a caller needs to branch on
 * (`status`, `reason`, `retryAfterMs`, `body`) and a message naming the method, the URL path and
 * the status. Names are set explicitly so they survive bundling (callers may match on `name`). They never hold request headers, the query string or the underlying fetch error
 * (whose `options` would expose the headers, where tokens live).
 */

export interface HttpErrorDetails {
  /** HTTP status of the response; undefined when no response arrived. */
  readonly status?: number | undefined
  /** Error body: parsed JSON when the body is JSON, else its text truncated to ~200 chars. */
  readonly body?: unknown
  /** Request method, e.g. `GET`. */
  readonly method?: string | undefined
  /** URL path of the request (never the query string). */
  readonly path?: string | undefined
  readonly cause?: unknown
}

/** Base class of every error this package throws for an HTTP exchange. */
export class HttpError extends Error {
  readonly status: number | undefined
  readonly body: unknown
  readonly method: string | undefined
  readonly path: string | undefined

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'HttpError'
    this.status = details.status
    this.body = details.body
    this.method = details.method
    this.path = details.path
  }
}

/**
 * HTTP 429, or a call refused because its scope is cooling down after a 429.
 * `retryAfterMs` is how long to wait before asking again, when known.
 */
export class RateLimitedError extends HttpError {
  declare readonly status: 429
  readonly retryAfterMs: number | undefined

  constructor(
    message: string,
    details: Omit<HttpErrorDetails, 'status'> & { retryAfterMs?: number | undefined } = {},
  ) {
    super(message, { ...details, status: 429 })
    this.name = 'RateLimitedError'
    this.retryAfterMs = details.retryAfterMs
  }
}

/** HTTP 401 or 403: the server rejected the credentials. */
export class HttpAuthError extends HttpError {
  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, details)
    this.name = 'HttpAuthError'
  }
}

export type UnreachableReason = 'server' | 'timeout' | 'network'

/** HTTP 5xx (`server`), a timeout (`timeout`), or DNS / refused / reset connections (`network`). */
export class HttpUnreachableError extends HttpError {
  readonly reason: UnreachableReason
  /** The system error code of a network failure, e.g. `ECONNREFUSED`, when known. */
  readonly code: string | undefined

  constructor(
    message: string,
    details: HttpErrorDetails & { reason: UnreachableReason; code?: string | undefined },
  ) {
    super(message, details)
    this.name = 'HttpUnreachableError'
    this.reason = details.reason
    this.code = details.code
  }
}

/** A 2xx whose body is not JSON, or any 4xx other than 401, 403 and 429 (or another status). */
export class HttpResponseError extends HttpError {
  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, details)
    this.name = 'HttpResponseError'
  }
}

/** What a fetcher threw, as an Error: a thrown string or object becomes an Error with a cause. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown
  const description =
    typeof thrown === 'string' ? JSON.stringify(thrown.slice(0, 100)) : typeof thrown
  return new Error(`Fetcher threw a non-Error value (${description})`, { cause: thrown })
}
