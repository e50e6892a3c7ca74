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
 * concurrent connections, BENCH_WARMUP_SECONDS (default 2) an unmeasured run before each one,
 * BENCH_ROUNDS (default 3) how many times each is measured (alternating servers; medians). BENCH_PROFILE=1 runs our server under V8's CPU profiler and prints,
 * after the runs, where its time went: the functions with the most self time.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { POOL_TTL_MS } from '@edge-mining/adapter-kit'
import { startOceanSimulator } from '@edge-mining/pool-simulator'
import autocannon from 'autocannon'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 2)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const profile = process.env.BENCH_PROFILE === '1'
const entry = fileURLToPath(new URL('../apps/api/dist/main.mjs', import.meta.url))
if (!existsSync(entry)) {
  console.error(`API build not found at ${entry}: run \`pnpm build\` first`)
  process.exit(1)
}

/** CPU time (user + system) a process has used, in µs (Linux; clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

interface Load {
  rate: number
  /** Server CPU per answered request, µs: what the server costs, whatever the load generator. */
  cpuPerRequest: number
}

async function load(title: string, url: string, pid: number): Promise<Load> {
  // Unmeasured first: the figures are of compiled code, not of V8 compiling it.
  if (warmup > 0) await autocannon({ url, connections, duration: warmup })
  const before = cpuMicros(pid)
  const result = await autocannon({ url, connections, duration: seconds })
  const cpuPerRequest = (cpuMicros(pid) - before) / result.requests.total
  const non2xx = result.non2xx + result.errors + result.timeouts
  console.log(
    `${title.padEnd(30)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms   server CPU ${cpuPerRequest.toFixed(1).padStart(5)} µs/request   ${result.requests.total} requests, ${non2xx} not 2xx`,
  )
  return { rate: result.requests.average, cpuPerRequest }
}

/** The median rate and the median CPU per request of some runs (each on its own). */
function median(loads: Load[]): Load {
  const middle = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b)
    const half = Math.floor(sorted.length / 2)
    return sorted.length % 2
      ? (sorted[half] ?? 0)
      : ((sorted[half - 1] ?? 0) + (sorted[half] ?? 0)) / 2
  }
  return {
    rate: middle(loads.map((run) => run.rate)),
    cpuPerRequest: middle(loads.map((run) => run.cpuPerRequest)),
  }
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
  `Node ${process.version}, each server in its own process (ours: built dist, LOG_LEVEL=warn), ${connections} connections, ${seconds} s per run after ${warmup} s of warm-up`,
)
// Request logs off (warnings only): they would measure the terminal, not the server.
const profileDir = join(folder, 'profile')
const ours = await startServer(
  profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir, entry] : [entry],
  {
    DB_PATH: join(folder, 'bench.db'),
    POLICIES_DIR: join(folder, 'policies'),
    LOG_LEVEL: 'warn',
  },
)
try {
  const { base } = ours
  // Idle after start: every route is mounted; nothing has been asked yet but /health. Read at
  // 2 s, and at 12 s, once V8's memory reducer has run (it gives back the young generation
  // that start-up allocation grew, ~8 s into an idle process).
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const idleRss = rssMegabytes(ours.pid)
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  const settledRss = rssMegabytes(ours.pid)
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
  // Rounds alternate between the servers, and each figure is the median of its rounds: this
  // machine's speed drifts by 10–20 % from one run to the next, which one run each would
  // charge to whichever server ran in the slow moment.
  const runs = {
    bareHealth: [] as Load[],
    bareStats: [] as Load[],
    health: [] as Load[],
    cached: [] as Load[],
  }
  try {
    for (let round = 1; round <= rounds; round++) {
      console.log(`round ${round} of ${rounds}`)
      runs.bareHealth.push(await load('bare Hono GET /health', `${bare.base}/health`, bare.pid))
      runs.health.push(await load('ours GET /health', `${base}/health`, ours.pid))
      runs.bareStats.push(
        await load(`bare Hono GET /stats (${body.length} B)`, `${bare.base}/stats`, bare.pid),
      )
      runs.cached.push(await load('ours GET …/{id}/stats (cached)', stats, ours.pid))
    }
  } finally {
    await bare.stop()
  }
  const bareHealth = median(runs.bareHealth)
  const bareStats = median(runs.bareStats)
  const health = median(runs.health)
  const cached = median(runs.cached)
  console.log(
    `medians of ${rounds} rounds: bare /health ${bareHealth.rate.toFixed(0)} req/s (${bareHealth.cpuPerRequest.toFixed(1)} µs), ours /health ${health.rate.toFixed(0)} req/s (${health.cpuPerRequest.toFixed(1)} µs), bare /stats ${bareStats.rate.toFixed(0)} req/s (${bareStats.cpuPerRequest.toFixed(1)} µs), ours cached stats ${cached.rate.toFixed(0)} req/s (${cached.cpuPerRequest.toFixed(1)} µs)`,
  )
  const ratio = (a: number, b: number) => (a / b).toFixed(2)
  console.log(
    `throughput: ours /health ÷ bare Hono /health = ${ratio(health.rate, bareHealth.rate)} (target ≥ 0.7); cached stats ÷ ours /health = ${ratio(cached.rate, health.rate)} (target ≥ 0.7)`,
  )
  // The load generator shares the 2 cores: server CPU per request is the steadier measure.
  console.log(
    `server CPU:  bare Hono /health ÷ ours = ${ratio(bareHealth.cpuPerRequest, health.cpuPerRequest)}; ours /health ÷ cached stats = ${ratio(health.cpuPerRequest, cached.cpuPerRequest)}`,
  )
  console.log(
    `for scale: bare Hono's same-size body ÷ its /health = ${ratio(bareStats.rate, bareHealth.rate)} (CPU ${ratio(bareHealth.cpuPerRequest, bareStats.cpuPerRequest)}); ours cached stats ÷ bare Hono's same body = ${ratio(cached.rate, bareStats.rate)}`,
  )
  console.log(
    `RSS after start, idle: ${idleRss.toFixed(1)} MB at 2 s, ${settledRss.toFixed(1)} MB at 12 s (target ≤ 70 MB); after the runs: ${rssMegabytes(ours.pid).toFixed(1)} MB`,
  )

  const seen = ocean.requests()
  const ttlSeconds = POOL_TTL_MS.pool_stats / 1000
  const runSeconds = rounds * (seconds + warmup)
  const bound = Math.ceil(runSeconds / ttlSeconds)
  console.log(
    `pool requests (cold fetch + the stats runs): ${seen.total} ${JSON.stringify(seen.byEndpoint)} — expected ≤ ${bound} per endpoint (ceil(${runSeconds} s / ${ttlSeconds} s TTL))`,
  )
} finally {
  await ours.stop()
  await ocean.close()
  if (profile) printProfile(profileDir)
  rmSync(folder, { recursive: true, force: true })
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

/** The top functions by self time in the server's CPU profile (all runs together). */
function printProfile(dir: string) {
  const [file] = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))
  if (!file) return console.log('no CPU profile was written')
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: ProfileNode[]
    samples: number[]
    timeDeltas: number[]
  }
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const self = new Map<string, number>()
  let total = 0
  samples.forEach((id, index) => {
    const frame = byId.get(id)?.callFrame
    if (!frame) return
    const where = frame.url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
    const key = `${frame.functionName || '(anonymous)'} ${where.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`
    const delta = timeDeltas[index] ?? 0
    self.set(key, (self.get(key) ?? 0) + delta)
    total += delta
  })
  console.log('\nour server, self time by function (top 25):')
  for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`)
  }
}
