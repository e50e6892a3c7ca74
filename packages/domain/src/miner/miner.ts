import * as v from 'valibot'
import {
  described,
  HashRateSchema,
  TimestampSchema,
  type Unit,
  UuidSchema,
} from '../shared/primitives'

/** A miner's runtime status (upstream's lower-case enum values). */
export const MINER_STATUSES = ['unknown', 'off', 'on', 'starting', 'stopping', 'error'] as const
export const MinerStatusSchema = v.picklist(MINER_STATUSES)
export type MinerStatus = v.InferOutput<typeof MinerStatusSchema>

/**
 * What a controller can do for a miner (upstream's `MinerFeatureType` values). A miner gets
 * each feature from the highest-priority enabled controller that offers it.
 */
export const MINER_FEATURE_TYPES = [
  'hashrate_monitoring',
  'power_monitoring',
  'status_monitoring',
  'hashboard_monitoring',
  'inlet_temperature_monitoring',
  'outlet_temperature_monitoring',
  'fan_speed_internal_monitoring',
  'fan_speed_external_monitoring',
  'operational_monitoring',
  'mining_control',
  'power_control',
  'internal_fan_control',
  'external_fan_control',
  'max_power_detection',
  'max_hashrate_detection',
  'device_info_detection',
] as const
export const MinerFeatureTypeSchema = v.picklist(
  MINER_FEATURE_TYPES,
  `expected one of ${MINER_FEATURE_TYPES.join(', ')}`,
)
export type MinerFeatureType = v.InferOutput<typeof MinerFeatureTypeSchema>

export const DEFAULT_FEATURE_PRIORITY = 50

export const FeaturePrioritySchema = v.pipe(
  v.number('expected a number'),
  v.integer('expected a whole number'),
  v.minValue(1, 'expected a priority from 1 to 100'),
  v.maxValue(100, 'expected a priority from 1 to 100'),
)

/** One capability of a miner, served by one controller; identified by (type, controller). */
export const MinerFeatureSchema = v.object({
  feature_type: MinerFeatureTypeSchema,
  controller_id: UuidSchema,
  /** 1–100, higher wins. */
  priority: FeaturePrioritySchema,
  enabled: v.boolean(),
})
export type MinerFeature = v.InferOutput<typeof MinerFeatureSchema>

/** A configured miner, as stored and served (upstream's shape plus `pool_worker_name`). */
export const MinerEntitySchema = v.object({
  id: UuidSchema,
  name: v.string(),
  model: v.nullable(v.string()),
  hash_rate_max: v.nullable(HashRateSchema),
  /** W */
  power_consumption_max: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
  active: v.boolean(),
  features: v.array(MinerFeatureSchema),
  /** The distinct controllers of `features`, in order of first appearance (derived). */
  controller_ids: v.array(UuidSchema),
  /** The worker name this miner mines as, so the loop can read that worker's pool stats. */
  pool_worker_name: v.nullable(v.string()),
})
export type MinerEntity = v.InferOutput<typeof MinerEntitySchema>

/** The distinct controller ids of a feature list, in order of first appearance. */
export function controllerIdsOf(features: readonly MinerFeature[]): string[] {
  return [...new Set(features.map((feature) => feature.controller_id))]
}

/** The feature that serves `type`: the highest-priority enabled one (first wins a tie). */
export function activeFeature(
  features: readonly MinerFeature[],
  type: MinerFeatureType,
): MinerFeature | null {
  let best: MinerFeature | null = null
  for (const feature of features) {
    if (feature.feature_type !== type || !feature.enabled) continue
    if (best === null || feature.priority > best.priority) best = feature
  }
  return best
}

function number(description: string, unit?: Unit) {
  return v.nullable(described(v.pipe(v.number(), v.finite()), description, unit))
}

export const HashboardSnapshotSchema = v.object({
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  chip_temperature: number('Chip temperature', '°C'),
  board_temperature: number('Board temperature', '°C'),
  voltage: number('Voltage', 'V'),
  frequency: number('Frequency', 'MHz'),
  hash_rate: v.nullable(HashRateSchema),
  nominal_hash_rate: v.nullable(HashRateSchema),
  hash_rate_error: number('Hash-rate error', '%'),
})
export type HashboardSnapshot = v.InferOutput<typeof HashboardSnapshotSchema>

export const FanSpeedSchema = v.object({
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** RPM */
  speed: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
})
export type FanSpeed = v.InferOutput<typeof FanSpeedSchema>

/**
 * What a miner reports right now (`GET /miners/{id}/status`). Every reading may be null: not
 * offered by its controllers, or unreadable. Temperatures summarise the hashboards.
 */
export const MinerStateSnapshotSchema = v.object({
  status: MinerStatusSchema,
  hash_rate: v.nullable(HashRateSchema),
  /** W */
  power_consumption: v.nullable(v.pipe(v.number(), v.finite())),
  inlet_temperature: v.nullable(v.pipe(v.number(), v.finite())),
  outlet_temperature: v.nullable(v.pipe(v.number(), v.finite())),
  internal_fan_speed: v.array(FanSpeedSchema),
  external_fan_speed: v.nullable(FanSpeedSchema),
  hashboards: v.array(HashboardSnapshotSchema),
  blocks_found: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** s */
  system_uptime: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
  max_chip_temperature: v.nullable(v.number()),
  avg_chip_temperature: v.nullable(v.number()),
  max_board_temperature: v.nullable(v.number()),
  avg_board_temperature: v.nullable(v.number()),
  /** When it was read. */
  timestamp: TimestampSchema,
  /** Readings that failed, with why (`{feature, code, message}`); the others are kept. */
  errors: v.array(
    v.object({ feature: MinerFeatureTypeSchema, code: v.string(), message: v.string() }),
  ),
})
export type MinerStateSnapshot = v.InferOutput<typeof MinerStateSnapshotSchema>

/** What a device says about itself (`DeviceInfoPort`). */
export const MinerInfoSchema = v.object({
  model: v.nullable(v.string()),
  manufacturer: v.nullable(v.string()),
  serial_number: v.nullable(v.string()),
  mac_address: v.nullable(v.string()),
  hostname: v.nullable(v.string()),
  firmware_version: v.nullable(v.string()),
})
export type MinerInfo = v.InferOutput<typeof MinerInfoSchema>

/** A miner's limits as its device reports them (`GET /miners/{id}/limits`). */
export const MinerLimitsSchema = v.object({
  /** W */
  max_power: v.nullable(v.number()),
  max_hashrate: v.nullable(HashRateSchema),
})
export type MinerLimits = v.InferOutput<typeof MinerLimitsSchema>

function maxOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null)
  return known.length === 0 ? null : Math.max(...known)
}

function averageOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null)
  if (known.length === 0) return null
  return Math.round((known.reduce((sum, value) => sum + value, 0) / known.length) * 100) / 100
}

/** What a snapshot is built from: readings, each optional. */
export interface MinerReadings {
  status?: MinerStatus | null
  hash_rate?: MinerStateSnapshot['hash_rate']
  power_consumption?: number | null
  inlet_temperature?: number | null
  outlet_temperature?: number | null
  internal_fan_speed?: FanSpeed[]
  external_fan_speed?: FanSpeed | null
  hashboards?: HashboardSnapshot[]
  blocks_found?: number | null
  system_uptime?: number | null
  errors?: MinerStateSnapshot['errors']
}

/** A snapshot from readings: missing ones are null, temperatures summarised from the boards. */
export function minerStateSnapshot(readings: MinerReadings, timestamp: string): MinerStateSnapshot {
  const boards = readings.hashboards ?? []
  return {
    status: readings.status ?? 'unknown',
    hash_rate: readings.hash_rate ?? null,
    power_consumption: readings.power_consumption ?? null,
    inlet_temperature: readings.inlet_temperature ?? null,
    outlet_temperature: readings.outlet_temperature ?? null,
    internal_fan_speed: readings.internal_fan_speed ?? [],
    external_fan_speed: readings.external_fan_speed ?? null,
    hashboards: boards,
    blocks_found: readings.blocks_found ?? null,
    system_uptime: readings.system_uptime ?? null,
    max_chip_temperature: maxOf(boards.map((board) => board.chip_temperature)),
    avg_chip_temperature: averageOf(boards.map((board) => board.chip_temperature)),
    max_board_temperature: maxOf(boards.map((board) => board.board_temperature)),
    avg_board_temperature: averageOf(boards.map((board) => board.board_temperature)),
    timestamp,
    errors: readings.errors ?? [],
  }
}
