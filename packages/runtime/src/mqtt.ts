import {
  type BridgeObservation,
  createMqttBridge,
  type MqttBridge,
} from '@edge-mining/adapter-mqtt'
import type { Logger, Platform } from '@edge-mining/domain'
import type { CycleObservation, DecisionLoop, Services } from '@edge-mining/services'
import type { MqttConfig } from './env'

/** The entity types whose `config.updated` changes what Home Assistant is shown. */
const ANNOUNCED_ENTITY_TYPES = new Set(['mining_performance_tracker', 'miner', 'optimization_unit'])

/** The bridge, and the one door cycles reach it through. */
export interface SiteMqtt {
  bridge: MqttBridge
  /**
   * Hands one cycle to the bridge, starting it at the first: only a process that runs cycles
   * (the one holding the scheduler lease) ever connects, so a second server on the same
   * database never answers for the site, and its last will never marks it offline.
   */
  relay(observation: CycleObservation): void
  /** Stops the bridge for good; cycles after it are not relayed. */
  stop(): Promise<void>
}

/**
 * The MQTT bridge over this runtime's services and loop: entities listed from the services,
 * `config.updated` for trackers, miners and units, and the switch's commands carried out as
 * the loop's manual override — refused while another process runs the loop.
 */
export function createSiteMqtt(options: {
  config: MqttConfig
  services: Services
  loop: DecisionLoop
  platform: Platform
  logger: Logger
  /** Whether this process runs the loop now. */
  isLeader: () => boolean
}): SiteMqtt {
  const { services, loop } = options
  const observers = new Set<(observation: BridgeObservation) => void>()
  const bridge = createMqttBridge({
    url: options.config.url,
    ...(options.config.username === undefined ? {} : { username: options.config.username }),
    ...(options.config.password === undefined ? {} : { password: options.config.password }),
    discoveryPrefix: options.config.discoveryPrefix,
    baseTopic: options.config.baseTopic,
    logger: options.logger,
    platform: options.platform,
    source: {
      onCycle(observer) {
        observers.add(observer)
        return () => observers.delete(observer)
      },
      async override(minerId, action) {
        if (!options.isLeader()) {
          throw new Error(
            'this server does not run the decision loop now (another process holds the scheduler lease)',
          )
        }
        return loop.override(minerId, action)
      },
      entities: () => ({
        trackers: services.adapters.mining_performance_tracker.list(),
        miners: services.miners.list(),
        units: services.units.list(),
      }),
      onEntitiesChanged(listener) {
        return services.events.subscribe((event) => {
          if (
            event.topic === 'config.updated' &&
            ANNOUNCED_ENTITY_TYPES.has(String(event.payload.entity_type))
          ) {
            listener()
          }
        })
      },
    },
  })
  let stopped = false
  return {
    bridge,
    relay(observation) {
      if (stopped) return
      if (!bridge.isStarted()) bridge.start()
      for (const observer of observers) observer(observation)
    },
    stop() {
      stopped = true
      return bridge.stop()
    },
  }
}
