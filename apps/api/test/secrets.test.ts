import {
  type AdapterDefinition,
  DeviceError,
  type MinerStatus,
  MiningPoolAuthError,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { buildSite, V1 } from './site'
import { type Loose, makeApp } from './support'

const POOL_TOKEN = 'brn-pool-token-0123456789abcdef'
const HOME_TOKEN = 'ha-long-lived-token-0123456789'
const BOT_TOKEN = '123456:bot-token-abcdefghijklmnop'
const PASSWORD = 'miner-root-password-4242'
const SECRETS = [POOL_TOKEN, HOME_TOKEN, BOT_TOKEN, PASSWORD]

/**
 * Careless made-up adapters, each with a secret it quotes in its own error texts: the shipped
 * ones have no secret but the Braiins token, and a real adapter (Home Assistant, Telegram, a
 * miner's web login) could be this careless. Whatever they say, no secret may leave the API.
 */
function carelessAdapters() {
  const used: { bot_token: string[]; password: string[] } = { bot_token: [], password: [] }
  const home: AdapterDefinition<'external_service'> = {
    kind: 'external_service',
    type: 'fake_home',
    label: 'Fake Home Assistant',
    configSchema: v.strictObject({ url: v.string(), token: v.pipe(v.string(), v.minLength(1)) }),
    secretFields: ['token'],
    create: (config) => ({
      checkStatus: async () => ({
        status: 'unauthorized',
        last_check: '2026-06-20T10:00:00.000Z',
        latency_ms: 3,
        error_message: `401: Bearer ${String(config.token)} is not valid for ${String(config.url)}`,
        message: null,
      }),
    }),
  }
  const chat: AdapterDefinition<'notifier'> = {
    kind: 'notifier',
    type: 'fake_chat',
    label: 'Fake chat',
    configSchema: v.strictObject({
      bot_token: v.pipe(v.string(), v.minLength(1)),
      chat_id: v.optional(v.string(), 'me'),
    }),
    secretFields: ['bot_token'],
    externalServiceTypes: ['fake_home'],
    create: (config) => ({
      send: async () => {
        used.bot_token.push(String(config.bot_token))
        throw new DeviceError('auth_failed', `bot${String(config.bot_token)} was blocked`)
      },
    }),
  }
  let status: MinerStatus = 'off'
  const asic: AdapterDefinition<'miner_controller'> = {
    kind: 'miner_controller',
    type: 'leaky_asic',
    label: 'Leaky ASIC',
    configSchema: v.strictObject({
      host: v.optional(v.string(), '192.0.2.10'),
      password: v.pipe(v.string(), v.minLength(1)),
    }),
    secretFields: ['password'],
    features: ['status_monitoring', 'hashrate_monitoring', 'mining_control'],
    create: (config) => {
      const refuse = () => {
        used.password.push(String(config.password))
        return new DeviceError('auth_failed', `login root:${String(config.password)} refused`)
      }
      return {
        getStatus: async () => status,
        getHashrate: async () => {
          throw refuse()
        },
        startMining: async () => {
          throw refuse()
        },
        stopMining: async () => {
          status = 'off'
        },
      }
    },
  }
  return { definitions: [home, chat, asic], used }
}

describe('secrets are write-only everywhere', () => {
  it('no response, error or log line shows a secret; a PUT without it keeps it', async () => {
    const careless = carelessAdapters()
    const { json, request, logs, pool } = makeApp({ adapters: careless.definitions })
    const bodies: string[] = []
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await json(method, path, body)
      const text = await res.text()
      bodies.push(`${method} ${path} ${res.status} ${text}`)
      expect(res.status, `${method} ${path} ${text}`).not.toBe(500)
      return { status: res.status, body: text ? (JSON.parse(text) as Loose) : null }
    }

    // One entity of each kind that has a secret.
    const home = await call('POST', `${V1}/external-services`, {
      name: 'Home',
      adapter_type: 'fake_home',
      config: { url: 'http://ha.local:8123', token: HOME_TOKEN },
    })
    expect(home.status).toBe(201)
    expect(home.body.config).toEqual({ url: 'http://ha.local:8123', token: '***' })
    const chat = await call('POST', `${V1}/notifiers`, {
      name: 'Chat',
      adapter_type: 'fake_chat',
      config: { bot_token: BOT_TOKEN },
      external_service_id: home.body.id,
    })
    expect(chat.body.config).toEqual({ bot_token: '***', chat_id: 'me' })
    const asic = await call('POST', `${V1}/miner-controllers`, {
      name: 'ASIC',
      adapter_type: 'leaky_asic',
      config: { password: PASSWORD },
    })
    expect(asic.body.config).toEqual({ host: '192.0.2.10', password: '***' })
    const tracker = await call('POST', `${V1}/mining-performance-trackers`, {
      name: 'Braiins',
      adapter_type: 'braiins_pool',
      config: { api_token: POOL_TOKEN },
    })
    expect(tracker.body.config.api_token).toBe('***')

    // A site that reads through all of them.
    const site = await buildSite(json)
    const miner = await call('POST', `${V1}/miners`, {
      name: 'Leaky',
      controller_ids: [asic.body.id],
    })
    const unit = await call('PUT', `${V1}/optimization-units/${site.unit.id}`, {
      performance_tracker_id: tracker.body.id,
      notifier_ids: [site.notifier.id, chat.body.id],
      target_miner_ids: [miner.body.id],
    })
    expect(unit.status).toBe(200)

    // Reads, lists, linked entities.
    for (const path of [
      `${V1}/external-services`,
      `${V1}/external-services/${home.body.id}`,
      `${V1}/external-services/${home.body.id}/linked-entities`,
      `${V1}/notifiers`,
      `${V1}/notifiers/${chat.body.id}`,
      `${V1}/miner-controllers`,
      `${V1}/miner-controllers/${asic.body.id}`,
      `${V1}/mining-performance-trackers`,
      `${V1}/mining-performance-trackers/${tracker.body.id}`,
      `${V1}/optimization-units/${site.unit.id}`,
      `${V1}/miners/${miner.body.id}`,
    ]) {
      expect((await call('GET', path)).status, path).toBe(200)
    }
    const linked = await call('GET', `${V1}/external-services/${home.body.id}/linked-entities`)
    expect(linked.body.notifiers).toEqual([chat.body])

    // Live calls whose adapters quote their secret.
    const status = await call('GET', `${V1}/external-services/${home.body.id}/status`)
    expect(status.body).toMatchObject({ name: 'Home', status: 'unauthorized' })
    expect(status.body.error_message).toContain('***')
    const test = await call('POST', `${V1}/notifiers/${chat.body.id}/test`)
    expect(test.body.status).toBe('failed')
    expect(test.body.message).toContain('was blocked')
    const connection = await call('POST', `${V1}/miner-controllers/${asic.body.id}/test-connection`)
    expect(connection.body.message).toContain('refused')
    const draft = await call('POST', `${V1}/miner-controllers/test-connection`, {
      adapter_type: 'leaky_asic',
      config: { password: PASSWORD },
    })
    expect(draft.status).toBe(200)
    const minerStatus = await call('GET', `${V1}/miners/${miner.body.id}/status`)
    expect(minerStatus.body.errors[0].message).toContain('root:***')
    const start = await call('POST', `${V1}/miners/${miner.body.id}/start`)
    expect(start.status).toBe(502)
    expect(start.body.detail).toContain('root:***')
    pool.set({ error: new MiningPoolAuthError(`token ${POOL_TOKEN} rejected`) })
    const snapshot = await call(
      'GET',
      `${V1}/mining-performance-trackers/${tracker.body.id}/snapshot`,
    )
    expect(snapshot.body.errors).toHaveLength(3)
    const context = await call('GET', `${V1}/optimization-units/${site.unit.id}/decisional-context`)
    expect(context.body.mining_performance.errors).toHaveLength(3)
    expect(context.body.errors).toEqual([
      expect.objectContaining({ part: 'miner_state', code: 'auth_failed' }),
    ])
    pool.set({})

    // Updates without the secret, or with the placeholder, keep it; bad ones are refused.
    for (const [path, body] of [
      [`${V1}/notifiers/${chat.body.id}`, { name: 'Chat 2' }],
      [`${V1}/notifiers/${chat.body.id}`, { config: { bot_token: '***', chat_id: 'you' } }],
      [`${V1}/miner-controllers/${asic.body.id}`, { config: { host: '192.0.2.11' } }],
      [`${V1}/external-services/${home.body.id}`, { config: { url: 'http://ha.lan:8123' } }],
      [`${V1}/mining-performance-trackers/${tracker.body.id}`, { name: 'Pool 2' }],
    ] as const) {
      const updated = await call('PUT', path, body)
      expect(updated.status, path).toBe(200)
    }
    careless.used.bot_token.length = 0
    await call('POST', `${V1}/notifiers/${chat.body.id}/test`)
    expect(careless.used.bot_token).toEqual([BOT_TOKEN])
    careless.used.password.length = 0
    await call('POST', `${V1}/miners/${miner.body.id}/start`)
    expect([...new Set(careless.used.password)]).toEqual([PASSWORD])
    const homeAfter = await call('GET', `${V1}/external-services/${home.body.id}/status`)
    expect(homeAfter.body.error_message).toContain('http://ha.lan:8123')
    for (const [path, body, status] of [
      [`${V1}/notifiers/${chat.body.id}`, { config: { bot_token: 5 } }, 400],
      [`${V1}/notifiers/${chat.body.id}`, { config: { bot_token: BOT_TOKEN, x: 1 } }, 400],
      [
        `${V1}/notifiers`,
        { adapter_type: 'fake_chat', config: { bot_token: BOT_TOKEN, y: 2 } },
        400,
      ],
      [
        `${V1}/external-services`,
        { adapter_type: 'fake_home', config: { token: HOME_TOKEN } },
        400,
      ],
    ] as const) {
      const method =
        path.endsWith('/notifiers') || path.endsWith('/external-services') ? 'POST' : 'PUT'
      expect((await call(method, path, body)).status, path).toBe(status)
    }
    // In-use deletes name the users, never their config.
    expect((await call('DELETE', `${V1}/notifiers/${chat.body.id}`)).status).toBe(409)
    expect((await call('DELETE', `${V1}/external-services/${home.body.id}`)).status).toBe(409)
    expect((await call('DELETE', `${V1}/miner-controllers/${asic.body.id}`)).status).toBe(409)
    expect((await call('DELETE', `${V1}/notifiers/${chat.body.id}?force=true`)).status).toBe(200)
    expect(
      (await call('DELETE', `${V1}/mining-performance-trackers/${tracker.body.id}?force=true`))
        .status,
    ).toBe(200)
    // The OpenAPI document marks the secret fields write-only and holds no value.
    const schema = await call('GET', `${V1}/notifiers/types/fake_chat/config-schema`)
    expect(schema.body.properties.bot_token.writeOnly).toBe(true)
    bodies.push(await (await request('/openapi.json')).text())

    expect(bodies.length).toBeGreaterThan(40)
    for (const body of bodies) {
      for (const secret of SECRETS) expect(body).not.toContain(secret)
    }
    const lines = logs.lines()
    expect(lines.length).toBeGreaterThan(40)
    for (const line of lines) {
      for (const secret of SECRETS) expect(line).not.toContain(secret)
    }
  })
})
