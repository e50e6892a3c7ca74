// The examples of pool-apis.md §2.3, served verbatim in the `reference` data mode.
import payouts from './fixtures/reference/payouts.json' with { type: 'json' }
import profile from './fixtures/reference/profile.json' with { type: 'json' }
import rewards from './fixtures/reference/rewards.json' with { type: 'json' }
import stats from './fixtures/reference/stats.json' with { type: 'json' }
import workers from './fixtures/reference/workers.json' with { type: 'json' }

export const braiinsReferenceResponses = { profile, workers, rewards, payouts, stats }
