// Cold start of the built `edge-mining` bin (apps/cli/dist, build it first) beside bare Node:
// median wall time of several runs of each command, each in a fresh process. Asserts nothing.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const RUNS = 15
const BIN = fileURLToPath(new URL('../apps/cli/dist/edge-mining.mjs', import.meta.url))

if (!fs.existsSync(BIN)) {
  console.log(`${BIN} is missing: run \`pnpm --filter @edge-mining/cli build\` first`)
  process.exit(0)
}

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'edge-mining-bench-cli-'))
const env = { ...process.env, DB_PATH: nodePath.join(dir, 'edgemining.db'), NO_COLOR: '1' }

function once(args: string[]): number {
  const started = performance.now()
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const ms = performance.now() - started
  if (result.status !== 0)
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return ms
}

function median(args: string[]): number {
  once(args) // warm the file-system cache
  const times = Array.from({ length: RUNS }, () => once(args)).sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] ?? Number.NaN
}

try {
  // A database with a few trackers, migrated once beforehand.
  for (const name of ['Garage', 'Shed', 'Office']) {
    once([BIN, 'trackers', 'add', '--type', 'dummy', '--name', name, '--seed', '1'])
  }
  const node = median(['-e', '0'])
  const rows: [string, number][] = [
    ['node -e 0', node],
    ['edge-mining --help', median([BIN, '--help'])],
    ['edge-mining trackers --help', median([BIN, 'trackers', '--help'])],
    ['edge-mining trackers list --json (3 trackers)', median([BIN, 'trackers', 'list', '--json'])],
  ]
  console.log(
    `cold start, median of ${RUNS} runs (Node ${process.version}, ${os.cpus().length} CPUs)`,
  )
  for (const [label, ms] of rows) {
    console.log(
      `${label.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / node).toFixed(2)}× node`,
    )
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
