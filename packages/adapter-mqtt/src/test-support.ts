/**
 * Test helpers (not exported): a real aedes broker on 127.0.0.1, a subscriber that records what
 * it receives, a clock and timers the test drives, and a made-up site as the bridge's source.
 */
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import type { MinerStatus } from '@edge-mining/domain'
import { Aedes, type AedesOptions } from 'aedes'
import * as mqtt from 'mqtt'
import type { MqttConnect } from './bridge'
import type { BridgeObservation, MqttBridgeSource, SiteEntities } from './source'

/** How long a test waits for a socket event before it fails (a safety net, not a sleep). */
const EVENT_TIMEOUT_MS = 5_000

interface RetainedStore {
  createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer }>
}

export interface TestBroker {
  broker: Aedes
  port: number
  url: string
  /** What the broker retains now, topic → payload (read from its store: complete, no waiting). */
  retained(): Promise<Map<string, string>>
  /** Stops the broker: every client's socket is cut, retained messages are lost. */
  close(): Promise<void>
}

export async function startBroker(
  options: { port?: number; aedes?: AedesOptions } = {},
): Promise<TestBroker> {
  const broker = await Aedes.createBroker(options.aedes)
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    broker.handle(socket)
  })
  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    broker,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async retained() {
      const out = new Map<string, string>()
      // aedes keeps its store untyped: the part of it read here.
      const store = (broker as unknown as { persistence: RetainedStore }).persistence
      for await (const packet of store.createRetainedStream('#')) {
        out.set(packet.topic, packet.payload.toString())
      }
      return out
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await closed
    },
  }
}

export interface RecordedMessage {
  topic: string
  payload: string
  retain: boolean
}

/** A client subscribed to everything, keeping each message in order. */
export interface Recorder {
  messages: RecordedMessage[]
  /** Resolves with the first message (already received or to come) that matches. */
  waitFor(match: (message: RecordedMessage) => boolean, label: string): Promise<RecordedMessage>
  /** Publishes like Home Assistant does (not retained unless told). */
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>
  close(): Promise<void>
}

export async function startRecorder(url: string, filter = '#'): Promise<Recorder> {
  const client = await mqtt.connectAsync(url, {
    clientId: `recorder_${Math.random().toString(16).slice(2, 10)}`,
    reconnectPeriod: 0,
  })
  const messages: RecordedMessage[] = []
  const waiters = new Set<(message: RecordedMessage) => void>()
  client.on('message', (topic, payload, packet) => {
    const message = { topic, payload: payload.toString(), retain: packet.retain }
    messages.push(message)
    for (const waiter of waiters) waiter(message)
  })
  await client.subscribeAsync(filter, { qos: 1 })
  return {
    messages,
    waitFor(match, label) {
      const seen = messages.find(match)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(new Error(`No message: ${label}`))
        }, EVENT_TIMEOUT_MS)
        const waiter = (message: RecordedMessage) => {
          if (!match(message)) return
          clearTimeout(timer)
          waiters.delete(waiter)
          resolve(message)
        }
        waiters.add(waiter)
      })
    },
    async publish(topic, payload, options = {}) {
      await client.publishAsync(topic, payload, { qos: 1, retain: options.retain ?? false })
    },
    async close() {
      await client.endAsync(true)
    },
  }
}

/** Resolves at the next `event` of `emitter` (with the same safety net). */
export function nextEvent(
  emitter: { once(event: string, listener: () => void): unknown },
  event: string,
  label: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No ${event}: ${label}`)), EVENT_TIMEOUT_MS)
    emitter.once(event, () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** A clock and timers that move only when the test says so. */
export function fakePlatform(startMs = Date.parse('2026-06-21T10:00:00Z')) {
  let now = startMs
  let nextId = 1
  let uuids = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  return {
    now: () => now,
    setTimeout(callback: () => void, ms: number): unknown {
      const id = nextId++
      timers.set(id, { at: now + Math.max(0, ms), callback })
      return id
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number)
    },
    randomUUID: () => `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`,
    /** Moves the clock, firing every timer that falls due on the way, in order. */
    advance(ms: number) {
      const until = now + ms
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].callback()
      }
      now = until
    },
    pendingTimers: () => [...timers.values()].map((timer) => timer.at - now),
  }
}
export type FakePlatform = ReturnType<typeof fakePlatform>

/** A logger that keeps every line. */
export function recordingLogger() {
  const lines: { level: string; message: string }[] = []
  const at =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      lines.push({ level, message: [message, ...details.map(String)].join(' ') })
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    /** Lines at warn or error. */
    loud: () => lines.filter((line) => line.level === 'warn' || line.level === 'error'),
  }
}

export const TRACKER_ID = '1b7f2c1e-4a5b-4c6d-8e9f-0a1b2c3d4e5f'
export const MINER_ID = '6f0c5a52-3d1e-4b8e-9a51-0d1c2b3a4f50'
export const OTHER_MINER_ID = '7a1d6b63-4e2f-4c9f-8b62-1e2d3c4b5a60'
export const UNIT_ID = '3a6f0b2c-1d4e-4f5a-8b6c-7d8e9f0a1b2c'

/** A made-up site behind the bridge's source: entities to list, cycles to emit, overrides. */
export function fakeSite() {
  const entities: {
    trackers: { id: string; name: string; adapter_type: string }[]
    miners: { id: string; name: string; model: string | null }[]
    units: { id: string; name: string; is_enabled: boolean; target_miner_ids: string[] }[]
  } = {
    trackers: [{ id: TRACKER_ID, name: 'Ocean', adapter_type: 'ocean' }],
    miners: [
      { id: MINER_ID, name: 'Garage S9', model: 'Antminer S9' },
      { id: OTHER_MINER_ID, name: 'Bitaxe', model: null },
    ],
    units: [
      { id: UNIT_ID, name: 'Home', is_enabled: true, target_miner_ids: [MINER_ID, OTHER_MINER_ID] },
    ],
  }
  const cycleObservers = new Set<(observation: BridgeObservation) => void>()
  const changeListeners = new Set<() => void>()
  const overrides: { minerId: string; action: 'start' | 'stop' }[] = []
  let overrideAnswer: (
    minerId: string,
    action: 'start' | 'stop',
  ) => Promise<{ status_after: MinerStatus }> = async (_minerId, action) => ({
    status_after: action === 'start' ? 'starting' : 'stopping',
  })
  const source: MqttBridgeSource = {
    onCycle(observer) {
      cycleObservers.add(observer)
      return () => cycleObservers.delete(observer)
    },
    override(minerId, action) {
      overrides.push({ minerId, action })
      return overrideAnswer(minerId, action)
    },
    entities: (): SiteEntities => entities,
    onEntitiesChanged(listener) {
      changeListeners.add(listener)
      return () => changeListeners.delete(listener)
    },
  }
  return {
    entities,
    source,
    overrides,
    answerOverridesWith(answer: typeof overrideAnswer) {
      overrideAnswer = answer
    },
    emitCycle(observation: BridgeObservation) {
      for (const observer of cycleObservers) observer(observation)
    },
    changed() {
      for (const listener of changeListeners) listener()
    },
    observerCount: () => cycleObservers.size,
  }
}
export type FakeSite = ReturnType<typeof fakeSite>

/** One cycle's observation of the fake site: the S9 mining at `power` W, the pool, the sun. */
export function observation(
  values: {
    power?: number | null
    status?: MinerStatus
    unpaid?: number
    production?: number
    /** The cycle started the S9 (its reading, before that, is `status`). */
    startedNow?: boolean
  } = {},
): BridgeObservation {
  const status = values.status ?? 'on'
  return {
    report: {
      units: [
        {
          miners: [
            {
              miner_id: MINER_ID,
              decision: 'start_mining',
              reason: 'Rule "Sunny" matched: production 4200 W ≥ 3000 W',
              executed: values.startedNow ? { success: true, status_after: 'starting' } : null,
            },
          ],
        },
      ],
    },
    units: [
      {
        unit: { id: UNIT_ID },
        reading: {
          energyState: {
            production: values.production ?? 4200,
            consumption: { current_power: 800 },
            battery: { state_of_charge: 64, remaining_capacity: 6400, current_power: -150 },
            grid: { current_power: 20 },
            external_source: null,
            timestamp: '2026-06-21T10:00:00.000Z',
          },
        },
        miners: [
          {
            miner: { id: MINER_ID },
            state: {
              status,
              power_consumption: values.power === undefined ? 1350 : values.power,
              hash_rate: { value: 13.5, unit: 'TH/s' },
            },
          },
        ],
      },
    ],
    snapshots: [
      {
        tracker_id: TRACKER_ID,
        snapshot: {
          current_hashrate: { value: 13.2, unit: 'TH/s' },
          pool_stats: {
            current_hashrate: { value: 13.2, unit: 'TH/s' },
            average_hashrate_24h: null,
            average_hashrate_7d: null,
            unpaid_balance: values.unpaid ?? 43_210,
            estimated_next_payout: null,
            workers: [],
            last_share_at: null,
            timestamp: '2026-06-21T10:00:00.000Z',
          },
          payout_progress: 0.4321,
          workers_online: 1,
          seconds_since_last_share: 12,
        },
      },
    ],
  }
}

/** `connect` that keeps each client it opens, so a test can cut the socket under the bridge. */
export function trackingConnect() {
  const clients: mqtt.MqttClient[] = []
  const connect: MqttConnect = (url, options) => {
    const client = mqtt.connect(url, options)
    clients.push(client)
    return client
  }
  return { connect, clients, last: () => clients.at(-1) }
}
