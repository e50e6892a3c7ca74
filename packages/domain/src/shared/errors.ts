/**
 * Domain errors. Each carries a stable `code` that the API, the CLI and the snapshot's
 * `errors` list expose, so callers branch on codes, never on message text.
 */
export type ErrorCode =
  | 'rate_limited'
  | 'auth_failed'
  | 'unreachable'
  | 'bad_response'
  | 'not_found'
  | 'invalid_config'
  | 'invalid_value'
  | 'conflict'
  | 'unsupported'
  | 'not_active'

export abstract class EdgeMiningError extends Error {
  abstract readonly code: ErrorCode

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The pool throttled us (HTTP 429 or an open cool-down). */
export class MiningPoolRateLimitedError extends EdgeMiningError {
  readonly code = 'rate_limited'
  /** Seconds until the pool may be asked again; null when the pool did not say. */
  readonly retry_after_seconds: number | null

  constructor(
    message: string,
    options: { retry_after_seconds?: number | null | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    const seconds = options.retry_after_seconds
    this.retry_after_seconds =
      typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
        ? Math.ceil(seconds)
        : null
  }
}

/** The pool rejected our credentials (HTTP 401/403). Never retried. */
export class MiningPoolAuthError extends EdgeMiningError {
  readonly code = 'auth_failed'
}

/** Timeout, network error or HTTP 5xx. */
export class MiningPoolUnreachableError extends EdgeMiningError {
  readonly code = 'unreachable'
}

/** The pool answered with something we cannot use: error envelope, non-JSON, wrong shape. */
export class MiningPoolResponseError extends EdgeMiningError {
  readonly code = 'bad_response'
}

/** What an entity is called in messages and in `config.updated` events. */
export type EntityKind =
  | 'mining_performance_tracker'
  | 'energy_monitor'
  | 'miner_controller'
  | 'forecast_provider'
  | 'notifier'
  | 'external_service'
  | 'miner'
  | 'energy_source'
  | 'optimization_unit'
  | 'policy'
  | 'rule'

const ENTITY_LABELS: Record<EntityKind, string> = {
  mining_performance_tracker: 'Mining performance tracker',
  energy_monitor: 'Energy monitor',
  miner_controller: 'Miner controller',
  forecast_provider: 'Forecast provider',
  notifier: 'Notifier',
  external_service: 'External service',
  miner: 'Miner',
  energy_source: 'Energy source',
  optimization_unit: 'Optimization unit',
  policy: 'Policy',
  rule: 'Rule',
}

/** "Miner controller", "Optimization unit"… as messages name an entity kind. */
export function entityLabel(kind: EntityKind): string {
  return ENTITY_LABELS[kind]
}

/** No entity of that kind has that id. */
export class EntityNotFoundError extends EdgeMiningError {
  readonly code = 'not_found'
  readonly entity: EntityKind
  readonly entity_id: string

  constructor(entity: EntityKind, id: string, message?: string) {
    super(message ?? `${ENTITY_LABELS[entity]} not found: ${id}`)
    this.entity = entity
    this.entity_id = id
  }
}

export class TrackerNotFoundError extends EntityNotFoundError {
  readonly tracker_id: string

  constructor(trackerId: string) {
    super('mining_performance_tracker', trackerId)
    this.tracker_id = trackerId
  }
}

/** A configuration is invalid; `field` names the offending key (e.g. `config.entity_grid`). */
export class ConfigurationError extends EdgeMiningError {
  readonly code = 'invalid_config'
  readonly field: string | null

  constructor(message: string, options: { field?: string | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.field = options.field ?? null
  }
}

/** A tracker configuration is invalid; `field` names the offending config key. */
export class TrackerConfigurationError extends ConfigurationError {}

/** Something that refers to an entity: what blocks its deletion. */
export interface EntityUsage {
  entity: EntityKind
  id: string
  name: string
  /** The field that holds the reference, e.g. `target_miner_ids`. */
  field: string
}

/**
 * The request clashes with what is stored: deleting something still in use, enabling a unit
 * whose miner already belongs to another enabled unit. `usages` names what is in the way.
 */
export class ConflictError extends EdgeMiningError {
  readonly code = 'conflict'
  readonly usages: readonly EntityUsage[]

  constructor(message: string, options: { usages?: readonly EntityUsage[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.usages = options.usages ?? []
  }
}

/** The device or adapter cannot do that (no mining control, a firmware without pause…). */
export class UnsupportedFeatureError extends EdgeMiningError {
  readonly code = 'unsupported'
}

/** The miner is deactivated: neither the loop nor a manual action controls it. */
export class MinerNotActiveError extends EdgeMiningError {
  readonly code = 'not_active'
  readonly miner_id: string

  constructor(minerId: string, name: string) {
    super(`Miner '${name}' (${minerId}) is not active; activate it first`)
    this.miner_id = minerId
  }
}

/**
 * A device or service (miner, plug, Home Assistant, a notification service) failed; `code`
 * says how, as the pool errors do. Messages never hold credentials.
 */
export class DeviceError extends EdgeMiningError {
  readonly code: 'unreachable' | 'auth_failed' | 'bad_response' | 'rate_limited'
  /** Seconds until the service may be asked again (rate limits), when it said. */
  readonly retry_after_seconds: number | null

  constructor(
    code: DeviceError['code'],
    message: string,
    options: { retry_after_seconds?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.code = code
    const seconds = options.retry_after_seconds
    this.retry_after_seconds =
      typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
        ? Math.ceil(seconds)
        : null
  }
}

/** A value handed to a domain constructor is unusable; `field` names it. */
export class InvalidValueError extends EdgeMiningError {
  readonly code = 'invalid_value'
  readonly field: string

  constructor(field: string, value: unknown, expected: string) {
    super(`${field}: expected ${expected}, got ${describeValue(value)}`)
    this.field = field
  }
}

/** A short, printable rendering of an offending value (bounded, never throws). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
    return JSON.stringify(shown)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

export function isEdgeMiningError(error: unknown): error is EdgeMiningError {
  return error instanceof EdgeMiningError
}
