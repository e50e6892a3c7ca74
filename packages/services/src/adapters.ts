import {
  createOceanTracker,
  type OceanTrackerConfigInput,
  OceanTrackerConfigSchema,
} from '@edge-mining/adapter-ocean'
import {
  type AdapterRegistry,
  createAdapterRegistry,
  dummyAdapter,
  type TrackerAdapterDefinition,
} from './registry'

/** Ocean.xyz: public API keyed by the payout address; no secrets. */
export const oceanAdapter: TrackerAdapterDefinition = {
  type: 'ocean',
  label: 'Ocean.xyz',
  configSchema: OceanTrackerConfigSchema,
  secretFields: [],
  // The registry has validated the config with this same schema before calling create.
  create: (config, context) => createOceanTracker(config as OceanTrackerConfigInput, context),
}

/** Every tracker type Edge Mining ships: dummy, ocean, braiins_pool. */
export function createDefaultAdapterRegistry(): AdapterRegistry {
  return createAdapterRegistry([dummyAdapter, oceanAdapter])
}
