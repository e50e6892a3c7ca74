// Ten minutes of SIMULATED time against the Ocean simulator: every second, callers use every
// port method of one Ocean tracker at once. Prints the requests the pool saw per endpoint
// against the ceiling the TTLs allow, ceil(600 s / TTL). Prints figures only.

import { POOL_TTL_MS } from '@edge-mining/adapter-kit'
import { createOceanTracker } from '@edge-mining/adapter-ocean'
import { createCache } from '@edge-mining/http-cache'
import { startOceanSimulator } from '@edge-mining/pool-simulator'

const SIMULATED_SECONDS = 600
const CALLERS_PER_SECOND = 3

let clock = Date.parse('2026-08-29T10:41:00Z')
const now = () => clock
const simulator = await startOceanSimulator({ now, scenario: { data: 'model' } })
const cache = createCache({ now })
const tracker = createOceanTracker(
  { bitcoin_address: simulator.address(), api_base_url: simulator.url },
  { cache, now },
)

let portCalls = 0
let failures = 0
let staleReads = 0
const onFreshness = (freshness: { stale: boolean }) => {
  if (freshness.stale) staleReads++
}
const started = performance.now()
for (let second = 0; second < SIMULATED_SECONDS; second++) {
  const calls: Promise<unknown>[] = []
  for (let caller = 0; caller < CALLERS_PER_SECOND; caller++) {
    calls.push(
      tracker.getCurrentHashrate({ onFreshness }),
      tracker.getPoolStats({ onFreshness }),
      tracker.getWorkerStats({ onFreshness }),
      tracker.getRecentRewards(10, { onFreshness }),
      tracker.getPayoutSchedule({ onFreshness }),
    )
  }
  portCalls += calls.length
  for (const outcome of await Promise.allSettled(calls)) {
    if (outcome.status === 'rejected') failures++
  }
  clock += 1000
}
const wallMs = performance.now() - started

const seen = simulator.requests().byEndpoint
// Each endpoint's shortest TTL among the methods that read it.
const endpoints: [string, string, number][] = [
  ['user_hashrate', 'getCurrentHashrate 60 s, getPoolStats 5 min', POOL_TTL_MS.current_hashrate],
  ['statsnap', 'getPoolStats 5 min', POOL_TTL_MS.pool_stats],
  ['user_hashrate_full', 'getPoolStats, getWorkerStats 5 min', POOL_TTL_MS.worker_stats],
  ['earnpay', 'getRecentRewards 10 min', POOL_TTL_MS.recent_rewards],
]

console.log(
  `Ocean tracker, ${SIMULATED_SECONDS} s simulated, ${CALLERS_PER_SECOND} callers/s × 5 port methods`,
)
console.log(`port calls ${portCalls}, failed ${failures}, stale reads ${staleReads}`)
console.log('endpoint            TTL used by                                   requests  expected')
let total = 0
for (const [endpoint, usedBy, ttlMs] of endpoints) {
  const requests = seen[endpoint] ?? 0
  total += requests
  const expected = Math.ceil((SIMULATED_SECONDS * 1000) / ttlMs)
  console.log(
    `${endpoint.padEnd(19)} ${usedBy.padEnd(45)} ${String(requests).padStart(8)}  ${String(expected).padStart(8)}`,
  )
}
console.log(
  `payout schedule: no endpoint (per-block, computed locally); other requests: ${simulator.requests().total - total}`,
)
console.log(`pool requests total ${simulator.requests().total}; wall time ${Math.round(wallMs)} ms`)
console.log('cache stats', JSON.stringify(cache.stats()))
await simulator.close()
