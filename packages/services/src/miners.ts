import {
  activeFeature,
  ConfigurationError,
  type ConfigurationRepositories,
  controllerIdsOf,
  DEFAULT_FEATURE_PRIORITY,
  EntityNotFoundError,
  FeaturePrioritySchema,
  type HashRate,
  isEdgeMiningError,
  type MinerControllerPort,
  type MinerEntity,
  type MinerFeature,
  type MinerFeatureType,
  MinerFeatureTypeSchema,
  type MinerInfo,
  type MinerLimits,
  MinerNotActiveError,
  type MinerReadings,
  type MinerStateSnapshot,
  type MinerStatus,
  minerStateSnapshot,
  type Platform,
  toTerahashPerSecond,
  UnsupportedFeatureError,
  UuidSchema,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { checkName, isoAt, messageOf, parseInput, withTimeout } from './common'
import type { EventBus } from './events'
import type { AdapterInstances } from './instances'
import { inUseError, type ReferenceIndex } from './references'
import type { AdapterRegistry } from './registry'

/** How long one device read or command may take before it counts as unreachable. */
export const DEVICE_TIMEOUT_MS = 10_000

const HASHRATE_UNITS = ['H/s', 'KH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s', 'EH/s'] as const

/** A hash rate as people send it: `{value, unit}` in any of H/s…EH/s (stored as TH/s), or a TH/s number. */
const HashRateInputSchema = v.pipe(
  v.union(
    [
      v.pipe(v.number(), v.finite(), v.minValue(0)),
      v.object({
        value: v.pipe(
          v.number('expected a number'),
          v.finite(),
          v.minValue(0, 'expected 0 or more'),
        ),
        unit: v.optional(
          v.picklist(HASHRATE_UNITS, `expected one of ${HASHRATE_UNITS.join(', ')}`),
          'TH/s',
        ),
      }),
    ],
    'expected {"value": <number>, "unit": "TH/s"} or a number of TH/s',
  ),
  v.transform((input): HashRate => {
    if (typeof input === 'number') return { value: input, unit: 'TH/s' }
    return { value: toTerahashPerSecond(input.value, input.unit) ?? 0, unit: 'TH/s' }
  }),
)

const WattsSchema = v.pipe(
  v.number('expected a number of watts'),
  v.finite(),
  v.minValue(0, 'expected 0 or more watts'),
)

const OptionalText = v.nullish(v.pipe(v.string('expected a string'), v.trim(), v.maxLength(200)))

export const CreateMinerInputSchema = v.object({
  name: v.optional(v.string('expected a string')),
  model: OptionalText,
  hash_rate_max: v.nullish(HashRateInputSchema),
  power_consumption_max: v.nullish(WattsSchema),
  active: v.optional(v.boolean('expected true or false')),
  pool_worker_name: OptionalText,
  /** Controllers to attach at once (each with every feature its adapter supports). */
  controller_ids: v.optional(v.array(UuidSchema, 'expected a list of controller ids')),
})
export type CreateMinerInput = v.InferInput<typeof CreateMinerInputSchema>

/** Fields left out are kept; `null` clears an optional one. */
export const UpdateMinerInputSchema = v.object({
  name: v.optional(v.string('expected a string')),
  model: v.optional(OptionalText),
  hash_rate_max: v.optional(v.nullable(HashRateInputSchema)),
  power_consumption_max: v.optional(v.nullable(WattsSchema)),
  active: v.optional(v.boolean('expected true or false')),
  pool_worker_name: v.optional(OptionalText),
})
export type UpdateMinerInput = v.InferInput<typeof UpdateMinerInputSchema>

/** What a manual start or stop did. */
export interface MinerActionResult {
  miner_id: string
  action: 'start' | 'stop'
  /** Which control carried it out. */
  control: 'mining_control' | 'power_control'
  status_before: MinerStatus
  status_after: MinerStatus
  message: string
}

/** Monitoring features and the snapshot fields they fill. */
const READINGS: readonly (readonly [
  MinerFeatureType,
  (port: MinerControllerPort) => Promise<MinerReadings> | undefined,
])[] = [
  ['status_monitoring', (port) => port.getStatus?.().then((status) => ({ status }))],
  ['hashrate_monitoring', (port) => port.getHashrate?.().then((hash_rate) => ({ hash_rate }))],
  [
    'power_monitoring',
    (port) => port.getPower?.().then((power_consumption) => ({ power_consumption })),
  ],
  ['hashboard_monitoring', (port) => port.getHashboards?.().then((hashboards) => ({ hashboards }))],
  [
    'inlet_temperature_monitoring',
    (port) => port.getInletTemperature?.().then((inlet_temperature) => ({ inlet_temperature })),
  ],
  [
    'outlet_temperature_monitoring',
    (port) => port.getOutletTemperature?.().then((outlet_temperature) => ({ outlet_temperature })),
  ],
  [
    'fan_speed_internal_monitoring',
    (port) => port.getInternalFanSpeed?.().then((internal_fan_speed) => ({ internal_fan_speed })),
  ],
  [
    'fan_speed_external_monitoring',
    (port) => port.getExternalFanSpeed?.().then((external_fan_speed) => ({ external_fan_speed })),
  ],
  [
    'operational_monitoring',
    async (port) => ({
      blocks_found: (await port.getBlocksFound?.()) ?? null,
      system_uptime: (await port.getSystemUptime?.()) ?? null,
    }),
  ],
]

export interface MinerService {
  list(): MinerEntity[]
  /** Throws EntityNotFoundError. */
  get(id: string): MinerEntity
  create(input: unknown): MinerEntity
  update(id: string, input: unknown): MinerEntity
  /** Refused (ConflictError) while a unit lists it, unless `force`. */
  remove(id: string, options?: { force?: boolean }): MinerEntity
  setActive(id: string, active: boolean): MinerEntity
  /** Attaches a controller: every feature its adapter supports, at priority 50, enabled. */
  setController(id: string, controllerId: string): MinerEntity
  /** Removes every feature of that controller. */
  unlinkController(id: string, controllerId: string): MinerEntity
  setFeatureEnabled(id: string, controllerId: string, type: string, enabled: boolean): MinerEntity
  setFeaturePriority(id: string, controllerId: string, type: string, priority: unknown): MinerEntity
  /** The controller port serving a feature of the miner, or null when none does. */
  featurePort(
    miner: MinerEntity,
    type: MinerFeatureType,
  ): { controllerId: string; port: MinerControllerPort } | null
  /** Reads every monitoring feature in parallel; a failed reading is listed in `errors`. */
  readState(miner: MinerEntity, options?: { timeoutMs?: number }): Promise<MinerStateSnapshot>
  status(id: string): Promise<MinerStateSnapshot>
  info(id: string): Promise<MinerInfo | null>
  limits(id: string): Promise<MinerLimits>
  /**
   * Starts or stops the miner now through mining control, else power control. Throws
   * MinerNotActiveError, UnsupportedFeatureError (no control), DeviceError (the device failed).
   */
  act(id: string, action: 'start' | 'stop'): Promise<MinerActionResult>
}

export interface MinerServiceOptions {
  repositories: ConfigurationRepositories
  registry: AdapterRegistry
  instances: AdapterInstances
  references: ReferenceIndex
  platform: Platform
  events: EventBus
}

export function createMinerService(options: MinerServiceOptions): MinerService {
  const { repositories, registry, instances, references, platform, events } = options
  const miners = repositories.miners
  const controllers = repositories.adapters.miner_controller

  function get(id: string): MinerEntity {
    const miner = miners.get(id)
    if (!miner) throw new EntityNotFoundError('miner', id)
    return miner
  }

  function controller(id: string) {
    const entity = controllers.get(id)
    if (!entity) throw new EntityNotFoundError('miner_controller', id)
    return entity
  }

  /** Upstream's `config.updated`, which it never sent for miners (MQTT follows it). */
  const published = (id: string, action: 'created' | 'updated' | 'removed') =>
    events.publish('config.updated', { entity_type: 'miner', entity_id: id, action })

  function save(miner: MinerEntity): MinerEntity {
    const saved = miners.update({ ...miner, controller_ids: controllerIdsOf(miner.features) })
    published(saved.id, 'updated')
    return saved
  }

  function withFeatures(miner: MinerEntity, controllerId: string): MinerEntity {
    const entity = controller(controllerId)
    const supported = registry.forKind('miner_controller').get(entity.adapter_type).features ?? []
    const features: MinerFeature[] = [...miner.features]
    for (const feature_type of supported) {
      const present = features.some(
        (feature) =>
          feature.feature_type === feature_type && feature.controller_id === controllerId,
      )
      if (!present) {
        features.push({
          feature_type,
          controller_id: controllerId,
          priority: DEFAULT_FEATURE_PRIORITY,
          enabled: true,
        })
      }
    }
    return { ...miner, features, controller_ids: controllerIdsOf(features) }
  }

  function changeFeature(
    id: string,
    controllerId: string,
    type: string,
    change: (feature: MinerFeature) => MinerFeature,
  ): MinerEntity {
    const miner = get(id)
    const featureType = parseInput(MinerFeatureTypeSchema, type, 'feature_type')
    const index = miner.features.findIndex(
      (feature) => feature.feature_type === featureType && feature.controller_id === controllerId,
    )
    if (index < 0) {
      throw new EntityNotFoundError(
        'miner',
        id,
        `Miner '${miner.name}' has no feature ${featureType} from controller ${controllerId}`,
      )
    }
    const features = miner.features.map((feature, at) => (at === index ? change(feature) : feature))
    return save({ ...miner, features })
  }

  function featurePort(miner: MinerEntity, type: MinerFeatureType) {
    const feature = activeFeature(miner.features, type)
    if (!feature) return null
    return {
      controllerId: feature.controller_id,
      port: instances.get('miner_controller', feature.controller_id, { miner }),
    }
  }

  async function readState(
    miner: MinerEntity,
    readOptions: { timeoutMs?: number } = {},
  ): Promise<MinerStateSnapshot> {
    const timeoutMs = readOptions.timeoutMs ?? DEVICE_TIMEOUT_MS
    const errors: MinerStateSnapshot['errors'] = []
    const parts = await Promise.all(
      READINGS.map(async ([feature, read]) => {
        try {
          const resolved = featurePort(miner, feature)
          const pending = resolved ? read(resolved.port) : undefined
          if (!pending) return {}
          return await withTimeout(platform, pending, timeoutMs, `${miner.name} ${feature}`)
        } catch (error) {
          errors.push({
            feature,
            code: isEdgeMiningError(error) ? error.code : 'error',
            message: messageOf(error),
          })
          return {}
        }
      }),
    )
    const readings: MinerReadings = Object.assign({}, ...parts)
    return minerStateSnapshot({ ...readings, errors }, isoAt(platform.now()))
  }

  function checkReferences(ids: readonly string[] | undefined): void {
    for (const [index, controllerId] of (ids ?? []).entries()) {
      if (!controllers.get(controllerId)) {
        throw new ConfigurationError(
          `controller_ids.${index}: no miner controller ${controllerId}`,
          { field: `controller_ids.${index}` },
        )
      }
    }
  }

  const service: MinerService = {
    list: () => miners.list(),
    get,
    create(input) {
      const body = parseInput(CreateMinerInputSchema, input)
      checkReferences(body.controller_ids)
      let miner: MinerEntity = {
        id: platform.randomUUID(),
        name: checkName(body.name) ?? '',
        model: body.model ?? null,
        hash_rate_max: body.hash_rate_max ?? null,
        power_consumption_max: body.power_consumption_max ?? null,
        active: body.active ?? true,
        features: [],
        controller_ids: [],
        pool_worker_name: body.pool_worker_name || null,
      }
      for (const controllerId of body.controller_ids ?? []) {
        miner = withFeatures(miner, controllerId)
      }
      const created = miners.add(miner)
      published(created.id, 'created')
      return created
    },
    update(id, input) {
      const stored = get(id)
      const body = parseInput(UpdateMinerInputSchema, input)
      const updated = save({
        ...stored,
        name: checkName(body.name) ?? stored.name,
        model: body.model === undefined ? stored.model : body.model,
        hash_rate_max: body.hash_rate_max === undefined ? stored.hash_rate_max : body.hash_rate_max,
        power_consumption_max:
          body.power_consumption_max === undefined
            ? stored.power_consumption_max
            : body.power_consumption_max,
        active: body.active ?? stored.active,
        pool_worker_name:
          body.pool_worker_name === undefined
            ? stored.pool_worker_name
            : body.pool_worker_name || null,
      })
      return updated
    },
    remove(id, removeOptions = {}) {
      const stored = get(id)
      const usages = references.usagesOf('miner', id)
      if (usages.length > 0 && !removeOptions.force) {
        throw inUseError('miner', stored.name, usages)
      }
      repositories.transaction(() => {
        if (usages.length > 0) references.detach('miner', id, isoAt(platform.now()))
        miners.remove(id)
      })
      for (const controllerId of stored.controller_ids) {
        instances.drop('miner_controller', controllerId, id)
      }
      published(id, 'removed')
      return stored
    },
    setActive(id, active) {
      return save({ ...get(id), active })
    },
    setController(id, controllerId) {
      return save(withFeatures(get(id), controllerId))
    },
    unlinkController(id, controllerId) {
      const miner = get(id)
      const features = miner.features.filter((feature) => feature.controller_id !== controllerId)
      if (features.length === miner.features.length) {
        throw new EntityNotFoundError(
          'miner_controller',
          controllerId,
          `Miner '${miner.name}' has no controller ${controllerId}`,
        )
      }
      const saved = save({ ...miner, features })
      instances.drop('miner_controller', controllerId, id)
      return saved
    },
    setFeatureEnabled(id, controllerId, type, enabled) {
      return changeFeature(id, controllerId, type, (feature) => ({ ...feature, enabled }))
    },
    setFeaturePriority(id, controllerId, type, priority) {
      const value = parseInput(FeaturePrioritySchema, priority, 'priority')
      return changeFeature(id, controllerId, type, (feature) => ({ ...feature, priority: value }))
    },
    featurePort,
    readState,
    status: (id) => readState(get(id)),
    async info(id) {
      const miner = get(id)
      const resolved = featurePort(miner, 'device_info_detection')
      if (!resolved?.port.getDeviceInfo) return null
      return withTimeout(platform, resolved.port.getDeviceInfo(), DEVICE_TIMEOUT_MS, miner.name)
    },
    async limits(id) {
      const miner = get(id)
      const power = featurePort(miner, 'max_power_detection')
      const hashrate = featurePort(miner, 'max_hashrate_detection')
      const [max_power, max_hashrate] = await Promise.all([
        power?.port.getMaxPower
          ? withTimeout(platform, power.port.getMaxPower(), DEVICE_TIMEOUT_MS, miner.name)
          : null,
        hashrate?.port.getMaxHashrate
          ? withTimeout(platform, hashrate.port.getMaxHashrate(), DEVICE_TIMEOUT_MS, miner.name)
          : null,
      ])
      return { max_power, max_hashrate }
    },
    async act(id, action) {
      const miner = get(id)
      if (!miner.active) throw new MinerNotActiveError(miner.id, miner.name)
      const mining = featurePort(miner, 'mining_control')
      const power = featurePort(miner, 'power_control')
      const control = mining ? 'mining_control' : power ? 'power_control' : null
      const port = (mining ?? power)?.port
      if (!control || !port) {
        throw new UnsupportedFeatureError(
          `Miner '${miner.name}' has no controller that can ${action} it (no mining or power control); attach one with set-controller`,
        )
      }
      const before = (await readState(miner)).status
      const command =
        control === 'mining_control'
          ? action === 'start'
            ? port.startMining?.()
            : port.stopMining?.()
          : action === 'start'
            ? port.powerOn?.()
            : port.powerOff?.()
      if (!command) {
        throw new UnsupportedFeatureError(`Miner '${miner.name}': its ${control} cannot ${action}`)
      }
      await withTimeout(platform, command, DEVICE_TIMEOUT_MS, `${miner.name} ${action}`)
      const after = (await readState(miner)).status
      events.publish('miner.state', {
        miner_id: miner.id,
        miner_name: miner.name,
        old_status: before,
        new_status: after,
      })
      return {
        miner_id: miner.id,
        action,
        control,
        status_before: before,
        status_after: after,
        message: `Miner ${miner.id} (${miner.name}) ${action === 'start' ? 'started' : 'stopped'}.`,
      }
    },
  }
  return service
}
