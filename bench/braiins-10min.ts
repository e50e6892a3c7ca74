// Ten minutes of SIMULATED time against the Braiins simulator (real loopback HTTP): every
// second, a caller of each port method. Prints the pool requests per endpoint against the
// ceil(600 s / TTL) the cache TTLs allow, the spacing the pacer kept, and what callers waited.

import { createBraiinsTracker } from '@edge-mining/adapter-braiins'
import { POOL_TTL_MS } from '@edge-mining/adapter-kit'
import { createCache } from '@edge-mining/http-cache'
import { createSimulatedTime, startBraiinsSimulator, tokenTag } from '@edge-mining/pool-simulator'

const DURATION_S = 600
const TOKEN = 'bench-braiins-token-0123456789'
const START = Date.parse('2026-08-30T12:00:00.000Z')

// Simulated time: timers fire only while no HTTP exchange is in flight, so the simulator logs
// each request at the simulated instant it was sent.
const time = createSimulatedTime(START)
const { now, run } = time

const sim = await startBraiinsSimulator({
  now,
  tokens: { [TOKEN]: 'miner_alice' },
  // Anything faster than one request per 5 s per token would be answered 429 and show below.
  rateLimit: { intervalMs: 5000, mode: 'synthetic-429' },
})
const cache = createCache({ now })
const tracker = createBraiinsTracker(
  { api_token: TOKEN, api_base_url: sim.url },
  { cache, now, setTimeout: time.setTimeout, fetch: time.fetch },
)

const methods = {
  getCurrentHashrate: () => tracker.getCurrentHashrate(),
  getPoolStats: () => tracker.getPoolStats(),
  getWorkerStats: () => tracker.getWorkerStats(),
  getRecentRewards: () => tracker.getRecentRewards(10),
  getPayoutSchedule: () => tracker.getPayoutSchedule(),
}
const waits: Record<string, number[]> = {}
const failures: Record<string, number> = {}
const calls: Promise<void>[] = []
for (let second = 0; second < DURATION_S; second++) {
  for (const [name, call] of Object.entries(methods)) {
    calls.push(
      new Promise<void>((resolve) => {
        time.setTimeout(() => {
          const startedAt = now()
          call().then(
            () => {
              waits[name] = [...(waits[name] ?? []), now() - startedAt]
              resolve()
            },
            (error: unknown) => {
              const code = (error as { code?: string }).code ?? 'unknown'
              failures[`${name}: ${code}`] = (failures[`${name}: ${code}`] ?? 0) + 1
              resolve()
            },
          )
        }, second * 1000)
      }),
    )
  }
}
await run(Promise.all(calls))

const log = sim.requests().log
const expected = {
  profile: Math.ceil((DURATION_S * 1000) / POOL_TTL_MS.current_hashrate),
  workers: Math.ceil((DURATION_S * 1000) / POOL_TTL_MS.worker_stats),
  rewards: Math.ceil((DURATION_S * 1000) / POOL_TTL_MS.recent_rewards),
  payouts: 0,
}
console.log(
  `Braiins adapter, ${DURATION_S} s simulated, callers every second x ${Object.keys(methods).length} methods = ${calls.length} calls`,
)
console.log('endpoint   requests   expected ceil(600 s / TTL)   TTL')
const ttlOf = {
  profile: '60 s (current_hashrate; pool_stats reads it at 300 s)',
  workers: '300 s',
  rewards: '600 s',
  payouts: 'none: schedule needs no request',
}
for (const [endpoint, ceiling] of Object.entries(expected)) {
  const count = sim.requests().byEndpoint[endpoint] ?? 0
  console.log(
    `${endpoint.padEnd(10)} ${String(count).padStart(8)}   ${String(ceiling).padStart(26)}   ${ttlOf[endpoint as keyof typeof ttlOf]}`,
  )
}
const arrivals = log.filter((e) => e.token === tokenTag(TOKEN)).map((e) => e.at)
const gapsS = arrivals.slice(1).map((at, i) => (at - (arrivals[i] ?? at)) / 1000)
console.log(
  `total ${log.length} requests; statuses ${JSON.stringify(Object.fromEntries([...new Set(log.map((e) => e.status))].map((s) => [s, log.filter((e) => e.status === s).length])))}; min gap between requests ${Math.min(...gapsS)} s`,
)
for (const [name, list] of Object.entries(waits)) {
  const sorted = [...list].sort((a, b) => a - b)
  const max = (sorted.at(-1) ?? 0) / 1000
  const p50 = (sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000
  console.log(
    `${name.padEnd(19)} ok ${String(list.length).padStart(3)}  simulated wait p50 ${p50} s, max ${max} s`,
  )
}
console.log(`failures ${JSON.stringify(failures)}`)
console.log(`cache ${JSON.stringify(cache.stats())}`)
await sim.close()
