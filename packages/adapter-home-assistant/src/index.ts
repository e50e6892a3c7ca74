import type { AnyAdapterDefinition } from '@edge-mining/domain'
import { homeAssistantEnergyMonitorDefinition } from './energy-monitor'
import { homeAssistantServiceDefinition } from './external-service'
import { homeAssistantForecastDefinition } from './forecast'
import { genericSocketDefinition } from './miner-controller'
import { homeAssistantNotifyDefinition } from './notifier'

export {
  BACKOFF_LADDER_MS,
  baseUrlOf,
  type ClientStats,
  createHomeAssistantClient,
  type HaConfig,
  type HaState,
  type HomeAssistantClient,
  type HomeAssistantClientOptions,
  isHomeAssistantClient,
} from './client'
export { ENTITY_ID_PATTERN } from './config'
export {
  createHomeAssistantEnergyMonitor,
  type HomeAssistantEnergyMonitor,
  type HomeAssistantEnergyMonitorConfig,
  type HomeAssistantEnergyMonitorConfigInput,
  HomeAssistantEnergyMonitorConfigSchema,
  homeAssistantEnergyMonitorDefinition,
} from './energy-monitor'
export {
  createHomeAssistantService,
  HOME_ASSISTANT_SERVICE_TYPE,
  type HomeAssistantServiceConfig,
  type HomeAssistantServiceConfigInput,
  HomeAssistantServiceConfigSchema,
  homeAssistantServiceDefinition,
} from './external-service'
export {
  createHomeAssistantForecast,
  type HomeAssistantForecastConfig,
  type HomeAssistantForecastConfigInput,
  HomeAssistantForecastConfigSchema,
  homeAssistantForecastDefinition,
} from './forecast'
export {
  createGenericSocketController,
  GENERIC_SOCKET_FEATURES,
  GENERIC_SOCKET_TYPE,
  type GenericSocketConfig,
  type GenericSocketConfigInput,
  GenericSocketConfigSchema,
  type GenericSocketController,
  genericSocketDefinition,
  SOCKET_DOMAINS,
} from './miner-controller'
export {
  createHomeAssistantNotifier,
  HOME_ASSISTANT_NOTIFY_TYPE,
  type HomeAssistantNotifyConfig,
  type HomeAssistantNotifyConfigInput,
  HomeAssistantNotifyConfigSchema,
  homeAssistantNotifyDefinition,
} from './notifier'
export {
  ENERGY_UNITS,
  type EnergyUnit,
  normaliseUnit,
  POWER_UNITS,
  type PowerUnit,
  type Reading,
  readNumber,
} from './units'

/** Every Home Assistant adapter definition, for the runtime's registries. */
export const allHomeAssistantDefinitions: readonly AnyAdapterDefinition[] = [
  homeAssistantServiceDefinition,
  homeAssistantEnergyMonitorDefinition,
  homeAssistantForecastDefinition,
  genericSocketDefinition,
  homeAssistantNotifyDefinition,
]
