import { DeviceError, type Logger, type Platform } from '@edge-mining/domain'
import * as v from 'valibot'

/**
 * What device adapters (miners and plugs on the LAN) share: one request with a whole-request
 * timeout on the injected platform's clock and fetch, transport failures mapped to
 * DeviceError('unreachable'), HTTP statuses mapped to codes, and JSON validation that names
 * the field. Messages name the device and the endpoint, never a URL query (Tasmota carries its
 * password there) nor a header (tokens, digest responses).
 */

export interface DeviceHttpOptions {
  /** How messages name the device: "Braiins OS at http://10.0.0.5". */
  device: string
  /** `http://host[:port]`, no trailing slash. */
  baseUrl: string
  platform: Pick<Platform, 'fetch' | 'setTimeout' | 'clearTimeout' | 'now'>
  /** Whole request, body included, in the platform's ms. */
  timeoutMs: number
  /** Told each request's method, path (no query) and status, at debug level. */
  logger?: Logger
}

export interface DeviceRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH'
  /** Path below the base URL, starting with `/`; may carry a query already. */
  path: string
  /** Query parameters, encoded with encodeURIComponent (spaces as %20, as devices expect). */
  query?: Record<string, string>
  headers?: Record<string, string>
  /** Sent as JSON when given. */
  json?: unknown
  /** What messages call the request: "miner stats", "Switch.GetStatus". */
  what: string
}

export interface DeviceResponse {
  status: number
  headers: Headers
  text: string
  /** The path and query as sent (for digest auth's `uri`); never put it in a message. */
  uri: string
}

export interface DeviceHttp {
  readonly device: string
  request(request: DeviceRequest): Promise<DeviceResponse>
}

/** A system error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …) found on the error or its causes. */
export function networkCodeOf(error: unknown): string | undefined {
  let current = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code } = current as { code?: unknown }
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
  ETIMEDOUT: 'connection timed out',
}

/** Why a request got no answer, in words: "connection refused", "host not found"… */
export function networkFailureWords(error: unknown): string {
  const code = networkCodeOf(error)
  return (code && NETWORK_WORDS[code]) ?? code ?? 'network error'
}

/** `{a: 'b c'}` → `a=b%20c` (URLSearchParams would write `b+c`, which not every device reads). */
export function encodeQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

export function createDeviceHttp(options: DeviceHttpOptions): DeviceHttp {
  const { platform, device } = options
  return {
    device,
    async request(request) {
      const method = request.method ?? 'GET'
      const query = request.query ? encodeQuery(request.query) : ''
      const uri =
        query === ''
          ? request.path
          : `${request.path}${request.path.includes('?') ? '&' : '?'}${query}`
      const controller = new AbortController()
      let timedOut = false
      const timer = platform.setTimeout(() => {
        timedOut = true
        controller.abort()
      }, options.timeoutMs)
      try {
        const response = await platform.fetch(`${options.baseUrl}${uri}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(request.json === undefined ? {} : { 'content-type': 'application/json' }),
            ...request.headers,
          },
          ...(request.json === undefined ? {} : { body: JSON.stringify(request.json) }),
          redirect: 'manual',
          signal: controller.signal,
        })
        const text = await response.text()
        options.logger?.debug(`${device} ${method} ${request.path} → HTTP ${response.status}`)
        return { status: response.status, headers: response.headers, text, uri }
      } catch (error) {
        // The fetch error is dropped on purpose: it may quote the URL, query and all.
        if (timedOut) {
          throw new DeviceError(
            'unreachable',
            `${device} did not answer ${request.what} within ${seconds(options.timeoutMs)}`,
          )
        }
        throw new DeviceError(
          'unreachable',
          `${device} is unreachable for ${request.what} (${networkFailureWords(error)})`,
        )
      } finally {
        platform.clearTimeout(timer)
      }
    },
  }
}

/** Retry-After in seconds (delta or HTTP-date), or null. */
export function retryAfterSeconds(headers: Headers, nowMs: number): number | null {
  const value = headers.get('retry-after')?.trim()
  if (!value) return null
  if (/^\d+$/.test(value)) return Number(value)
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, (at - nowMs) / 1000) : null
}

/**
 * The DeviceError for a status the adapter has no better reading of: 401/403 auth_failed,
 * 429 rate_limited (with Retry-After), 5xx unreachable, anything else bad_response.
 */
export function deviceErrorForStatus(
  response: Pick<DeviceResponse, 'status' | 'headers'>,
  context: { device: string; what: string; nowMs: number },
): DeviceError {
  const { status } = response
  const where = `${context.device} answered HTTP ${status} for ${context.what}`
  if (status === 401 || status === 403) return new DeviceError('auth_failed', where)
  if (status === 429) {
    return new DeviceError('rate_limited', `${where} (too many requests)`, {
      retry_after_seconds: retryAfterSeconds(response.headers, context.nowMs),
    })
  }
  if (status >= 500) return new DeviceError('unreachable', `${where} (device error)`)
  return new DeviceError('bad_response', where)
}

/** The body as JSON, or DeviceError('bad_response') saying it is not. */
export function parseJsonText(text: string, context: { device: string; what: string }): unknown {
  try {
    return JSON.parse(text)
  } catch {
    const shown = text.trim().slice(0, 40)
    throw new DeviceError(
      'bad_response',
      `${context.device} answered ${context.what} with something that is not JSON${shown ? ` (${JSON.stringify(shown)}…)` : ' (empty body)'}`,
    )
  }
}

/** Validates a device body; a mismatch names the endpoint and the field, never a NaN later. */
export function parseDeviceBody<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  body: unknown,
  context: { device: string; what: string },
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, body)
  if (result.success) return result.output
  const [issue] = result.issues
  const path = v.getDotPath(issue) ?? '(body)'
  throw new DeviceError(
    'bad_response',
    `${context.device} answered ${context.what} with an unexpected shape at ${path}: ${issue.message}`,
  )
}

/**
 * The reads of one cycle share one request: a GET asked for while the same GET is in flight
 * joins it. Nothing is kept once it settled (device state is never cached across cycles).
 */
export function createInFlight() {
  const pending = new Map<string, Promise<unknown>>()
  return function join<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = pending.get(key)
    if (running) return running as Promise<T>
    const started = work().finally(() => pending.delete(key))
    pending.set(key, started)
    return started
  }
}
