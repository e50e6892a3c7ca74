import type { AdapterDefinition, Platform } from '@edge-mining/domain'
import type { Cache } from '@edge-mining/http-cache'
import { BRAIINS_SECRET_FIELDS, BraiinsTrackerConfigSchema } from './config'
import { createPacerRegistry, type PacerRegistry } from './pacing'
import { createBraiinsTracker } from './tracker'

/**
 * The `braiins_pool` tracker type (FPPS, token write-only). Every tracker it creates shares
 * `cache` and one pacer registry, so trackers of one token — an adapter rebuilt after a config
 * edit included — keep to one request per 5 s together.
 */
export function braiinsTrackerDefinition(resources: {
  cache: Cache
}): AdapterDefinition<'mining_performance_tracker'> {
  let pacers: PacerRegistry | undefined
  const pacersOf = (platform: Platform) => {
    pacers ??= createPacerRegistry({
      now: () => platform.now(),
      setTimeout: (callback, ms) => platform.setTimeout(callback, ms),
    })
    return pacers
  }
  return {
    kind: 'mining_performance_tracker',
    type: 'braiins_pool',
    label: 'Braiins Pool',
    configSchema: BraiinsTrackerConfigSchema,
    secretFields: BRAIINS_SECRET_FIELDS,
    create: (config, { platform }) =>
      createBraiinsTracker(config, {
        cache: resources.cache,
        now: () => platform.now(),
        setTimeout: (callback, ms) => platform.setTimeout(callback, ms),
        fetch: platform.fetch,
        pacers: pacersOf(platform),
      }),
  }
}
