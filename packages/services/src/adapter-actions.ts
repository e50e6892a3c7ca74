import {
  type AdapterEntity,
  type ConfigurationRepositories,
  type ExternalServiceStatus,
  type HashRate,
  isEdgeMiningError,
  type MinerEntity,
  type MinerFeatureType,
  type MinerInfo,
  type MinerStatus,
  type Platform,
} from '@edge-mining/domain'
import type { AdapterEntityService } from './adapter-entities'
import { isoAt, messageOf, withTimeout } from './common'
import type { AdapterDraft, AdapterInstances } from './instances'
import { DEVICE_TIMEOUT_MS } from './miners'
import type { AdapterRegistry } from './registry'
import { scrubSecrets } from './secrets'

/** What a controller connection test saw (`POST /miner-controllers/…/test-connection`). */
export interface ControllerTestReport {
  success: boolean
  message: string
  latency_ms: number
  status: MinerStatus | null
  hash_rate: HashRate | null
  power: number | null
  device_info: MinerInfo | null
  supported_features: MinerFeatureType[]
}

/** `POST /notifiers/{id}/test` (upstream's shape). */
export interface NotifierTestReport {
  status: 'success' | 'failed'
  message: string
}

export interface AdapterActions {
  /** Reads status, hash rate, power and device info through the controller, with latency. */
  testController(draftOrId: AdapterDraft | string): Promise<ControllerTestReport>
  supportedFeatures(controllerId: string): MinerFeatureType[]
  controllerInfo(controllerId: string): Promise<MinerInfo | null>
  controllerLimits(
    controllerId: string,
  ): Promise<{ max_power: number | null; max_hashrate: HashRate | null }>
  testNotifier(notifierId: string): Promise<NotifierTestReport>
  externalServiceStatus(id: string): Promise<ExternalServiceStatus & { name: string }>
  linkedEntities(id: string): Record<string, AdapterEntity[]>
}

export function createAdapterActions(options: {
  repositories: ConfigurationRepositories
  registry: AdapterRegistry
  instances: AdapterInstances
  controllers: AdapterEntityService
  notifiers: AdapterEntityService
  externalServices: AdapterEntityService
  services: Record<string, AdapterEntityService>
  platform: Platform
}): AdapterActions {
  const { repositories, registry, instances, platform } = options

  /** A miner to test a controller with: one it already serves, else a stand-in. */
  function testMiner(controllerId: string | null): MinerEntity {
    const serving = controllerId
      ? repositories.miners.list().find((miner) => miner.controller_ids.includes(controllerId))
      : undefined
    return (
      serving ?? {
        id: '00000000-0000-4000-8000-000000000000',
        name: 'connection test',
        model: null,
        hash_rate_max: null,
        power_consumption_max: null,
        active: true,
        features: [],
        controller_ids: [],
        pool_worker_name: null,
      }
    )
  }

  function controllerPort(controllerId: string) {
    const entity = options.controllers.get(controllerId)
    return instances.build('miner_controller', entity, { miner: testMiner(controllerId) })
  }

  const timed = <T>(work: Promise<T> | undefined, what: string): Promise<T | null> =>
    work ? withTimeout(platform, work, DEVICE_TIMEOUT_MS, what) : Promise.resolve(null)

  return {
    async testController(draftOrId) {
      const draft = typeof draftOrId === 'string' ? options.controllers.get(draftOrId) : draftOrId
      const definition = registry.forKind('miner_controller').get(draft.adapter_type)
      const secrets = definition.secretFields
        .map((field) => draft.config[field])
        .filter((value): value is string => typeof value === 'string')
      const port = instances.build('miner_controller', draft, {
        miner: testMiner(typeof draftOrId === 'string' ? draftOrId : null),
      })
      const started = platform.now()
      try {
        const [status, hash_rate, power, device_info] = await Promise.all([
          timed(port.getStatus?.(), 'status'),
          timed(port.getHashrate?.(), 'hash rate'),
          timed(port.getPower?.(), 'power'),
          timed(port.getDeviceInfo?.(), 'device info'),
        ])
        const latency = Math.max(0, platform.now() - started)
        const reachable =
          (status !== null && status !== 'unknown') ||
          hash_rate !== null ||
          power !== null ||
          device_info !== null
        const seen = [
          status ? `status ${status}` : null,
          hash_rate ? `${Math.round(hash_rate.value * 1000) / 1000} TH/s` : null,
          power !== null ? `${Math.round(power)} W` : null,
          device_info?.model ? `model ${device_info.model}` : null,
          device_info?.firmware_version ? `firmware ${device_info.firmware_version}` : null,
        ].filter(Boolean)
        return {
          success: reachable,
          message: reachable
            ? `Controller reachable: ${seen.join(', ')} (${latency} ms)`
            : 'The controller answered but reported nothing about the miner',
          latency_ms: latency,
          status,
          hash_rate,
          power,
          device_info,
          supported_features: [...(definition.features ?? [])],
        }
      } catch (error) {
        return {
          success: false,
          message: scrubSecrets(`Controller test failed: ${messageOf(error)}`, secrets),
          latency_ms: Math.max(0, platform.now() - started),
          status: null,
          hash_rate: null,
          power: null,
          device_info: null,
          supported_features: [...(definition.features ?? [])],
        }
      } finally {
        await port.close?.()
      }
    },
    supportedFeatures(controllerId) {
      const entity = options.controllers.get(controllerId)
      return [...(registry.forKind('miner_controller').get(entity.adapter_type).features ?? [])]
    },
    async controllerInfo(controllerId) {
      const port = controllerPort(controllerId)
      try {
        return await timed(port.getDeviceInfo?.(), 'device info')
      } finally {
        await port.close?.()
      }
    },
    async controllerLimits(controllerId) {
      const port = controllerPort(controllerId)
      try {
        const [max_power, max_hashrate] = await Promise.all([
          timed(port.getMaxPower?.(), 'max power'),
          timed(port.getMaxHashrate?.(), 'max hash rate'),
        ])
        return { max_power, max_hashrate }
      } finally {
        await port.close?.()
      }
    },
    async testNotifier(notifierId) {
      const entity = options.notifiers.get(notifierId)
      const secrets = options.notifiers.secretsOf(entity)
      try {
        await withTimeout(
          platform,
          instances.get('notifier', notifierId).send({
            event: 'test',
            title: 'Test Notification',
            message: 'This is a test notification from Edge Mining System',
            at: isoAt(platform.now()),
          }),
          DEVICE_TIMEOUT_MS,
          'notifier',
        )
        return { status: 'success', message: 'Test notification sent successfully' }
      } catch (error) {
        const why = isEdgeMiningError(error) ? `${error.code}: ${error.message}` : messageOf(error)
        return {
          status: 'failed',
          message: scrubSecrets(`Failed to send test notification: ${why}`, secrets),
        }
      }
    },
    async externalServiceStatus(id) {
      const entity = options.externalServices.get(id)
      const secrets = options.externalServices.secretsOf(entity)
      try {
        const status = await withTimeout(
          platform,
          instances.get('external_service', id).checkStatus(),
          DEVICE_TIMEOUT_MS,
          entity.name,
        )
        return {
          name: entity.name,
          ...status,
          error_message: status.error_message && scrubSecrets(status.error_message, secrets),
        }
      } catch (error) {
        return {
          name: entity.name,
          status: 'disconnected',
          last_check: isoAt(platform.now()),
          latency_ms: null,
          error_message: scrubSecrets(messageOf(error), secrets),
          message: null,
        }
      }
    },
    linkedEntities(id) {
      options.externalServices.get(id)
      const linked = (kind: keyof typeof options.services) =>
        options.services[kind]
          ?.list()
          .filter((entity) => entity.external_service_id === id)
          .map((entity) => options.services[kind]?.toPublic(entity) ?? entity) ?? []
      return {
        miner_controllers: linked('miner_controller'),
        energy_monitors: linked('energy_monitor'),
        forecast_providers: linked('forecast_provider'),
        notifiers: linked('notifier'),
        mining_performance_trackers: linked('mining_performance_tracker'),
        energy_load_forecast_providers: [],
        energy_load_history_providers: [],
      }
    },
  }
}
