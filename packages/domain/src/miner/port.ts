import type { HashRate } from '../shared/primitives'
import type { FanSpeed, HashboardSnapshot, MinerFeatureType, MinerInfo, MinerStatus } from './miner'

/**
 * A miner controller: one adapter instance per (controller, miner). It implements the methods of
 * the features its definition declares (`features`); the services call a method only through a
 * miner feature that names this controller. Readings answer null for "the device does not
 * know"; failures throw DeviceError (unreachable, auth_failed, bad_response) — never a made-up
 * zero. Controls resolve once the device accepted the command and throw otherwise.
 */
export interface MinerControllerPort {
  /** status_monitoring */
  getStatus?(): Promise<MinerStatus>
  /** hashrate_monitoring (TH/s) */
  getHashrate?(): Promise<HashRate | null>
  /** power_monitoring (W) */
  getPower?(): Promise<number | null>
  /** hashboard_monitoring */
  getHashboards?(): Promise<HashboardSnapshot[]>
  /** inlet_temperature_monitoring (°C) */
  getInletTemperature?(): Promise<number | null>
  /** outlet_temperature_monitoring (°C) */
  getOutletTemperature?(): Promise<number | null>
  /** fan_speed_internal_monitoring */
  getInternalFanSpeed?(): Promise<FanSpeed[]>
  /** fan_speed_external_monitoring */
  getExternalFanSpeed?(): Promise<FanSpeed | null>
  /** operational_monitoring */
  getBlocksFound?(): Promise<number | null>
  /** operational_monitoring (s) */
  getSystemUptime?(): Promise<number | null>
  /** mining_control */
  startMining?(): Promise<void>
  stopMining?(): Promise<void>
  /** power_control */
  powerOn?(): Promise<void>
  powerOff?(): Promise<void>
  /** internal_fan_control / external_fan_control (percent) */
  setInternalFanSpeed?(percent: number): Promise<void>
  setExternalFanSpeed?(percent: number): Promise<void>
  /** max_power_detection (W) */
  getMaxPower?(): Promise<number | null>
  /** max_hashrate_detection */
  getMaxHashrate?(): Promise<HashRate | null>
  /** device_info_detection */
  getDeviceInfo?(): Promise<MinerInfo | null>
  /** Releases timers or sessions; called when the instance is dropped. */
  close?(): void | Promise<void>
}

/** Which port methods each feature stands for (what a definition's `features` promise). */
export const FEATURE_METHODS: Record<MinerFeatureType, readonly (keyof MinerControllerPort)[]> = {
  status_monitoring: ['getStatus'],
  hashrate_monitoring: ['getHashrate'],
  power_monitoring: ['getPower'],
  hashboard_monitoring: ['getHashboards'],
  inlet_temperature_monitoring: ['getInletTemperature'],
  outlet_temperature_monitoring: ['getOutletTemperature'],
  fan_speed_internal_monitoring: ['getInternalFanSpeed'],
  fan_speed_external_monitoring: ['getExternalFanSpeed'],
  operational_monitoring: ['getBlocksFound', 'getSystemUptime'],
  mining_control: ['startMining', 'stopMining'],
  power_control: ['powerOn', 'powerOff'],
  internal_fan_control: ['setInternalFanSpeed'],
  external_fan_control: ['setExternalFanSpeed'],
  max_power_detection: ['getMaxPower'],
  max_hashrate_detection: ['getMaxHashrate'],
  device_info_detection: ['getDeviceInfo'],
}
