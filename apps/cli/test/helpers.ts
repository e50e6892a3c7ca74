import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'

/** The built, bundled bin: what users run. */
export const BIN = fileURLToPath(new URL('../dist/edge-mining.mjs', import.meta.url))

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI as its own process, on a pipe (not a terminal). */
export function runBin(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** A fresh folder for a test's database file. */
export function temporaryFolder(): { dir: string; dbPath: string; remove(): void } {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'edge-mining-cli-'))
  return {
    dir,
    dbPath: nodePath.join(dir, 'db', 'edgemining.db'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

export const hasAnsi = (text: string) => text.includes('\u001B[')

/** A policy that starts a miner whenever the battery reads, and never stops it (cycles act). */
export const ALWAYS_START_POLICY = `name: Always on
description: Starts whenever the battery can be read (a deterministic test policy)
start_rules:
  - name: Battery reads
    conditions: {field: energy_state.battery.state_of_charge, operator: gte, value: 0}
stop_rules:
  - name: Never
    conditions: {field: energy_state.battery.state_of_charge, operator: lt, value: 0}
`

export interface DummySite {
  minerId: string
  unitId: string
  policyId: string
}

/**
 * A site of shipped dummy adapters configured through the CLI, one process per command as a
 * person would: the simulated miner "Garage S9" on its controller, the `dummy_solar` monitor on
 * a source with a battery, a policy (default: ALWAYS_START_POLICY), a dummy tracker and
 * notifier, and the enabled unit "Home".
 */
export async function setUpDummySite(
  env: Record<string, string>,
  dir: string,
  policy = ALWAYS_START_POLICY,
): Promise<DummySite> {
  const json = async (...args: string[]): Promise<{ id: string }> => {
    const run = await runBin([...args, '--json'], { env })
    if (run.code !== 0) throw new Error(`${args.join(' ')}: exit ${run.code}: ${run.stderr}`)
    return JSON.parse(run.stdout) as { id: string }
  }
  const policyFile = nodePath.join(dir, 'policy.yaml')
  fs.writeFileSync(policyFile, policy)
  await json('miner-controllers', 'add', '--type', 'dummy', '--name', 'S9 sim')
  const miner = await json(
    'miners',
    'add',
    '--name',
    'Garage S9',
    '--hash-rate-max',
    '13.5',
    '--power-consumption-max',
    '1350',
    '--pool-worker-name',
    'garage',
  )
  await json('miners', 'set-controller', 'garage s9', 's9 sim')
  await json('energy-monitors', 'add', '--type', 'dummy_solar', '--name', 'Roof meter')
  await json(
    'energy-sources',
    'add',
    '--name',
    'Roof',
    '--storage-capacity',
    '10000',
    '--energy-monitor',
    'roof meter',
  )
  const imported = await json('policies', 'import', policyFile)
  await json('trackers', 'add', '--type', 'dummy', '--name', 'Pool')
  await json('notifiers', 'add', '--type', 'dummy', '--name', 'Log')
  const unit = await json(
    'units',
    'add',
    '--name',
    'Home',
    '--policy',
    imported.id,
    '--energy-source',
    'roof',
    '--miner',
    'garage s9',
    '--tracker',
    'pool',
    '--notifier',
    'log',
  )
  await json('units', 'enable', 'home')
  return { minerId: miner.id, unitId: unit.id, policyId: imported.id }
}
