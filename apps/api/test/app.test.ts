import {
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
} from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { makeApp, TRACKERS } from './support'

const TOKEN = 'brn-secret-token-0123456789'

describe('health and docs', () => {
  it('GET /health answers {"status":"ok"}', async () => {
    const { request } = makeApp()
    const res = await request('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('GET /openapi.json is OpenAPI 3.1 and describes every route', async () => {
    const { request } = makeApp()
    const spec = (await (await request('/openapi.json')).json()) as {
      openapi: string
      paths: Record<string, Record<string, unknown>>
    }
    expect(spec.openapi).toBe('3.1.0')
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    )
    const t = '/api/v1/mining-performance-trackers'
    const v1 = '/api/v1'
    // The route set every adapter kind shares (DESIGN.md), for each of the six kinds.
    const kinds = [
      'mining-performance-trackers',
      'energy-monitors',
      'miner-controllers',
      'forecast-providers',
      'notifiers',
      'external-services',
    ].flatMap((kind) => [
      `GET ${v1}/${kind}`,
      `POST ${v1}/${kind}`,
      `GET ${v1}/${kind}/types`,
      `GET ${v1}/${kind}/types/{adapter_type}/config-schema`,
      `GET ${v1}/${kind}/types/{adapter_type}/external-services`,
      `GET ${v1}/${kind}/{id}`,
      `PUT ${v1}/${kind}/{id}`,
      `DELETE ${v1}/${kind}/{id}`,
    ])
    const unit = `${v1}/optimization-units/{id}`
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /metrics',
        'GET /api/v1/system/stats',
        ...kinds,
        `POST ${t}/{id}/test`,
        `GET ${t}/{id}/stats`,
        `GET ${t}/{id}/workers`,
        `GET ${t}/{id}/rewards`,
        `GET ${t}/{id}/payout-schedule`,
        `GET ${t}/{id}/snapshot`,
        `POST ${v1}/miner-controllers/test-connection`,
        `GET ${v1}/miner-controllers/{id}/miner-details`,
        `GET ${v1}/miner-controllers/{id}/info`,
        `GET ${v1}/miner-controllers/{id}/limits`,
        `GET ${v1}/miner-controllers/{id}/supported-features`,
        `POST ${v1}/notifiers/{id}/test`,
        `GET ${v1}/external-services/{id}/status`,
        `GET ${v1}/external-services/{id}/linked-entities`,
        `GET ${v1}/miners`,
        `POST ${v1}/miners`,
        `GET ${v1}/miners/{id}`,
        `PUT ${v1}/miners/{id}`,
        `DELETE ${v1}/miners/{id}`,
        ...['start', 'stop', 'activate', 'deactivate', 'set-controller', 'unlink-controller'].map(
          (action) => `POST ${v1}/miners/{id}/${action}`,
        ),
        ...['status', 'info', 'limits', 'features'].map((view) => `GET ${v1}/miners/{id}/${view}`),
        `POST ${v1}/miners/{miner_id}/features/{controller_id}/{feature_type}/enable`,
        `POST ${v1}/miners/{miner_id}/features/{controller_id}/{feature_type}/disable`,
        `PUT ${v1}/miners/{miner_id}/features/{controller_id}/{feature_type}/priority`,
        `GET ${v1}/energy-sources`,
        `POST ${v1}/energy-sources`,
        `GET ${v1}/energy-sources/types`,
        `GET ${v1}/energy-sources/{id}`,
        `PUT ${v1}/energy-sources/{id}`,
        `DELETE ${v1}/energy-sources/{id}`,
        `GET ${v1}/policies`,
        `POST ${v1}/policies`,
        `GET ${v1}/policies/{id}`,
        `PUT ${v1}/policies/{id}`,
        `DELETE ${v1}/policies/{id}`,
        `GET ${v1}/policies/{id}/check`,
        `POST ${v1}/policies/{id}/rules`,
        `GET ${v1}/policies/{id}/types/{rule_type}`,
        `GET ${v1}/policies/{id}/rules/{rule_id}`,
        `PUT ${v1}/policies/{id}/rules/{rule_id}`,
        `DELETE ${v1}/policies/{id}/rules/{rule_id}`,
        `GET ${v1}/policies/{id}/rules/{rule_id}/enable`,
        `GET ${v1}/policies/{id}/rules/{rule_id}/disable`,
        `POST ${v1}/policies/{id}/rules/{rule_id}/enable`,
        `GET ${v1}/optimization-units`,
        `POST ${v1}/optimization-units`,
        `GET ${unit}`,
        `PUT ${unit}`,
        `DELETE ${unit}`,
        ...['enable', 'disable', 'energy-source', 'policy', 'miners', 'miners/single'].map(
          (action) => `POST ${unit}/${action}`,
        ),
        ...['home-loads-profile', 'notifiers', 'notifiers/single'].map(
          (action) => `POST ${unit}/${action}`,
        ),
        `DELETE ${unit}/miners/{miner_id}`,
        `DELETE ${unit}/notifiers/{notifier_id}`,
        `GET ${unit}/decisional-context`,
        `GET ${v1}/system/settings`,
        `PUT ${v1}/system/settings`,
        'GET /api/v1/rule-engine/config',
        'GET /api/v1/rule-engine/info',
        'POST /api/v1/rule-engine/validate',
        'POST /api/v1/rule-engine/evaluate',
        'GET /api/v1/decisional-context/structure',
      ]),
    )
    expect(operations.some((operation) => operation.includes('/docs'))).toBe(false)
    const create = spec.paths[t]?.post as {
      requestBody?: { content: Record<string, { schema: { properties: object } }> }
      responses: Record<string, unknown>
    }
    expect(
      Object.keys(create.requestBody?.content['application/json']?.schema.properties ?? {}),
    ).toEqual(['name', 'adapter_type', 'config', 'external_service_id'])
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '422']))
  })

  it('/docs loads Swagger UI from this server, never a CDN', async () => {
    const { request } = makeApp()
    const page = await (await request('/docs')).text()
    const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(sources.length).toBeGreaterThan(0)
    for (const source of sources) expect(source).toMatch(/^\/docs\/assets\//)
    for (const source of sources) {
      expect((await request(source ?? '')).status, source).toBe(200)
    }
    expect((await request('/docs/assets/..%2Fpackage.json')).status).toBe(404)
  })
})

describe('tracker CRUD', () => {
  it('creates with 201, lists, reads, with and without a trailing slash', async () => {
    const { request, json } = makeApp()
    const created = await json('POST', `${TRACKERS}/`, {
      name: '  Garage  ',
      adapter_type: 'dummy',
      config: { seed: 7 },
    })
    expect(created.status).toBe(201)
    const tracker = await created.json()
    expect(tracker).toMatchObject({
      name: 'Garage',
      adapter_type: 'dummy',
      config: { seed: 7 },
      external_service_id: null,
    })
    expect(tracker.id).toMatch(/^[0-9a-f-]{36}$/)
    for (const path of [TRACKERS, `${TRACKERS}/`]) {
      const list = await request(path)
      expect(list.status).toBe(200)
      expect(await list.json()).toEqual([tracker])
    }
    for (const path of [`${TRACKERS}/${tracker.id}`, `${TRACKERS}/${tracker.id}/`]) {
      expect(await (await request(path)).json()).toEqual(tracker)
    }
  })

  it('PUT may omit name or config and keeps them', async () => {
    const { json } = makeApp()
    const tracker = await (await json('POST', TRACKERS, { name: 'A', config: { seed: 1 } })).json()
    const renamed = await json('PUT', `${TRACKERS}/${tracker.id}`, { name: 'B' })
    expect(renamed.status).toBe(200)
    expect(await renamed.json()).toMatchObject({ name: 'B', config: { seed: 1 } })
    const reconfigured = await (
      await json('PUT', `${TRACKERS}/${tracker.id}`, { config: { seed: 2 } })
    ).json()
    expect(reconfigured).toMatchObject({ name: 'B', config: { seed: 2 } })
  })

  it('DELETE answers the deleted tracker; then the id is 404', async () => {
    const { request, json } = makeApp()
    const tracker = await (await json('POST', TRACKERS, { config: {} })).json()
    const deleted = await request(`${TRACKERS}/${tracker.id}`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect(await deleted.json()).toEqual(tracker)
    for (const suffix of ['', '/stats', '/workers', '/rewards', '/payout-schedule', '/snapshot']) {
      const res = await request(`${TRACKERS}/${tracker.id}${suffix}`)
      expect(res.status, suffix).toBe(404)
      expect(await res.json()).toEqual({ detail: 'Mining performance tracker not found' })
    }
    expect((await request(`${TRACKERS}/${tracker.id}/test`, { method: 'POST' })).status).toBe(404)
    expect((await request(`${TRACKERS}/${tracker.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('types, config schema and external services', async () => {
    const { request } = makeApp()
    expect(await (await request(`${TRACKERS}/types`)).json()).toEqual(['dummy', 'braiins_pool'])
    const schema = await (await request(`${TRACKERS}/types/dummy/config-schema`)).json()
    expect(schema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } } })
    expect(await (await request(`${TRACKERS}/types/dummy/external-services`)).json()).toBe(null)
    const bad = await request(`${TRACKERS}/types/nicehash/config-schema`)
    expect(bad.status).toBe(422)
    expect((await bad.json()).detail).toContain('adapter_type')
  })
})

describe('secrets are write-only', () => {
  it('never returns, logs or echoes the api_token; a PUT without it keeps it', async () => {
    const { request, json, trackers, logs, pool } = makeApp()
    const createdRes = await json('POST', TRACKERS, {
      name: 'Braiins',
      adapter_type: 'braiins_pool',
      config: { api_token: TOKEN },
    })
    const bodies: string[] = []
    const created = JSON.parse(await createdRes.clone().text())
    bodies.push(await createdRes.text())
    expect(created.config.api_token).toBe('***')
    bodies.push(await (await request(TRACKERS)).text())
    bodies.push(await (await request(`${TRACKERS}/${created.id}`)).text())
    const renamed = await json('PUT', `${TRACKERS}/${created.id}`, {
      name: 'Renamed',
      config: { api_base_url: 'https://pool.example/v2' },
    })
    bodies.push(await renamed.clone().text())
    expect((await renamed.json()).config).toEqual({
      api_token: '***',
      api_base_url: 'https://pool.example/v2',
    })
    expect((await trackers.get(created.id)).config.api_token).toBe(TOKEN)
    // Sending the placeholder back (what a client that round-trips a GET does) keeps it too.
    await json('PUT', `${TRACKERS}/${created.id}`, { config: { api_token: '***' } })
    expect((await trackers.get(created.id)).config.api_token).toBe(TOKEN)
    // An error that quotes the token (a careless adapter) is scrubbed before it leaves.
    pool.set({ error: new MiningPoolAuthError(`token ${TOKEN} rejected; Bearer ${TOKEN}`) })
    const failed = await request(`${TRACKERS}/${created.id}/stats`)
    expect(failed.status).toBe(401)
    bodies.push(await failed.text())
    const invalid = await json('PUT', `${TRACKERS}/${created.id}`, { config: { api_token: 5 } })
    expect(invalid.status).toBe(400)
    bodies.push(await invalid.text())
    for (const body of bodies) expect(body).not.toContain(TOKEN)
    expect(logs.lines().length).toBeGreaterThan(5)
    for (const line of logs.lines()) expect(line).not.toContain(TOKEN)
  })
})

describe('pool error map (upstream §6.2)', () => {
  async function trackerWith(
    set: ReturnType<typeof makeApp>['pool']['set'],
    json: ReturnType<typeof makeApp>['json'],
  ) {
    const res = await json('POST', TRACKERS, {
      adapter_type: 'braiins_pool',
      config: { api_token: TOKEN },
    })
    set({})
    return (await res.json()).id as string
  }

  it.each([
    [new MiningPoolAuthError('HTTP 403'), 401, 'Pool authentication failed: HTTP 403'],
    [new MiningPoolUnreachableError('timeout'), 503, 'Pool unreachable: timeout'],
    [new MiningPoolResponseError('not JSON'), 502, 'Pool returned invalid response: not JSON'],
    [new MiningPoolRateLimitedError('HTTP 429'), 429, 'Pool rate-limited: HTTP 429'],
  ])('%s → %i', async (error, status, detail) => {
    const { request, json, pool } = makeApp()
    const id = await trackerWith(pool.set, json)
    pool.set({ error })
    for (const suffix of ['stats', 'workers', 'rewards', 'payout-schedule']) {
      const res = await request(`${TRACKERS}/${id}/${suffix}`)
      expect(res.status, suffix).toBe(status)
      expect(await res.json()).toEqual({ detail })
    }
    expect((await request(`${TRACKERS}/${id}/test`, { method: 'POST' })).status).toBe(status)
  })

  it('429 carries Retry-After in whole seconds when the pool said when', async () => {
    const { request, json, pool } = makeApp()
    const id = await trackerWith(pool.set, json)
    pool.set({ error: new MiningPoolRateLimitedError('cool-down', { retry_after_seconds: 6.2 }) })
    const res = await request(`${TRACKERS}/${id}/stats`)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    pool.set({ error: new MiningPoolRateLimitedError('no hint') })
    expect((await request(`${TRACKERS}/${id}/stats`)).headers.get('retry-after')).toBe(null)
  })

  it('no statistics / no payout schedule → 502 as upstream', async () => {
    const { request, json, pool } = makeApp()
    const id = await trackerWith(pool.set, json)
    pool.set({ empty: true })
    const stats = await request(`${TRACKERS}/${id}/stats`)
    expect(stats.status).toBe(502)
    expect(await stats.json()).toEqual({ detail: 'Pool returned no statistics' })
    const payout = await request(`${TRACKERS}/${id}/payout-schedule`)
    expect(await payout.json()).toEqual({ detail: 'Pool returned no payout schedule' })
  })

  it('stale data is served with X-Edge-Mining-Stale and its age', async () => {
    const { request, json, pool } = makeApp()
    const id = await trackerWith(pool.set, json)
    pool.set({ freshness: { source: 'stats', stale: true, age_seconds: 42.4, from_cache: true } })
    const res = await request(`${TRACKERS}/${id}/stats`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-edge-mining-stale')).toBe('true')
    expect(res.headers.get('x-edge-mining-data-age')).toBe('42')
    expect(res.headers.get('age')).toBe('42')
    const test = await request(`${TRACKERS}/${id}/test`, { method: 'POST' })
    expect((await test.json()).status).toBe('stale')
    expect(test.headers.get('x-edge-mining-stale')).toBe('true')
  })

  it('test connectivity answers status, message, latency and the hash rate', async () => {
    const { request, json, pool } = makeApp()
    const id = await trackerWith(pool.set, json)
    const res = await request(`${TRACKERS}/${id}/test`, { method: 'POST' })
    expect(res.status).toBe(200)
    const report = await res.json()
    expect(report).toMatchObject({
      status: 'success',
      current_hashrate: { value: 100, unit: 'TH/s' },
    })
    expect(typeof report.message).toBe('string')
    expect(report.latency_ms).toBeGreaterThanOrEqual(0)
  })
})

describe('bad input is 4xx with a detail naming the field, never 500', () => {
  it.each([
    ['malformed JSON', 'POST', TRACKERS, '{"name":', 400, 'Malformed JSON'],
    ['a JSON array body', 'POST', TRACKERS, '[1]', 422, 'body'],
    ['a wrong type', 'POST', TRACKERS, { name: 5, config: {} }, 422, 'body.name'],
    [
      'an unknown adapter type',
      'POST',
      TRACKERS,
      { adapter_type: 'nicehash', config: {} },
      422,
      'adapter_type',
    ],
    ['a missing config', 'POST', TRACKERS, { name: 'x' }, 400, 'config'],
    ['a config of the wrong shape', 'POST', TRACKERS, { config: { seed: 'x' } }, 400, 'seed'],
    ['an unknown config key', 'POST', TRACKERS, { config: { sed: 1 } }, 400, 'sed'],
    [
      'a bad external_service_id',
      'POST',
      TRACKERS,
      { config: {}, external_service_id: 'x' },
      422,
      'body.external_service_id',
    ],
    ['a bad UUID', 'GET', `${TRACKERS}/not-a-uuid`, undefined, 422, 'path.id'],
    ['a bad UUID on PUT', 'PUT', `${TRACKERS}/123`, { name: 'x' }, 422, 'path.id'],
  ])('%s', async (_label, method, path, body, status, field) => {
    const { json } = makeApp()
    const res = await json(method, path, body)
    expect(res.status).toBe(status)
    const answer = await res.json()
    expect(typeof answer.detail).toBe('string')
    expect(answer.detail).toContain(field)
  })

  it.each(['0', '501', 'ten', '-1', '1.5'])(
    'rewards?limit=%s → 422 naming query.limit',
    async (limit) => {
      const { request, json } = makeApp()
      const tracker = await (await json('POST', TRACKERS, { config: { seed: 1 } })).json()
      const res = await request(`${TRACKERS}/${tracker.id}/rewards?limit=${limit}`)
      expect(res.status).toBe(422)
      expect((await res.json()).detail).toContain('query.limit')
    },
  )

  it('rewards?limit=3 answers at most 3, newest first', async () => {
    const { request, json } = makeApp()
    const tracker = await (await json('POST', TRACKERS, { config: { seed: 1 } })).json()
    const rewards = (await (await request(`${TRACKERS}/${tracker.id}/rewards?limit=3`)).json()) as {
      timestamp: string
    }[]
    expect(rewards.length).toBe(3)
    const times = rewards.map((reward) => Date.parse(reward.timestamp))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
  })

  it('a body that is not JSON is 415; a body over the limit is 413', async () => {
    const { request } = makeApp({ bodyLimitBytes: 1024 })
    const text = await request(TRACKERS, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=x',
    })
    expect(text.status).toBe(415)
    const huge = await request(TRACKERS, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(5000), config: {} }),
    })
    expect(huge.status).toBe(413)
    expect((await huge.json()).detail).toContain('1024')
  })

  it('unknown routes are 404 with a detail', async () => {
    const { request } = makeApp()
    const res = await request('/api/v2/nothing')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Not Found' })
  })
})

describe('API_TOKEN', () => {
  const apiToken = 'api-token-for-tests-abcdef'

  it('guards /api/v1 and /metrics; /health stays open', async () => {
    const { request } = makeApp({ apiToken })
    expect((await request('/health')).status).toBe(200)
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Basic ${apiToken}`,
      `Bearer ${apiToken}x`,
      'Bearer ',
    ]) {
      const res = await request(TRACKERS, authorization ? { headers: { authorization } } : {})
      expect(res.status, String(authorization)).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
      expect((await res.json()).detail).toContain('Bearer')
    }
    expect((await request('/metrics')).status).toBe(401)
    const ok = await request(TRACKERS, { headers: { authorization: `Bearer ${apiToken}` } })
    expect(ok.status).toBe(200)
    expect(
      (await request('/metrics', { headers: { authorization: `Bearer ${apiToken}` } })).status,
    ).toBe(200)
  })

  it('a 401 happens before the body is read or validated', async () => {
    const { request } = makeApp({ apiToken })
    const res = await request(TRACKERS, {
      method: 'POST',
      body: '{bad',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(401)
  })
})

describe('request logs and metrics', () => {
  it('logs method, path, status and ms for every request, nothing else from the request', async () => {
    const { request, logs } = makeApp({ apiToken: 'tok-123456', now: () => 0 })
    await request(`${TRACKERS}?api_token=leak-me`, {
      headers: { authorization: 'Bearer tok-123456' },
    })
    const entry = logs.entries.find((e) => (e as { path?: string }).path === TRACKERS)
    expect(entry).toMatchObject({ method: 'GET', path: TRACKERS, status: 200, ms: 0 })
    for (const line of logs.lines()) {
      expect(line).not.toContain('leak-me')
      expect(line).not.toContain('tok-123456')
    }
  })

  it('GET /api/v1/system/stats counts requests by status and shows the cache statistics', async () => {
    const { request } = makeApp()
    await request('/health')
    await request(`${TRACKERS}/nope`)
    const stats = await (await request('/api/v1/system/stats')).json()
    expect(stats.requests).toEqual({ total: 2, by_status: { '200': 1, '422': 1 } })
    expect(stats.cache).toMatchObject({ hits: 0, misses: 0, rateLimited: 0 })
  })
})

describe('CORS', () => {
  it('answers a browser preflight itself, and marks answers to browsers only', async () => {
    const { request } = makeApp({ apiToken: 'cors-token-123456' })
    const preflight = await request(TRACKERS, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://192.168.1.20:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization',
    )
    const fromBrowser = await request('/health', {
      headers: { origin: 'http://192.168.1.20:3000' },
    })
    expect(fromBrowser.headers.get('access-control-allow-origin')).toBe('*')
    expect(fromBrowser.headers.get('access-control-expose-headers')).toContain('Retry-After')
    const fromScript = await request('/health')
    expect(fromScript.headers.get('access-control-allow-origin')).toBe(null)
  })
})
