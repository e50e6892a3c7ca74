import { MINER_STATUSES, MINING_DECISIONS, type MinerStatus } from '@edge-mining/domain'
import type { SiteEntities } from './source'

/** What Home Assistant shows as the maker of every device we announce. */
export const MANUFACTURER = 'Edge Mining'
/** Home Assistant keeps a state of at most 255 characters (a longer one is refused). */
export const MAX_STATE_LENGTH = 255
export const PAYLOAD_ONLINE = 'online'
export const PAYLOAD_OFFLINE = 'offline'
export const PAYLOAD_ON = 'ON'
export const PAYLOAD_OFF = 'OFF'

export type EntityKind = 'tracker' | 'miner' | 'unit'

/** Where everything goes; both prefixes are validated topic paths without wildcards. */
export interface Topics {
  discoveryPrefix: string
  baseTopic: string
  /** `<base>` as an id: what every object id, unique id and device identifier starts with. */
  idPrefix: string
}

/** The topic layout of one bridge. */
export function topicsFor(discoveryPrefix: string, baseTopic: string): Topics {
  return { discoveryPrefix, baseTopic, idPrefix: baseTopic.replace(/[^a-zA-Z0-9_-]/g, '_') }
}

/** `<base>/status`: `online` while connected, `offline` as the last will. */
export const availabilityTopic = (topics: Topics) => `${topics.baseTopic}/status`

/** One JSON state per device: every sensor of the device reads its key with a value_template. */
export const stateTopic = (topics: Topics, kind: EntityKind, id: string) =>
  `${topics.baseTopic}/${kind}/${id}/state`

/** Where Home Assistant publishes `ON`/`OFF` for a miner's override switch. */
export const overrideCommandTopic = (topics: Topics, minerId: string) =>
  `${topics.baseTopic}/miner/${minerId}/override/set`

/** The subscription that receives every override command. */
export const overrideCommandFilter = (topics: Topics) => `${topics.baseTopic}/miner/+/override/set`

/** The miner id of an override command topic, or null when the topic is not one. */
export function minerIdOfCommandTopic(topics: Topics, topic: string): string | null {
  const head = `${topics.baseTopic}/miner/`
  const tail = '/override/set'
  if (!topic.startsWith(head) || !topic.endsWith(tail)) return null
  const id = topic.slice(head.length, topic.length - tail.length)
  return id.length > 0 && !id.includes('/') ? id : null
}

/**
 * A device's identifier and the stem of its entities' ids: `<idPrefix>_<kind>_<uuid without
 * dashes>`. Built from the entity's UUID only, so it stays the same across restarts and
 * renames, and Home Assistant keeps the entity (its history, its customisations).
 */
export const deviceId = (topics: Topics, kind: EntityKind, id: string) =>
  `${topics.idPrefix}_${kind}_${id.replaceAll('-', '').toLowerCase()}`

/** The object ids this bridge owns (and may therefore delete): `<idPrefix>_<kind>_<32 hex>_…`. */
export function isOwnObjectId(topics: Topics, objectId: string): boolean {
  const prefix = `${topics.idPrefix}_`
  return (
    objectId.startsWith(prefix) &&
    /^(tracker|miner|unit)_[0-9a-f]{32}_[a-z0-9_]+$/.test(objectId.slice(prefix.length))
  )
}

/** The components we announce; the stale-config sweep only looks at these. */
export const COMPONENTS = ['sensor', 'switch'] as const
export type Component = (typeof COMPONENTS)[number]

export const configTopic = (topics: Topics, component: Component, objectId: string) =>
  `${topics.discoveryPrefix}/${component}/${objectId}/config`

/** The object id of one of our components' config topics, or null. */
export function objectIdOfConfigTopic(topics: Topics, topic: string): string | null {
  const parts = topic.slice(topics.discoveryPrefix.length + 1).split('/')
  if (!topic.startsWith(`${topics.discoveryPrefix}/`) || parts.length !== 3) return null
  const [component, objectId, last] = parts
  if (!COMPONENTS.includes(component as Component) || last !== 'config' || !objectId) return null
  return objectId
}

/** One measurement of a device: its key in the device's JSON state and how HA should show it. */
export interface SensorSpec {
  key: string
  name: string
  unit_of_measurement?: string
  device_class?: string
  state_class?: 'measurement' | 'total' | 'total_increasing'
  /** The allowed states of an `enum` sensor. */
  options?: readonly string[]
  suggested_display_precision?: number
  icon?: string
}

const POWER = {
  unit_of_measurement: 'W',
  device_class: 'power',
  state_class: 'measurement',
} as const
const HASH_RATE = {
  unit_of_measurement: 'TH/s',
  state_class: 'measurement',
  suggested_display_precision: 2,
  icon: 'mdi:pickaxe',
} as const

export const TRACKER_SENSORS: readonly SensorSpec[] = [
  { key: 'hashrate', name: 'Pool hash rate', ...HASH_RATE },
  // A balance in sats, not an ISO currency; `total` because it falls back at every payout.
  {
    key: 'unpaid',
    name: 'Unpaid balance',
    unit_of_measurement: 'sats',
    device_class: 'monetary',
    state_class: 'total',
    suggested_display_precision: 0,
  },
  {
    key: 'payout_progress',
    name: 'Payout progress',
    unit_of_measurement: '%',
    state_class: 'measurement',
    suggested_display_precision: 1,
    icon: 'mdi:progress-check',
  },
  {
    key: 'workers_online',
    name: 'Workers online',
    state_class: 'measurement',
    icon: 'mdi:server-network',
  },
  {
    key: 'seconds_since_last_share',
    name: 'Time since last share',
    unit_of_measurement: 's',
    device_class: 'duration',
    state_class: 'measurement',
  },
]

export const MINER_SENSORS: readonly SensorSpec[] = [
  { key: 'status', name: 'Status', device_class: 'enum', options: MINER_STATUSES },
  { key: 'decision', name: 'Decision', device_class: 'enum', options: MINING_DECISIONS },
  { key: 'reason', name: 'Reason', icon: 'mdi:comment-text-outline' },
  { key: 'power', name: 'Power', ...POWER },
  { key: 'hashrate', name: 'Hash rate', ...HASH_RATE },
]

export const UNIT_SENSORS: readonly SensorSpec[] = [
  { key: 'production', name: 'Production', ...POWER, icon: 'mdi:solar-power' },
  { key: 'consumption', name: 'Consumption', ...POWER, icon: 'mdi:home-lightning-bolt' },
  // + charging, − discharging (the domain's sign convention)
  { key: 'battery_power', name: 'Battery power', ...POWER, icon: 'mdi:battery-charging' },
  {
    key: 'battery_soc',
    name: 'Battery charge',
    unit_of_measurement: '%',
    device_class: 'battery',
    state_class: 'measurement',
  },
  // + importing, − exporting
  { key: 'grid_power', name: 'Grid power', ...POWER, icon: 'mdi:transmission-tower' },
  { key: 'surplus', name: 'Surplus', ...POWER, icon: 'mdi:flash' },
]

export const SENSORS: Record<EntityKind, readonly SensorSpec[]> = {
  tracker: TRACKER_SENSORS,
  miner: MINER_SENSORS,
  unit: UNIT_SENSORS,
}

/** The override switch's key: its object id ends with it, its state is `value_json.mining`. */
export const SWITCH_KEY = 'mining'

export interface DiscoveryOptions {
  /** Added to every sensor: HA shows it `unavailable` when no state came for this long. */
  expireAfterSeconds?: number | undefined
}

/** The `device` block: one HA device per tracker, miner and unit. */
export function deviceBlock(
  topics: Topics,
  kind: EntityKind,
  entity: { id: string; name: string },
  extra: { model: string; via?: string | null },
): Record<string, unknown> {
  return {
    identifiers: [deviceId(topics, kind, entity.id)],
    name: entity.name,
    manufacturer: MANUFACTURER,
    model: extra.model,
    ...(extra.via ? { via_device: extra.via } : {}),
  }
}

/** One retained discovery config: where it goes and what it says. */
export interface DiscoveryConfig {
  topic: string
  /** The payload as published (JSON). */
  payload: string
}

function availability(topics: Topics) {
  return {
    availability_topic: availabilityTopic(topics),
    payload_available: PAYLOAD_ONLINE,
    payload_not_available: PAYLOAD_OFFLINE,
  }
}

function sensorConfig(
  topics: Topics,
  kind: EntityKind,
  id: string,
  device: Record<string, unknown>,
  spec: SensorSpec,
  options: DiscoveryOptions,
): DiscoveryConfig {
  const uniqueId = `${deviceId(topics, kind, id)}_${spec.key}`
  const { key, ...shown } = spec
  const payload = {
    ...shown,
    unique_id: uniqueId,
    state_topic: stateTopic(topics, kind, id),
    // A null in the JSON renders as "None", which HA takes for `unknown`: never a made-up 0.
    value_template: `{{ value_json.${key} }}`,
    ...availability(topics),
    ...(options.expireAfterSeconds ? { expire_after: options.expireAfterSeconds } : {}),
    device,
    origin: { name: MANUFACTURER },
  }
  return { topic: configTopic(topics, 'sensor', uniqueId), payload: JSON.stringify(payload) }
}

function switchConfig(
  topics: Topics,
  minerId: string,
  device: Record<string, unknown>,
): DiscoveryConfig {
  const uniqueId = `${deviceId(topics, 'miner', minerId)}_${SWITCH_KEY}`
  const payload = {
    name: 'Mining (manual override)',
    icon: 'mdi:pickaxe',
    unique_id: uniqueId,
    command_topic: overrideCommandTopic(topics, minerId),
    state_topic: stateTopic(topics, 'miner', minerId),
    value_template: `{{ value_json.${SWITCH_KEY} }}`,
    payload_on: PAYLOAD_ON,
    payload_off: PAYLOAD_OFF,
    state_on: PAYLOAD_ON,
    state_off: PAYLOAD_OFF,
    // Commands at least once; never retained, so a reconnect does not replay one.
    qos: 1,
    retain: false,
    ...availability(topics),
    device,
    origin: { name: MANUFACTURER },
  }
  return { topic: configTopic(topics, 'switch', uniqueId), payload: JSON.stringify(payload) }
}

/**
 * Every discovery config for the site as it is configured: a device per tracker, miner and
 * unit with its sensors, and an override switch per miner. A miner's device hangs off its
 * unit (`via_device`) — the enabled one, else the first that lists it.
 */
export function discoveryConfigs(
  topics: Topics,
  entities: SiteEntities,
  options: DiscoveryOptions = {},
): DiscoveryConfig[] {
  const configs: DiscoveryConfig[] = []
  for (const tracker of entities.trackers) {
    const device = deviceBlock(topics, 'tracker', tracker, {
      model: `Pool tracker (${tracker.adapter_type})`,
    })
    for (const spec of TRACKER_SENSORS) {
      configs.push(sensorConfig(topics, 'tracker', tracker.id, device, spec, options))
    }
  }
  for (const unit of entities.units) {
    const device = deviceBlock(topics, 'unit', unit, { model: 'Optimization unit' })
    for (const spec of UNIT_SENSORS) {
      configs.push(sensorConfig(topics, 'unit', unit.id, device, spec, options))
    }
  }
  const unitIds = new Set(entities.units.map((unit) => unit.id))
  for (const miner of entities.miners) {
    const owners = entities.units.filter((unit) => unit.target_miner_ids.includes(miner.id))
    const owner = owners.find((unit) => unit.is_enabled) ?? owners[0]
    const device = deviceBlock(topics, 'miner', miner, {
      model: miner.model ?? 'Miner',
      via: owner && unitIds.has(owner.id) ? deviceId(topics, 'unit', owner.id) : null,
    })
    for (const spec of MINER_SENSORS) {
      configs.push(sensorConfig(topics, 'miner', miner.id, device, spec, options))
    }
    configs.push(switchConfig(topics, miner.id, device))
  }
  return configs
}

/** The override switch's state from the miner's status: mining (or about to) is ON. */
export function switchStateOf(status: MinerStatus | null | undefined): string | null {
  if (status === null || status === undefined || status === 'unknown') return null
  return status === 'on' || status === 'starting' ? PAYLOAD_ON : PAYLOAD_OFF
}

/** A reason as HA can hold it: at most 255 characters, cut with an ellipsis. */
export function stateText(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null
  return text.length <= MAX_STATE_LENGTH ? text : `${text.slice(0, MAX_STATE_LENGTH - 1)}…`
}

/** A finite number rounded to `digits` decimals, else null (unknown, never 0). */
export function rounded(value: number | null | undefined, digits: number): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
