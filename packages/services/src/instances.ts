import {
  type AdapterContext,
  type AdapterEntity,
  type AdapterKind,
  type AdapterPorts,
  ConfigurationError,
  type ConfigurationRepositories,
  type EnergySource,
  EntityNotFoundError,
  type Logger,
  type MinerEntity,
  type Platform,
  type SystemSettings,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { messageOf } from './common'
import type { AdapterRegistry } from './registry'

/** Whom an adapter instance is built for: a miner controller's miner, a monitor's source. */
export interface AdapterConsumer {
  miner?: MinerEntity
  energySource?: EnergySource
}

/** What a throwaway instance is built from (a test of a config that is not stored). */
export interface AdapterDraft {
  adapter_type: string
  config: Record<string, unknown>
  external_service_id: string | null
}

/**
 * Live adapter instances: one per (entity, consumer), rebuilt when the entity, its consumer,
 * its external service or the settings change (upstream keyed by entity only and handed the
 * first consumer's binding to everyone — trap T4).
 */
export interface AdapterInstances {
  get<K extends AdapterKind>(kind: K, entityId: string, consumer?: AdapterConsumer): AdapterPorts[K]
  /** The same, for an entity already read (spares a second read on hot paths). */
  getFor<K extends AdapterKind>(
    kind: K,
    entity: AdapterEntity,
    consumer?: AdapterConsumer,
  ): AdapterPorts[K]
  /** A fresh, uncached instance of an unsaved config (connection tests). */
  build<K extends AdapterKind>(
    kind: K,
    draft: AdapterDraft,
    consumer?: AdapterConsumer,
  ): AdapterPorts[K]
  /**
   * Closes and forgets every instance of an entity (after an update or delete), or only the one
   * built for `consumerId` (a miner unlinked or deleted, a source that changed its monitor).
   */
  drop(kind: AdapterKind, entityId: string, consumerId?: string): void
  /** Closes every instance. */
  close(): Promise<void>
}

export interface AdapterInstancesOptions {
  repositories: Pick<ConfigurationRepositories, 'adapters'>
  registry: AdapterRegistry
  platform: Platform
  logger: Logger
  settings: () => SystemSettings
}

interface Live {
  /** The entity's, its external service's and its consumer's versions it was built from. */
  fingerprint: string
  /** The settings it was built with, and as text (for settings read as a new object). */
  settings: SystemSettings
  settingsText: string
  port: { close?(): void | Promise<void> }
}

function notFound(kind: AdapterKind, id: string): EntityNotFoundError {
  return kind === 'mining_performance_tracker'
    ? new TrackerNotFoundError(id)
    : new EntityNotFoundError(kind, id)
}

export function createAdapterInstances(options: AdapterInstancesOptions): AdapterInstances {
  const { repositories, registry, platform, logger } = options
  const live = new Map<string, Live>()

  function closePort(port: Live['port']): void {
    try {
      const closing = port.close?.()
      if (closing)
        closing.catch((error) => logger.warn(`Closing an adapter failed: ${messageOf(error)}`))
    } catch (error) {
      logger.warn(`Closing an adapter failed: ${messageOf(error)}`)
    }
  }

  function entityOf(kind: AdapterKind, id: string): AdapterEntity {
    const entity = repositories.adapters[kind].get(id)
    if (!entity) throw notFound(kind, id)
    return entity
  }

  /** The external service's client and its version, for the consumer's context. */
  function externalServiceOf(draft: AdapterDraft): {
    port: AdapterContext['externalService']
    version: string
  } {
    if (draft.external_service_id === null) return { port: null, version: '' }
    const service = repositories.adapters.external_service.get(draft.external_service_id)
    if (!service) {
      throw new ConfigurationError(
        `external_service_id: no external service ${draft.external_service_id}`,
        { field: 'external_service_id' },
      )
    }
    return {
      port: get('external_service', service.id),
      version: service.updated_at,
    }
  }

  function create<K extends AdapterKind>(
    kind: K,
    draft: AdapterDraft,
    consumer: AdapterConsumer,
    externalService: AdapterContext['externalService'],
  ): AdapterPorts[K] {
    const kindRegistry = registry.forKind(kind)
    const definition = kindRegistry.get(draft.adapter_type)
    const config = kindRegistry.parseConfig(draft.adapter_type, draft.config, 'config')
    return definition.create(config, {
      platform,
      logger,
      settings: options.settings(),
      externalService,
      ...(consumer.miner ? { miner: consumer.miner } : {}),
      ...(consumer.energySource ? { energySource: consumer.energySource } : {}),
    })
  }

  function get<K extends AdapterKind>(
    kind: K,
    entityId: string,
    consumer: AdapterConsumer = {},
  ): AdapterPorts[K] {
    return getFor(kind, entityOf(kind, entityId), consumer)
  }

  function getFor<K extends AdapterKind>(
    kind: K,
    entity: AdapterEntity,
    consumer: AdapterConsumer = {},
  ): AdapterPorts[K] {
    const entityId = entity.id
    const external = externalServiceOf(entity)
    const consumerKey = consumer.miner?.id ?? consumer.energySource?.id ?? ''
    const key = `${kind}:${entityId}:${consumerKey}`
    const fingerprint = JSON.stringify([
      entity.updated_at,
      external.version,
      consumer.miner ?? null,
      consumer.energySource ?? null,
    ])
    // The settings service hands out the same object until they change: a hot lookup compares
    // identity, not text.
    const settings = options.settings()
    const current = live.get(key)
    if (current && current.fingerprint === fingerprint) {
      if (current.settings === settings) return current.port as AdapterPorts[K]
      if (current.settingsText === JSON.stringify(settings)) {
        current.settings = settings
        return current.port as AdapterPorts[K]
      }
    }
    if (current) {
      // Forget it before rebuilding: a rebuild that throws must not leave a closed port cached.
      live.delete(key)
      closePort(current.port)
    }
    const port = create(kind, entity, consumer, external.port)
    live.set(key, {
      fingerprint,
      settings,
      settingsText: JSON.stringify(settings),
      port: port as Live['port'],
    })
    return port
  }

  return {
    get,
    getFor,
    build(kind, draft, consumer = {}) {
      return create(kind, draft, consumer, externalServiceOf(draft).port)
    },
    drop(kind, entityId, consumerId) {
      const prefix = `${kind}:${entityId}:`
      for (const [key, entry] of live) {
        if (consumerId === undefined ? !key.startsWith(prefix) : key !== `${prefix}${consumerId}`)
          continue
        closePort(entry.port)
        live.delete(key)
      }
    },
    async close() {
      const ports = [...live.values()].map((entry) => entry.port)
      live.clear()
      await Promise.allSettled(ports.map(async (port) => port.close?.()))
    },
  }
}
