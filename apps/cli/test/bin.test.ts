import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import {
  type BraiinsSimulator,
  type OceanSimulator,
  startBraiinsSimulator,
  startOceanSimulator,
} from '@edge-mining/pool-simulator'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { BIN, hasAnsi, type Run, runBin, temporaryFolder } from './helpers'

let ocean: OceanSimulator
let folder: ReturnType<typeof temporaryFolder>
let env: Record<string, string>

beforeAll(async () => {
  ocean = await startOceanSimulator()
})
afterAll(async () => {
  await ocean.close()
})
beforeEach(() => {
  folder = temporaryFolder()
  env = { DB_PATH: folder.dbPath }
  ocean.setScenario({})
  ocean.resetRequests()
})
afterEach(() => folder.remove())

const cli = (...args: string[]) => runBin(args, { env })
const json = (run: Run): unknown => {
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout)
}

async function addOcean(name = 'Garage'): Promise<{ id: string }> {
  const run = await cli(
    'trackers',
    'add',
    '--type',
    'ocean',
    '--name',
    name,
    '--bitcoin-address',
    ocean.address(),
    '--api-base-url',
    ocean.url,
    '--request-timeout-seconds',
    '2',
    '--json',
  )
  return json(run) as { id: string }
}

describe('help and usage', () => {
  test('--help lists the commands, exit 0, no colours on a pipe', async () => {
    const run = await cli('--help')
    expect(run.code).toBe(0)
    for (const command of ['trackers', 'rules', 'serve', 'menu']) {
      expect(run.stdout).toContain(command)
    }
    expect(hasAnsi(run.stdout)).toBe(false)
  })

  test('trackers add --help shows the config flags generated from every adapter schema', async () => {
    const run = await cli('trackers', 'add', '--help')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('--bitcoin-address')
    expect(run.stdout).toContain('--api-base-url')
    expect(run.stdout).toContain('--seed')
  })

  test.each([
    [['bogus'], 'Unknown command "bogus"'],
    [['trackers', 'lst'], 'Unknown command "lst"'],
    [['trackers', 'list', '--bogus'], 'Unknown option --bogus'],
    [['trackers', 'show'], 'Missing required positional argument: TRACKER'],
    [['trackers', 'show', 'a', 'b'], 'Unexpected argument "b"'],
    [['trackers', 'add', '--name', 'x'], 'Missing required argument: --type'],
    [['trackers', 'add', '--type', 'nope'], 'Invalid value for argument: --type'],
    [['trackers', 'add', '--type', 'ocean'], 'ocean trackers need --bitcoin-address'],
    [['trackers', 'add', '--type', 'dummy', '--bitcoin-address', 'x'], 'not a setting of dummy'],
    [['trackers', 'rewards', 'x', '--limit', '0'], '--limit: expected a whole number from 1'],
    [['trackers'], 'Missing command'],
    [[], 'No command given'],
  ])('%j → usage on stderr, exit 2', async (args, message) => {
    const run = await cli(...args)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('USAGE')
    expect(run.stdout).toBe('')
  })
})

describe('tracker CRUD', () => {
  test('add, list, show, update, remove with --json shapes', async () => {
    const added = (await addOcean()) as Record<string, unknown>
    expect(added).toMatchObject({
      name: 'Garage',
      adapter_type: 'ocean',
      config: {
        bitcoin_address: ocean.address(),
        api_base_url: ocean.url,
        request_timeout_seconds: 2,
      },
      external_service_id: null,
    })
    expect(added.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(added.created_at).toMatch(/Z$/)

    expect(json(await cli('trackers', 'list', '--json'))).toEqual([added])
    // By unique id prefix and by name (case-insensitive).
    expect(json(await cli('trackers', 'show', String(added.id).slice(0, 8), '--json'))).toEqual(
      added,
    )
    expect(json(await cli('trackers', 'show', 'garage', '--json'))).toEqual(added)

    const updated = json(
      await cli(
        'trackers',
        'update',
        'Garage',
        '--name',
        'Shed',
        '--request-timeout-seconds',
        '5',
        '--json',
      ),
    )
    expect(updated).toMatchObject({
      id: added.id,
      name: 'Shed',
      config: { bitcoin_address: ocean.address(), request_timeout_seconds: 5 },
    })

    expect(json(await cli('trackers', 'remove', 'shed', '--yes', '--json'))).toMatchObject({
      id: added.id,
    })
    expect(json(await cli('trackers', 'list', '--json'))).toEqual([])
  })

  test('human output: success messages and a table', async () => {
    const added = await cli('trackers', 'add', '--type', 'dummy', '--name', 'Demo', '--seed', '7')
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(
      /^Mining performance tracker 'Demo' \(ID: [0-9a-f-]{36}\) successfully added\.\n$/,
    )
    const list = await cli('trackers', 'list')
    expect(list.stdout).toContain('Demo')
    expect(list.stdout).toContain('dummy (Dummy (made-up data))')
    expect(hasAnsi(list.stdout + added.stdout)).toBe(false)
  })

  test("a config flag the adapter's schema rejects: the schema's message naming the flag, exit 1", async () => {
    const run = await cli(
      'trackers',
      'add',
      '--type',
      'ocean',
      '--bitcoin-address',
      'not-an-address',
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('--bitcoin-address: must be a Bitcoin address')
    const timeout = await cli(
      'trackers',
      'add',
      '--type',
      'ocean',
      '--bitcoin-address',
      ocean.address(),
      '--request-timeout-seconds',
      'soon',
    )
    expect(timeout.code).toBe(1)
    expect(timeout.stderr).toContain('--request-timeout-seconds: must be a number of seconds')
    expect(json(await cli('trackers', 'list', '--json'))).toEqual([])
  })

  test('an unknown tracker: exit 1 with a one-line message', async () => {
    const run = await cli('trackers', 'show', 'nope')
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('error: Mining performance tracker not found: nope\n')
  })
})

describe('pool data from the simulator', () => {
  test('stats, workers, rewards, payout, snapshot and test as JSON', async () => {
    const { id } = await addOcean()
    // Simulator model: two workers, 190 and 10 TH/s (pool-simulator README).
    const stats = json(await cli('trackers', 'stats', id, '--json')) as {
      current_hashrate: { unit: string; value: number }
      unpaid_balance: number
      timestamp: string
    }
    expect(stats.current_hashrate.unit).toBe('TH/s')
    expect(stats.current_hashrate.value).toBeGreaterThan(180)
    expect(stats.current_hashrate.value).toBeLessThan(220)
    expect(Number.isInteger(stats.unpaid_balance)).toBe(true)
    expect(stats.timestamp).toMatch(/Z$/)

    const workers = json(await cli('trackers', 'workers', id, '--json')) as {
      worker_name: string
    }[]
    expect(workers.map((w) => w.worker_name).sort()).toEqual(['bitaxe-desk', 's21-rack1'])

    const rewards = json(await cli('trackers', 'rewards', id, '--limit', '3', '--json')) as {
      amount: number
      timestamp: string
    }[]
    expect(rewards).toHaveLength(3)
    const times = rewards.map((r) => Date.parse(r.timestamp))
    expect([...times].sort((a, b) => b - a)).toEqual(times)

    // Ocean pays out at 0.01048576 BTC (pool-apis.md).
    expect(json(await cli('trackers', 'payout', id, '--json'))).toMatchObject({
      threshold: 1_048_576,
    })

    const snapshot = json(await cli('trackers', 'snapshot', id, '--json')) as Record<
      string,
      unknown
    >
    expect(snapshot).toMatchObject({
      stale: false,
      errors: [],
      workers_total: 2,
      workers_online: 2,
    })
    expect(snapshot).toHaveProperty('payout_progress')

    const report = json(await cli('trackers', 'test', id, '--json'))
    expect(report).toMatchObject({ status: 'success', current_hashrate: { unit: 'TH/s' } })
  })

  test('human views: units, sats and BTC, ages', async () => {
    const { id } = await addOcean()
    const stats = await cli('trackers', 'stats', id)
    expect(stats.code).toBe(0)
    expect(stats.stdout).toMatch(/Current hash rate\s+[\d.,]+ TH\/s/)
    expect(stats.stdout).toMatch(/Unpaid balance\s+[\d,]+ sats \(0\.\d{8} BTC\)/)
    expect(stats.stdout).toMatch(/Last share\s+(just now|\d+ s ago|\d+ min ago)/)
    expect(stats.stdout).toContain('Fresh from the pool')
    const rewards = await cli('trackers', 'rewards', id)
    expect(rewards.stdout).toMatch(/UTC \((\d+ h( \d+ min)? ago|\d+ min ago|\d+ days ago)\)/)
  })

  test('rate limited: exit 3, "Pool rate-limited (retry after Ns)", and the other process honours the cool-down', async () => {
    const { id } = await addOcean()
    ocean.setScenario({
      faults: [
        { endpoint: 'statsnap', fault: { kind: 'too_many_requests', retryAfterSeconds: 30 } },
      ],
    })
    const first = await cli('trackers', 'stats', id)
    expect(first.code).toBe(3)
    expect(first.stderr).toMatch(/^error: Pool rate-limited \(retry after (29|30)s\): /)
    expect(first.stdout).toBe('')
    const reached = ocean.requests().total
    const second = await cli('trackers', 'stats', id, '--json')
    expect(second.code).toBe(3)
    expect(second.stderr).toMatch(/Pool rate-limited \(retry after \d+s\)/)
    expect(second.stdout).toBe('')
    expect(ocean.requests().total).toBe(reached)
  })

  test('unreachable: exit 5', async () => {
    const closed = await startOceanSimulator()
    const url = closed.url
    await closed.close()
    const added = json(
      await cli(
        'trackers',
        'add',
        '--type',
        'ocean',
        '--bitcoin-address',
        ocean.address(),
        '--api-base-url',
        url,
        '--json',
      ),
    ) as { id: string }
    const run = await cli('trackers', 'payout', added.id)
    const stats = await cli('trackers', 'stats', added.id)
    expect(stats.code).toBe(5)
    expect(stats.stderr).toMatch(/^error: Pool unreachable: /)
    expect([0, 5]).toContain(run.code)
  })
})

describe('one cache for every process', () => {
  test('a call right after another process fetched is a cache hit: the pool sees one request', async () => {
    const { id } = await addOcean()
    const first = await cli('trackers', 'stats', id, '--json')
    expect(first.code).toBe(0)
    const afterFirst = ocean.requests().byEndpoint
    const second = await cli('trackers', 'stats', id)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/Cached pool data, \d+ s old/)
    expect(ocean.requests().byEndpoint).toEqual(afterFirst)
    expect(JSON.parse(first.stdout).current_hashrate).toBeTruthy()
  })
})

describe('bad environment', () => {
  test('a database that cannot be opened: a clear message, no stack trace unless --debug', async () => {
    const blocker = nodePath.join(folder.dir, 'not-a-folder')
    fs.writeFileSync(blocker, '')
    const dbEnv = { DB_PATH: nodePath.join(blocker, 'edgemining.db') }
    const run = await runBin(['trackers', 'list'], { env: dbEnv })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^error: Cannot open database .*not-a-folder/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).not.toMatch(/\n\s+at /)

    const corrupt = nodePath.join(folder.dir, 'corrupt.db')
    fs.writeFileSync(corrupt, 'this is not a database, just text that is long enough to fail')
    const damaged = await runBin(['trackers', 'list'], { env: { DB_PATH: corrupt } })
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toContain('not a readable SQLite database')
    const debug = await runBin(['trackers', 'list', '--debug'], { env: { DB_PATH: corrupt } })
    expect(debug.stderr).toMatch(/\n\s+at /)
  })
})

describe('serve', () => {
  /** The build alone in a folder of its own: no node_modules/.bin beside it. */
  function loneBundle(): string {
    const dist = nodePath.join(folder.dir, 'lone', 'dist')
    fs.cpSync(nodePath.dirname(BIN), dist, { recursive: true })
    return nodePath.join(dist, nodePath.basename(BIN))
  }

  /** A stand-in `edge-mining-api` on a PATH folder: prints the environment it was given. */
  function fakeApiOnPath(): string {
    const bin = nodePath.join(folder.dir, 'path-bin')
    fs.mkdirSync(bin)
    const executable = nodePath.join(bin, 'edge-mining-api')
    fs.writeFileSync(
      executable,
      `#!${process.execPath}\nconsole.log(JSON.stringify({ host: process.env.API_HOST, port: process.env.API_PORT, db: process.env.DB_PATH }))\n`,
    )
    fs.chmodSync(executable, 0o755)
    return bin
  }

  const runBundle = (bundle: string, args: string[], extra: Record<string, string>) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [bundle, ...args], {
        env: { HOME: os.tmpdir(), ...env, ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
      })
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.once('error', reject)
      child.once('close', (code) => resolve({ code, stdout, stderr }))
    })

  test('without an executable beside the bundle, the edge-mining-api on PATH runs with API_HOST, API_PORT and DB_PATH', async () => {
    const run = await runBundle(loneBundle(), ['serve', '--host', '0.0.0.0', '--port', '9123'], {
      PATH: fakeApiOnPath(),
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ host: '0.0.0.0', port: '9123', db: folder.dbPath })
  })

  test('no executable anywhere: exit 1 naming it', async () => {
    const run = await runBundle(loneBundle(), ['serve'], { PATH: folder.dir })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('The API server executable edge-mining-api was not found')
  })

  test.each([
    [
      ['serve', '--port', 'abc'],
      {},
      '--port: API_PORT: expected a whole number from 0 to 65535, got "abc"',
    ],
    [
      ['serve'],
      { API_PORT: '99999' },
      'API_PORT: expected a whole number from 0 to 65535, got "99999"',
    ],
    [['serve'], { LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of'],
  ])(
    '%j %j: the environment is checked first, exit 2 naming the variable and value',
    async (args, extra, message) => {
      const run = await runBin(args, { env: { ...env, ...extra } })
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(message)
      expect(run.stdout).toBe('')
    },
  )

  test('starts the real API server (its package executable) on the same database, which sees what the CLI added', async () => {
    const added = await runBin(
      ['trackers', 'add', '--type', 'dummy', '--name', 'Served', '--json'],
      { env },
    )
    expect(added.code).toBe(0)
    const tracker = JSON.parse(added.stdout) as { id: string }
    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const listening = new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
        if (url) resolve(url)
      }
      server.stdout.on('data', read)
      server.stderr.on('data', read)
      server.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${output}`)))
    })
    try {
      const url = await listening
      const health = await fetch(`${url}/health`)
      expect(await health.json()).toEqual({ status: 'ok' })
      const listed = (await (
        await fetch(`${url}/api/v1/mining-performance-trackers`)
      ).json()) as Array<{ id: string }>
      expect(listed.map((t) => t.id)).toEqual([tracker.id])
    } finally {
      // A server that exited early has nothing to stop: waiting for its exit would time out
      // and hide the "exited early" message saying why.
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
        server.kill('SIGINT')
        expect(await exited).toBe(0)
      }
    }
  })
})

describe('Braiins Pool: the token is write-only', () => {
  let braiins: BraiinsSimulator
  beforeAll(async () => {
    braiins = await startBraiinsSimulator()
  })
  afterAll(async () => {
    await braiins.close()
  })

  test('never in --json, show, list, update or error output; a wrong token exits 4', async () => {
    const token = braiins.token()
    const outputs: string[] = []
    const record = (run: Run) => {
      outputs.push(run.stdout, run.stderr)
      return run
    }
    const added = JSON.parse(
      record(
        await cli(
          'trackers',
          'add',
          '--type',
          'braiins_pool',
          '--name',
          'Shed',
          '--api-token',
          token,
          '--api-base-url',
          braiins.url,
          '--json',
        ),
      ).stdout,
    ) as { id: string; config: Record<string, unknown> }
    expect(added.config).toEqual({
      api_token: '***',
      api_base_url: braiins.url,
      request_timeout_seconds: 10,
    })
    record(await cli('trackers', 'show', added.id))
    record(await cli('trackers', 'show', added.id, '--json'))
    record(await cli('trackers', 'list', '--json'))
    const stats = record(await cli('trackers', 'stats', added.id, '--json'))
    expect(stats.code).toBe(0)
    expect(JSON.parse(stats.stdout).current_hashrate.unit).toBe('TH/s')

    // A token read from stdin (`-`) replaces the stored one; a wrong one is an auth failure.
    const wrong = `${token.slice(0, -4)}zzzz`
    const updated = record(
      await runBin(['trackers', 'update', added.id, '--api-token', '-', '--json'], {
        env,
        input: `${wrong}\n`,
      }),
    )
    expect(updated.code).toBe(0)
    const denied = record(await cli('trackers', 'stats', added.id))
    expect(denied.code).toBe(4)
    expect(denied.stderr).toMatch(/^error: Authentication failed: /)
    const rejected = record(await cli('trackers', 'update', added.id, '--api-token', 'has space'))
    expect(rejected.code).toBe(1)
    expect(rejected.stderr).toContain('--api-token: must not contain whitespace')

    for (const output of outputs) {
      expect(output).not.toContain(token)
      expect(output).not.toContain(wrong)
    }
  })
})
