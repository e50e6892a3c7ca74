import {
  BRAIINS_SECRET_FIELDS,
  BraiinsTrackerConfigSchema,
  createBraiinsTracker,
  createPacerRegistry,
  type PacerRegistry,
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
  create: (config, { cache, now, fetch }) =>
    createOceanTracker(config as OceanTrackerConfigInput, {
      cache,
      now,
      ...(fetch ? { fetch } : {}),
    }),
}

/**
 * Braiins Pool (FPPS): token-authenticated, the token write-only. Every tracker this definition
 * creates shares one pacer registry, so trackers of one token — including an adapter rebuilt
 * after a config edit — keep to one request per 5 s together.
 */
export function createBraiinsAdapter(): TrackerAdapterDefinition {
  let pacers: PacerRegistry | undefined
  return {
    type: 'braiins_pool',
    label: 'Braiins Pool',
    configSchema: BraiinsTrackerConfigSchema,
    secretFields: BRAIINS_SECRET_FIELDS,
    create(config, { cache, now, setTimeout, fetch }) {
      const timers = setTimeout ? { setTimeout } : {}
      pacers ??= createPacerRegistry({ now, ...timers })
      return createBraiinsTracker(config, {
        cache,
        now,
        pacers,
        ...timers,
        ...(fetch ? { fetch } : {}),
      })
    },
  }
}

/** Every tracker type Edge Mining ships: dummy, ocean, braiins_pool. */
export function createDefaultAdapterRegistry(): AdapterRegistry {
  return createAdapterRegistry([dummyAdapter, oceanAdapter, createBraiinsAdapter()])
}
