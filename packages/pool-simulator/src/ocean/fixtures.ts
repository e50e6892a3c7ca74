// The Ocean responses the simulator can serve verbatim. `reference/` holds the small-miner
// examples of pool-apis.md §1.3; `captured/` the live captures of a pool-scale address.
import capturedEarnpay from './fixtures/captured/earnpay.json' with { type: 'json' }
import capturedStatsnap from './fixtures/captured/statsnap.json' with { type: 'json' }
import capturedUserHashrate from './fixtures/captured/user_hashrate.json' with { type: 'json' }
import capturedUserHashrateFull from './fixtures/captured/user_hashrate_full.json' with {
  type: 'json',
}
import referenceEarnpay from './fixtures/reference/earnpay.json' with { type: 'json' }
import referencePoolStat from './fixtures/reference/pool_stat.json' with { type: 'json' }
import referenceStatsnap from './fixtures/reference/statsnap.json' with { type: 'json' }
import referenceUserHashrate from './fixtures/reference/user_hashrate.json' with { type: 'json' }
import referenceUserHashrateFull from './fixtures/reference/user_hashrate_full.json' with {
  type: 'json',
}

export const oceanReferenceResponses = {
  statsnap: referenceStatsnap,
  user_hashrate: referenceUserHashrate,
  user_hashrate_full: referenceUserHashrateFull,
  earnpay: referenceEarnpay,
  pool_stat: referencePoolStat,
}

/** Live captures (August 2026). pool_stat was not captured: the reference example stands in. */
export const oceanCapturedResponses = {
  statsnap: capturedStatsnap,
  user_hashrate: capturedUserHashrate,
  user_hashrate_full: capturedUserHashrateFull,
  earnpay: capturedEarnpay,
  pool_stat: referencePoolStat,
}
