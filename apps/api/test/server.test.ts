import { EventEmitter, once } from 'node:events'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openRuntime, type Runtime } from '@edge-mining/runtime'
import { Aedes } from 'aedes'
import { describe, expect, it, onTestFinished } from 'vitest'
import { runMain, startApi } from '../src/index'
import { captureLogs } from './support'

/** A runtime on SQLite in memory whose `close()` calls are counted. */
function countedRuntime(env: Record<string, string> = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'api-server-test-'))
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }))
  const runtime = openRuntime({
    env: { API_PORT: '0', DB_PATH: ':memory:', POLICIES_DIR: folder, ...env },
    logger: captureLogs().logger,
  })
  const counter = { closed: 0 }
  const close = runtime.close
  const counted: Runtime = {
    ...runtime,
    close: () => {
      counter.closed += 1
      return close()
    },
  }
  return { runtime: counted, counter }
}

describe('startApi', () => {
  it('serves on a free loopback port and closes the store on close()', async () => {
    const logs = captureLogs()
    const { runtime, counter } = countedRuntime()
    const api = await startApi({ runtime: { ...runtime, logger: logs.logger } })
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${api.url}/health`)
    expect(await res.json()).toEqual({ status: 'ok' })
    await api.close()
    await api.close()
    expect(counter.closed).toBe(1)
    await expect(fetch(`${api.url}/health`)).rejects.toThrow()
    expect(logs.entries.filter((e) => e.type === 'warn')).toEqual([])
  })

  it('warns loudly when bound beyond loopback without a token, not with one', async () => {
    const logs = captureLogs()
    const open = await startApi({
      runtime: { ...countedRuntime({ API_HOST: '0.0.0.0' }).runtime, logger: logs.logger },
    })
    await open.close()
    const warnings = logs.entries.filter((e) => e.type === 'warn').map((e) => String(e.args[0]))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('WITHOUT an API_TOKEN')
    const quiet = captureLogs()
    const guarded = await startApi({
      runtime: {
        ...countedRuntime({ API_HOST: '0.0.0.0', API_TOKEN: 'tok-abcdef' }).runtime,
        logger: quiet.logger,
      },
    })
    await guarded.close()
    expect(quiet.entries.filter((e) => e.type === 'warn')).toEqual([])
  })

  it('a port in use is an error and the store is closed', async () => {
    const first = await startApi({ runtime: countedRuntime().runtime })
    const second = countedRuntime({ API_PORT: String(first.port) })
    await expect(startApi({ runtime: second.runtime })).rejects.toThrow(/EADDRINUSE/)
    expect(second.counter.closed).toBe(1)
    await first.close()
  })
})

describe('startApi with the SQLite database', () => {
  it('creates DB_PATH (mode 0600) and keeps trackers across a restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'api-db-'))
    try {
      const env = {
        API_PORT: '0',
        DB_PATH: join(folder, 'nested', 'edge.db'),
        POLICIES_DIR: join(folder, 'policies'),
      }
      const first = await startApi({ env, logger: captureLogs().logger })
      const created = await fetch(`${first.url}/api/v1/mining-performance-trackers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Kept', config: { seed: 3 } }),
      })
      expect(created.status).toBe(201)
      const tracker = await created.json()
      await first.close()
      expect(statSync(env.DB_PATH).mode & 0o777).toBe(0o600)
      const second = await startApi({ env, logger: captureLogs().logger })
      const list = await (await fetch(`${second.url}/api/v1/mining-performance-trackers`)).json()
      expect(list).toEqual([tracker])
      await second.close()
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('an unopenable DB_PATH is an error naming the path', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'api-db-'))
    try {
      await expect(
        startApi({ env: { API_PORT: '0', DB_PATH: folder }, logger: captureLogs().logger }),
      ).rejects.toThrow(folder)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

describe('runMain', () => {
  it('exits 1 with a clear message on a bad environment', async () => {
    const logs = captureLogs()
    const codes: number[] = []
    await runMain({
      env: { API_PORT: 'eighty' },
      logger: logs.logger,
      signals: new EventEmitter(),
      exit: (code) => codes.push(code),
    })
    expect(codes).toEqual([1])
    expect(String(logs.entries.at(-1)?.args[0])).toContain('API_PORT: expected a whole number')
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s closes the server and the database, then exits 0',
    async (signal) => {
      const signals = new EventEmitter()
      const { runtime, counter } = countedRuntime()
      const exited = new Promise<number>((resolve) => {
        void runMain({
          runtime,
          logger: captureLogs().logger,
          signals,
          exit: resolve,
        }).then(() => signals.emit(signal))
      })
      expect(await exited).toBe(0)
      expect(counter.closed).toBe(1)
    },
  )
})

describe('startApi with MQTT_URL', () => {
  it('brings the Home Assistant bridge up with the loop and shows it on /metrics', async () => {
    const broker = await Aedes.createBroker()
    const sockets = new Set<Socket>()
    const mqttServer = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      broker.handle(socket)
    })
    mqttServer.listen(0, '127.0.0.1')
    await once(mqttServer, 'listening')
    onTestFinished(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => mqttServer.close(() => resolve()))
    })
    const address = mqttServer.address()
    const port = typeof address === 'object' && address ? address.port : 0
    // The bridge says `online` from its connect handler: once the broker has it, it is connected.
    const status = (payload: string) =>
      new Promise<void>((resolve) => {
        broker.on('publish', (packet) => {
          if (packet.topic === 'edge_mining/status' && packet.payload.toString() === payload) {
            resolve()
          }
        })
      })
    const online = status('online')
    const folder = mkdtempSync(join(tmpdir(), 'api-mqtt-'))
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }))
    const logs = captureLogs()
    const api = await startApi({
      env: {
        API_PORT: '0',
        DB_PATH: ':memory:',
        POLICIES_DIR: folder,
        MQTT_URL: `mqtt://edge:mqtt-secret-pw@127.0.0.1:${port}`,
      },
      logger: logs.logger,
    })
    await online
    const metrics = await (await fetch(`${api.url}/metrics`)).text()
    expect(metrics).toContain('# TYPE edge_mining_mqtt_connected gauge')
    expect(metrics).toMatch(/^edge_mining_mqtt_connected 1$/m)
    expect(metrics).toContain('# TYPE edge_mining_mqtt_publish_failures_total counter')
    expect(metrics).toMatch(/^edge_mining_mqtt_publish_failures_total 0$/m)
    const offline = status('offline')
    await api.close()
    await offline
    const everything = JSON.stringify([metrics, logs.entries])
    expect(everything).toContain(`mqtt://127.0.0.1:${port}`)
    expect(everything).not.toContain('mqtt-secret-pw')
  })

  it('shows no MQTT metrics when MQTT is not configured', async () => {
    const api = await startApi({ runtime: countedRuntime().runtime })
    const metrics = await (await fetch(`${api.url}/metrics`)).text()
    await api.close()
    expect(metrics).not.toContain('edge_mining_mqtt')
  })
})
