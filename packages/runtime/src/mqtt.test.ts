import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import * as mqtt from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { openRuntime, type Runtime } from './runtime'
import { configureSite, createSite, createTestPlatform, siteDefinitions } from './test-support/site'

const T0 = '2026-06-21T10:00:00.000Z'
const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A real broker on 127.0.0.1 and a client recording everything it carries. */
async function brokerWithRecorder() {
  const broker = await Aedes.createBroker()
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    broker.handle(socket)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const recorder = await mqtt.connectAsync(url, { clientId: 'recorder', reconnectPeriod: 0 })
  const messages: { topic: string; payload: string }[] = []
  const waiters = new Set<() => void>()
  recorder.on('message', (topic, payload) => {
    messages.push({ topic, payload: payload.toString() })
    for (const waiter of waiters) waiter()
  })
  await recorder.subscribeAsync('#', { qos: 1 })
  cleanups.push(async () => {
    await recorder.endAsync(true)
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  /** Resolves once a recorded message matches (a safety net of 5 s, not a sleep). */
  const waitFor = (
    match: (message: { topic: string; payload: string }) => boolean,
    label: string,
  ) =>
    new Promise<{ topic: string; payload: string }>((resolve, reject) => {
      const check = () => {
        const found = messages.find(match)
        if (!found) return false
        waiters.delete(check)
        clearTimeout(timer)
        resolve(found)
        return true
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`No message: ${label}`))
      }, 5_000)
      if (!check()) waiters.add(check)
    })
  return { broker, url, recorder, messages, waitFor }
}

function tempEnv(url: string) {
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-mqtt-'))
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }))
  return {
    DB_PATH: join(folder, 'edgemining.db'),
    POLICIES_DIR: join(folder, 'policies'),
    LOG_LEVEL: 'silent',
    MQTT_URL: url,
    MQTT_BASE_TOPIC: 'edge_mining',
  }
}

const hex = (id: string) => id.replaceAll('-', '')
const stateOf = (message: { payload: string }) =>
  JSON.parse(message.payload) as Record<string, unknown>

describe('openRuntime with MQTT_URL', () => {
  it('announces the site from the process that runs the loop, and the switch overrides the miner', async () => {
    const mqttBroker = await brokerWithRecorder()
    const env = tempEnv(mqttBroker.url)
    const site = createSite(4000) // sunny: the policy starts the miners
    const clock = createTestPlatform(T0)
    const runtime: Runtime = openRuntime({
      env,
      platform: clock,
      adapters: () => siteDefinitions(site),
    })
    cleanups.push(() => runtime.close())
    const { rig, spare, unit } = configureSite(runtime.services)
    expect(runtime.mqtt?.url).toBe(mqttBroker.url)
    // Opening the runtime (the CLI does) connects nothing.
    expect(runtime.mqtt?.isStarted()).toBe(false)

    // Another server on the same database serves the API but runs no cycle: it stays off MQTT.
    const otherClock = createTestPlatform(T0)
    const other = openRuntime({ env, platform: otherClock, adapters: () => siteDefinitions(site) })
    cleanups.push(() => other.close())

    runtime.startLoop()
    await clock.advance(0) // the first fire is at once
    const rigState = `edge_mining/miner/${rig.id}/state`
    const started = await mqttBroker.waitFor(
      (m) => m.topic === rigState && stateOf(m).mining === 'ON',
      'the rig mining',
    )
    expect(stateOf(started)).toMatchObject({ status: 'on', decision: 'start_mining' })
    await mqttBroker.waitFor(
      (m) => m.topic === `homeassistant/switch/edge_mining_miner_${hex(spare.id)}_mining/config`,
      "the spare's switch",
    )
    const unitState = await mqttBroker.waitFor(
      (m) => m.topic === `edge_mining/unit/${unit.id}/state`,
      "the unit's energy",
    )
    expect(stateOf(unitState)).toMatchObject({ production: 4000, consumption: 600, surplus: 3400 })

    other.startLoop()
    await otherClock.advance(0)
    expect(other.mqtt?.isStarted()).toBe(false)
    expect(mqttBroker.broker.connectedClients).toBe(2) // the recorder and the leader

    // Home Assistant turns the switch off: the same override as POST /miners/{id}/stop.
    await mqttBroker.recorder.publishAsync(`edge_mining/miner/${rig.id}/override/set`, 'OFF', {
      qos: 1,
    })
    await mqttBroker.waitFor((m) => m.topic === rigState && stateOf(m).mining === 'OFF', 'OFF')
    expect(site.commands).toContain('rig stopMining')
    const [entry] = runtime.loop.decisions({ miner_id: rig.id, limit: 1 })
    expect(entry).toMatchObject({ kind: 'action', action: 'stop', outcome: 'executed' })

    // Deleting a miner clears what HA knew of it.
    runtime.services.miners.remove(spare.id, { force: true })
    await mqttBroker.waitFor(
      (m) =>
        m.topic === `homeassistant/switch/edge_mining_miner_${hex(spare.id)}_mining/config` &&
        m.payload === '',
      "the spare's switch cleared",
    )

    expect(runtime.mqtt?.stats()).toMatchObject({
      connected: true,
      commands: 1,
      command_failures: 0,
    })
    await runtime.close()
    await mqttBroker.waitFor(
      (m) => m.topic === 'edge_mining/status' && m.payload === 'offline',
      'offline on close',
    )
    expect(runtime.mqtt?.isStarted()).toBe(false)
  })

  it('is null without MQTT_URL', async () => {
    const env = tempEnv('')
    const runtime = openRuntime({ env, platform: createTestPlatform(T0), adapters: () => [] })
    cleanups.push(() => runtime.close())
    expect(runtime.mqtt).toBeNull()
  })
})
