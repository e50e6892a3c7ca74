import {
  ADAPTER_KINDS,
  type AdapterEntity,
  type AdapterKind,
  type ConfigurationRepositories,
  ConflictError,
  type EnergySource,
  type EntityKind,
  EntityNotFoundError,
  type EntityRepository,
  InvalidValueError,
  type MinerEntity,
  type OptimizationUnit,
  type PolicyFile,
  type PolicyFileStore,
  type SettingsRepository,
  type SystemSettings,
  TrackerNotFoundError,
} from '@edge-mining/domain'

/**
 * In-process implementations of the repository ports, for tests and throwaway demos: the same
 * contract as storage's SQLite ones (copies in and out, conflicts and not-found as errors,
 * transactions that undo every write when the work throws), kept in Maps.
 */

interface Undoable {
  snapshot(): () => void
}

function memoryRepository<T extends { id: string }>(
  entity: EntityKind,
): EntityRepository<T> & Undoable {
  let rows = new Map<string, T>()
  const copy = (value: T): T => structuredClone(value)
  const notFound = (id: string) =>
    entity === 'mining_performance_tracker'
      ? new TrackerNotFoundError(id)
      : new EntityNotFoundError(entity, id)
  return {
    list: () => [...rows.values()].map(copy),
    get: (id) => {
      const row = rows.get(id)
      return row ? copy(row) : null
    },
    add(value) {
      if (rows.has(value.id)) throw new ConflictError(`${entity} ${value.id} already exists`)
      rows.set(value.id, copy(value))
      return copy(value)
    },
    update(value) {
      if (!rows.has(value.id)) throw notFound(value.id)
      rows.set(value.id, copy(value))
      return copy(value)
    },
    remove(id) {
      const row = rows.get(id)
      rows.delete(id)
      return row ? copy(row) : null
    },
    snapshot() {
      const saved = new Map([...rows].map(([id, row]) => [id, copy(row)]))
      return () => {
        rows = saved
      }
    },
  }
}

function memorySettings(): SettingsRepository & Undoable {
  let stored: SystemSettings | null = null
  return {
    get: () => (stored ? { ...stored } : null),
    save(settings) {
      stored = { ...settings }
    },
    snapshot() {
      const saved = stored
      return () => {
        stored = saved
      }
    },
  }
}

const POLICY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** A policy folder in memory; `now` stamps `modified_at`. */
export function createMemoryPolicyStore(now: () => number = Date.now): PolicyFileStore {
  const files = new Map<string, PolicyFile>()
  const checked = (id: string) => {
    if (!POLICY_ID.test(id))
      throw new InvalidValueError('policy_id', id, 'a file name without slashes')
    return id
  }
  return {
    folder: 'memory:policies',
    list: () => [...files.values()].sort((a, b) => a.id.localeCompare(b.id)),
    read: (id) => files.get(checked(id)) ?? null,
    write(id, text) {
      const file = {
        id: checked(id),
        path: `memory:policies/${id}.yaml`,
        text,
        modified_at: new Date(now()).toISOString(),
      }
      files.set(id, file)
      return file
    },
    remove: (id) => files.delete(checked(id)),
  }
}

/** Every configuration repository in memory. */
export function createMemoryRepositories(
  options: { now?: () => number; policies?: PolicyFileStore } = {},
): ConfigurationRepositories {
  const adapters = Object.fromEntries(
    ADAPTER_KINDS.map((kind) => [kind, memoryRepository<AdapterEntity>(kind)]),
  ) as Record<AdapterKind, EntityRepository<AdapterEntity> & Undoable>
  const miners = memoryRepository<MinerEntity>('miner')
  const energySources = memoryRepository<EnergySource>('energy_source')
  const units = memoryRepository<OptimizationUnit>('optimization_unit')
  const settings = memorySettings()
  const undoables: Undoable[] = [...Object.values(adapters), miners, energySources, units, settings]
  return {
    adapters,
    miners,
    energySources,
    units,
    settings,
    policies: options.policies ?? createMemoryPolicyStore(options.now),
    transaction(work) {
      const restores = undoables.map((undoable) => undoable.snapshot())
      try {
        return work()
      } catch (error) {
        for (const restore of restores) restore()
        throw error
      }
    },
  }
}
