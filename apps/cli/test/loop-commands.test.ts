import { type AdapterDefinition, DeviceError, type NewDecisionRecord } from '@edge-mining/domain'
import * as v from 'valibot'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { formatLocalTime } from '../src/loop-views'
import { FAKE_ADAPTERS, memorySite, SECRET, sent } from './fakes'

/**
 * The loop commands in-process, on memory repositories and made-up adapters: a meter reading
 * 3 500 W of solar and an 80 % battery, so the example policy's "Priority Solar Mining" starts
 * the miner; each run a fresh loop over the shared state, as each process composes its own.
 */

afterEach(() => {
  sent.length = 0
})

const POLICY = '../../data/examples/policies/550e8400-e29b-41d4-a716-446655440000.yaml'
const LOCAL_TIME = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}`

/** A controller whose commands never work (its status reads). */
const stuck: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: 'stuck_miner',
  label: 'Stuck miner',
  configSchema: v.object({}),
  secretFields: [],
  features: ['status_monitoring', 'mining_control'],
  create: () => ({
    getStatus: async () => 'off',
    startMining: async () => {
      throw new DeviceError('unreachable', 'the miner does not answer')
    },
    stopMining: async () => {},
  }),
}

async function solarSite(controllerType = 'fake_miner') {
  const site = memorySite([...FAKE_ADAPTERS, stuck])
  const ok = async (...args: string[]) => {
    const run = await site.run([...args, '--json'])
    expect(run.stderr, args.join(' ')).toBe('')
    expect(run.code, args.join(' ')).toBe(0)
    return JSON.parse(run.stdout) as { id: string }
  }
  const secret = controllerType === 'fake_miner' ? ['--password', SECRET] : []
  await ok('miner-controllers', 'add', '--type', controllerType, '--name', 'Ctl', ...secret)
  const miner = await ok('miners', 'add', '--name', 'Rig')
  await ok('miners', 'set-controller', 'rig', 'ctl')
  await ok('energy-monitors', 'add', '--type', 'fake_meter', '--name', 'Meter', '--token', SECRET)
  await ok('energy-sources', 'add', '--name', 'Roof', '--energy-monitor', 'meter')
  await ok('policies', 'import', POLICY)
  await ok('notifiers', 'add', '--type', 'fake_chat', '--name', 'Chat', '--bot-token', SECRET)
  const unit = await ok(
    'units',
    'add',
    '--name',
    'Home',
    '--policy',
    '550e8400',
    '--energy-source',
    'roof',
    '--miner',
    'rig',
    '--notifier',
    'chat',
  )
  await ok('units', 'enable', 'home')
  return { site, minerId: miner.id, unitId: unit.id }
}

const START_REASON =
  "Start: start rule 'Priority Solar Mining' fired (energy_state.production = 3500 W > 3000; energy_state.battery.state_of_charge = 80 % > 40)"

describe('cycle run, units status, decisions list', () => {
  test('a cycle starts the miner, tells the notifier, and is read back by the next runs', async () => {
    const { site, unitId } = await solarSite()
    const run = await site.run(['cycle', 'run'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(new RegExp(`^Home \\(${unitId}\\)  ${LOCAL_TIME}$`))
    expect(lines.slice(1, 4)).toEqual([
      expect.stringMatching(/^ {2}Miner +Status +Decision +Action +Reason$/),
      expect.stringMatching(/^ {2}-+ +-+ +-+ +-+ +-+$/),
      expect.stringMatching(
        new RegExp(
          `^ {2}Rig +off +start_mining +▶ start → on +${START_REASON.replace(/[().]/g, '\\$&')}$`,
        ),
      ),
    ])
    // The notification went out before the run ended (the runtime drains them on close).
    expect(sent.map((notification) => notification.title)).toContain('Miner Started: Rig')

    const status = await site.run(['units', 'status'])
    expect(status.stdout).toMatch(
      new RegExp(
        `^ {2}Rig +on +start_mining +${LOCAL_TIME} +Start: start rule 'Priority Solar Mining'.* +—$`,
        'm',
      ),
    )
    const log = await site.run(['decisions', 'list'])
    expect(log.stdout).toMatch(
      new RegExp(`^${LOCAL_TIME} +Home +Rig +action +executed +Start: start rule`, 'm'),
    )

    // The next cycle: the miner is on, so its stop rules are tried; none fires.
    const next = await site.run(['cycle', 'run', '--explain'])
    expect(next.stdout).toMatch(
      /^ {2}Rig +on +maintain_state +· hold +Maintain: no stop rule fired \(miner on\)$/m,
    )
    expect(next.stdout).toContain(
      '\n  Rig:\n    maintain_state: no rule fired\n    miner status on: stop rules tried by priority',
    )
    expect(next.stdout).toContain('[not matched] stop rule "Critical Battery Protection"')
  })

  test('an action that fails: the report says so and the exit code is 1', async () => {
    const { site } = await solarSite('stuck_miner')
    const run = await site.run(['cycle', 'run'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(
      /^ {2}Rig +off +start_mining +▶ start FAILED +Start: .* — failed: the miner does not answer$/m,
    )
    expect(run.stdout).toMatch(/\n\n1 action failed\.\n$/)
    const json = await site.run(['cycle', 'run', '--json'])
    expect(json.code).toBe(1)
    expect(json.stderr).toBe('error: 1 action failed\n')
    expect(JSON.parse(json.stdout)).toMatchObject({
      units: [{ miners: [{ kind: 'act', executed: { success: false } }] }],
    })
    const log = await site.run(['decisions', 'list', '--json'])
    expect(JSON.parse(log.stdout)).toContainEqual(
      expect.objectContaining({ kind: 'action', outcome: 'failed', miner_name: 'Rig' }),
    )
  })
})

describe('decisions list --follow', () => {
  test("one line per entry in the settings' time zone; what another process appends shows up; Ctrl-C exits 0", async () => {
    const { site, unitId, minerId } = await solarSite()
    expect((await site.run(['settings', 'set', '--timezone', 'Asia/Kolkata'])).code).toBe(0)
    expect((await site.run(['cycle', 'run'])).code).toBe(0)
    const pending = new Set<() => void>()
    let interrupt: (() => void) | undefined
    let out = ''
    const following = site.run(['decisions', 'list', '--follow'], {
      onStdout: (text) => {
        out = text
      },
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
    const [first] = site.loopRepositories.decisions.query({})
    expect(out).toBe(
      `${formatLocalTime(first?.at, 'Asia/Kolkata')}  Home  Rig  action  executed  ${START_REASON}\n`,
    )

    const entry: NewDecisionRecord = {
      at: new Date().toISOString(),
      kind: 'hold',
      unit_id: unitId,
      unit_name: 'Home',
      miner_id: minerId,
      miner_name: 'Rig',
      policy_id: null,
      policy_name: null,
      rule_id: null,
      rule_name: null,
      rule_type: null,
      decision: 'stop_mining',
      action: 'none',
      outcome: 'held',
      status_before: 'on',
      status_after: 'on',
      reason: 'Held: written by\nanother process',
      trace: null,
      details: null,
    }
    const appended = site.loopRepositories.decisions.append(entry)
    const [tick] = pending
    pending.clear()
    tick?.()
    await vi.waitFor(() => expect(out.split('\n')).toHaveLength(3))
    expect(out.split('\n')[1]).toBe(
      `${formatLocalTime(appended.at, 'Asia/Kolkata')}  Home  Rig  hold  held  Held: written by another process`,
    )
    await vi.waitFor(() => expect(pending.size).toBe(1))
    interrupt?.()
    const run = await following
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('Following the decision log (times in Asia/Kolkata); Ctrl-C to stop.\n')
    expect(pending.size).toBe(0)
  })
})

describe('the menu', () => {
  test("a unit's manage menu runs a cycle (dry or not) and shows its status; the main menu shows the log", async () => {
    const { site } = await solarSite()
    const lines = [
      '5', // Optimization Units
      '3', // Manage Unit
      '1', // Home
      '5', // Run a cycle now (dry run)
      '6', // Run a cycle now
      '7', // Status
      'b',
      'b',
      '9', // Decision log
      'q',
    ]
    const run = await site.run(['menu'], { input: `${lines.join('\n')}\n` })
    expect(run.code).toBe(0)
    const out = run.stdout
    expect(out).toContain('5. Run a cycle now (dry run)\n6. Run a cycle now\n7. Status\n')
    expect(out).toContain('9. Decision log\n')
    const dry = out.indexOf('--- Run a cycle now (dry run): Home ---')
    const real = out.indexOf('--- Run a cycle now: Home ---')
    const status = out.indexOf('--- Status: Home ---')
    const log = out.indexOf('--- Decision log (last 20) ---')
    expect(dry).toBeGreaterThan(0)
    expect(real).toBeGreaterThan(dry)
    expect(status).toBeGreaterThan(real)
    expect(log).toBeGreaterThan(status)
    expect(out.slice(dry, real)).toMatch(/Rig +off +start_mining +▶ start +Start: /)
    expect(out.slice(dry, real)).toContain('Dry run: this is what a cycle would do now.')
    expect(out.slice(real, status)).toMatch(/Rig +off +start_mining +▶ start → on +Start: /)
    expect(out.slice(status, log)).toMatch(/Rig +on +start_mining +\d{4}-/)
    expect(out.slice(log)).toMatch(/Time \(Europe\/Rome\) +Unit +Miner +Kind +Outcome +Reason/)
    expect(out.slice(log)).toMatch(/Home +Rig +action +executed +Start: /)
  })
})
