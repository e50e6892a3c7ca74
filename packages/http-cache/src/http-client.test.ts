import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache } from './cache.ts'
import {
  HttpAuthError,
  HttpError,
  HttpResponseError,
  HttpUnreachableError,
  RateLimitedError,
} from './errors.ts'
import { createHttpClient } from './http-client.ts'

const TOKEN = 'SECRET-TOKEN-d41d8cd98f00b204'
// Monday 1 January 2024, 00:00:00 UTC: the fake clock of the HTTP-date tests.
const NOW = Date.UTC(2024, 0, 1)

type Handler = (req: IncomingMessage, res: ServerResponse) => void

const hits = new Map<string, number>()

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(body)
}

const routes: Record<string, Handler> = {
  '/ok': (_req, res) => send(res, 200, '{"result":{"hashrate_300s":"199715979264000"}}'),
  '/echo': (req, res) => send(res, 200, JSON.stringify({ url: req.url, headers: req.headers })),
  '/text-json': (_req, res) =>
    send(res, 200, '[1,2,3]', { 'content-type': 'text/plain; charset=utf-8' }),
  '/rate-limited': (_req, res) => send(res, 429, '{"error":"slow down"}', { 'retry-after': '30' }),
  '/rate-limited-date': (_req, res) =>
    send(res, 429, 'Too Many Requests', {
      'retry-after': 'Mon, 01 Jan 2024 00:00:45 GMT',
      'content-type': 'text/plain',
    }),
  '/rate-limited-bare': (_req, res) => send(res, 429, ''),
  '/unauthorized': (_req, res) => send(res, 401, 'Unauthorized', { 'content-type': 'text/plain' }),
  '/forbidden': (_req, res) =>
    send(res, 403, 'Invalid or missing Pool-Auth-Token', { 'content-type': 'text/plain' }),
  '/no-such-user': (_req, res) =>
    send(res, 404, '{"error":"No such user or user has no active workers"}'),
  '/bad-request-long': (_req, res) =>
    send(res, 400, 'x'.repeat(5000), { 'content-type': 'text/plain' }),
  '/unavailable': (_req, res) => send(res, 503, '<html>Service Unavailable</html>'),
  '/server-error': (_req, res) => send(res, 500, '{"detail":"boom"}'),
  '/html': (_req, res) =>
    send(res, 200, '<html>maintenance</html>', { 'content-type': 'text/html' }),
  '/empty': (_req, res) => send(res, 200, ''),
  '/no-content': (_req, res) => {
    res.writeHead(204)
    res.end()
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' })
    res.end()
  },
  // Never answers: the client must give up after its timeout.
  '/hang': () => {},
  // Sends the headers, then stalls the body.
  '/hang-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"partial":')
  },
  '/reset': (req) => {
    req.socket.destroy()
  },
}

let server: Server
let baseURL: string
let refusedURL: string

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\/api/, '')
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const handler = routes[path]
    if (handler) handler(req, res)
    else send(res, 404, '{"error":"unknown route"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // A port that was just free and is closed again: connections to it are refused.
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  refusedURL = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
  await new Promise((resolve) => closed.close(resolve))
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const client = (overrides: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
  createHttpClient({
    baseURL,
    headers: { 'Pool-Auth-Token': TOKEN },
    timeoutMs: 2000,
    now: () => NOW,
    ...overrides,
  })

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`)
  return error
}

/** Everything an error could leak through: message, stack, JSON, inspect, causes. */
function everythingAbout(error: Error): string {
  return [
    error.message,
    String(error.stack),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true, getters: true }),
  ].join('\n')
}

describe('createHttpClient: success', () => {
  it('GETs JSON below baseURL with the configured headers', async () => {
    expect(await client().getJson('/ok')).toEqual({
      result: { hashrate_300s: '199715979264000' },
    })
    const echoed = (await client().getJson('/echo')) as { headers: Record<string, string> }
    expect(echoed.headers['pool-auth-token']).toBe(TOKEN)
    expect(echoed.headers.accept).toBe('application/json')
  })

  it('adds the query string and keeps a base path', async () => {
    const api = client({ baseURL: `${baseURL}/api/` })
    const echoed = (await api.getJson('echo', { query: { from: '1700000000', a: 'b c' } })) as {
      url: string
    }
    expect(echoed.url).toBe('/api/echo?from=1700000000&a=b+c')
  })

  it('parses JSON whatever the content-type says', async () => {
    expect(await client().getJson('/text-json')).toEqual([1, 2, 3])
  })

  it('keeps an absolute path on the configured host (headers never go elsewhere)', async () => {
    const error = await failure(client().getJson('http://evil.example/echo'))
    // The answer comes from the test server's unknown-route handler, not from evil.example.
    expect(error).toMatchObject({ status: 404, body: { error: 'unknown route' } })
    expect(hits.get('/http://evil.example/echo')).toBe(1)
  })
})

describe('createHttpClient: errors', () => {
  it('429 → RateLimitedError with Retry-After delta-seconds and the JSON body', async () => {
    const error = await failure(client().getJson('/rate-limited'))
    expect(error).toBeInstanceOf(RateLimitedError)
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 30_000,
      body: { error: 'slow down' },
      method: 'GET',
      path: '/rate-limited',
    })
    expect(error.message).toContain('GET /rate-limited')
    expect(error.message).toContain('429')
  })

  it('429 → RateLimitedError with an HTTP-date Retry-After', async () => {
    const error = await failure(client().getJson('/rate-limited-date'))
    expect(error).toMatchObject({ status: 429, retryAfterMs: 45_000, body: 'Too Many Requests' })
  })

  it('429 without Retry-After → retryAfterMs undefined', async () => {
    const error = await failure(client().getJson('/rate-limited-bare'))
    expect(error).toBeInstanceOf(RateLimitedError)
    expect((error as RateLimitedError).retryAfterMs).toBeUndefined()
  })

  it.each([
    ['/unauthorized', 401, 'Unauthorized'],
    ['/forbidden', 403, 'Invalid or missing Pool-Auth-Token'],
  ])('%s → HttpAuthError %d with the text body', async (path, status, body) => {
    const error = await failure(client().getJson(path))
    expect(error).toBeInstanceOf(HttpAuthError)
    expect(error).toMatchObject({ status, body })
    expect(error.message).toContain(`GET ${path}`)
    expect(error.message).toContain(String(status))
  })

  it('404 with a JSON error body → HttpResponseError whose body an adapter can read', async () => {
    const error = await failure(client().getJson('/no-such-user'))
    expect(error).toBeInstanceOf(HttpResponseError)
    expect(error).toMatchObject({
      status: 404,
      body: { error: 'No such user or user has no active workers' },
    })
    expect(error.message).toBe('GET /no-such-user failed: HTTP 404')
  })

  it('truncates a long text error body to about 200 characters', async () => {
    const error = await failure(client().getJson('/bad-request-long'))
    expect(error).toBeInstanceOf(HttpResponseError)
    expect(typeof error.body).toBe('string')
    expect((error.body as string).startsWith('x'.repeat(200))).toBe(true)
    expect((error.body as string).length).toBeLessThanOrEqual(201)
  })

  it.each([
    ['/unavailable', 503, '<html>Service Unavailable</html>'],
    ['/server-error', 500, { detail: 'boom' }],
  ])('%s → HttpUnreachableError %d, reason server', async (path, status, body) => {
    const error = await failure(client().getJson(path))
    expect(error).toBeInstanceOf(HttpUnreachableError)
    expect(error).toMatchObject({ status, reason: 'server', body })
  })

  it.each(['/html', '/empty', '/no-content'])(
    '2xx without a JSON body (%s) → HttpResponseError',
    async (path) => {
      const error = await failure(client().getJson(path))
      expect(error).toBeInstanceOf(HttpResponseError)
      expect(error.status).toBeGreaterThanOrEqual(200)
      expect(error.status).toBeLessThan(300)
    },
  )

  it('does not follow a redirect (the token must not travel): HttpResponseError 302', async () => {
    const error = await failure(client().getJson('/redirect'))
    expect(error).toBeInstanceOf(HttpResponseError)
    expect(error.status).toBe(302)
  })

  it('a server that never answers → HttpUnreachableError, reason timeout', async () => {
    const error = await failure(client({ timeoutMs: 50 }).getJson('/hang'))
    expect(error).toBeInstanceOf(HttpUnreachableError)
    expect(error).toMatchObject({ reason: 'timeout', status: undefined })
    expect(error.message).toBe('GET /hang timed out after 50 ms')
  })

  it('a body that stalls after the headers → timeout too', async () => {
    const error = await failure(client({ timeoutMs: 50 }).getJson('/hang-body'))
    expect(error).toMatchObject({ reason: 'timeout' })
  })

  it('connection refused → HttpUnreachableError, reason network, code ECONNREFUSED', async () => {
    const error = await failure(client({ baseURL: refusedURL }).getJson('/ok'))
    expect(error).toBeInstanceOf(HttpUnreachableError)
    expect(error).toMatchObject({ reason: 'network', code: 'ECONNREFUSED', status: undefined })
    expect(error.message).toContain('GET /ok')
  })

  it('connection reset → HttpUnreachableError, reason network', async () => {
    const error = await failure(client().getJson('/reset'))
    expect(error).toBeInstanceOf(HttpUnreachableError)
    expect(error).toMatchObject({ reason: 'network' })
  })

  it('DNS failure → HttpUnreachableError, reason network, code ENOTFOUND', async () => {
    // No real DNS here: a fetch that fails the way undici does for an unknown host.
    const dnsFailure: typeof fetch = async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND pool.invalid'), {
          code: 'ENOTFOUND',
        }),
      })
    }
    const error = await failure(
      client({ baseURL: 'https://pool.invalid', fetch: dnsFailure }).getJson('/ok'),
    )
    expect(error).toMatchObject({ reason: 'network', code: 'ENOTFOUND' })
  })

  it('never retries: one request per call, even for 429 and 5xx', async () => {
    for (const path of ['/rate-limited', '/unavailable', '/server-error']) {
      const before = hits.get(path) ?? 0
      await failure(client().getJson(path))
      expect(hits.get(path)).toBe(before + 1)
    }
  })

  it('no error exposes the request headers or the query string', async () => {
    const secretQuery = { key: 'QUERY-SECRET-0123' }
    const impatient = client({ timeoutMs: 50 })
    const refused = client({ baseURL: refusedURL })
    const paths = [
      '/rate-limited',
      '/forbidden',
      '/no-such-user',
      '/unavailable',
      '/html',
      '/hang',
      '/reset',
      '/redirect',
    ]
    const errors: Error[] = []
    for (const path of paths)
      errors.push(await failure(impatient.getJson(path, { query: secretQuery })))
    errors.push(await failure(refused.getJson('/ok', { query: secretQuery })))
    expect(errors).toHaveLength(paths.length + 1)
    for (const error of errors) {
      const text = everythingAbout(error)
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain('QUERY-SECRET')
    }
  })
})

describe('createHttpClient: bad options', () => {
  it.each([
    [{ baseURL: 'not a url', timeoutMs: 1000 }, 'options.baseURL'],
    [{ baseURL: 'ftp://pool.example', timeoutMs: 1000 }, 'options.baseURL'],
    [{ baseURL: 'https://pool.example', timeoutMs: 0 }, 'options.timeoutMs'],
    [{ baseURL: 'https://pool.example', timeoutMs: Number.NaN }, 'options.timeoutMs'],
    [{ baseURL: 'https://pool.example' }, 'options.timeoutMs'],
  ])('%o → TypeError naming %s', (options, field) => {
    expect(() => createHttpClient(options as never)).toThrow(`createHttpClient: invalid ${field}`)
  })

  it('names a bad header without printing header values', () => {
    const call = () =>
      createHttpClient({
        baseURL: 'https://pool.example',
        timeoutMs: 1000,
        headers: { 'Pool-Auth-Token': 12345 as unknown as string, other: TOKEN },
      })
    expect(call).toThrow(TypeError)
    expect(call).toThrow('options.headers.Pool-Auth-Token')
  })
})

describe('createHttpClient behind createCache', () => {
  it('Retry-After: 30 from a real server → no request for 30 s of fake time, then one', async () => {
    const clock = { t: NOW }
    const cache = createCache({ now: () => clock.t, random: () => 0.5 })
    const api = client({ now: () => clock.t })
    const key = `${baseURL}/rate-limited`
    const before = hits.get('/rate-limited') ?? 0
    const error = await failure(cache.get(key, 60_000, () => api.getJson('/rate-limited')))
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 30_000,
      body: { error: 'slow down' },
      path: '/rate-limited',
    })
    expect(error.message).toBe(
      'GET /rate-limited was rate limited: HTTP 429 (retry after 30 s) (cooling down for 30 s)',
    )
    for (let elapsed = 0; elapsed < 30_000; elapsed += 1000) {
      clock.t = NOW + elapsed
      await expect(cache.get(key, 60_000, () => api.getJson('/rate-limited'))).rejects.toThrow(
        RateLimitedError,
      )
      await expect(cache.get(`${baseURL}/ok`, 60_000, () => api.getJson('/ok'))).rejects.toThrow(
        RateLimitedError,
      )
    }
    expect(hits.get('/rate-limited')).toBe(before + 1)
    clock.t = NOW + 30_000
    await expect(cache.get(key, 60_000, () => api.getJson('/rate-limited'))).rejects.toThrow(
      RateLimitedError,
    )
    expect(hits.get('/rate-limited')).toBe(before + 2)
  })

  it('an HTTP-date Retry-After from a real server cools the host down until that date', async () => {
    const clock = { t: NOW }
    const cache = createCache({ now: () => clock.t })
    const api = client({ now: () => clock.t })
    const fetchOk = () => api.getJson('/ok')
    await failure(
      cache.get(`${baseURL}/rate-limited-date`, 1000, () => api.getJson('/rate-limited-date')),
    )
    clock.t = NOW + 44_999
    const blocked = await failure(cache.get(`${baseURL}/ok`, 1000, fetchOk))
    expect(blocked).toMatchObject({ retryAfterMs: 1 })
    clock.t = NOW + 45_000
    expect(await cache.get(`${baseURL}/ok`, 1000, fetchOk)).toEqual({
      result: { hashrate_300s: '199715979264000' },
    })
  })

  it('serves the last good value stale when the server goes down', async () => {
    const clock = { t: NOW }
    const cache = createCache({ now: () => clock.t })
    const api = client()
    const key = `${baseURL}/pool-stats`
    await cache.get(key, 1000, () => api.getJson('/ok'))
    clock.t += 5000
    expect(await cache.getWithMeta(key, 1000, () => api.getJson('/unavailable'))).toEqual({
      value: { result: { hashrate_300s: '199715979264000' } },
      stale: true,
      ageMs: 5000,
      source: 'cache',
    })
  })
})

describe('error classes', () => {
  it('carry stable names, and all are HttpErrors and Errors', () => {
    const errors = [
      new RateLimitedError('m'),
      new HttpAuthError('m', { status: 401 }),
      new HttpUnreachableError('m', { reason: 'timeout' }),
      new HttpResponseError('m', { status: 404 }),
    ]
    expect(errors.map((error) => error.name)).toEqual([
      'RateLimitedError',
      'HttpAuthError',
      'HttpUnreachableError',
      'HttpResponseError',
    ])
    for (const error of errors) {
      expect(error).toBeInstanceOf(HttpError)
      expect(error).toBeInstanceOf(Error)
    }
    expect(new RateLimitedError('m').status).toBe(429)
  })
})
