import { type OceanSimulator, startOceanSimulator } from '@edge-mining/pool-simulator'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { runBin, temporaryFolder } from './helpers'

let ocean: OceanSimulator
let folder: ReturnType<typeof temporaryFolder>

beforeAll(async () => {
  ocean = await startOceanSimulator()
})
afterAll(async () => {
  await ocean.close()
})
beforeEach(() => {
  folder = temporaryFolder()
})
afterEach(() => folder.remove())

const answers = (...lines: string[]) => `${lines.join('\n')}\n`

test('the menu driven through stdin: add (wizard re-asks a bad answer) → list → stats → delete', async () => {
  const run = await runBin(['menu'], {
    env: { DB_PATH: folder.dbPath },
    input: answers(
      '7', // Mining Performance Trackers
      'x', // invalid → asked again
      '1', // Add Tracker
      'Rig',
      '9', // no such adapter → asked again
      '1', // ocean
      'not-an-address', // fails the schema → asked again
      ocean.address(),
      ocean.url,
      '', // request timeout: default
      '', // payout threshold: default
      '2', // List Trackers
      '3', // Manage Tracker
      '1', // the first tracker
      '4', // Pool statistics
      '2', // Delete Tracker
      'y',
      'q',
    ),
  })
  expect(run.code).toBe(0)
  const out = run.stdout
  expect(out).toContain('--- MINING PERFORMANCE TRACKER MENU ---')
  expect(out).toContain('Invalid choice. Try again.')
  expect(out).toContain('Invalid index. Try again.')
  expect(out).toContain('Fields marked * are required.')
  expect(out).toContain('(bitcoin_address) *:')
  expect(out).toContain('[https://api.ocean.xyz]')
  expect(out).toContain('bitcoin_address: must be a Bitcoin address')
  expect(out).toMatch(/Mining performance tracker 'Rig' \(ID: [0-9a-f-]{36}\) successfully added\./)
  expect(out).toMatch(/-> Name: Rig, ID: [0-9a-f-]{36}, Type: ocean/)
  expect(out).toMatch(/Current hash rate\s+[\d.,]+ TH\/s/)
  expect(out).toMatch(/Unpaid balance\s+[\d,]+ sats \(0\.\d{8} BTC\)/)
  expect(out).toMatch(
    /Mining performance tracker 'Rig' \(ID: [0-9a-f-]{36}\) successfully removed\./,
  )
  expect(out.trimEnd().endsWith('Bye.')).toBe(true)
  // The wizard stored what was typed; the tracker is gone afterwards.
  const list = await runBin(['trackers', 'list', '--json'], { env: { DB_PATH: folder.dbPath } })
  expect(JSON.parse(list.stdout)).toEqual([])
})

test('the end of input (or Ctrl-C) leaves the menu cleanly, exit 0', async () => {
  const run = await runBin(['menu'], { env: { DB_PATH: folder.dbPath }, input: answers('7', '1') })
  expect(run.code).toBe(0)
  expect(run.stderr).toBe('')
  expect(run.stdout).toContain('Name of the tracker')
})

test('deletion asks first; "n" cancels', async () => {
  const env = { DB_PATH: folder.dbPath }
  const added = await runBin(['trackers', 'add', '--type', 'dummy', '--name', 'Keep', '--json'], {
    env,
  })
  expect(added.code).toBe(0)
  const run = await runBin(['menu'], {
    env,
    input: answers('7', '3', '1', '2', 'n', 'b', 'b', 'q'),
  })
  expect(run.code).toBe(0)
  expect(run.stdout).toContain("Are you sure you want to delete the tracker 'Keep'")
  expect(run.stdout).toContain('Deletion cancelled.')
  const list = await runBin(['trackers', 'list', '--json'], { env })
  expect(JSON.parse(list.stdout)).toHaveLength(1)
})

test('a new entity kind through the menu: Miners → add (a bad number asked again) → list', async () => {
  const env = { DB_PATH: folder.dbPath }
  const run = await runBin(['menu'], {
    env,
    input: answers(
      '2', // Miners
      '1', // Miners
      '1', // Add Miner
      'Rig', // name
      'Antminer S21', // model
      'fast', // hash rate: not a number → asked again
      '200',
      '', // power: none
      'rig-1', // pool worker
      '2', // List Miners
      'b',
      'b',
      'q',
    ),
  })
  expect(run.code).toBe(0)
  expect(run.stderr).toBe('')
  const out = run.stdout
  expect(out).toContain('--- MINERS ---')
  expect(out).toContain('--- MINER MENU ---')
  expect(out).toContain('--- Add Miner ---')
  expect(out).toContain('Maximum hash rate (TH/s): ')
  expect(out).toContain('expected a number of TH/s, got "fast". Try again.')
  expect(out).toMatch(/Miner 'Rig' \(ID: [0-9a-f-]{36}\) successfully added\./)
  expect(out).toMatch(/-> Name: Rig, ID: [0-9a-f-]{36}, Model: Antminer S21, Active: yes/)
  const list = await runBin(['miners', 'list', '--json'], { env })
  expect(JSON.parse(list.stdout)).toEqual([
    expect.objectContaining({
      name: 'Rig',
      model: 'Antminer S21',
      hash_rate_max: { value: 200, unit: 'TH/s' },
      power_consumption_max: null,
      pool_worker_name: 'rig-1',
    }),
  ])
})
