import type { MqttClient } from 'mqtt'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMqttBridge, type MqttBridgeOptions } from './bridge'
import {
  fakePlatform,
  fakeSite,
  MINER_ID,
  nextEvent,
  OTHER_MINER_ID,
  observation,
  type RecordedMessage,
  type Recorder,
  recordingLogger,
  startBroker,
  startRecorder,
  type TestBroker,
  TRACKER_ID,
  trackingConnect,
  UNIT_ID,
} from './test-support'

const S9 = '6f0c5a523d1e4b8e9a510d1c2b3a4f50'
const BITAXE = '7a1d6b634e2f4c9f8b621e2d3c4b5a60'
const OCEAN = '1b7f2c1e4a5b4c6d8e9f0a1b2c3d4e5f'
/** 5 pool sensors, 6 energy sensors, 2 miners × (5 sensors + the switch). */
const CONFIG_COUNT = 23
const S9_STATE = `edge_mining/miner/${MINER_ID}/state`
const S9_COMMAND = `edge_mining/miner/${MINER_ID}/override/set`
const STATUS = 'edge_mining/status'

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function broker(options: Parameters<typeof startBroker>[0] = {}): Promise<TestBroker> {
  const started = await startBroker(options)
  cleanups.push(() => started.close())
  return started
}

async function recorder(url: string): Promise<Recorder> {
  const started = await startRecorder(url)
  cleanups.push(() => started.close())
  return started
}

function bridgeOn(url: string, extra: Partial<MqttBridgeOptions> = {}) {
  const platform = fakePlatform()
  const site = fakeSite()
  const logger = recordingLogger()
  const tracking = trackingConnect()
  const bridge = createMqttBridge({
    url,
    source: site.source,
    logger,
    platform,
    connect: tracking.connect,
    ...extra,
  })
  cleanups.push(() => bridge.stop())
  return { bridge, platform, site, logger, tracking }
}

function lastClient(tracking: ReturnType<typeof trackingConnect>): MqttClient {
  const client = tracking.last()
  if (!client) throw new Error('the bridge opened no connection')
  return client
}

/** Starts the bridge and resolves once it is connected (its client's real `connect` event). */
async function startConnected(setup: ReturnType<typeof bridgeOn>): Promise<MqttClient> {
  setup.bridge.start()
  const client = lastClient(setup.tracking)
  await nextEvent(client, 'connect', 'the bridge connects')
  return client
}

/** Resolves once the recorder has seen `count` distinct config topics with a config. */
function configsSeen(recording: Recorder, count: number) {
  const seen = new Set<string>()
  return recording.waitFor((message) => {
    if (message.topic.endsWith('/config') && message.payload !== '') seen.add(message.topic)
    return seen.size >= count
  }, `${count} configs`)
}

const isState =
  (topic: string, match: (state: Record<string, unknown>) => boolean) =>
  (message: RecordedMessage) =>
    message.topic === topic && message.payload !== '' && match(JSON.parse(message.payload))

const configTopicsIn = (retained: Map<string, string>) =>
  [...retained.keys()].filter((topic) => topic.endsWith('/config')).sort()

describe('createMqttBridge against a real broker', () => {
  it('announces every device with retained configs and says it is online', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    await configsSeen(recording, CONFIG_COUNT)

    const retained = await mqtt.retained()
    expect(retained.get(STATUS)).toBe('online')
    const configs = configTopicsIn(retained)
    expect(configs).toHaveLength(CONFIG_COUNT)
    expect(configs).toContain(`homeassistant/switch/edge_mining_miner_${S9}_mining/config`)
    expect(configs).toContain(`homeassistant/sensor/edge_mining_tracker_${OCEAN}_unpaid/config`)
    for (const topic of configs) {
      const config = JSON.parse(retained.get(topic) ?? '')
      expect(topic).toBe(`homeassistant/${topic.split('/')[1]}/${config.unique_id}/config`)
    }
    expect(setup.bridge.stats()).toMatchObject({ connected: true, reconnects: 0, pending: 0 })
  })

  it('keeps the same unique ids across restarts (a second bridge replaces, never duplicates)', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const first = bridgeOn(mqtt.url, { clientId: 'edge_first' })
    await startConnected(first)
    await configsSeen(recording, CONFIG_COUNT)
    const before = await mqtt.retained()
    await first.bridge.stop()
    expect((await mqtt.retained()).get(STATUS)).toBe('offline')

    recording.messages.length = 0
    const second = bridgeOn(mqtt.url, { clientId: 'edge_second' })
    await startConnected(second)
    await configsSeen(recording, CONFIG_COUNT)
    const after = await mqtt.retained()
    expect(configTopicsIn(after)).toEqual(configTopicsIn(before))
    for (const topic of configTopicsIn(after)) {
      expect(JSON.parse(after.get(topic) ?? '').unique_id).toBe(
        JSON.parse(before.get(topic) ?? '').unique_id,
      )
    }
    expect(after.get(STATUS)).toBe('online')
  })

  it("publishes each device's state after a cycle, retained", async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)

    setup.site.emitCycle(observation())
    await recording.waitFor(
      isState(S9_STATE, () => true),
      'the S9 state',
    )
    await recording.waitFor(
      isState(`edge_mining/unit/${UNIT_ID}/state`, () => true),
      'the unit',
    )
    await recording.waitFor(
      isState(`edge_mining/tracker/${TRACKER_ID}/state`, () => true),
      'pool',
    )

    const retained = await mqtt.retained()
    expect(JSON.parse(retained.get(S9_STATE) ?? '')).toEqual({
      status: 'on',
      power: 1350,
      hashrate: 13.5,
      mining: 'ON',
      decision: 'start_mining',
      reason: 'Rule "Sunny" matched: production 4200 W ≥ 3000 W',
    })
    expect(JSON.parse(retained.get(`edge_mining/tracker/${TRACKER_ID}/state`) ?? '')).toEqual({
      hashrate: 13.2,
      unpaid: 43_210,
      payout_progress: 43.21,
      workers_online: 1,
      seconds_since_last_share: 12,
    })
    expect(JSON.parse(retained.get(`edge_mining/unit/${UNIT_ID}/state`) ?? '')).toMatchObject({
      production: 4200,
      surplus: 3400,
      battery_soc: 64,
    })
    // The Bitaxe was not read this cycle: it has no state yet (HA shows it unknown).
    expect(retained.has(`edge_mining/miner/${OTHER_MINER_ID}/state`)).toBe(false)
  })

  it('shows the status a cycle left a miner in when it started it', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    setup.site.emitCycle(observation({ status: 'off', power: 0, startedNow: true }))
    const state = await recording.waitFor(
      isState(S9_STATE, () => true),
      'the S9 state',
    )
    expect(JSON.parse(state.payload)).toMatchObject({ status: 'starting', mining: 'ON', power: 0 })
  })

  it('publishes a changed state at most once per interval, the newest value when it ends', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url, { minIntervalSeconds: 30 })
    const client = await startConnected(setup)
    setup.site.emitCycle(observation({ power: 1350 }))
    await recording.waitFor(
      isState(S9_STATE, (state) => state.power === 1350),
      '1350 W',
    )

    const publish = vi.spyOn(client, 'publish')
    const s9Publishes = () => publish.mock.calls.filter(([topic]) => topic === S9_STATE)
    setup.platform.advance(10_000)
    setup.site.emitCycle(observation({ power: 1400 }))
    setup.platform.advance(10_000)
    setup.site.emitCycle(observation({ power: 1420 }))
    expect(s9Publishes()).toHaveLength(0)
    // The pool's state did not change: nothing to send for it either.
    expect(
      publish.mock.calls.filter(([topic]) => String(topic).includes('/tracker/')),
    ).toHaveLength(0)

    setup.platform.advance(10_000) // 30 s after the first: the held value goes out
    expect(s9Publishes()).toHaveLength(1)
    await recording.waitFor(
      isState(S9_STATE, (state) => state.power === 1420),
      '1420 W',
    )

    setup.platform.advance(40_000)
    setup.site.emitCycle(observation({ power: 1420 }))
    expect(s9Publishes()).toHaveLength(1) // unchanged: HA has it (retained)
    setup.site.emitCycle(observation({ power: 1500 }))
    expect(s9Publishes()).toHaveLength(2) // changed and the interval is over: at once
  })

  it('re-sends unchanged states within half of expire_after', async () => {
    const mqtt = await broker()
    const setup = bridgeOn(mqtt.url, { minIntervalSeconds: 10, expireAfterSeconds: 120 })
    const client = await startConnected(setup)
    setup.site.emitCycle(observation())
    const publish = vi.spyOn(client, 'publish')
    const s9Publishes = () => publish.mock.calls.filter(([topic]) => topic === S9_STATE)
    setup.platform.advance(59_000)
    setup.site.emitCycle(observation())
    expect(s9Publishes()).toHaveLength(0)
    setup.platform.advance(1_000)
    setup.site.emitCycle(observation())
    expect(s9Publishes()).toHaveLength(1)
  })

  it('carries out the override switch and answers with the state at once', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    setup.site.emitCycle(observation({ status: 'off', power: 0 }))
    await recording.waitFor(
      isState(S9_STATE, (state) => state.mining === 'OFF'),
      'OFF',
    )

    // Inside the min interval: a command's answer is not held back.
    await recording.publish(S9_COMMAND, 'ON')
    const on = await recording.waitFor(
      isState(S9_STATE, (state) => state.mining === 'ON'),
      'ON',
    )
    expect(JSON.parse(on.payload)).toMatchObject({ status: 'starting', mining: 'ON', power: 0 })
    expect(setup.site.overrides).toEqual([{ minerId: MINER_ID, action: 'start' }])

    await recording.publish(S9_COMMAND, 'OFF')
    await recording.waitFor(
      isState(S9_STATE, (state) => state.status === 'stopping'),
      'stopping',
    )
    expect(setup.site.overrides).toEqual([
      { minerId: MINER_ID, action: 'start' },
      { minerId: MINER_ID, action: 'stop' },
    ])
    expect(setup.bridge.stats()).toMatchObject({ commands: 2, command_failures: 0 })
  })

  it('sends the unchanged state again when an override fails, so the switch snaps back', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    setup.site.emitCycle(observation({ status: 'off' }))
    await recording.waitFor(
      isState(S9_STATE, (state) => state.mining === 'OFF'),
      'OFF',
    )
    setup.site.answerOverridesWith(async () => {
      throw new Error("Miner 'Garage S9' has no controller that can start it")
    })
    const before = recording.messages.filter((message) => message.topic === S9_STATE).length

    await recording.publish(S9_COMMAND, 'ON')
    await recording.waitFor(
      (message) =>
        message.topic === S9_STATE &&
        recording.messages.filter((seen) => seen.topic === S9_STATE).length > before,
      'the state again',
    )
    const last = recording.messages.filter((message) => message.topic === S9_STATE).at(-1)
    expect(JSON.parse(last?.payload ?? '')).toMatchObject({ mining: 'OFF', status: 'off' })
    expect(setup.bridge.stats()).toMatchObject({ commands: 1, command_failures: 1 })
    expect(setup.logger.loud().map((line) => line.message)).toEqual([
      `MQTT: the override start of miner ${MINER_ID} failed: Miner 'Garage S9' has no controller that can start it`,
    ])
  })

  it('ignores payloads other than ON/OFF and retained commands', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    // Left on the broker before the bridge starts: replayed to it at subscribe, flagged retained.
    await recording.publish(S9_COMMAND, 'ON', { retain: true })
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    await configsSeen(recording, CONFIG_COUNT)
    await recording.publish(S9_COMMAND, 'TOGGLE')
    await recording.publish(`edge_mining/miner/${OTHER_MINER_ID}/override/set`, 'OFF')
    await recording.waitFor(() => setup.site.overrides.length > 0, 'the Bitaxe command')
    // The broker delivers in order: the retained ON and TOGGLE came first and did nothing.
    expect(setup.site.overrides).toEqual([{ minerId: OTHER_MINER_ID, action: 'stop' }])
    expect(setup.bridge.stats()).toMatchObject({ commands: 2, command_failures: 1 })
  })

  it('leaves a last will that the broker delivers when the connection dies', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    const client = await startConnected(setup)
    await recording.waitFor((m) => m.topic === STATUS && m.payload === 'online', 'online')

    const closed = nextEvent(client, 'close', 'the bridge sees its socket die')
    client.stream.destroy() // the process's socket gone, no DISCONNECT: as if it were killed
    await recording.waitFor((m) => m.topic === STATUS && m.payload === 'offline', 'the will')
    expect((await mqtt.retained()).get(STATUS)).toBe('offline')
    await closed
    expect(setup.bridge.stats().connected).toBe(false)
    expect(setup.logger.loud().map((line) => line.message)).toEqual([
      expect.stringMatching(
        /^MQTT: lost the connection to mqtt:\/\/127\.0\.0\.1:\d+ .*reconnecting/,
      ),
    ])

    // It comes back on its own after the first backoff step (1 s on the injected clock).
    recording.messages.length = 0
    expect(setup.platform.pendingTimers()).toEqual([1000])
    setup.platform.advance(1000)
    await nextEvent(lastClient(setup.tracking), 'connect', 'reconnect')
    await recording.waitFor((m) => m.topic === STATUS && m.payload === 'online', 'online again')
    expect(setup.bridge.stats()).toMatchObject({ connected: true, reconnects: 1 })
  })

  it('clears the retained configs and state of a removed miner and tracker', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    setup.site.emitCycle(observation())
    await recording.waitFor(
      isState(S9_STATE, () => true),
      'the S9 state',
    )
    await configsSeen(recording, CONFIG_COUNT)

    const { entities } = setup.site
    entities.miners = entities.miners.filter((miner) => miner.id !== MINER_ID)
    entities.trackers = []
    for (const unit of entities.units) {
      unit.target_miner_ids = unit.target_miner_ids.filter((id) => id !== MINER_ID)
    }
    setup.site.changed()
    await recording.waitFor((m) => m.topic === S9_STATE && m.payload === '', 'the S9 state cleared')
    await recording.waitFor(
      (m) =>
        m.topic === `homeassistant/switch/edge_mining_miner_${S9}_mining/config` &&
        m.payload === '',
      'the S9 switch cleared',
    )
    await recording.waitFor(
      (m) =>
        m.topic.includes(`edge_mining_tracker_${OCEAN}_seconds_since_last_share`) &&
        m.payload === '',
      'the last pool sensor cleared',
    )

    const retained = await mqtt.retained()
    const configs = configTopicsIn(retained)
    expect(configs.filter((topic) => topic.includes(S9) || topic.includes(OCEAN))).toEqual([])
    // What is left: the unit's 6 sensors and the Bitaxe's 5 and its switch.
    expect(configs).toHaveLength(12)
    expect(configs.filter((topic) => topic.includes(BITAXE))).toHaveLength(6)
    expect(retained.has(S9_STATE)).toBe(false)
    expect(setup.bridge.stats().pending).toBe(0)
  })

  it('re-sends the configs of a renamed device, at the change or at the next cycle', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    const client = await startConnected(setup)
    await configsSeen(recording, CONFIG_COUNT)
    const publish = vi.spyOn(client, 'publish')
    setup.site.emitCycle(observation())
    const configsSent = () => publish.mock.calls.filter(([topic]) => topic.endsWith('/config'))
    expect(configsSent()).toEqual([]) // nothing changed: nothing announced again

    const s9 = setup.site.entities.miners.find((miner) => miner.id === MINER_ID)
    if (s9) s9.name = 'Shed S9'
    setup.site.emitCycle(observation()) // as a CLI rename is seen: at the next cycle
    expect(configsSent()).toHaveLength(6) // the S9's 5 sensors and its switch
    const power = `homeassistant/sensor/edge_mining_miner_${S9}_power/config`
    await recording.waitFor(
      (m) => m.topic === power && JSON.parse(m.payload).device.name === 'Shed S9',
      'renamed',
    )
  })

  it('clears at start retained configs of ours whose entity is gone, and only those', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const gone =
      'homeassistant/sensor/edge_mining_miner_0123456789abcdef0123456789abcdef_power/config'
    const foreign = 'homeassistant/sensor/zigbee_0x00158d_temperature/config'
    const otherInstance = `homeassistant/sensor/cabin_miner_${S9}_power/config`
    for (const topic of [gone, foreign, otherInstance]) {
      await recording.publish(topic, '{"name":"x"}', { retain: true })
    }
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    await recording.waitFor((m) => m.topic === gone && m.payload === '', 'the stale config cleared')
    await configsSeen(recording, CONFIG_COUNT)

    const retained = await mqtt.retained()
    expect(retained.has(gone)).toBe(false)
    expect(retained.get(foreign)).toBe('{"name":"x"}')
    expect(retained.get(otherInstance)).toBe('{"name":"x"}')
    expect(configTopicsIn(retained)).toHaveLength(CONFIG_COUNT + 2)
  })

  it('republishes configs and the newest states after the broker restarts', async () => {
    const first = await startBroker()
    const port = first.port
    const before = await startRecorder(first.url)
    cleanups.push(() => before.close())
    const setup = bridgeOn(first.url)
    const client = await startConnected(setup)
    setup.site.emitCycle(observation({ power: 1350 }))
    await configsSeen(before, CONFIG_COUNT)
    await before.waitFor(
      isState(S9_STATE, (state) => state.power === 1350),
      '1350 W',
    )
    const lost = nextEvent(client, 'close', 'the broker goes away')
    await first.close()
    await lost

    // While it is away: the cycle goes on, the bridge counts what it could not send (the S9's
    // new power; the pool and the unit read the same as before).
    expect(() => setup.site.emitCycle(observation({ power: 1111 }))).not.toThrow()
    expect(setup.bridge.stats()).toMatchObject({ connected: false, publish_failures: 1 })

    const second = await broker({ port }) // an empty broker: every retained message lost
    const recording = await recorder(second.url)
    setup.platform.advance(1000)
    await nextEvent(lastClient(setup.tracking), 'connect', 'reconnect')
    await configsSeen(recording, CONFIG_COUNT)
    await recording.waitFor(
      isState(S9_STATE, (state) => state.power === 1111),
      'newest state',
    )
    const retained = await second.retained()
    expect(configTopicsIn(retained)).toHaveLength(CONFIG_COUNT)
    expect(retained.get(STATUS)).toBe('online')
    expect(setup.bridge.stats()).toMatchObject({ connected: true, reconnects: 1, pending: 0 })
  })

  it('answers Home Assistant coming online with everything again', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    setup.site.emitCycle(observation())
    await configsSeen(recording, CONFIG_COUNT)
    await recording.waitFor(
      isState(S9_STATE, () => true),
      'the state',
    )
    recording.messages.length = 0

    await recording.publish('homeassistant/status', 'online')
    await configsSeen(recording, CONFIG_COUNT)
    await recording.waitFor(
      isState(S9_STATE, () => true),
      'the state again',
    )
  })

  it('puts itself back online when a late will of an older connection says offline', async () => {
    const mqtt = await broker()
    const recording = await recorder(mqtt.url)
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    await recording.waitFor((m) => m.topic === STATUS && m.payload === 'online', 'online')
    recording.messages.length = 0
    await recording.publish(STATUS, 'offline', { retain: true })
    await recording.waitFor((m) => m.topic === STATUS && m.payload === 'online', 'online again')
    expect((await mqtt.retained()).get(STATUS)).toBe('online')
  })

  it('stops: says offline, disconnects and stops following the loop', async () => {
    const mqtt = await broker()
    const setup = bridgeOn(mqtt.url)
    await startConnected(setup)
    expect(setup.site.observerCount()).toBe(1)
    await setup.bridge.stop()
    expect((await mqtt.retained()).get(STATUS)).toBe('offline')
    expect(setup.site.observerCount()).toBe(0)
    expect(setup.bridge.isStarted()).toBe(false)
    expect(setup.platform.pendingTimers()).toEqual([])
    await setup.bridge.stop() // idempotent
  })
})

describe('createMqttBridge without a broker', () => {
  it('costs one log line while down, backs off, and counts what it could not send', async () => {
    const gone = await startBroker()
    await gone.close() // a port nobody listens on
    const setup = bridgeOn(gone.url, { reconnect: { initialMs: 1000, maxMs: 5000 } })
    setup.bridge.start()
    const delays: number[] = []
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await nextEvent(lastClient(setup.tracking), 'close', `attempt ${attempt + 1} fails`)
      delays.push(...setup.platform.pendingTimers())
      // Cycles go on meanwhile; each changed state is one update the broker did not get.
      setup.site.emitCycle(observation({ power: 1000 + attempt }))
      setup.platform.advance(delays.at(-1) ?? 0)
    }
    await nextEvent(lastClient(setup.tracking), 'close', 'attempt 5 fails')
    expect(delays).toEqual([2000, 4000, 5000, 5000])
    expect(setup.logger.loud()).toHaveLength(1)
    expect(setup.logger.loud()[0]?.message).toMatch(
      /^MQTT: cannot reach mqtt:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); retrying/,
    )
    // The first cycle changes 3 device states (pool, unit, S9); the next three only the S9's.
    expect(setup.bridge.stats()).toMatchObject({
      connected: false,
      connect_failures: 5,
      publish_failures: 6,
      reconnects: 0,
    })
  })

  it('never shows the password: not in logs, errors or stats', async () => {
    const password = 'hunter22-very-secret'
    const mqtt = await broker({
      aedes: {
        authenticate: (_client, username, given, done) => {
          const ok = username === 'edge' && given?.toString() === password
          done(ok ? null : Object.assign(new Error('Bad credentials'), { returnCode: 4 }), ok)
        },
      },
    })
    const refused = bridgeOn(mqtt.url.replace('mqtt://', `mqtt://edge:${password}x@`))
    refused.bridge.start()
    await nextEvent(lastClient(refused.tracking), 'close', 'refused')
    expect(refused.bridge.stats().connected).toBe(false)
    expect(refused.logger.loud()).toHaveLength(1)

    const accepted = bridgeOn(mqtt.url, { username: 'edge', password })
    await startConnected(accepted)
    expect(accepted.bridge.stats().connected).toBe(true)
    await accepted.bridge.stop()

    let thrown = ''
    try {
      createMqttBridge({
        url: `http://edge:${password}@broker.local`,
        source: fakeSite().source,
        logger: recordingLogger(),
        platform: fakePlatform(),
      })
    } catch (error) {
      thrown = String(error)
    }
    expect(thrown).toMatch(/url: expected a URL starting mqtt:\/\//)

    const everything = JSON.stringify([
      refused.logger.lines,
      accepted.logger.lines,
      refused.bridge.stats(),
      accepted.bridge.stats(),
      refused.bridge.url,
      thrown,
    ])
    expect(everything).not.toContain('hunter22')
    expect(everything).toContain('mqtt://127.0.0.1')
  })
})
