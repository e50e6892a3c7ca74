import {
  type AdapterEntity,
  type AdapterKind,
  ConfigurationError,
  type ConfigurationRepositories,
  describeValue,
  EntityNotFoundError,
  entityLabel,
  type Platform,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { checkName, isoAt, isRecord } from './common'
import type { EventBus } from './events'
import type { AdapterInstances } from './instances'
import { inUseError, type ReferenceIndex } from './references'
import type { AdapterRegistry, KindRegistry } from './registry'
import { maskSecrets, mergeConfig, secretValues } from './secrets'

export interface CreateAdapterEntityInput {
  name?: string | undefined
  adapter_type?: string | undefined
  config?: unknown
  external_service_id?: string | null | undefined
}

export interface UpdateAdapterEntityInput {
  name?: string | undefined
  /** Keys left out are kept; a key sent as null resets to its default; `***` keeps a secret. */
  config?: unknown
  /** Omitted: kept; null: unlinked. */
  external_service_id?: string | null | undefined
}

export interface RemoveOptions {
  /** Detach whatever still refers to it instead of refusing (409). */
  force?: boolean
}

/**
 * The configuration service every adapter kind shares (trackers, energy monitors, miner
 * controllers, forecast providers, notifiers, external services): CRUD with the config
 * validated by the adapter's schema (defaults applied), write-only secrets kept on update,
 * `external_service_id` checked against what the adapter may use, deletes refused while the
 * entity is in use.
 */
export interface AdapterEntityService {
  readonly kind: AdapterKind
  readonly registry: KindRegistry
  list(): AdapterEntity[]
  /** Throws EntityNotFoundError (TrackerNotFoundError for trackers). */
  get(id: string): AdapterEntity
  create(input: CreateAdapterEntityInput): AdapterEntity
  update(id: string, input: UpdateAdapterEntityInput): AdapterEntity
  /** Throws ConflictError naming the users unless `force`. Answers the deleted entity. */
  remove(id: string, options?: RemoveOptions): AdapterEntity
  /** The entity as responses and output may show it: secrets as `***`. */
  toPublic(entity: AdapterEntity): AdapterEntity
  /** The entity's secret values (to scrub from any error text). */
  secretsOf(entity: Pick<AdapterEntity, 'adapter_type' | 'config'>): string[]
  /** External-service types `type` may link to (null when none, as upstream answers). */
  externalServiceTypes(type: string): string[] | null
}

export interface AdapterEntityServiceOptions {
  kind: AdapterKind
  repositories: ConfigurationRepositories
  registry: AdapterRegistry
  platform: Platform
  events: EventBus
  references: ReferenceIndex
  instances: AdapterInstances
}

const LIKELY_SECRET = /token|password|passwd|secret|key|auth/i

export function notFoundError(kind: AdapterKind, id: string): EntityNotFoundError {
  return kind === 'mining_performance_tracker'
    ? new TrackerNotFoundError(id)
    : new EntityNotFoundError(kind, id)
}

export function createAdapterEntityService(
  options: AdapterEntityServiceOptions,
): AdapterEntityService {
  const { kind, repositories, platform, events, references, instances } = options
  const registry = options.registry.forKind(kind)
  const repository = repositories.adapters[kind]
  const label = entityLabel(kind)
  const isTracker = kind === 'mining_performance_tracker'
  const ErrorClass = isTracker ? TrackerConfigurationError : ConfigurationError

  function get(id: string): AdapterEntity {
    const entity = repository.get(id)
    if (!entity) throw notFoundError(kind, id)
    return entity
  }

  function checkExternalService(type: string, id: unknown): string | null {
    const definition = registry.get(type)
    const allowed = definition.externalServiceTypes ?? []
    if (id === undefined || id === null) {
      if (definition.requiresExternalService) {
        throw new ErrorClass(
          `external_service_id: ${type} needs an external service of type ${allowed.join(' or ')}`,
          { field: 'external_service_id' },
        )
      }
      return null
    }
    if (allowed.length === 0) {
      throw new ErrorClass(
        `external_service_id: ${type} ${label.toLowerCase()}s use no external service; send null`,
        { field: 'external_service_id' },
      )
    }
    if (typeof id !== 'string') {
      throw new ErrorClass(`external_service_id: expected a UUID, got ${describeValue(id)}`, {
        field: 'external_service_id',
      })
    }
    const service = repositories.adapters.external_service.get(id)
    if (!service) {
      throw new ErrorClass(`external_service_id: no external service ${id}`, {
        field: 'external_service_id',
      })
    }
    if (!allowed.includes(service.adapter_type)) {
      throw new ErrorClass(
        `external_service_id: ${type} needs an external service of type ${allowed.join(' or ')}, not ${service.adapter_type}`,
        { field: 'external_service_id' },
      )
    }
    return id
  }

  function parseConfig(type: string, config: unknown): Record<string, unknown> {
    if (config === undefined || config === null) {
      if (isTracker || kind === 'external_service') {
        // Upstream's rule for these kinds: a config is required.
        throw new ErrorClass(`config: ${label.toLowerCase()} configuration should be set`, {
          field: 'config',
        })
      }
      return registry.parseConfig(type, {}, 'config')
    }
    if (!isRecord(config)) {
      throw new ErrorClass(`config: expected an object, got ${describeValue(config)}`, {
        field: 'config',
      })
    }
    return registry.parseConfig(type, config, 'config')
  }

  /**
   * The secret keys of a config. A stored type no longer registered (an adapter removed) still
   * has its likely secrets masked: better a hidden URL than a shown token.
   */
  function secretFieldsOf(entity: Pick<AdapterEntity, 'adapter_type' | 'config'>): string[] {
    if (registry.has(entity.adapter_type))
      return [...registry.get(entity.adapter_type).secretFields]
    return Object.keys(entity.config).filter((key) => LIKELY_SECRET.test(key))
  }

  const publish = (id: string, action: 'created' | 'updated' | 'removed') =>
    events.publish('config.updated', { entity_type: kind, entity_id: id, action })

  return {
    kind,
    registry,
    list: () => repository.list(),
    get,
    create(input) {
      const type = input.adapter_type ?? (isTracker ? 'dummy' : undefined)
      if (type === undefined) {
        throw new ErrorClass(`adapter_type: required (one of ${registry.types().join(', ')})`, {
          field: 'adapter_type',
        })
      }
      const definition = registry.get(type)
      const config = parseConfig(type, input.config)
      const at = isoAt(platform.now())
      const entity = repository.add({
        id: platform.randomUUID(),
        name: checkName(input.name, 'name', ErrorClass) || definition.label,
        adapter_type: definition.type,
        config,
        external_service_id: checkExternalService(type, input.external_service_id),
        created_at: at,
        updated_at: at,
      })
      publish(entity.id, 'created')
      return entity
    },
    update(id, input) {
      const stored = get(id)
      const definition = registry.get(stored.adapter_type)
      let config = stored.config
      if (input.config !== undefined && input.config !== null) {
        if (!isRecord(input.config)) {
          throw new ErrorClass(`config: expected an object, got ${describeValue(input.config)}`, {
            field: 'config',
          })
        }
        config = parseConfig(
          stored.adapter_type,
          mergeConfig(stored.config, input.config, definition.secretFields),
        )
      }
      const updated = repository.update({
        ...stored,
        name: checkName(input.name, 'name', ErrorClass) ?? stored.name,
        config,
        external_service_id:
          input.external_service_id === undefined
            ? stored.external_service_id
            : checkExternalService(stored.adapter_type, input.external_service_id),
        // Strictly increasing: live adapter instances are rebuilt when it changes.
        updated_at: isoAt(Math.max(platform.now(), Date.parse(stored.updated_at) + 1)),
      })
      instances.drop(kind, id)
      publish(id, 'updated')
      return updated
    },
    remove(id, removeOptions = {}) {
      const stored = get(id)
      const usages = references.usagesOf(kind, id)
      if (usages.length > 0 && !removeOptions.force) {
        throw inUseError(kind, stored.name, usages)
      }
      repositories.transaction(() => {
        if (usages.length > 0) references.detach(kind, id, isoAt(platform.now()))
        repository.remove(id)
      })
      instances.drop(kind, id)
      publish(id, 'removed')
      return stored
    },
    toPublic(entity) {
      return { ...entity, config: maskSecrets(entity.config, secretFieldsOf(entity)) }
    },
    secretsOf(entity) {
      return secretValues(entity.config, secretFieldsOf(entity))
    },
    externalServiceTypes(type) {
      const allowed = registry.get(type).externalServiceTypes ?? []
      return allowed.length > 0 ? [...allowed] : null
    },
  }
}
