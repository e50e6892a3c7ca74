export {
  DEFAULT_OCEAN_API_BASE_URL,
  DEFAULT_OCEAN_PAYOUT_THRESHOLD_SATS,
  isBitcoinAddressShape,
  type OceanTrackerConfig,
  type OceanTrackerConfigInput,
  OceanTrackerConfigSchema,
  oceanTrackerConfigJsonSchema,
  parseOceanTrackerConfig,
} from './config'
export { oceanTrackerDefinition } from './definition'
export { inferWorkerState, LOW_HASHRATE_RATIO } from './ocean-api'
export { createOceanTracker, type OceanTracker, type OceanTrackerOptions } from './tracker'
