export { CLI_USAGE, type RunningSiteSimulator, runCli } from './cli.ts'
export { createSimClock, type SimClock, type SimClockOptions } from './clock.ts'
export {
  AXEOS_ENDPOINTS,
  type AxeOsEndpoint,
  type AxeOsFake,
  type AxeOsFakeOptions,
  type AxeOsFakeState,
  type AxeOsRequest,
  startAxeOsFake,
} from './devices/axeos.ts'
export {
  BRAIINS_OS_ENDPOINTS,
  type BraiinsOsEndpoint,
  type BraiinsOsFake,
  type BraiinsOsFakeOptions,
  type BraiinsOsFakeState,
  type BraiinsOsRequest,
  startBraiinsOsFake,
} from './devices/braiins-os.ts'
export type {
  DeviceFault,
  DeviceFaultRule,
  DevicePlacement,
  DeviceRequestEntry,
} from './devices/common.ts'
export {
  SHELLY_ENDPOINTS,
  type ShellyEndpoint,
  type ShellyFake,
  type ShellyFakeOptions,
  type ShellyRequest,
  startShellyFake,
} from './devices/shelly.ts'
export {
  startTasmotaFake,
  TASMOTA_ENDPOINTS,
  type TasmotaEndpoint,
  type TasmotaFake,
  type TasmotaFakeOptions,
  type TasmotaRequest,
} from './devices/tasmota.ts'
export {
  FORECAST_ENTITIES,
  type SensorConventions,
  type SensorSpec,
  SITE_ENTITIES,
} from './ha/catalog.ts'
export {
  HA_ENDPOINTS,
  type HaEndpoint,
  type HaFault,
  type HaFaultRule,
} from './ha/faults.ts'
export { formatEnergy, formatPower, slugify } from './ha/format.ts'
export { type HaContext, type HaState, haTimestamp } from './ha/states.ts'
export { DEFAULT_HOUSE_PROFILE } from './model/house.ts'
export type { PlugMiner } from './model/plug-miner.ts'
export {
  type BatteryOptions,
  type EnergyLedger,
  type EnergyShare,
  type LoadDefinition,
  type LoadHandle,
  MAX_CATCH_UP_MS,
  type SiteModel,
  type StepReading,
} from './model/site.ts'
export {
  clearSkyFraction,
  cloudFactor,
  expectedPvPower,
  type Location,
  pvPower,
  sunElevation,
  type Weather,
} from './model/solar.ts'
export {
  type MinerOptions,
  type SiteSimulatorOptions,
  SiteSimulatorOptionsError,
} from './options.ts'
export {
  DEFAULT_HA_TOKEN,
  type EntityOverride,
  type ExtraSensor,
  type RequestLog,
  type RequestLogEntry,
  type SentNotification,
  type SiteEntityIds,
  type SiteSimulator,
  type SiteSimulatorPatch,
  type SwitchEvent,
  startSiteSimulator,
} from './simulator.ts'
