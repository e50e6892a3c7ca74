import fs from 'node:fs'
import nodePath from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { openCliRuntime } from '../src/compose'
import { runCli } from '../src/run'
import { createTerminal } from '../src/terminal'
import { type DummySite, runBin, setUpDummySite, temporaryFolder } from './helpers'

/**
 * The decision loop through the built bin, on a database of shipped dummy adapters: each
 * command its own process, so what one shows another wrote to the database.
 */

type Folder = ReturnType<typeof temporaryFolder>
const envOf = (folder: Folder) => ({
  DB_PATH: folder.dbPath,
  POLICIES_DIR: nodePath.join(folder.dir, 'policies'),
})

// The site is configured once (a dozen processes) and copied for each test.
let template: Folder
let site: DummySite
let folder: Folder
let env: Record<string, string>

beforeAll(async () => {
  template = temporaryFolder()
  site = await setUpDummySite(envOf(template), template.dir)
}, 60_000)
afterAll(() => template.remove())
beforeEach(() => {
  folder = temporaryFolder()
  fs.cpSync(template.dir, folder.dir, { recursive: true })
  env = envOf(folder)
})
afterEach(() => folder.remove())

const cli = (...args: string[]) => runBin(args, { env })

/** A successful --json run: only JSON on stdout, nothing on stderr. */
async function json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const run = await cli(...args, '--json')
  expect(run.stderr, args.join(' ')).toBe('')
  expect(run.code, args.join(' ')).toBe(0)
  return JSON.parse(run.stdout) as T
}

interface Record_ {
  id: number
  at: string
  kind: string
  unit_id: string | null
  miner_id: string | null
  miner_name: string | null
  outcome: string
}

const LOCAL_TIME = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}`
const RECORD_KEYS = [
  'action',
  'at',
  'decision',
  'details',
  'id',
  'kind',
  'miner_id',
  'miner_name',
  'outcome',
  'policy_id',
  'policy_name',
  'reason',
  'rule_id',
  'rule_name',
  'rule_type',
  'status_after',
  'status_before',
  'trace',
  'unit_id',
  'unit_name',
]

describe('cycle run', () => {
  test('--dry-run prints the plan and why, says nothing was done, and records nothing', async () => {
    const run = await cli('cycle', 'run', '--dry-run')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^Home \\(${site.unitId}\\)  ${LOCAL_TIME}$`, 'm'))
    expect(run.stdout).toMatch(
      /^ {2}Garage S9 +off +start_mining +▶ start +Start: start rule 'Battery reads' fired \(energy_state\.battery\.state_of_charge = \d+ % >= 0\)$/m,
    )
    expect(run.stdout).toContain(
      'Dry run: this is what a cycle would do now. Nothing was started or stopped, nothing was recorded.',
    )
    const report = await json('cycle', 'run', '--dry-run')
    expect(report).toMatchObject({
      dry_run: true,
      units: [
        {
          unit_id: site.unitId,
          unit_name: 'Home',
          notice: null,
          errors: [],
          miners: [
            {
              miner_id: site.minerId,
              miner_name: 'Garage S9',
              status: 'off',
              decision: 'start_mining',
              kind: 'act',
              action: 'start',
              control: 'mining_control',
              rule: { name: 'Battery reads', type: 'start' },
              executed: null,
            },
          ],
        },
      ],
    })
    expect(await json('decisions', 'list')).toEqual([])
    expect(await json('units', 'status')).toMatchObject({
      units: [{ miners: [{ last: null, hold: null, override: null }] }],
    })
  })

  test('acts and records; the next processes show it in the log and in units status', async () => {
    const run = await cli('cycle', 'run')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^ {2}Garage S9 +off +start_mining +▶ start → (starting|on) +Start: /m,
    )
    expect(run.stdout).not.toContain('Dry run')

    const log = await json<Record_[]>('decisions', 'list')
    expect(log.filter((record) => record.kind !== 'notification')).toMatchObject([
      {
        kind: 'action',
        action: 'start',
        outcome: 'executed',
        decision: 'start_mining',
        unit_id: site.unitId,
        unit_name: 'Home',
        miner_id: site.minerId,
        miner_name: 'Garage S9',
        rule_name: 'Battery reads',
        status_before: 'off',
      },
    ])

    const status = await json('units', 'status')
    expect(status).toEqual({
      scheduler: null,
      units: [
        {
          unit_id: site.unitId,
          unit_name: 'Home',
          enabled: true,
          notice: null,
          miners: [
            {
              miner_id: site.minerId,
              miner_name: 'Garage S9',
              active: true,
              status: expect.any(String),
              status_error: null,
              last: expect.objectContaining({ kind: 'action', decision: 'start_mining' }),
              override: null,
              hold: null,
            },
          ],
        },
      ],
    })
    const human = await cli('units', 'status', 'home')
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(
      new RegExp(
        `^ {2}Garage S9 +\\w+ +start_mining +${LOCAL_TIME} +Start: start rule 'Battery reads' fired .* +—$`,
        'm',
      ),
    )
    expect(human.stdout).toContain('No server runs the decision loop on this database')

    // The dummy miner is simulated in each process, so the next one reads it off again; the
    // start recorded a moment ago keeps it off for the unit's minimum off time.
    const again = await json<{ units: { miners: Record<string, unknown>[] }[] }>('cycle', 'run')
    expect(again.units[0]?.miners[0]).toMatchObject({
      kind: 'hold',
      hold: { reason: 'min_off', until: expect.any(String) },
      executed: null,
    })
    const held = await json<{ units: { miners: { hold: unknown }[] }[] }>('units', 'status')
    expect(held.units[0]?.miners[0]?.hold).toMatchObject({
      reason: 'min_off',
      source: 'decision_log',
      remaining_seconds: expect.any(Number),
    })
    const heldHuman = await cli('units', 'status')
    expect(heldHuman.stdout).toMatch(
      new RegExp(`minimum off time until ${LOCAL_TIME} \\(\\d+ min left\\)$`, 'm'),
    )
  })

  test('a server holding the loop lease: a warning that both may act, and the cycle runs', async () => {
    const server = openCliRuntime({ env })
    try {
      expect(server.loopRepositories.lease.acquire('test-server:42', 60_000, Date.now())).toBe(true)
      const dry = await cli('cycle', 'run', '--dry-run')
      expect(dry.code).toBe(0)
      expect(dry.stderr).toBe(
        'warning: A server runs the decision loop on this database (test-server:42); this dry run only plans, the server goes on acting on its own cycles.\n',
      )
      const run = await cli('cycle', 'run', '--json')
      expect(run.code).toBe(0)
      expect(run.stderr).toContain(
        '(test-server:42); this cycle acts too, so both may start or stop the same miners.',
      )
      expect(JSON.parse(run.stdout)).toMatchObject({
        dry_run: false,
        units: [{ unit_name: 'Home' }],
      })
      expect(await json('units', 'status')).toMatchObject({
        scheduler: { holder: 'test-server:42', expires_at: expect.any(String) },
      })
    } finally {
      await server.close()
    }
  })
})

describe('decisions list', () => {
  test('--json: the records, newest first, filtered by unit, miner, since and limit', async () => {
    // A miner in no unit: its manual start is logged without a unit.
    await json('miner-controllers', 'add', '--type', 'dummy', '--name', 'Spare sim')
    await json(
      'miners',
      'add',
      '--name',
      'Spare',
      '--power-consumption-max',
      '100',
      '--hash-rate-max',
      '1',
    )
    await json('miners', 'set-controller', 'spare', 'spare sim')
    expect((await cli('cycle', 'run')).code).toBe(0)
    expect((await cli('miners', 'start', 'spare')).code).toBe(0)
    expect((await cli('miners', 'stop', 'garage s9', '--for', '90s')).code).toBe(0)

    const all = await json<Record_[]>('decisions', 'list')
    expect(all.length).toBeGreaterThanOrEqual(3)
    for (const record of all) expect(Object.keys(record).sort()).toEqual(RECORD_KEYS)
    const ids = all.map((record) => record.id)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(all[0]).toMatchObject({ kind: 'action', action: 'stop', miner_name: 'Garage S9' })

    expect(await json('decisions', 'list', '--limit', '1')).toEqual([all[0]])
    const home = await json<Record_[]>('decisions', 'list', '--unit', 'home')
    expect(home).toEqual(all.filter((record) => record.unit_id === site.unitId))
    expect(home.some((record) => record.miner_name === 'Spare')).toBe(false)
    const spare = await json<Record_[]>('decisions', 'list', '--miner', 'spare')
    expect(spare).toMatchObject([
      { kind: 'action', action: 'start', unit_id: null, miner_name: 'Spare' },
    ])
    expect(await json('decisions', 'list', '--since', '1h')).toEqual(all)
    expect(await json('decisions', 'list', '--since', '2000-01-01')).toEqual(all)
    const future = new Date(Date.now() + 3_600_000).toISOString()
    expect(await json('decisions', 'list', '--since', future)).toEqual([])
    const oldest = all.at(-1)
    expect(await json('decisions', 'list', '--since', oldest?.at ?? '')).toEqual(all)

    const human = await cli('decisions', 'list', '--miner', 'spare')
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(
      /^Time \(Europe\/Rome\) +Unit +Miner +Kind +Outcome +Reason\n-+ +-+ +-+ +-+ +-+ +-+\n/,
    )
    expect(human.stdout).toMatch(
      new RegExp(`^${LOCAL_TIME} +— +Spare +action +executed +Manual start: held by override`, 'm'),
    )
  })

  test.each(['yesterday', '30x', '0m', '2026-13-01', '2026-12-01T25:00Z', ''])(
    '--since %j: a usage error naming the flag and the value (exit 2)',
    async (value) => {
      const run = await cli('decisions', 'list', '--since', value)
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toBe(
        `error: --since: expected an ISO-8601 time (2026-12-01T08:00:00Z, or 2026-12-01 08:00 in Europe/Rome) or a time ago such as 30m, 2h, 1d, got "${value}"\n`,
      )
    },
  )

  test('--follow --json: the tail oldest first, then what another process writes, one object per line; Ctrl-C exits 0', async () => {
    expect((await cli('cycle', 'run')).code).toBe(0)
    expect((await cli('cycle', 'run')).code).toBe(0)
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    let out = ''
    let err = ''
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8')
    })
    const pending = new Set<() => void>()
    let interrupt: (() => void) | undefined
    const lines = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record_)
    const tick = () => {
      const [next] = pending
      expect(next, 'the follower waits for its next poll').toBeDefined()
      pending.delete(next as () => void)
      next?.()
    }
    const following = runCli(['decisions', 'list', '--follow', '--json', '--limit', '1'], {
      terminal: createTerminal({
        stdin: new PassThrough(),
        stdout,
        stderr,
        env: { NO_COLOR: '1' },
      }),
      openRuntime: () => openCliRuntime({ env, logTo: stderr }),
      timers: {
        setTimeout: (callback) => {
          pending.add(callback)
          return callback
        },
        clearTimeout: (handle) => {
          pending.delete(handle as () => void)
        },
      },
      onInterrupt: (listener) => {
        interrupt = listener
        return () => {
          interrupt = undefined
        }
      },
    })
    await vi.waitFor(() => expect(pending.size).toBe(1))
    expect(err).toBe('Following the decision log (times in Europe/Rome); Ctrl-C to stop.\n')
    // --limit 1: the newest entry only (the second cycle's hold).
    const [tail] = lines()
    expect(lines()).toHaveLength(1)
    expect(tail).toMatchObject({ kind: 'hold', miner_name: 'Garage S9' })

    tick() // nothing new yet: nothing printed, the next poll is waited for
    await vi.waitFor(() => expect(pending.size).toBe(1))
    expect(lines()).toHaveLength(1)

    expect((await cli('miners', 'stop', 'garage s9', '--for', '90s')).code).toBe(0)
    tick()
    await vi.waitFor(() => expect(lines()).toHaveLength(2))
    const [, fresh] = lines()
    expect(fresh).toMatchObject({ kind: 'action', action: 'stop', outcome: 'executed' })
    expect(fresh?.id).toBeGreaterThan(tail?.id ?? Number.POSITIVE_INFINITY)

    await vi.waitFor(() => expect(pending.size).toBe(1))
    interrupt?.()
    expect(await following).toBe(0)
    expect(pending.size).toBe(0)
    expect(interrupt, 'Ctrl-C is left to the process again').toBeUndefined()
  })
})

describe('miners start|stop --for and release', () => {
  test('start --for 10m acts and holds; the loop leaves it; release hands it back', async () => {
    const before = Date.now()
    const started = await json<{ held_until: string }>(
      'miners',
      'start',
      'garage s9',
      '--for',
      '10m',
    )
    expect(started).toMatchObject({
      miner_id: site.minerId,
      action: 'start',
      control: 'mining_control',
      status_before: 'off',
      status_after: expect.any(String),
      message: expect.stringContaining('started'),
    })
    const heldFor = (Date.parse(started.held_until) - before) / 1000
    expect(heldFor).toBeGreaterThanOrEqual(599)
    expect(heldFor).toBeLessThan(630)

    const status = await json<{ units: { miners: Record<string, unknown>[] }[] }>('units', 'status')
    expect(status.units[0]?.miners[0]).toMatchObject({
      override: { action: 'start', until: started.held_until },
      hold: { reason: 'override', source: 'override', until: started.held_until },
      last: { kind: 'action', action: 'start', outcome: 'executed' },
    })
    const human = await cli('units', 'status')
    expect(human.stdout).toMatch(
      new RegExp(`override \\(start\\) until ${LOCAL_TIME} \\((9|10) min left\\)$`, 'm'),
    )

    const cycle = await json<{ units: { miners: Record<string, unknown>[] }[] }>('cycle', 'run')
    expect(cycle.units[0]?.miners[0]).toMatchObject({
      kind: 'hold',
      decision: 'start_mining',
      hold: { reason: 'override', until: started.held_until },
      executed: null,
    })

    const released = await cli('miners', 'release', 'garage s9')
    expect(released).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `Miner 'Garage S9' (ID: ${site.minerId}) released: the loop decides for it again from the next cycle.\n`,
    })
    const after = await json<{ units: { miners: Record<string, unknown>[] }[] }>('units', 'status')
    expect(after.units[0]?.miners[0]).toMatchObject({ override: null, hold: null })
    expect(await json('miners', 'release', 'garage s9')).toEqual({
      miner_id: site.minerId,
      cleared: false,
    })
    const again = await cli('miners', 'release', 'garage s9')
    expect(again.stdout).toContain('had no override holding it; nothing to release.')
    const next = await json<{ units: { miners: { hold: { reason: string } | null }[] }[] }>(
      'cycle',
      'run',
    )
    expect(next.units[0]?.miners[0]?.hold?.reason).not.toBe('override')
  })

  test('stop: the old line, then until when it is held (1 h by default)', async () => {
    const run = await cli('miners', 'stop', 'garage s9')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      new RegExp(
        `^Miner ${site.minerId} \\(Garage S9\\) stopped\\. \\(mining_control: off → off\\)\\nHeld off until ${LOCAL_TIME} Europe/Rome \\(1 h\\): the loop leaves it so until then or \`miners release\`\\.\\n$`,
      ),
    )
  })

  test.each(['0', '9d', 'soon', '1.5h', '604801'])(
    '--for %j: a usage error naming the flag and the value (exit 2); nothing done',
    async (value) => {
      const run = await cli('miners', 'start', 'garage s9', '--for', value)
      expect(run.code).toBe(2)
      expect(run.stderr).toBe(
        `error: --for: expected seconds (3600) or a duration such as 90s, 30m, 2h, 1d, from 1 second to 7 days, got "${value}"\n`,
      )
      expect(await json('decisions', 'list')).toEqual([])
    },
  )
})

describe('exit codes', () => {
  test.each([
    [['cycle', 'run', '--unit', 'nope'], 1, 'error: --unit: Optimization unit not found: nope'],
    [['units', 'status', 'nope'], 1, 'error: Optimization unit not found: nope'],
    [['miners', 'release', 'nope'], 1, 'error: Miner not found: nope'],
    [['decisions', 'list', '--miner', 'nope'], 1, 'error: --miner: Miner not found: nope'],
    [['decisions', 'list', '--limit', '0'], 2, 'error: --limit: expected a whole number'],
    [['decisions', 'list', '--limit', 'all'], 2, 'got "all"'],
    [['cycle', 'run', '--bogus'], 2, 'Unknown option --bogus'],
    [['cycle'], 2, 'Missing command'],
    [['decisions', 'tail'], 2, 'Unknown command "tail"'],
  ])('%j → exit %i', async (args, code, message) => {
    const run = await cli(...args)
    expect(run.code).toBe(code)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(message)
  })

  test('a cycle of one unit that is disabled still runs (asked for by name)', async () => {
    await json('units', 'disable', 'home')
    expect(await json('cycle', 'run')).toMatchObject({ units: [] })
    const run = await cli('cycle', 'run')
    expect(run.stdout).toContain('No enabled optimization unit: nothing to decide')
    expect(await json('cycle', 'run', '--unit', 'home', '--dry-run')).toMatchObject({
      units: [{ unit_name: 'Home', miners: [{ kind: 'act' }] }],
    })
  })
})
