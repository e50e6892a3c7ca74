import { createFetch } from 'ofetch'
import * as v from 'valibot'
import {
  HttpAuthError,
  HttpResponseError,
  HttpUnreachableError,
  RateLimitedError,
} from './errors.ts'
import { parseRetryAfter } from './retry-after.ts'
import { describe, parseOptions } from './validate.ts'

const isFunction = (input: unknown): boolean => typeof input === 'function'

const HttpClientOptionsSchema = v.strictObject({
  baseURL: v.pipe(
    v.string(),
    v.url('must be an absolute URL'),
    v.check((input) => /^https?:\/\//i.test(input), 'must be an http or https URL'),
  ),
  headers: v.optional(v.record(v.string(), v.string())),
  timeoutMs: v.pipe(v.number(), v.finite(), v.gtValue(0)),
  fetch: v.optional(v.custom<typeof globalThis.fetch>(isFunction, 'not a function')),
  now: v.optional(v.custom<() => number>(isFunction, 'not a function')),
})

export interface HttpClientOptions {
  /** Origin and optional base path, e.g. `https://pool.braiins.com`. */
  baseURL: string
  /** Sent with every request (e.g. an auth token). Never copied into errors. */
  headers?: Record<string, string>
  /** Whole-request timeout (connect, headers and body), in ms. */
  timeoutMs: number
  /** The fetch implementation ofetch uses. Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch
  /** Clock in ms, for HTTP-date `Retry-After` values. Default: `Date.now`. */
  now?: () => number
}

export interface GetJsonOptions {
  query?: Record<string, string>
}

export interface HttpClient {
  /** GETs `path` below `baseURL` and returns the parsed JSON body, or throws an `HttpError`. */
  getJson(path: string, options?: GetJsonOptions): Promise<unknown>
}

const BODY_PREVIEW_CHARS = 200

/** The error body as callers want it: parsed JSON when it is JSON, else a short text. */
function errorBody(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text.length > BODY_PREVIEW_CHARS ? `${text.slice(0, BODY_PREVIEW_CHARS)}…` : text
  }
}

/** A system error code (`ECONNREFUSED`, `ENOTFOUND`, …) found on the error or its causes. */
function networkCodeOf(error: unknown): string | undefined {
  let current = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code } = current as { code?: unknown }
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * A JSON GET client on ofetch with ofetch's retry off: the cache and the caller decide what
 * to do about failures, and every failure becomes one of this package's `HttpError`s.
 * Redirects are not followed, so the headers (tokens) are never sent to another host.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const parsed = parseOptions(HttpClientOptionsSchema, options, 'createHttpClient')
  const base = parsed.baseURL.replace(/\/+$/, '')
  const timeoutMs = parsed.timeoutMs
  const now = parsed.now ?? Date.now
  const headers: Record<string, string> = { accept: 'application/json' }
  for (const [name, value] of Object.entries(parsed.headers ?? {})) {
    headers[name.toLowerCase()] = value
  }
  const ofetch = createFetch(parsed.fetch === undefined ? {} : { fetch: parsed.fetch })

  async function getJson(path: string, requestOptions: GetJsonOptions = {}): Promise<unknown> {
    if (typeof path !== 'string') {
      throw new TypeError(`path must be a string, got ${describe(path)}`)
    }
    // Concatenated, never resolved: an absolute `path` cannot send the headers to another host.
    const url = new URL(`${base}/${path.replace(/^\/+/, '')}`)
    for (const [name, value] of Object.entries(requestOptions.query ?? {})) {
      if (typeof value !== 'string') {
        throw new TypeError(`query.${name} must be a string, got ${describe(value)}`)
      }
      url.searchParams.set(name, value)
    }
    const method = 'GET'
    const where = `${method} ${url.pathname}`
    const context = { method, path: url.pathname }

    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    let response: Awaited<ReturnType<typeof ofetch.raw<string, 'text'>>>
    try {
      response = await ofetch.raw(url.href, {
        method,
        headers,
        retry: 0,
        redirect: 'manual',
        responseType: 'text',
        ignoreResponseError: true,
        signal: controller.signal,
      })
    } catch (error) {
      // The ofetch error is dropped on purpose: its `options` hold the request headers.
      if (timedOut) {
        throw new HttpUnreachableError(`${where} timed out after ${timeoutMs} ms`, {
          ...context,
          reason: 'timeout',
        })
      }
      const code = networkCodeOf(error)
      throw new HttpUnreachableError(`${where} failed: network error (${code ?? 'no response'})`, {
        ...context,
        reason: 'network',
        code,
      })
    } finally {
      clearTimeout(timer)
    }

    const status = response.status
    const text = response._data
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now())
      const hint =
        retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`
      throw new RateLimitedError(`${where} was rate limited: HTTP 429${hint}`, {
        ...context,
        retryAfterMs,
        body: errorBody(text),
      })
    }
    if (status === 401 || status === 403) {
      throw new HttpAuthError(`${where} was refused: HTTP ${status} (credentials rejected)`, {
        ...context,
        status,
        body: errorBody(text),
      })
    }
    if (status >= 500 && status <= 599) {
      throw new HttpUnreachableError(`${where} failed: HTTP ${status} (server error)`, {
        ...context,
        status,
        reason: 'server',
        body: errorBody(text),
      })
    }
    if (status < 200 || status > 299) {
      throw new HttpResponseError(`${where} failed: HTTP ${status}`, {
        ...context,
        status,
        body: errorBody(text),
      })
    }
    try {
      return JSON.parse(text ?? '')
    } catch {
      throw new HttpResponseError(`${where} returned a body that is not JSON (HTTP ${status})`, {
        ...context,
        status,
        body: errorBody(text),
      })
    }
  }

  return { getJson }
}
