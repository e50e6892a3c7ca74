/**
 * End to end: the real server (startApi: SQLite database in a temporary folder, real adapters,
 * a loopback socket on an ephemeral port) against the pool simulators. Pool time is a
 * controllable clock (real time + an offset the tests advance), so TTLs and cool-downs are
 * crossed without sleeping.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  MiningPerformanceSnapshotSchema,
  MiningRewardSchema,
  PayoutScheduleSchema,
  PoolStatsSchema,
  PoolWorkerStatsSchema,
  systemPlatform,
} from '@edge-mining/domain'
import {
  type BraiinsSimulator,
  type OceanSimulator,
  startBraiinsSimulator,
  startOceanSimulator,
} from '@edge-mining/pool-simulator'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningApi, startApi } from '../src/index'
import { createFuzzer, type FuzzCase } from './fuzz'
import { captureLogs } from './support'

const API_TOKEN = 'e2e-api-token-7f3c9a1d5b2e8f40'
const T = '/api/v1/mining-performance-trackers'

let folder: string
let ocean: OceanSimulator
let braiins: BraiinsSimulator
let BRAIINS_TOKEN: string
let api: RunningApi
let offsetMs = 0
const now = () => Date.now() + offsetMs
const advance = (ms: number) => {
  offsetMs += ms
}
/**
 * Braiins allows one request per 5 s per token and the adapter's pacer waits for it. Here the
 * wait advances the controllable clock instead of sleeping (virtual time), so the real pacer runs
 * and the suite stays fast.
 */
const virtualTimeout = (fn: () => void, ms: number) => {
  advance(ms)
  return setImmediate(fn)
}
const logs = captureLogs()
/** Every response the suite saw, headers and body, to search for secrets at the end. */
const seen: string[] = []

interface Answer {
  status: number
  headers: Headers
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field
  json: any
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${API_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  seen.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`)
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  return { status: res.status, headers: res.headers, text, json }
}

async function start() {
  return startApi({
    env: {
      API_PORT: '0',
      DB_PATH: join(folder, 'db', 'edgemining.db'),
      POLICIES_DIR: join(folder, 'policies'),
      API_TOKEN,
      LOG_LEVEL: 'debug',
    },
    logger: logs.logger,
    platform: { ...systemPlatform(), now, setTimeout: virtualTimeout },
    // Every timer here moves the clock: the loop's schedule and the hourly history prune
    // would race it past the TTLs and cool-downs under test. These tests are the pool routes'.
    loop: false,
  })
}

/** Past every TTL and cool-down: the next read goes to the pool. */
const FAR = 2 * 3_600_000

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'api-e2e-'))
  ocean = await startOceanSimulator({ scenario: { data: 'reference' } })
  braiins = await startBraiinsSimulator({ scenario: { data: 'reference' } })
  BRAIINS_TOKEN = braiins.token()
  api = await start()
})

afterAll(async () => {
  await api?.close()
  await ocean?.close()
  await braiins?.close()
  rmSync(folder, { recursive: true, force: true })
})

async function createOcean(name = 'Ocean (simulated)', extra: Record<string, unknown> = {}) {
  const res = await call('POST', T, {
    name,
    adapter_type: 'ocean',
    config: { bitcoin_address: ocean.address(), api_base_url: ocean.url, ...extra },
  })
  expect(res.status).toBe(201)
  return res.json as { id: string; config: Record<string, unknown> }
}

describe('every endpoint with the real Ocean adapter (reference data of pool-apis.md §1.3)', () => {
  it('CRUD, types and schemas', async () => {
    const created = await createOcean('Garage')
    expect(created).toMatchObject({
      name: 'Garage',
      adapter_type: 'ocean',
      config: {
        bitcoin_address: ocean.address(),
        api_base_url: ocean.url,
        request_timeout_seconds: 10,
      },
      external_service_id: null,
    })
    expect((await call('GET', T)).json).toContainEqual(created)
    expect((await call('GET', `${T}/`)).json).toContainEqual(created)
    expect((await call('GET', `${T}/${created.id}`)).json).toEqual(created)
    const renamed = await call('PUT', `${T}/${created.id}/`, { name: 'Garage 2' })
    expect(renamed.status).toBe(200)
    expect(renamed.json).toMatchObject({ name: 'Garage 2', config: created.config })
    expect((await call('GET', `${T}/types`)).json).toEqual(
      expect.arrayContaining(['dummy', 'ocean']),
    )
    const schema = await call('GET', `${T}/types/ocean/config-schema`)
    expect(schema.json.required).toEqual(['bitcoin_address'])
    expect((await call('GET', `${T}/types/ocean/external-services`)).json).toBe(null)
    const deleted = await call('DELETE', `${T}/${created.id}`)
    expect(deleted.json.id).toBe(created.id)
    expect((await call('GET', `${T}/${created.id}`)).status).toBe(404)
  })

  it('live data: test, stats, workers, rewards, payout schedule, snapshot', async () => {
    advance(FAR)
    const { id } = await createOcean()
    const test = await call('POST', `${T}/${id}/test`)
    expect(test.status).toBe(200)
    // hashrate_300s "199715979264000" H/s = 199.715979264 TH/s
    expect(test.json).toMatchObject({
      status: 'success',
      current_hashrate: { value: 199.715979264, unit: 'TH/s' },
      from_cache: false,
    })
    expect(test.json.latency_ms).toBeGreaterThanOrEqual(0)

    const stats = await call('GET', `${T}/${id}/stats`)
    expect(stats.status).toBe(200)
    v.parse(PoolStatsSchema, stats.json)
    expect(stats.json.current_hashrate).toEqual({ value: 199.715979264, unit: 'TH/s' })
    // hashrate_86400s "150123846451200" H/s; unpaid "0.00412345" BTC = 412345 sats
    expect(stats.json.average_hashrate_24h).toEqual({ value: 150.1238464512, unit: 'TH/s' })
    expect(stats.json.unpaid_balance).toBe(412345)
    expect(stats.headers.get('x-edge-mining-stale')).toBe('false')

    const workers = await call('GET', `${T}/${id}/workers`)
    v.parse(v.array(PoolWorkerStatsSchema), workers.json)
    const byName = Object.fromEntries(
      workers.json.map((w: { worker_name: string; hashrate: unknown }) => [
        w.worker_name,
        w.hashrate,
      ]),
    )
    // user_hashrate_full workers: hashrate_300s 189730180300800 and 9985798963200 H/s
    expect(byName).toEqual({
      's21-rack1': { value: 189.7301803008, unit: 'TH/s' },
      'bitaxe-desk': { value: 9.9857989632, unit: 'TH/s' },
    })

    const rewards = await call('GET', `${T}/${id}/rewards?limit=2`)
    expect(rewards.status).toBe(200)
    v.parse(v.array(MiningRewardSchema), rewards.json)
    expect(rewards.json.length).toBeLessThanOrEqual(2)

    const payout = await call('GET', `${T}/${id}/payout-schedule`)
    v.parse(PayoutScheduleSchema, payout.json)
    expect(payout.json).toMatchObject({ frequency: 'per_block', threshold: 1048576 })

    const snapshot = await call('GET', `${T}/${id}/snapshot`)
    v.parse(MiningPerformanceSnapshotSchema, snapshot.json)
    expect(snapshot.json.errors).toEqual([])
    expect(snapshot.json.current_hashrate).toEqual({ value: 199.715979264, unit: 'TH/s' })
  })
})

async function createBraiins(name = 'Braiins (simulated)', extra: Record<string, unknown> = {}) {
  const res = await call('POST', T, {
    name,
    adapter_type: 'braiins_pool',
    config: { api_token: BRAIINS_TOKEN, api_base_url: braiins.url, ...extra },
  })
  expect(res.status).toBe(201)
  return res.json as { id: string; config: Record<string, unknown> }
}

describe('every endpoint with the real Braiins adapter (reference data of pool-apis.md §2.3)', () => {
  it('the token is write-only: "***" in every response, kept by a PUT that omits it', async () => {
    advance(FAR)
    const created = await createBraiins()
    expect(created.config).toEqual({
      api_token: '***',
      api_base_url: braiins.url,
      request_timeout_seconds: 10,
    })
    expect((await call('GET', `${T}/${created.id}`)).json.config.api_token).toBe('***')
    const listed = (await call('GET', T)).json.find((t: { id: string }) => t.id === created.id)
    expect(listed.config.api_token).toBe('***')
    const renamed = await call('PUT', `${T}/${created.id}`, {
      name: 'Renamed',
      config: { api_base_url: braiins.url, request_timeout_seconds: 5 },
    })
    expect(renamed.json).toMatchObject({
      name: 'Renamed',
      config: { api_token: '***', request_timeout_seconds: 5 },
    })
    // Still authenticates with the stored token: 101234 Gh/s = 101.234 TH/s.
    const test = await call('POST', `${T}/${created.id}/test`)
    expect(test.status).toBe(200)
    expect(test.json.current_hashrate).toEqual({ value: 101.234, unit: 'TH/s' })
    const bad = await call('PUT', `${T}/${created.id}`, { config: { api_token: ' ' } })
    expect(bad.status).toBe(400)
    expect(bad.json.detail).toContain('api_token')
  })

  it('live data: stats, workers, rewards, payout schedule, snapshot', async () => {
    advance(FAR)
    const { id } = await createBraiins()
    const stats = await call('GET', `${T}/${id}/stats`)
    expect(stats.status).toBe(200)
    v.parse(PoolStatsSchema, stats.json)
    // current_balance "0.00412300" BTC, estimated_reward "0.00011940" BTC, hash_rate_24h 99512 Gh/s
    expect(stats.json).toMatchObject({
      current_hashrate: { value: 101.234, unit: 'TH/s' },
      average_hashrate_24h: { value: 99.512, unit: 'TH/s' },
      unpaid_balance: 412300,
      estimated_next_payout: 11940,
    })
    const workers = await call('GET', `${T}/${id}/workers`)
    v.parse(v.array(PoolWorkerStatsSchema), workers.json)
    expect(workers.json.length).toBeGreaterThan(0)
    const rewards = await call('GET', `${T}/${id}/rewards?limit=3`)
    v.parse(v.array(MiningRewardSchema), rewards.json)
    expect(rewards.json.length).toBeLessThanOrEqual(3)
    const payout = await call('GET', `${T}/${id}/payout-schedule`)
    expect(payout.json).toEqual({ frequency: 'daily', threshold: null, next_payout_at: null })
    const snapshot = await call('GET', `${T}/${id}/snapshot`)
    v.parse(MiningPerformanceSnapshotSchema, snapshot.json)
    expect(snapshot.json.errors).toEqual([])
  })

  it('a revoked token (403) is a 401 naming the pool; a wrong token too', async () => {
    advance(FAR)
    api.runtime.cache.invalidate()
    const { id } = await createBraiins('Revoked')
    braiins.setScenario({ data: 'reference', faults: [{ fault: { kind: 'forbidden' } }] })
    try {
      const res = await call('GET', `${T}/${id}/stats`)
      expect(res.status).toBe(401)
      expect(res.json.detail).toMatch(/^Pool authentication failed: /)
    } finally {
      braiins.setScenario({ data: 'reference' })
    }
    advance(FAR)
    const wrong = await createBraiins('Wrong token', { api_token: 'not-a-valid-token-42' })
    const res = await call('GET', `${T}/${wrong.id}/workers`)
    expect(res.status).toBe(401)
    expect(res.text).not.toContain('not-a-valid-token-42')
  })
})

describe('rule engine over live data', () => {
  it('info, structure, validate, and a decision on a live Ocean snapshot', async () => {
    advance(FAR)
    expect((await call('GET', '/api/v1/rule-engine/info')).json.supported_operators).toHaveLength(
      12,
    )
    const structure = await call('GET', '/api/v1/decisional-context/structure')
    expect(structure.json.total_fields).toBe(structure.json.fields.length)
    const valid = await call('POST', '/api/v1/rule-engine/validate', {
      conditions: 'field: mining_performance.current_hashrate.value\noperator: gt\nvalue: 150\n',
    })
    expect(valid.json.is_valid).toBe(true)
    const { id } = await createOcean('For rules')
    const snapshot = (await call('GET', `${T}/${id}/snapshot`)).json
    const decision = await call('POST', '/api/v1/rule-engine/evaluate', {
      policy: {
        name: 'Hash rate guard',
        stop_rules: [
          {
            name: 'Pool sees too little',
            conditions: {
              field: 'mining_performance.current_hashrate.value',
              operator: 'lt',
              value: 150,
            },
          },
        ],
      },
      context: { mining_performance: snapshot, miner_state: { status: 'on' } },
    })
    expect(decision.status).toBe(200)
    // The pool sees 199.7 TH/s: the stop rule does not fire.
    expect(decision.json).toMatchObject({
      decision: 'maintain_state',
      evaluated: 'stop',
      rule: null,
    })
    expect(decision.json.trace[0].condition.actual).toBe(199.715979264)
  })
})

describe('pool faults from the simulator map to upstream statuses at once', () => {
  it.each([
    ['429 with Retry-After', 429, { kind: 'too_many_requests', retryAfterSeconds: 30 }],
    ['429 without Retry-After', 429, { kind: 'too_many_requests' }],
    ['500', 503, { kind: 'server_error' }],
    ['502', 503, { kind: 'server_error', status: 502 }],
    ['hang', 503, { kind: 'hang' }],
    ['HTML instead of JSON', 502, { kind: 'non_json' }],
    ['truncated JSON', 502, { kind: 'truncated' }],
    ['empty body', 502, { kind: 'empty_body' }],
  ] as const)('%s → %i', async (_label, status, fault) => {
    advance(FAR)
    // Nothing cached: a stale value would (rightly) be served instead of the error.
    api.runtime.cache.invalidate()
    const { id } = await createOcean('Faulty', { request_timeout_seconds: 0.3 })
    ocean.setScenario({ data: 'reference', faults: [{ endpoint: '*', fault }] })
    ocean.resetRequests()
    try {
      const res = await call('GET', `${T}/${id}/stats`)
      expect(res.status).toBe(status)
      expect(typeof res.json.detail).toBe('string')
      if (status === 429) {
        // Answered with the wait, not after minutes of retries: one request per pool endpoint.
        const retryAfter = Number(res.headers.get('retry-after'))
        expect(retryAfter).toBeGreaterThanOrEqual(1)
        expect(retryAfter).toBeLessThanOrEqual(
          fault.kind === 'too_many_requests' && 'retryAfterSeconds' in fault ? 30 : 120,
        )
        expect(res.json.detail).toMatch(/^Pool rate-limited: /)
        for (const count of Object.values(ocean.requests().byEndpoint)) expect(count).toBe(1)
        // While the pool host cools down, nothing reaches it and the answer is still a 429.
        const again = await call('GET', `${T}/${id}/workers`)
        expect(again.status).toBe(429)
        expect(again.headers.get('retry-after')).not.toBe(null)
        expect(ocean.requests().byEndpoint.user_hashrate_full).toBe(1)
      }
      if (status === 503) expect(res.json.detail).toMatch(/^Pool unreachable: /)
      if (status === 502) expect(res.json.detail).toMatch(/^Pool returned invalid response: /)
    } finally {
      ocean.setScenario({ data: 'reference' })
    }
  })

  it('a throttled pool with data cached answers the stale data, marked, with its age', async () => {
    advance(FAR)
    const { id } = await createOcean('Cached')
    expect((await call('GET', `${T}/${id}/stats`)).status).toBe(200)
    advance(301_000) // pool_stats TTL is 300 s
    ocean.setScenario({
      data: 'reference',
      faults: [{ endpoint: '*', fault: { kind: 'too_many_requests', retryAfterSeconds: 60 } }],
    })
    try {
      const stale = await call('GET', `${T}/${id}/stats`)
      expect(stale.status).toBe(200)
      expect(stale.headers.get('x-edge-mining-stale')).toBe('true')
      expect(Number(stale.headers.get('x-edge-mining-data-age'))).toBeGreaterThanOrEqual(301)
      expect(stale.headers.get('age')).toBe(stale.headers.get('x-edge-mining-data-age'))
      expect(stale.json.unpaid_balance).toBe(412345)
      const snapshot = await call('GET', `${T}/${id}/snapshot`)
      expect(snapshot.json.stale).toBe(true)
      expect(snapshot.headers.get('x-edge-mining-stale')).toBe('true')
    } finally {
      ocean.setScenario({ data: 'reference' })
    }
  })
})

describe('bad input and a fuzz pass', () => {
  it('1 000+ malformed requests: no 5xx, every oversized body a 413, still healthy', async () => {
    advance(FAR)
    const dummy = await call('POST', T, { name: 'Fuzz dummy', config: { seed: 5 } })
    const live = await createOcean('Fuzz ocean')
    const secret = await createBraiins('Fuzz braiins')
    const next = createFuzzer({
      seed: 20260820,
      ids: [dummy.json.id, live.id, secret.id],
      bodyLimitBytes: 64 * 1024,
      authorization: `Bearer ${API_TOKEN}`,
    })
    const cases = Array.from({ length: 1100 }, next)
    const failures: string[] = []
    // node:http with keep-alive: the raw client, about twice as fast as fetch for 1 000+ calls.
    const agent = new Agent({ keepAlive: true, maxSockets: 8 })
    const send = (fuzz: FuzzCase) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(
          `${api.url}${fuzz.path}`,
          {
            method: fuzz.method,
            // node:http sends DELETE/OPTIONS bodies without a length unless told.
            headers: {
              ...fuzz.headers,
              ...(fuzz.body === undefined
                ? {}
                : { 'content-length': String(Buffer.byteLength(fuzz.body)) }),
            },
            agent,
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (chunk: Buffer) => chunks.push(chunk))
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            )
          },
        )
        req.on('error', reject)
        req.end(fuzz.body)
      })
    let index = 0
    const worker = async () => {
      while (index < cases.length) {
        const fuzz = cases[index++]
        if (!fuzz) return
        const { status, text } = await send(fuzz)
        seen.push(`${status} ${text}`)
        if (status >= 500 || (fuzz.huge && status !== 413)) {
          failures.push(
            `${fuzz.method} ${fuzz.path.slice(0, 100)} → ${status} ${text.slice(0, 200)}`,
          )
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    agent.destroy()
    expect(failures).toEqual([])
    expect((await call('GET', '/health')).json).toEqual({ status: 'ok' })
    expect((await call('GET', `${T}/${live.id}/stats`)).status).toBe(200)
  }, 120_000)
})

describe('persistence', () => {
  it('trackers survive a server restart', async () => {
    const before = (await call('GET', T)).json
    expect(before.length).toBeGreaterThan(0)
    await api.close()
    api = await start()
    expect((await call('GET', T)).json).toEqual(before)
    advance(FAR)
    api.runtime.cache.invalidate()
    for (const type of ['ocean', 'braiins_pool']) {
      const tracker = before.find(
        (t: { adapter_type: string; name: string }) =>
          t.adapter_type === type && !t.name.startsWith('Wrong') && t.name !== 'Revoked',
      )
      // Braiins answering proves the token itself was stored (responses only ever show "***").
      expect((await call('GET', `${T}/${tracker.id}/stats`)).status, type).toBe(200)
    }
  })
})

describe('one pool cache for every process on the database', () => {
  it('a new server on the same database answers from the cache the last one filled', async () => {
    const tracker = await createOcean('Shared cache')
    expect((await call('GET', `${T}/${tracker.id}/stats`)).status).toBe(200)
    const seenByPool = ocean.requests().total
    await api.close()
    api = await start()
    const again = await call('GET', `${T}/${tracker.id}/stats`)
    expect(again.status).toBe(200)
    expect(ocean.requests().total).toBe(seenByPool)
  })
})

describe('secrets', () => {
  it('the Braiins token and the API token are in no response and no log line', () => {
    expect(seen.length).toBeGreaterThan(1000)
    const lines = logs.lines()
    expect(lines.length).toBeGreaterThan(1000)
    for (const secret of [BRAIINS_TOKEN, API_TOKEN]) {
      for (const response of seen) expect(response).not.toContain(secret)
      for (const line of lines) expect(line).not.toContain(secret)
    }
  })
})
