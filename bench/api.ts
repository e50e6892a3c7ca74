/**
 * API benchmark: requests/s and p99 latency of `GET /health` and of a cached
 * `GET …/{id}/stats` on one server (SQLite database, Ocean tracker against the pool simulator),
 * then how many requests reached the simulated pool during the run — with the cache that must
 * stay within ceil(duration / TTL) per pool endpoint. Prints figures, asserts nothing.
 *
 * The server runs as its own process from its build (`pnpm build` first), as `pnpm start` runs
 * it, so the load generator does not share its event loop.
 * BENCH_SECONDS (default 10) sets the duration of each run, BENCH_CONNECTIONS (default 10) the
 * concurrent connections.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { POOL_TTL_MS } from '@edge-mining/adapter-kit'
import { startOceanSimulator } from '@edge-mining/pool-simulator'
import autocannon from 'autocannon'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const entry = fileURLToPath(new URL('../apps/api/dist/main.mjs', import.meta.url))
if (!existsSync(entry)) {
  console.error(`API build not found at ${entry}: run \`pnpm build\` first`)
  process.exit(1)
}

async function load(title: string, url: string) {
  const result = await autocannon({ url, connections, duration: seconds })
  const non2xx = result.non2xx + result.errors + result.timeouts
  console.log(
    `${title.padEnd(28)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   ${result.requests.total} requests, ${non2xx} not 2xx`,
  )
}

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

async function waitUntilHealthy(base: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`API at ${base} did not become healthy`)
}

const folder = mkdtempSync(join(tmpdir(), 'bench-api-'))
const ocean = await startOceanSimulator()
const port = await freePort()
// Request logs off (warnings only): they would measure the terminal, not the server.
const server = spawn(process.execPath, [entry], {
  env: {
    ...process.env,
    API_PORT: String(port),
    DB_PATH: join(folder, 'bench.db'),
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})
const exited = new Promise((resolve) => server.once('exit', resolve))
try {
  const base = `http://127.0.0.1:${port}`
  await waitUntilHealthy(base)
  const created = await fetch(`${base}/api/v1/mining-performance-trackers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench on Ocean (simulated)',
      adapter_type: 'ocean',
      config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
    }),
  })
  const tracker = (await created.json()) as { id: string }
  const stats = `${base}/api/v1/mining-performance-trackers/${tracker.id}/stats`
  ocean.resetRequests()
  // One cold request fills the cache; every request of the run after it is a cache hit.
  await (await fetch(stats)).arrayBuffer()

  console.log(
    `Node ${process.version}, server in its own process (built dist, LOG_LEVEL=warn), ${connections} connections, ${seconds} s per run`,
  )
  await load('GET /health', `${base}/health`)
  await load('GET …/{id}/stats (cached)', stats)

  const seen = ocean.requests()
  const ttlSeconds = POOL_TTL_MS.pool_stats / 1000
  const bound = Math.ceil((2 * seconds) / ttlSeconds)
  console.log(
    `pool requests (cold fetch + both runs): ${seen.total} ${JSON.stringify(seen.byEndpoint)} — expected ≤ ${bound} per endpoint (ceil(${2 * seconds} s / ${ttlSeconds} s TTL))`,
  )
} finally {
  server.kill('SIGINT')
  await exited
  await ocean.close()
  rmSync(folder, { recursive: true, force: true })
}
