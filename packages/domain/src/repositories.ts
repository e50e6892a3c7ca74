import type { AdapterEntity, AdapterKind } from './adapters'
import type { EnergySource } from './energy/energy'
import type { MinerEntity } from './miner/miner'
import type { SystemSettings } from './optimization/settings'
import type { OptimizationUnit } from './optimization/unit'

/**
 * Where services keep an entity type. Synchronous (the embedded database answers in
 * microseconds; the memory one in tests too). Values are copies: mutating one changes nothing
 * stored. Failures of the store itself throw the store's own error (e.g. StorageError `busy`).
 */
export interface EntityRepository<T extends { id: string }> {
  /** Every readable entity, oldest first; unreadable rows are skipped and reported by the store. */
  list(): T[]
  get(id: string): T | null
  /** Stores a new entity; throws ConflictError when the id is taken. */
  add(entity: T): T
  /** Replaces a stored entity; throws EntityNotFoundError when there is none. */
  update(entity: T): T
  /** Deletes it; answers what was deleted, or null when there was nothing. */
  remove(id: string): T | null
}

/** The one settings row. `get` answers what is stored (possibly partial) or null before any save. */
export interface SettingsRepository {
  get(): Partial<SystemSettings> | null
  save(settings: SystemSettings): void
}

/** A policy file as the folder holds it. */
export interface PolicyFile {
  /** The file name without `.yaml` (a policy id when it is a UUID). */
  id: string
  /** Absolute path, for messages. */
  path: string
  text: string
  /** ISO-8601 UTC of the last modification (hand edits are picked up by comparing it). */
  modified_at: string
}

/**
 * The policy folder (`POLICIES_DIR`): one `<uuid>.yaml` per policy, in upstream's format.
 * Writes are atomic (temporary file + rename): a reader never sees half a policy.
 */
export interface PolicyFileStore {
  /** Absolute path of the folder. */
  readonly folder: string
  /** Every `*.yaml` file, by name. */
  list(): PolicyFile[]
  read(id: string): PolicyFile | null
  write(id: string, text: string): PolicyFile
  /** Deletes the file; false when there was none. */
  remove(id: string): boolean
}

/** Everything the configuration services persist through (`runtime` injects `storage`'s). */
export interface ConfigurationRepositories {
  adapters: Record<AdapterKind, EntityRepository<AdapterEntity>>
  miners: EntityRepository<MinerEntity>
  energySources: EntityRepository<EnergySource>
  units: EntityRepository<OptimizationUnit>
  settings: SettingsRepository
  policies: PolicyFileStore
  /** Runs `work` as one transaction: every write in it lands, or none does. */
  transaction<T>(work: () => T): T
}
