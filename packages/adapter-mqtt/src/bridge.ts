import type { Logger, Platform } from '@edge-mining/domain'
import type * as mqtt from 'mqtt'
import * as v from 'valibot'
import {
  availabilityTopic,
  COMPONENTS,
  configTopic,
  discoveryConfigs,
  type EntityKind,
  isOwnObjectId,
  minerIdOfCommandTopic,
  objectIdOfConfigTopic,
  overrideCommandFilter,
  PAYLOAD_OFF,
  PAYLOAD_OFFLINE,
  PAYLOAD_ON,
  PAYLOAD_ONLINE,
  stateTopic,
  type Topics,
  topicsFor,
} from './discovery'
import { type BridgeSettings, parseBridgeSettings } from './options'
import { messageOf, redact } from './redact'
import type { BridgeObservation, MqttBridgeSource, SiteEntities } from './source'
import {
  type DeviceState,
  minerPlanState,
  minerReadingState,
  minerStatusState,
  trackerState,
  unitState,
} from './states'

/** How the bridge opens a connection: `mqtt.connect` unless a test wraps it. */
export type MqttConnect = (url: string, options: mqtt.IClientOptions) => mqtt.MqttClient

export interface MqttBridgeOptions extends BridgeSettings {
  source: MqttBridgeSource
  logger: Logger
  /** Clock and timers for the min interval and the reconnect backoff; ids for the client id. */
  platform: Pick<Platform, 'now' | 'setTimeout' | 'clearTimeout' | 'randomUUID'>
  /** Default `mqtt.connect`. */
  connect?: MqttConnect
}

export interface MqttBridgeStats {
  connected: boolean
  /** Connections made after the first (each one after a lost connection or failed attempts). */
  reconnects: number
  /** Connection attempts that failed (broker unreachable, refused, timed out). */
  connect_failures: number
  /**
   * Updates that did not reach the broker: published while it was unreachable (the newest value
   * per topic goes out once it is back), or refused by the client.
   */
  publish_failures: number
  /** Override commands received from Home Assistant, and those that could not be carried out. */
  commands: number
  command_failures: number
  /** Retained topics whose newest value the broker has not been given yet. */
  pending: number
}

export interface MqttBridge {
  /** The broker URL, without credentials. */
  readonly url: string
  /** Connects (in the background: it never throws for a broker that is down) and follows the loop. */
  start(): void
  /** Publishes `offline`, disconnects and stops following the loop. Idempotent. */
  stop(): Promise<void>
  isStarted(): boolean
  stats(): MqttBridgeStats
}

/** How long `stop()` waits for the broker to take the `offline` message before cutting. */
const STOP_GRACE_MS = 2_000

const CommandSchema = v.picklist([PAYLOAD_ON, PAYLOAD_OFF])

/** A retained topic we own: its newest payload and what the broker was last given. */
interface Retained {
  kind: 'config' | 'state'
  payload: string
  /** The payload handed to the broker on this connection (null: not yet). */
  sent: string | null
  sentAtMs: number | null
}

/**
 * Publishes Edge Mining to an MQTT broker for Home Assistant: retained discovery configs (a
 * device per tracker, miner and unit; an override switch per miner), one retained JSON state per
 * device after each cycle, `online`/`offline` availability with a last will, and `ON`/`OFF`
 * from the switch carried out as the loop's manual override.
 *
 * Never in the cycle's way: the cycle observer only updates a latest-value-per-topic map and
 * hands what is due to the client, which writes to the socket; nothing waits for the broker.
 * While the broker is away nothing is queued but that map (one value per topic), and every
 * retained topic is published again at the next connection.
 */
export function createMqttBridge(options: MqttBridgeOptions): MqttBridge {
  const settings = parseBridgeSettings(options)
  const { source, logger, platform } = options
  // The client library (about 20 MB resident) is loaded only by a bridge that connects.
  let connect: MqttConnect | null = options.connect ?? null
  const topics: Topics = topicsFor(settings.discoveryPrefix, settings.baseTopic)
  const statusTopic = availabilityTopic(topics)
  const haStatusTopic = `${topics.discoveryPrefix}/status`
  const commandFilter = overrideCommandFilter(topics)
  const minIntervalMs = settings.minIntervalSeconds * 1000
  // Re-sent unchanged within half the expiry, so HA never expires a live sensor.
  const refreshMs = settings.expireAfterSeconds ? (settings.expireAfterSeconds * 1000) / 2 : null
  const clientId =
    settings.clientId ?? `edge_mining_${platform.randomUUID().replaceAll('-', '').slice(0, 12)}`
  const secrets = settings.password ? [settings.password] : []
  const shown = (text: string) => redact(text, secrets)
  const url = settings.url

  const retained = new Map<string, Retained>()
  /** Topics given a new value since the last flush (what a down broker misses, once each). */
  const changed = new Set<string>()
  const deviceStates = new Map<string, DeviceState>()
  /** The state topics of the entities configured, as of the last look at the configuration. */
  let liveStateTopics = new Set<string>()
  /** What the entities looked like at the last sync. */
  let lastFingerprint: string | null = null
  const stats = {
    reconnects: 0,
    connect_failures: 0,
    publish_failures: 0,
    commands: 0,
    command_failures: 0,
  }

  let started = false
  let stopped = false
  let client: mqtt.MqttClient | null = null
  let connected = false
  /** True from a failed attempt or a lost connection until the next connection. */
  let brokerDown = false
  let everConnected = false
  let failuresInRow = 0
  let lastError: string | null = null
  let reconnectTimer: unknown = null
  let flushTimer: unknown = null
  let flushAtMs = Number.POSITIVE_INFINITY
  const unsubscribes: (() => void)[] = []

  function setRetained(topic: string, kind: Retained['kind'], payload: string): void {
    const entry = retained.get(topic)
    if (entry?.payload === payload) return
    if (entry) entry.payload = payload
    else retained.set(topic, { kind, payload, sent: null, sentAtMs: null })
    changed.add(topic)
  }

  /** Publishes every retained topic whose newest value is due; holds states inside the interval. */
  function flush(): void {
    if (brokerDown) stats.publish_failures += changed.size
    changed.clear()
    if (!connected || !client) return
    const now = platform.now()
    let nextDueMs = Number.POSITIVE_INFINITY
    for (const [topic, entry] of retained) {
      const refreshDue =
        refreshMs !== null &&
        entry.kind === 'state' &&
        entry.payload !== '' &&
        entry.sentAtMs !== null &&
        now - entry.sentAtMs >= refreshMs
      if (entry.sent === entry.payload && !refreshDue) continue
      const held =
        entry.kind === 'state' &&
        entry.payload !== '' &&
        entry.sentAtMs !== null &&
        now - entry.sentAtMs < minIntervalMs
      if (held) {
        nextDueMs = Math.min(nextDueMs, (entry.sentAtMs ?? now) + minIntervalMs)
        continue
      }
      publish(client, topic, entry, now)
    }
    if (nextDueMs < Number.POSITIVE_INFINITY) scheduleFlush(nextDueMs)
  }

  function publish(on: mqtt.MqttClient, topic: string, entry: Retained, now: number): void {
    const payload = entry.payload
    entry.sent = payload
    entry.sentAtMs = now
    on.publish(topic, payload, { qos: entry.kind === 'config' ? 1 : 0, retain: true }, (error) => {
      if (error) {
        stats.publish_failures += 1
        // Sent again at the next flush (or the next connection).
        if (entry.sent === payload) entry.sent = null
        logger.debug(`MQTT: publishing ${topic} failed: ${shown(messageOf(error))}`)
        return
      }
      // A cleared topic is forgotten once the broker has dropped it.
      if (payload === '' && entry.payload === '' && retained.get(topic) === entry) {
        retained.delete(topic)
      }
    })
  }

  function scheduleFlush(atMs: number): void {
    if (flushTimer !== null && flushAtMs <= atMs) return
    if (flushTimer !== null) platform.clearTimeout(flushTimer)
    flushAtMs = atMs
    flushTimer = platform.setTimeout(
      () => {
        flushTimer = null
        flushAtMs = Number.POSITIVE_INFINITY
        flush()
      },
      Math.max(0, atMs - platform.now()),
    )
  }

  /**
   * Brings the retained configs in line with the site: new and changed entities announced,
   * removed ones cleared (empty retained payloads on their configs and state).
   */
  function syncEntities(entities: SiteEntities): void {
    // Every cycle looks; the configs are rebuilt only when what they show changed (with 100
    // miners, rebuilding them all was most of the observer's time).
    const fingerprint = JSON.stringify([
      entities.trackers.map((tracker) => [tracker.id, tracker.name, tracker.adapter_type]),
      entities.miners.map((miner) => [miner.id, miner.name, miner.model]),
      entities.units.map((unit) => [unit.id, unit.name, unit.is_enabled, unit.target_miner_ids]),
    ])
    if (fingerprint === lastFingerprint) return
    lastFingerprint = fingerprint
    const wanted = new Set<string>()
    for (const config of discoveryConfigs(topics, entities, settings)) {
      wanted.add(config.topic)
      setRetained(config.topic, 'config', config.payload)
    }
    const live = new Set<string>()
    const add = (kind: EntityKind, id: string) => live.add(stateTopic(topics, kind, id))
    for (const tracker of entities.trackers) add('tracker', tracker.id)
    for (const miner of entities.miners) add('miner', miner.id)
    for (const unit of entities.units) add('unit', unit.id)
    for (const [topic, entry] of retained) {
      const gone = entry.kind === 'config' ? !wanted.has(topic) : !live.has(topic)
      if (gone && entry.payload !== '') setRetained(topic, entry.kind, '')
    }
    for (const topic of deviceStates.keys()) {
      if (!live.has(topic)) deviceStates.delete(topic)
    }
    liveStateTopics = live
  }

  function updateState(kind: EntityKind, id: string, values: DeviceState): void {
    const topic = stateTopic(topics, kind, id)
    if (!liveStateTopics.has(topic)) return
    const state = { ...deviceStates.get(topic), ...values }
    deviceStates.set(topic, state)
    setRetained(topic, 'state', JSON.stringify(state))
  }

  function refreshEntities(): void {
    try {
      syncEntities(source.entities())
      flush()
    } catch (error) {
      logger.warn(`MQTT: cannot list the site's entities: ${shown(messageOf(error))}`)
    }
  }

  function observe(observation: BridgeObservation): void {
    try {
      // A change another process made (the CLI) is picked up here, at the next cycle.
      syncEntities(source.entities())
      for (const { tracker_id, snapshot } of observation.snapshots) {
        updateState('tracker', tracker_id, trackerState(snapshot))
      }
      for (const { unit, reading, miners } of observation.units) {
        updateState('unit', unit.id, unitState(reading))
        for (const { miner, state } of miners) {
          updateState('miner', miner.id, minerReadingState(state))
        }
      }
      for (const report of observation.report.units) {
        for (const plan of report.miners) updateState('miner', plan.miner_id, minerPlanState(plan))
      }
      flush()
    } catch (error) {
      logger.warn(`MQTT: cannot publish the cycle: ${shown(messageOf(error))}`)
    }
  }

  /** A command's answer goes out at once: the person at the switch is waiting for it. */
  function publishNow(topic: string): void {
    const entry = retained.get(topic)
    if (entry) entry.sentAtMs = null
    flush()
  }

  function handleCommand(minerId: string, payload: string): void {
    stats.commands += 1
    const parsed = v.safeParse(CommandSchema, payload)
    if (!parsed.success) {
      stats.command_failures += 1
      logger.warn(
        `MQTT: ignoring override command ${JSON.stringify(payload.slice(0, 20))} for miner ${minerId} (expected ${PAYLOAD_ON} or ${PAYLOAD_OFF})`,
      )
      return
    }
    const action = parsed.output === PAYLOAD_ON ? 'start' : 'stop'
    const topic = stateTopic(topics, 'miner', minerId)
    logger.info(`MQTT: Home Assistant asks to ${action} miner ${minerId}`)
    source
      .override(minerId, action)
      .then((result) => {
        updateState('miner', minerId, minerStatusState(result.status_after))
        publishNow(topic)
      })
      .catch((error: unknown) => {
        stats.command_failures += 1
        logger.warn(
          `MQTT: the override ${action} of miner ${minerId} failed: ${shown(messageOf(error))}`,
        )
        // HA keeps showing the last state we sent; send it again so the switch snaps back.
        const entry = retained.get(topic)
        if (entry) entry.sent = null
        publishNow(topic)
      })
  }

  function onMessage(topic: string, payload: Buffer, packet: mqtt.IPublishPacket): void {
    if (stopped) return
    const text = payload.toString('utf8')
    const minerId = minerIdOfCommandTopic(topics, topic)
    if (minerId !== null) {
      // A retained command would be replayed at every connection: only live ones count.
      if (!packet.retain) handleCommand(minerId, text)
      return
    }
    if (topic === haStatusTopic) {
      // Home Assistant (re)started: give it everything again.
      if (text === PAYLOAD_ONLINE && !packet.retain) resendAll()
      return
    }
    if (topic === statusTopic) {
      // A will of an older connection of ours, delivered late, must not leave us offline.
      if (text === PAYLOAD_OFFLINE && client) {
        client.publish(statusTopic, PAYLOAD_ONLINE, { qos: 1, retain: true })
      }
      return
    }
    const objectId = objectIdOfConfigTopic(topics, topic)
    if (objectId === null || !packet.retain || text === '' || !isOwnObjectId(topics, objectId)) {
      return
    }
    // Ours, kept by the broker, but no longer wanted: an entity removed while we were away.
    const entry = retained.get(topic)
    if (!entry || entry.payload === '') {
      logger.debug(`MQTT: clearing the stale retained config ${topic}`)
      setRetained(topic, 'config', '')
      const cleared = retained.get(topic)
      if (cleared) cleared.sent = null
      flush()
    }
  }

  function resendAll(): void {
    for (const entry of retained.values()) {
      entry.sent = null
      entry.sentAtMs = null
    }
    flush()
  }

  function onConnect(on: mqtt.MqttClient): void {
    connected = true
    brokerDown = false
    if (everConnected) {
      stats.reconnects += 1
      logger.info(`MQTT: connected again to ${url}`)
    } else {
      logger.info(
        `MQTT: connected to ${url}; announcing the site to Home Assistant under ${topics.discoveryPrefix}/`,
      )
    }
    everConnected = true
    failuresInRow = 0
    lastError = null
    on.publish(statusTopic, PAYLOAD_ONLINE, { qos: 1, retain: true })
    on.subscribe(
      [
        commandFilter,
        haStatusTopic,
        statusTopic,
        ...COMPONENTS.map((component) => configTopic(topics, component, '+')),
      ],
      { qos: 1 },
      (error) => {
        if (error) logger.warn(`MQTT: subscribing failed: ${shown(messageOf(error))}`)
      },
    )
    // The broker may have restarted and lost every retained message: all of them again.
    resendAll()
  }

  function onClose(on: mqtt.MqttClient): void {
    if (on !== client) return
    client = null
    on.removeAllListeners()
    // Keep an 'error' listener: a late socket error must not crash the process.
    on.on('error', () => {})
    on.end(true)
    const wasConnected = connected
    connected = false
    if (stopped) return
    brokerDown = true
    const why = lastError ?? 'connection closed'
    if (wasConnected) {
      logger.warn(`MQTT: lost the connection to ${url} (${why}); reconnecting with backoff`)
    } else {
      stats.connect_failures += 1
      if (failuresInRow === 0) {
        logger.warn(
          `MQTT: cannot reach ${url} (${why}); retrying with backoff up to ${settings.reconnect.maxMs / 1000} s, quietly`,
        )
      } else {
        logger.debug(`MQTT: attempt ${failuresInRow + 1} to reach ${url} failed (${why})`)
      }
      failuresInRow += 1
    }
    lastError = null
    // initial, 2×, 4×… per failed attempt in a row, capped.
    const delay = Math.min(
      settings.reconnect.maxMs,
      settings.reconnect.initialMs * 2 ** Math.min(failuresInRow, 30),
    )
    reconnectTimer = platform.setTimeout(() => {
      reconnectTimer = null
      open()
    }, delay)
  }

  function open(): void {
    if (stopped) return
    if (connect) {
      openWith(connect)
      return
    }
    import('mqtt').then(
      (library) => {
        connect = library.connect
        open()
      },
      (error: unknown) => logger.error(`MQTT: cannot load the client: ${shown(messageOf(error))}`),
    )
  }

  function openWith(connect: MqttConnect): void {
    const opened = connect(url, {
      clientId,
      ...(settings.username === undefined ? {} : { username: settings.username }),
      ...(settings.password === undefined ? {} : { password: settings.password }),
      protocolVersion: 4,
      clean: true,
      // We reconnect ourselves, with backoff on the injected clock, and queue nothing offline.
      reconnectPeriod: 0,
      queueQoSZero: false,
      connectTimeout: 10_000,
      will: { topic: statusTopic, payload: Buffer.from(PAYLOAD_OFFLINE), qos: 1, retain: true },
    })
    client = opened
    opened.on('connect', () => {
      if (opened === client) onConnect(opened)
    })
    opened.on('message', (topic, payload, packet) => {
      if (opened === client) onMessage(topic, payload, packet)
    })
    opened.on('error', (error) => {
      lastError = shown(messageOf(error))
    })
    opened.on('close', () => onClose(opened))
  }

  return {
    url,
    start() {
      if (started) return
      if (stopped) throw new Error('This MQTT bridge was stopped; create a new one')
      started = true
      logger.info(`MQTT: connecting to ${url} as ${clientId}`)
      unsubscribes.push(source.onCycle(observe), source.onEntitiesChanged(refreshEntities))
      refreshEntities()
      open()
    },
    async stop() {
      if (stopped) return
      stopped = true
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe()
      if (reconnectTimer !== null) platform.clearTimeout(reconnectTimer)
      if (flushTimer !== null) platform.clearTimeout(flushTimer)
      reconnectTimer = flushTimer = null
      const closing = client
      client = null
      if (!closing) return
      const wasConnected = connected
      connected = false
      await new Promise<void>((resolve) => {
        const cut = platform.setTimeout(() => closing.end(true, () => resolve()), STOP_GRACE_MS)
        const done = () => {
          platform.clearTimeout(cut)
          resolve()
        }
        if (!wasConnected) {
          closing.end(true, done)
          return
        }
        // A clean disconnect sends no will: say offline ourselves, then leave.
        closing.publish(statusTopic, PAYLOAD_OFFLINE, { qos: 1, retain: true }, () => {
          closing.end(false, done)
        })
      })
      closing.removeAllListeners()
      closing.on('error', () => {})
      if (wasConnected) logger.info(`MQTT: disconnected from ${url}`)
    },
    isStarted: () => started && !stopped,
    stats: () => ({
      connected,
      ...stats,
      pending: [...retained.values()].filter((entry) => entry.sent !== entry.payload).length,
    }),
  }
}
