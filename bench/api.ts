/**
 * API benchmark: requests/s and p99 latency of `GET /health` and of a cached
 * `GET …/{id}/stats` on one server (SQLite database, Ocean tracker against the pool simulator),
 * then how many requests reached the simulated pool during the run — with the cache that must
 * stay within ceil(duration / TTL) per pool endpoint. Prints figures, asserts nothing.
 *
 * BENCH_SECONDS (default 10) sets the duration of each run, BENCH_CONNECTIONS (default 10) the
 * concurrent connections.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { POOL_TTL_MS } from '@edge-mining/adapter-kit'
import { startApi } from '@edge-mining/api'
import { startOceanSimulator } from '@edge-mining/pool-simulator'
import autocannon from 'autocannon'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)

async function load(title: string, url: string) {
  const result = await autocannon({ url, connections, duration: seconds })
  const non2xx = result.non2xx + result.errors + result.timeouts
  console.log(
    `${title.padEnd(28)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   ${result.requests.total} requests, ${non2xx} not 2xx`,
  )
}

const folder = mkdtempSync(join(tmpdir(), 'bench-api-'))
const ocean = await startOceanSimulator()
const api = await startApi({
  env: { API_PORT: '0', DB_PATH: join(folder, 'bench.db'), LOG_LEVEL: 'silent' },
})
try {
  const tracker = await api.trackers.create({
    name: 'Bench on Ocean (simulated)',
    adapter_type: 'ocean',
    config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
  })
  const stats = `${api.url}/api/v1/mining-performance-trackers/${tracker.id}/stats`
  ocean.resetRequests()
  // One cold request fills the cache; every request of the run after it is a cache hit.
  const warm = await fetch(stats)
  await warm.arrayBuffer()

  console.log(
    `Node ${process.version}, ${connections} connections, ${seconds} s per run, request logs off (LOG_LEVEL=silent)`,
  )
  await load('GET /health', `${api.url}/health`)
  await load('GET …/{id}/stats (cached)', stats)

  const seen = ocean.requests()
  const ttlSeconds = POOL_TTL_MS.pool_stats / 1000
  const bound = Math.ceil((2 * seconds) / ttlSeconds)
  console.log(
    `pool requests (cold fetch + both runs): ${seen.total} ${JSON.stringify(seen.byEndpoint)} — expected ≤ ${bound} per endpoint (ceil(${2 * seconds} s / ${ttlSeconds} s TTL))`,
  )
} finally {
  await api.close()
  await ocean.close()
  rmSync(folder, { recursive: true, force: true })
}
