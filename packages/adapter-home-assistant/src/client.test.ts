import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { DeviceError } from '@edge-mining/domain'
import { afterEach, describe, expect, it } from 'vitest'
import { BACKOFF_LADDER_MS, createHomeAssistantClient } from './client'
import { createHomeAssistantEnergyMonitor } from './energy-monitor'
import { createHomeAssistantService, homeAssistantServiceDefinition } from './external-service'
import { createGenericSocketController } from './miner-controller'
import { createHomeAssistantNotifier } from './notifier'
import { closeAll, createTestPlatform, flush, harness, NOON, until } from './test-support'

afterEach(closeAll)

describe('home_assistant_api external service: status', () => {
  it('connected: really calls /api/config, with HA version, place, latency', async () => {
    const { client, sim } = await harness({
      location: { name: 'Cascina', timeZone: 'Europe/Rome' },
    })
    const status = await client.checkStatus()
    expect(status).toEqual({
      status: 'connected',
      last_check: NOON,
      latency_ms: 0,
      error_message: null,
      message: 'Home Assistant 2026.9.1 — Cascina (Europe/Rome)',
    })
    expect(sim.requests().byEndpoint).toEqual({ config: 1 })
  })

  it('unauthorized for a wrong or revoked token; disconnected when down, 5xx, garbage or nobody there', async () => {
    const { platform, sim, logger } = await harness()
    const wrong = createHomeAssistantClient({
      url: sim.url,
      token: 'not-the-token',
      timeoutMs: 10_000,
      platform,
      logger,
    })
    const refused = await wrong.checkStatus()
    expect(refused).toMatchObject({ status: 'unauthorized', latency_ms: null, message: null })
    expect(refused.error_message).toMatch(/refused the token \(HTTP 401\)/)
    const cases: [Parameters<typeof sim.set>[0]['faults'], RegExp][] = [
      [[{ fault: { kind: 'down' } }], /is unreachable \(/],
      [[{ fault: { kind: 'server_error', status: 503 } }], /answered HTTP 503 \(server error\)/],
      [[{ fault: { kind: 'garbage' } }], /not JSON .*is the URL that of Home Assistant\?/],
    ]
    const second = await harness()
    for (const [faults, message] of cases) {
      second.sim.set({ faults: faults ?? [] })
      const status = await second.client.checkStatus()
      expect(status.status).toBe('disconnected')
      expect(status.error_message).toMatch(message)
    }
    // A port nobody listens on.
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const nobody = await createHomeAssistantClient({
      url: `http://127.0.0.1:${port}`,
      token: 'x'.repeat(20),
      timeoutMs: 10_000,
      platform,
      logger,
    }).checkStatus()
    expect(nobody).toMatchObject({ status: 'disconnected' })
    expect(nobody.error_message).toMatch(/is unreachable \(connection refused\)/)
  })

  it('a request that never answers times out on the platform clock', async () => {
    const { client, sim, platform } = await harness({ faults: [{ fault: { kind: 'hang' } }] })
    const status = client.checkStatus()
    await until(() => sim.requests().total === 1, 'the request reached HA')
    platform.advance(10_000)
    expect(await status).toMatchObject({
      status: 'disconnected',
      error_message: expect.stringMatching(/did not answer within 10 s/),
    })
  })

  it('takes the URL with or without a trailing /api/, and refuses one with credentials', async () => {
    const { sim, platform } = await harness()
    const client = createHomeAssistantService(
      { url: `${sim.url}/api/`, token: sim.token },
      { platform, logger: { debug() {}, info() {}, warn() {}, error() {} } },
    )
    expect(client.url).toBe(sim.url)
    expect((await client.checkStatus()).status).toBe('connected')
    expect(() =>
      createHomeAssistantService(
        { url: 'http://me:pw@ha.local:8123', token: 't' },
        { platform, logger: console },
      ),
    ).toThrow(/url: must not carry a user name or password/)
    expect(() =>
      createHomeAssistantService({ url: 'ha.local', token: 't' }, { platform, logger: console }),
    ).toThrow(/home_assistant_api config url/)
  })
})

describe('home_assistant_api: one client, reconnecting with back-off (trap T12)', () => {
  it('after a failure, calls fail at once until the back-off ends, then HA is tried again and heals', async () => {
    const { client, sim, platform, logger } = await harness()
    sim.set({ faults: [{ fault: { kind: 'down' } }] })
    const first = await client.getState('sensor.pv_power').catch((error: unknown) => error)
    expect(first).toBeInstanceOf(DeviceError)
    expect((first as DeviceError).code).toBe('unreachable')
    expect(client.stats()).toMatchObject({
      requests: 1,
      failures: 1,
      retryAt: Date.parse(NOON) + BACKOFF_LADDER_MS[0],
    })
    // Within the back-off: the same error, no request to HA.
    const fast = await client.getState('sensor.grid_power').catch((error: unknown) => error)
    expect((fast as DeviceError).message).toBe((first as DeviceError).message)
    expect(sim.requests().total).toBe(1)
    // Each further failure waits longer: 1 s, 2 s, 5 s…
    platform.advance(1000)
    await expect(client.getState('sensor.pv_power')).rejects.toThrow(DeviceError)
    expect(client.stats().retryAt).toBe(platform.now() + BACKOFF_LADDER_MS[1])
    platform.advance(2000)
    await expect(client.getState('sensor.pv_power')).rejects.toThrow(DeviceError)
    expect(client.stats()).toMatchObject({ failures: 3, requests: 3 })
    // HA comes back: the first call after the back-off reaches it, and the client is healthy.
    sim.set({ faults: [] })
    platform.advance(4999)
    await expect(client.getState('sensor.pv_power')).rejects.toThrow(DeviceError)
    platform.advance(1)
    const state = await client.getState('sensor.pv_power')
    expect(Number(state?.state)).toBeGreaterThan(0)
    expect(client.stats()).toMatchObject({ failures: 0, retryAt: null, requests: 4 })
    // Told once when it went down, once when it came back.
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toHaveLength(1)
    expect(logger.lines.filter((line) => line.startsWith('info'))).toEqual([
      expect.stringMatching(/answers again \(after 8 s\)/),
    ])
    // A status check always asks HA, back-off or not.
    sim.set({ faults: [{ fault: { kind: 'down' } }] })
    await client.getState('sensor.pv_power').catch(() => {})
    sim.set({ faults: [] })
    expect((await client.checkStatus()).status).toBe('connected')
    expect(client.stats().failures).toBe(0)
  })

  it('is shared: what one consumer learnt about HA spares the others a request', async () => {
    const { client, sim, context } = await harness()
    const monitor = createHomeAssistantEnergyMonitor(
      {
        entity_production: 'sensor.pv_power',
        entity_consumption: 'sensor.house_consumption_without_miners',
      },
      context,
    )
    const plug = createGenericSocketController({ entity_switch: 'switch.garage_s21' }, context)
    sim.set({ faults: [{ fault: { kind: 'down' } }] })
    await expect(monitor.getCurrentEnergyState()).rejects.toMatchObject({ code: 'unreachable' })
    const seen = sim.requests().total
    await expect(plug.getStatus()).rejects.toMatchObject({ code: 'unreachable' })
    expect(sim.requests().total).toBe(seen)
    expect(client.stats().failedFast).toBe(1)
  })

  it('identical reads in flight share one request', async () => {
    const { client, sim } = await harness()
    const [a, b] = await Promise.all([
      client.getState('sensor.pv_power'),
      client.getState('sensor.pv_power'),
    ])
    expect(a).toEqual(b)
    expect(sim.requests().total).toBe(1)
  })
})

describe('home_assistant_api: the token is write-only', () => {
  it('never appears in inspect, JSON, messages or errors', async () => {
    const { sim, platform, logger } = await harness({ token: 'very-secret-long-lived-token' })
    const client = createHomeAssistantService(
      { url: sim.url, token: 'very-secret-long-lived-token' },
      { platform, logger },
    )
    expect(homeAssistantServiceDefinition.secretFields).toEqual(['token'])
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain('very-secret')
    expect(JSON.stringify(client)).toBe(
      JSON.stringify({ kind: 'home_assistant_api', url: sim.url }),
    )
    const monitor = createHomeAssistantEnergyMonitor(
      { entity_consumption: 'sensor.house_consumption_without_miners' },
      { platform, logger, externalService: client },
    )
    const context = { platform, logger, externalService: client }
    const plug = createGenericSocketController({ entity_switch: 'switch.garage_s21' }, context)
    const phone = createHomeAssistantNotifier({ service: 'mobile_app_phone' }, context)
    for (const object of [monitor, plug, phone]) {
      expect(inspect(object, { depth: 10, showHidden: true })).not.toContain('very-secret')
      expect(JSON.stringify(object)).not.toContain('very-secret')
    }
    sim.set({ token: 'another-token-now-valid' })
    const error = await client.getConfig().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DeviceError)
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain('very-secret')
    expect(logger.lines.join('\n')).not.toContain('very-secret')
    // A bad config never echoes the token either.
    expect(() =>
      createHomeAssistantService(
        { url: sim.url, token: 42 as unknown as string },
        { platform, logger },
      ),
    ).toThrow(/config token: must be a long-lived access token/)
    await flush()
    expect(createTestPlatform(NOON).now()).toBe(Date.parse(NOON))
  })
})
