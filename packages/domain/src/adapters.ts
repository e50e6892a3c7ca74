import * as v from 'valibot'
import type { EnergyMonitorPort, EnergySource, ForecastProviderPort } from './energy/energy'
import type { MinerEntity, MinerFeatureType } from './miner/miner'
import type { MinerControllerPort } from './miner/port'
import type { NotifierPort } from './notification/notification'
import type { SystemSettings } from './optimization/settings'
import type { MiningPerformanceTrackerPort } from './performance/port'
import type { Logger, Platform } from './shared/platform'
import { TimestampSchema, UuidSchema } from './shared/primitives'

/**
 * The kinds of configurable adapter entities. Each is `{ id, name, adapter_type, config,
 * external_service_id }`, with a registry of adapter definitions and the same route set.
 * The names are upstream's `config.updated` entity types.
 */
export const ADAPTER_KINDS = [
  'mining_performance_tracker',
  'energy_monitor',
  'miner_controller',
  'forecast_provider',
  'notifier',
  'external_service',
] as const
export type AdapterKind = (typeof ADAPTER_KINDS)[number]

/** `adapter_type`: an open name checked against the registry (lower snake case). */
export const AdapterTypeNameSchema = v.pipe(
  v.string('expected an adapter type name'),
  v.regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected an adapter type name such as "dummy"'),
)

/** A configured adapter entity as stored and served (secrets shown as `***` by services). */
export const AdapterEntitySchema = v.object({
  id: UuidSchema,
  name: v.string(),
  adapter_type: AdapterTypeNameSchema,
  config: v.record(v.string(), v.unknown()),
  external_service_id: v.nullable(UuidSchema),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
})
export type AdapterEntity = v.InferOutput<typeof AdapterEntitySchema>

/** A configured tracker (an adapter entity of kind `mining_performance_tracker`). */
export const MiningPerformanceTrackerSchema = AdapterEntitySchema
export type MiningPerformanceTracker = AdapterEntity

/** What an external-service status check found (`GET /external-services/{id}/status`). */
export interface ExternalServiceStatus {
  status: 'connected' | 'disconnected' | 'unauthorized'
  /** ISO-8601 UTC */
  last_check: string
  latency_ms: number | null
  /** What went wrong (never a credential), null when connected. */
  error_message: string | null
  /** What the service said of itself when connected (e.g. Home Assistant's version). */
  message: string | null
}

/**
 * A connection to an external system other adapters use (Home Assistant). Its definition's
 * `create` answers the client; consumers receive it as `context.externalService`.
 */
export interface ExternalServicePort {
  checkStatus(): Promise<ExternalServiceStatus>
  close?(): void | Promise<void>
}

/** The port each kind's `create` answers. */
export interface AdapterPorts {
  mining_performance_tracker: MiningPerformanceTrackerPort
  energy_monitor: EnergyMonitorPort
  miner_controller: MinerControllerPort
  forecast_provider: ForecastProviderPort
  notifier: NotifierPort
  external_service: ExternalServicePort
}

/** What an adapter gets when it is instantiated (one instance per entity and consumer). */
export interface AdapterContext {
  platform: Platform
  logger: Logger
  settings: SystemSettings
  /** The linked external service's client (what its definition created), or null. */
  externalService: ExternalServicePort | null
  /** The miner a miner controller is built for. */
  miner?: MinerEntity
  /** The energy source an energy monitor or forecast provider is built for. */
  energySource?: EnergySource
}

/**
 * One adapter type of one kind: how to validate its config (defaults applied), which fields are
 * secrets, which external services it may use, what it can do, and how to create it.
 */
export interface AdapterDefinition<K extends AdapterKind = AdapterKind> {
  kind: K
  /** The `adapter_type`, e.g. `ocean`, `dummy_solar`. */
  type: string
  /** Human name, e.g. "Ocean.xyz". */
  label: string
  configSchema: v.GenericSchema
  /** Config keys that are secrets: write-only, never returned, printed or logged. */
  secretFields: readonly string[]
  /** External-service adapter types this adapter may link to; none when absent. */
  externalServiceTypes?: readonly string[]
  /** True when it cannot work without a linked external service. */
  requiresExternalService?: boolean
  /** Miner controllers: the features an instance implements (see FEATURE_METHODS). */
  features?: readonly MinerFeatureType[]
  create(config: Record<string, unknown>, context: AdapterContext): AdapterPorts[K]
}

/** Any kind's definition (a registry holds these). */
export type AnyAdapterDefinition = { [K in AdapterKind]: AdapterDefinition<K> }[AdapterKind]
