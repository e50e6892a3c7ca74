/**
 * The Home Assistant REST client (control-apis.md §1.1): one per `home_assistant_api` external
 * service, shared by every adapter linked to it. Upstream connected once and, after a failed
 * connect, stayed dead until a restart (trap T12), and its library cached every GET for 300 s.
 * Here nothing is cached: every read asks HA (identical reads in flight share one request), a
 * failure puts the client in a back-off during which calls fail at once with the same error,
 * and the first call after it tries HA again — so the client reconnects by itself.
 */
import { inspect } from 'node:util'
import { networkFailureWords } from '@edge-mining/adapter-kit'
import {
  DeviceError,
  type ExternalServicePort,
  type ExternalServiceStatus,
  type Logger,
  type Platform,
} from '@edge-mining/domain'
import { createFetch } from 'ofetch'
import * as v from 'valibot'

/** A state object as HA serialises it (`State.as_dict`); unknown keys are kept. */
export const HaStateSchema = v.looseObject({
  entity_id: v.string(),
  state: v.string(),
  attributes: v.record(v.string(), v.unknown()),
  last_changed: v.optional(v.string()),
  last_updated: v.optional(v.string()),
  last_reported: v.optional(v.string()),
})
export type HaState = v.InferOutput<typeof HaStateSchema>

const HaConfigSchema = v.looseObject({
  version: v.string(),
  location_name: v.optional(v.string()),
  time_zone: v.optional(v.string()),
})
export type HaConfig = v.InferOutput<typeof HaConfigSchema>

const HaServicesSchema = v.array(
  v.looseObject({ domain: v.string(), services: v.record(v.string(), v.unknown()) }),
)

/** Seconds a failing client waits before it tries HA again: 1, 2, 5, 10, 30, then every 60. */
export const BACKOFF_LADDER_MS = [1000, 2000, 5000, 10_000, 30_000, 60_000] as const

export interface HomeAssistantClientOptions {
  /** HA's base URL, e.g. `http://homeassistant.local:8123` (a trailing `/api` is dropped). */
  url: string
  /** A long-lived access token. Kept in a closure: never a property, never printed. */
  token: string
  /** Whole-request timeout, in the platform's ms. */
  timeoutMs: number
  platform: Platform
  logger: Logger
}

export interface ClientStats {
  /** Requests sent to HA. */
  requests: number
  /** Calls answered at once with the last error, during a back-off. */
  failedFast: number
  /** Consecutive failures (0 = healthy). */
  failures: number
  /** When the back-off ends (platform ms), or null. */
  retryAt: number | null
}

/** The shared client; consumers get it as `context.externalService`. */
export interface HomeAssistantClient extends ExternalServicePort {
  readonly kind: 'home_assistant_api'
  /** The base URL, without credentials. */
  readonly url: string
  /** The entity's state, or null when HA has no such entity (404). */
  getState(entityId: string): Promise<HaState | null>
  getStates(): Promise<HaState[]>
  getConfig(): Promise<HaConfig>
  getServices(): Promise<v.InferOutput<typeof HaServicesSchema>>
  /** Calls a service; answers the states HA says changed during the call (often `[]`). */
  callService(domain: string, service: string, data: Record<string, unknown>): Promise<HaState[]>
  checkStatus(): Promise<ExternalServiceStatus>
  stats(): ClientStats
  close(): void
}

const BRAND = Symbol.for('edge-mining.home-assistant-client')

export function isHomeAssistantClient(value: unknown): value is HomeAssistantClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  )
}

/** `http://ha.local:8123/api/` → `http://ha.local:8123`. */
export function baseUrlOf(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api$/, '')
}

/** The URL as messages show it: no user info, no query. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`
  } catch {
    return '(invalid URL)'
  }
}

/** Thrown by a single request: the domain error plus whether it says HA itself is unusable. */
class RequestFailure extends Error {
  constructor(
    readonly error: DeviceError,
    readonly transport: boolean,
    readonly status: number | null = null,
  ) {
    super(error.message)
  }
}

export function createHomeAssistantClient(
  options: HomeAssistantClientOptions,
): HomeAssistantClient {
  const { platform, logger } = options
  const base = baseUrlOf(options.url)
  const where = shownUrl(base)
  // The token lives only here and in each request's headers.
  const token = options.token
  const $fetch = createFetch({ fetch: (input, init) => platform.fetch(input, init) })
  const inFlight = new Map<string, Promise<unknown>>()
  let failures = 0
  let retryAt: number | null = null
  let lastError: DeviceError | null = null
  let downSince: number | null = null
  let requests = 0
  let failedFast = 0
  let closed = false

  function fail(code: DeviceError['code'], message: string, transport = true): RequestFailure {
    return new RequestFailure(
      new DeviceError(code, `Home Assistant at ${where} ${message}`),
      transport,
    )
  }

  async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    requests += 1
    const controller = new AbortController()
    let timedOut = false
    const timer = platform.setTimeout(() => {
      timedOut = true
      controller.abort()
    }, options.timeoutMs)
    let response: { status: number; _data?: string }
    try {
      response = await $fetch.raw<string, 'text'>(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        retry: 0,
        redirect: 'manual',
        responseType: 'text',
        ignoreResponseError: true,
        signal: controller.signal,
      })
    } catch (error) {
      // ofetch's error is dropped on purpose: its `options` hold the request headers (the token).
      if (timedOut) {
        throw fail(
          'unreachable',
          `did not answer within ${Math.round(options.timeoutMs / 100) / 10} s`,
        )
      }
      throw fail('unreachable', `is unreachable (${networkFailureWords(error)})`)
    } finally {
      platform.clearTimeout(timer)
    }
    const { status } = response
    const text = response._data ?? ''
    logger.debug(`Home Assistant ${method} ${path.split('?')[0]} → HTTP ${status}`)
    if (status === 401 || status === 403) {
      throw fail(
        'auth_failed',
        `refused the token (HTTP ${status}): create a long-lived access token in your HA profile and set it on the external service`,
      )
    }
    if (status >= 500) throw fail('unreachable', `answered HTTP ${status} (server error)`)
    if (status === 404 && method === 'GET' && path.startsWith('/api/states/')) return null
    if (status === 404 && (path === '/api/' || path === '/api/config')) {
      throw fail(
        'bad_response',
        'has no REST API at /api/ (HTTP 404): is the URL right, and is the `api` integration loaded?',
      )
    }
    if (status < 200 || status > 299) {
      throw new RequestFailure(
        new DeviceError(
          'bad_response',
          `Home Assistant at ${where} refused ${method} ${path.split('?')[0]} (HTTP ${status})`,
        ),
        false,
        status,
      )
    }
    try {
      return JSON.parse(text)
    } catch {
      throw fail(
        'bad_response',
        `answered something that is not JSON (HTTP ${status}): is the URL that of Home Assistant?`,
      )
    }
  }

  /** Runs one request through the back-off: fails fast while backing off, heals on success. */
  async function guarded<T>(key: string, work: () => Promise<T>, probe = false): Promise<T> {
    if (closed) throw new DeviceError('unreachable', `Home Assistant client for ${where} is closed`)
    const now = platform.now()
    if (!probe && retryAt !== null && now < retryAt && lastError) {
      failedFast += 1
      throw new DeviceError(lastError.code, lastError.message)
    }
    const shared = inFlight.get(key) as Promise<T> | undefined
    if (shared) return shared
    const running = (async () => {
      try {
        const result = await work()
        if (failures > 0) {
          const seconds = downSince === null ? 0 : Math.round((platform.now() - downSince) / 1000)
          logger.info(`Home Assistant at ${where} answers again (after ${seconds} s)`)
        }
        failures = 0
        retryAt = null
        lastError = null
        downSince = null
        return result
      } catch (error) {
        if (error instanceof RequestFailure) {
          if (error.transport) {
            failures += 1
            const wait =
              BACKOFF_LADDER_MS[Math.min(failures, BACKOFF_LADDER_MS.length) - 1] ?? 60_000
            retryAt = platform.now() + wait
            if (failures === 1 || lastError?.message !== error.error.message) {
              logger.warn(
                `${error.error.message}; trying again in ${wait / 1000} s, then with a growing back-off`,
              )
            }
            lastError = error.error
            downSince ??= platform.now()
          }
          throw error.error
        }
        throw error
      } finally {
        inFlight.delete(key)
      }
    })()
    inFlight.set(key, running)
    return running
  }

  function parsed<S extends v.GenericSchema>(
    schema: S,
    value: unknown,
    what: string,
  ): v.InferOutput<S> {
    const result = v.safeParse(schema, value)
    if (result.success) return result.output
    throw new DeviceError(
      'bad_response',
      `Home Assistant at ${where} answered ${what} that is not what HA sends`,
    )
  }

  const encode = (entityId: string) => encodeURIComponent(entityId)

  const client: HomeAssistantClient & Record<symbol, unknown> = {
    [BRAND]: true,
    kind: 'home_assistant_api',
    url: where,
    getState: (entityId) =>
      guarded(`GET state ${entityId}`, async () => {
        const body = await request('GET', `/api/states/${encode(entityId)}`)
        return body === null ? null : parsed(HaStateSchema, body, 'a state')
      }),
    getStates: () =>
      guarded('GET states', async () =>
        parsed(v.array(HaStateSchema), await request('GET', '/api/states'), 'a state list'),
      ),
    getConfig: () =>
      guarded('GET config', async () =>
        parsed(HaConfigSchema, await request('GET', '/api/config'), 'a config'),
      ),
    getServices: () =>
      guarded('GET services', async () =>
        parsed(HaServicesSchema, await request('GET', '/api/services'), 'a service list'),
      ),
    callService: (domain, service, data) =>
      guarded(`POST ${domain}.${service} ${platform.randomUUID()}`, async () => {
        const path = `/api/services/${encodeURIComponent(domain)}/${encodeURIComponent(service)}`
        try {
          return parsed(v.array(HaStateSchema), await request('POST', path, data), 'changed states')
        } catch (error) {
          if (error instanceof RequestFailure && error.status === 400) {
            throw new RequestFailure(
              new DeviceError(
                'bad_response',
                `Home Assistant at ${where} refused ${domain}.${service} (HTTP 400): the service does not exist or its data is invalid`,
              ),
              false,
            )
          }
          throw error
        }
      }),
    async checkStatus() {
      const started = platform.now()
      const at = () => new Date(platform.now()).toISOString()
      try {
        const config = await guarded(
          'GET config',
          async () => parsed(HaConfigSchema, await request('GET', '/api/config'), 'a config'),
          true,
        )
        const place = [config.location_name, config.time_zone ? `(${config.time_zone})` : null]
          .filter(Boolean)
          .join(' ')
        return {
          status: 'connected',
          last_check: at(),
          latency_ms: Math.max(0, platform.now() - started),
          error_message: null,
          message: `Home Assistant ${config.version}${place ? ` — ${place}` : ''}`,
        }
      } catch (error) {
        const code = error instanceof DeviceError ? error.code : 'unreachable'
        return {
          status: code === 'auth_failed' ? 'unauthorized' : 'disconnected',
          last_check: at(),
          latency_ms: null,
          error_message: error instanceof Error ? error.message : String(error),
          message: null,
        }
      }
    },
    stats: () => ({ requests, failedFast, failures, retryAt }),
    close() {
      closed = true
    },
    toJSON: () => ({ kind: 'home_assistant_api', url: where }),
    [inspect.custom]: () => `HomeAssistantClient { url: '${where}' }`,
  } as HomeAssistantClient & Record<symbol, unknown>
  return client
}
