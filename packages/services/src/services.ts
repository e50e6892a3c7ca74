import {
  ADAPTER_KINDS,
  type AdapterKind,
  type ConfigurationRepositories,
  type HistoryRepository,
  type Logger,
  type Platform,
} from '@edge-mining/domain'
import { type AdapterActions, createAdapterActions } from './adapter-actions'
import { type AdapterEntityService, createAdapterEntityService } from './adapter-entities'
import { type ContextBuilder, createContextBuilder } from './context'
import { createEnergySourceService, type EnergySourceService } from './energy-sources'
import { createEventBus, type EventBus } from './events'
import { createHistoryService, type HistoryService } from './history'
import { type AdapterInstances, createAdapterInstances } from './instances'
import { createMinerService, type MinerService } from './miners'
import { createPolicyService, type PolicyService } from './policies'
import { createReferenceIndex, type ReferenceIndex } from './references'
import type { AdapterRegistry } from './registry'
import { createSettingsService, type SettingsService } from './settings'
import { createTrackerService, type TrackerService } from './trackers'
import { createUnitService, type UnitService } from './units'

export interface ServicesOptions {
  repositories: ConfigurationRepositories
  /** Where the loop's history is kept; fills Ocean's missing 7-day average. Default: none. */
  history?: HistoryRepository
  registry: AdapterRegistry
  platform: Platform
  logger: Logger
}

/** The application layer, composed over the ports it is given (runtime gives storage's). */
export interface Services {
  registry: AdapterRegistry
  events: EventBus
  settings: SettingsService
  /** The configuration service of each adapter kind. */
  adapters: Record<AdapterKind, AdapterEntityService>
  trackers: TrackerService
  miners: MinerService
  energySources: EnergySourceService
  policies: PolicyService
  units: UnitService
  context: ContextBuilder
  actions: AdapterActions
  /** The history service, when a history repository was given. */
  history: HistoryService | null
  instances: AdapterInstances
  references: ReferenceIndex
  /** Closes every live adapter instance. */
  close(): Promise<void>
}

export function createServices(options: ServicesOptions): Services {
  const { repositories, registry, platform, logger } = options
  const events = createEventBus({ now: () => platform.now(), logger })
  const settings = createSettingsService(repositories.settings)
  const instances = createAdapterInstances({
    repositories,
    registry,
    platform,
    logger,
    settings: () => settings.get(),
  })
  const references = createReferenceIndex(repositories)
  const adapters = Object.fromEntries(
    ADAPTER_KINDS.map((kind) => [
      kind,
      createAdapterEntityService({
        kind,
        repositories,
        registry,
        platform,
        events,
        references,
        instances,
      }),
    ]),
  ) as Record<AdapterKind, AdapterEntityService>
  const history = options.history
    ? createHistoryService({ repository: options.history, platform, logger })
    : null
  const trackers = createTrackerService({
    entities: adapters.mining_performance_tracker,
    instances,
    platform,
    ...(history
      ? { completeSnapshot: (id, snapshot) => history.fillSevenDayAverage(id, snapshot) }
      : {}),
  })
  const miners = createMinerService({
    repositories,
    registry,
    instances,
    references,
    platform,
    events,
  })
  const policies = createPolicyService({
    store: repositories.policies,
    references,
    platform,
    transaction: (work) => repositories.transaction(work),
  })
  const units = createUnitService({ repositories, policies, platform, events })
  return {
    registry,
    events,
    settings,
    adapters,
    trackers,
    miners,
    energySources: createEnergySourceService({ repositories, references, platform, instances }),
    policies,
    units,
    context: createContextBuilder({
      units,
      energySources: repositories.energySources,
      miners,
      trackers,
      instances,
      settings: () => settings.get(),
      platform,
    }),
    actions: createAdapterActions({
      repositories,
      registry,
      instances,
      controllers: adapters.miner_controller,
      notifiers: adapters.notifier,
      externalServices: adapters.external_service,
      services: adapters,
      platform,
    }),
    history,
    instances,
    references,
    close: () => instances.close(),
  }
}
