// Loopback throughput of the fake pools: sequential GETs per endpoint, as a test suite or the
// demo would issue them. Prints figures only.
import { startBraiinsSimulator, startOceanSimulator } from '@edge-mining/pool-simulator'

const REQUESTS = 300

async function measure(label: string, url: string, headers: Record<string, string> = {}) {
  const started = performance.now()
  let bytes = 0
  for (let i = 0; i < REQUESTS; i++) {
    const response = await fetch(url, { headers })
    bytes += (await response.arrayBuffer()).byteLength
  }
  const ms = performance.now() - started
  console.log(
    `${label.padEnd(26)} ${String(Math.round((REQUESTS / ms) * 1000)).padStart(6)} req/s  ` +
      `${(ms / REQUESTS).toFixed(2).padStart(6)} ms/req  ${Math.round(bytes / REQUESTS)} B/resp`,
  )
}

const ocean = await startOceanSimulator()
const braiins = await startBraiinsSimulator()
const address = ocean.address()
const auth = { 'Pool-Auth-Token': braiins.token() }

console.log(`pool-simulator loopback throughput, ${REQUESTS} sequential requests per endpoint`)
await measure('ocean statsnap', `${ocean.url}/v1/statsnap/${address}`)
await measure('ocean user_hashrate', `${ocean.url}/v1/user_hashrate/${address}`)
await measure('ocean user_hashrate_full', `${ocean.url}/v1/user_hashrate_full/${address}`)
await measure('ocean earnpay', `${ocean.url}/v1/earnpay/${address}`)
await measure('ocean pool_stat', `${ocean.url}/v1/pool_stat`)
await measure('braiins profile', `${braiins.url}/accounts/profile/json/btc/`, auth)
await measure('braiins workers', `${braiins.url}/accounts/workers/json/btc/`, auth)
await measure('braiins rewards', `${braiins.url}/accounts/rewards/json/btc/`, auth)
await measure('braiins payouts', `${braiins.url}/accounts/payouts/json/btc/`, auth)
await measure('braiins stats', `${braiins.url}/stats/json/btc/`, auth)
await measure('braiins 403', `${braiins.url}/stats/json/btc/`)
console.log(`requests seen: ocean ${ocean.requests().total}, braiins ${braiins.requests().total}`)
await Promise.all([ocean.close(), braiins.close()])
