import {
  BRAIINS_SECRET_FIELDS,
  BraiinsTrackerConfigSchema,
  createBraiinsTracker,
} from '@edge-mining/adapter-braiins'
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
  create: (config, { cache, now }) =>
    createOceanTracker(config as OceanTrackerConfigInput, { cache, now }),
}

/** Braiins Pool (FPPS): token-authenticated; the token is write-only. */
export const braiinsAdapter: TrackerAdapterDefinition = {
  type: 'braiins_pool',
  label: 'Braiins Pool',
  configSchema: BraiinsTrackerConfigSchema,
  secretFields: BRAIINS_SECRET_FIELDS,
  create: (config, { cache, now, setTimeout }) =>
    createBraiinsTracker(config, { cache, now, ...(setTimeout ? { setTimeout } : {}) }),
}

/** Every tracker type Edge Mining ships: dummy, ocean, braiins_pool. */
export function createDefaultAdapterRegistry(): AdapterRegistry {
  return createAdapterRegistry([dummyAdapter, oceanAdapter, braiinsAdapter])
}
