import type { AdapterDefinition } from '@edge-mining/domain'
import type { Cache } from '@edge-mining/http-cache'
import { type OceanTrackerConfigInput, OceanTrackerConfigSchema } from './config'
import { createOceanTracker } from './tracker'

/**
 * The `ocean` tracker type: Ocean.xyz's public API, keyed by the payout address (no secrets).
 * Every tracker it creates shares `cache`, so a 429 cools the whole host down for all of them.
 */
export function oceanTrackerDefinition(resources: {
  cache: Cache
}): AdapterDefinition<'mining_performance_tracker'> {
  return {
    kind: 'mining_performance_tracker',
    type: 'ocean',
    label: 'Ocean.xyz',
    configSchema: OceanTrackerConfigSchema,
    secretFields: [],
    // The registry has validated the config with this same schema before calling create.
    create: (config, { platform }) =>
      createOceanTracker(config as OceanTrackerConfigInput, {
        cache: resources.cache,
        now: () => platform.now(),
        fetch: platform.fetch,
      }),
  }
}
