/**
 * API benchmark: requests/s and p99 latency of `GET /health` on a bare Hono app and on ours
 * (same @hono/node-server, same load generator), and of a cached `GET …/{id}/stats` on ours
 * (SQLite database, Ocean tracker against the pool simulator); the ratios the issue asks for
 * (ours ÷ bare ≥ 0.7, stats ÷ health ≥ 0.7); the server's resident memory after start, idle,
 * with every route mounted; then how many requests reached the simulated pool during the run
 * (the cache must keep it within ceil(duration / TTL) per pool endpoint). Prints figures,
 * asserts nothing.
 *
 * Each server runs as its own process (ours from its build: `pnpm build` first, as `pnpm start`
 * runs it), so the load generator does not share its event loop.
 * BENCH_SECONDS (default 10) sets the duration of each run, BENCH_CONNECTIONS (default 10) the
 * concurrent connections.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
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

async function load(title: string, url: string): Promise<number> {
  const result = await autocannon({ url, connections, duration: seconds })
  const non2xx = result.non2xx + result.errors + result.timeouts
  console.log(
    `${title.padEnd(30)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   ${result.requests.total} requests, ${non2xx} not 2xx`,
  )
  return result.requests.average
}

/** Resident set size of a process, in MB (Linux). */
function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  return kilobytes / 1024
}

/** Starts a server process on a free port and waits until /health answers. */
async function startServer(args: string[], env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, API_PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const base = `http://127.0.0.1:${port}`
  await waitUntilHealthy(base)
  return {
    base,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGINT')
      await exited
    },
  }
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
const bareEntry = fileURLToPath(new URL('./bare-hono-server.ts', import.meta.url))
console.log(
  `Node ${process.version}, each server in its own process (ours: built dist, LOG_LEVEL=warn), ${connections} connections, ${seconds} s per run`,
)
// Request logs off (warnings only): they would measure the terminal, not the server.
const ours = await startServer([entry], {
  DB_PATH: join(folder, 'bench.db'),
  POLICIES_DIR: join(folder, 'policies'),
  LOG_LEVEL: 'warn',
})
try {
  const { base } = ours
  // Idle after start: every route is mounted; nothing has been asked yet but /health.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const idleRss = rssMegabytes(ours.pid)
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
  const body = await (await fetch(stats)).text()

  const bare = await startServer(['--import', 'tsx', bareEntry], { BENCH_BODY: body })
  let bareHealth: number
  let bareStats: number
  try {
    bareHealth = await load('bare Hono GET /health', `${bare.base}/health`)
    bareStats = await load(`bare Hono GET /stats (${body.length} B)`, `${bare.base}/stats`)
  } finally {
    await bare.stop()
  }
  const healthRate = await load('ours GET /health', `${base}/health`)
  const statsRate = await load('ours GET …/{id}/stats (cached)', stats)
  console.log(
    `ours /health ÷ bare Hono /health = ${(healthRate / bareHealth).toFixed(2)} (target ≥ 0.7); cached stats ÷ ours /health = ${(statsRate / healthRate).toFixed(2)} (target ≥ 0.7)`,
  )
  console.log(
    `for scale: bare Hono's same-size body ÷ its /health = ${(bareStats / bareHealth).toFixed(2)}; ours cached stats ÷ bare Hono's same body = ${(statsRate / bareStats).toFixed(2)}`,
  )
  console.log(
    `RSS after start, idle: ${idleRss.toFixed(1)} MB (target ≤ 70 MB); after the runs: ${rssMegabytes(ours.pid).toFixed(1)} MB`,
  )

  const seen = ocean.requests()
  const ttlSeconds = POOL_TTL_MS.pool_stats / 1000
  const bound = Math.ceil((2 * seconds) / ttlSeconds)
  console.log(
    `pool requests (cold fetch + both runs): ${seen.total} ${JSON.stringify(seen.byEndpoint)} — expected ≤ ${bound} per endpoint (ceil(${2 * seconds} s / ${ttlSeconds} s TTL))`,
  )
} finally {
  await ours.stop()
  await ocean.close()
  rmSync(folder, { recursive: true, force: true })
}
