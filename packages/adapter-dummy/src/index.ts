import type { AnyAdapterDefinition } from '@edge-mining/domain'
import { dummySolarEnergyMonitorDefinition } from './energy-monitor'
import { dummySolarForecastDefinition } from './forecast'
import { dummyMinerControllerDefinition } from './miner-controller'
import { dummyNotifierDefinition } from './notifier'
import { dummyTrackerDefinition } from './tracker'

export {
  createDummySolarMonitor,
  type DummySolarMonitorConfig,
  type DummySolarMonitorConfigInput,
  DummySolarMonitorConfigSchema,
  dummySolarEnergyMonitorDefinition,
  MAX_INTEGRATION_MS,
} from './energy-monitor'
export {
  createDummySolarForecast,
  type DummySolarForecastConfig,
  type DummySolarForecastConfigInput,
  DummySolarForecastConfigSchema,
  dummySolarForecastDefinition,
} from './forecast'
export {
  createDummyMinerController,
  DUMMY_MINER_FEATURES,
  type DummyMinerController,
  type DummyMinerControllerConfig,
  type DummyMinerControllerConfigInput,
  DummyMinerControllerConfigSchema,
  type DummyMinerControllerContext,
  dummyMinerControllerDefinition,
} from './miner-controller'
export {
  createDummyNotifier,
  DUMMY_NOTIFIER_HISTORY,
  type DummyNotifier,
  type DummyNotifierConfig,
  type DummyNotifierConfigInput,
  DummyNotifierConfigSchema,
  dummyNotifierDefinition,
} from './notifier'
export { DEFAULT_NOMINAL_POWER_W, type DummySolarContext } from './solar-model'
export {
  createDummyTracker,
  type DummyTrackerConfig,
  type DummyTrackerConfigInput,
  DummyTrackerConfigSchema,
  type DummyTrackerOptions,
  dummyTrackerDefinition,
} from './tracker'

/** Every dummy adapter definition, for the runtime's registries. */
export const allDummyDefinitions: readonly AnyAdapterDefinition[] = [
  dummyTrackerDefinition,
  dummyMinerControllerDefinition,
  dummySolarEnergyMonitorDefinition,
  dummySolarForecastDefinition,
  dummyNotifierDefinition,
]
