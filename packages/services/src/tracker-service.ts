import {
  type HashRate,
  type MiningPerformanceSnapshot,
  type MiningPerformanceTracker,
  type MiningPerformanceTrackerPort,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { type Cache, createCache } from '@edge-mining/http-cache'
import type { AdapterRegistry } from './registry'
import type { TrackerRepository } from './repository'
import { createSnapshotBuilder } from './snapshot-builder'

/** What responses show instead of a secret; sending it back in an update keeps the stored one. */
export const SECRET_PLACEHOLDER = '***'

export interface TrackerServiceOptions {
  repository: TrackerRepository
  registry: AdapterRegistry
  /** Process-wide pool-data cache shared by all trackers. Default: a new in-memory cache. */
  cache?: Cache
  /** Clock in ms. Default: Date.now. */
  now?: () => number
  /** Id generator. Default: crypto.randomUUID. */
  randomUUID?: () => string
  /** Timers adapters use to pace requests. Default: the global setTimeout. */
  setTimeout?: (callback: () => void, ms: number) => unknown
  /** fetch the adapters' HTTP clients use. Default: the global fetch. */
  fetch?: typeof globalThis.fetch
}

export interface CreateTrackerInput {
  name?: string | undefined
  adapter_type?: string | undefined
  config?: unknown
  external_service_id?: string | null | undefined
}

export interface UpdateTrackerInput {
  name?: string | undefined
  config?: unknown
  external_service_id?: string | null | undefined
}

export interface ConnectivityReport {
  /** `success`: the pool answered; `stale`: the pool is throttling or failing, cached data served. */
  status: 'success' | 'stale'
  message: string
  latency_ms: number
  current_hashrate: HashRate | null
  /** False when this test reached the pool; true when a call within the cache TTL answered. */
  from_cache: boolean
  data_age_seconds: number | null
}

export interface TrackerService {
  readonly registry: AdapterRegistry
  readonly cache: Cache
  list(): Promise<MiningPerformanceTracker[]>
  /** Throws TrackerNotFoundError. */
  get(id: string): Promise<MiningPerformanceTracker>
  create(input: CreateTrackerInput): Promise<MiningPerformanceTracker>
  update(id: string, input: UpdateTrackerInput): Promise<MiningPerformanceTracker>
  remove(id: string): Promise<MiningPerformanceTracker>
  /** The tracker's live adapter: one instance per tracker, so every caller shares its cache. */
  adapter(id: string): Promise<MiningPerformanceTrackerPort>
  /** Asks the pool for the current hash rate and says how it went. */
  test(id: string): Promise<ConnectivityReport>
  buildSnapshot(id: string): Promise<MiningPerformanceSnapshot>
  /** The tracker as responses may show it: secret config values replaced by `***`. */
  toPublic(tracker: MiningPerformanceTracker): MiningPerformanceTracker
}

function checkName(name: unknown): string | undefined {
  if (name === undefined) return undefined
  if (typeof name !== 'string') {
    throw new TrackerConfigurationError('name: expected a string', { field: 'name' })
  }
  const trimmed = name.trim()
  if (trimmed.length > 200) {
    throw new TrackerConfigurationError('name: at most 200 characters', { field: 'name' })
  }
  return trimmed
}

function checkExternalServiceId(id: unknown): null {
  if (id === undefined || id === null) return null
  throw new TrackerConfigurationError(
    'external_service_id: mining performance trackers use no external service; send null',
    { field: 'external_service_id' },
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function createTrackerService(options: TrackerServiceOptions): TrackerService {
  const { repository, registry } = options
  const now = options.now ?? Date.now
  const cache = options.cache ?? createCache({ now })
  const randomUUID = options.randomUUID ?? (() => crypto.randomUUID())
  const live = new Map<string, { updatedAt: string; port: MiningPerformanceTrackerPort }>()
  const timestamp = () => new Date(now()).toISOString()

  async function get(id: string): Promise<MiningPerformanceTracker> {
    const tracker = await repository.get(id)
    if (!tracker) throw new TrackerNotFoundError(id)
    return tracker
  }

  async function adapter(id: string): Promise<MiningPerformanceTrackerPort> {
    const tracker = await get(id)
    const current = live.get(id)
    if (current && current.updatedAt === tracker.updated_at) return current.port
    const definition = registry.get(tracker.adapter_type)
    const port = definition.create(registry.parseConfig(tracker.adapter_type, tracker.config), {
      cache,
      now,
      ...(options.setTimeout ? { setTimeout: options.setTimeout } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    })
    live.set(id, { updatedAt: tracker.updated_at, port })
    return port
  }

  const snapshots = createSnapshotBuilder({ adapterOf: adapter, now })

  return {
    registry,
    cache,
    list: async () => repository.list(),
    get,
    async create(input) {
      const adapterType = input.adapter_type ?? 'dummy'
      const definition = registry.get(adapterType)
      if (input.config === undefined || input.config === null) {
        throw new TrackerConfigurationError(
          'config: mining performance tracker configuration should be set',
          { field: 'config' },
        )
      }
      const config = registry.parseConfig(adapterType, input.config)
      const at = timestamp()
      const tracker: MiningPerformanceTracker = {
        id: randomUUID(),
        name: checkName(input.name) || definition.label,
        adapter_type: definition.type,
        config,
        external_service_id: checkExternalServiceId(input.external_service_id),
        created_at: at,
        updated_at: at,
      }
      return (await repository.add(tracker)) ?? tracker
    },
    async update(id, input) {
      const stored = await get(id)
      const definition = registry.get(stored.adapter_type)
      let config = stored.config
      if (input.config !== undefined) {
        if (!isRecord(input.config)) {
          throw new TrackerConfigurationError('config: expected an object', { field: 'config' })
        }
        const merged: Record<string, unknown> = { ...input.config }
        for (const field of definition.secretFields) {
          // Secrets are write-only: an update that omits one (or echoes the placeholder) keeps it.
          if (merged[field] === undefined || merged[field] === SECRET_PLACEHOLDER) {
            merged[field] = stored.config[field]
          }
        }
        config = registry.parseConfig(stored.adapter_type, merged)
      }
      const updated: MiningPerformanceTracker = {
        ...stored,
        name: checkName(input.name) ?? stored.name,
        config,
        external_service_id:
          input.external_service_id === undefined
            ? stored.external_service_id
            : checkExternalServiceId(input.external_service_id),
        updated_at: timestamp(),
      }
      const saved = (await repository.update(updated)) ?? updated
      live.delete(id)
      return saved
    },
    async remove(id) {
      const stored = await get(id)
      await repository.remove(id)
      live.delete(id)
      return stored
    },
    adapter,
    async test(id) {
      const port = await adapter(id)
      let freshness = { stale: false, from_cache: false, age_seconds: null as number | null }
      const started = now()
      const current = await port.getCurrentHashrate({
        onFreshness: (f) => {
          freshness = {
            stale: f.stale,
            from_cache: f.from_cache ?? false,
            age_seconds: f.age_seconds,
          }
        },
      })
      const latency = Math.max(0, now() - started)
      const reading = current
        ? `${Math.round(current.value * 1000) / 1000} ${current.unit}`
        : 'no hash rate for this account'
      const message = freshness.stale
        ? `Pool not answering; serving cached data ${freshness.age_seconds ?? 0} s old (${reading})`
        : freshness.from_cache
          ? `Tracker reachable: ${reading} (pool answered ${freshness.age_seconds ?? 0} s ago; cached to respect its rate limit)`
          : `Tracker reachable: ${reading}`
      return {
        status: freshness.stale ? 'stale' : 'success',
        message,
        latency_ms: latency,
        current_hashrate: current,
        from_cache: freshness.from_cache,
        data_age_seconds: freshness.age_seconds,
      }
    },
    buildSnapshot: (id) => snapshots.buildSnapshot(id),
    toPublic(tracker) {
      const secrets = registry.get(tracker.adapter_type).secretFields
      if (secrets.length === 0) return tracker
      const config = { ...tracker.config }
      for (const field of secrets) {
        if (field in config) config[field] = SECRET_PLACEHOLDER
      }
      return { ...tracker, config }
    },
  }
}
