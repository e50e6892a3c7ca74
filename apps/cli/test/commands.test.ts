import { afterEach, describe, expect, test } from 'vitest'
import { memorySite, SECRET, sent } from './fakes'
import type { Run } from './helpers'

/**
 * The commands in-process, on memory repositories and made-up adapters of every kind (each
 * with a secret field): what the CLI does with any adapter, independent of the shipped ones.
 */

afterEach(() => {
  sent.length = 0
})

async function json<T = Record<string, unknown>>(
  site: ReturnType<typeof memorySite>,
  ...args: string[]
): Promise<T> {
  const run = await site.run([...args, '--json'])
  expect(run.stderr, args.join(' ')).toBe('')
  expect(run.code, args.join(' ')).toBe(0)
  return JSON.parse(run.stdout) as T
}

interface Entity {
  id: string
  name: string
  config: Record<string, unknown>
}

describe('secrets of every kind are write-only', () => {
  test.each([
    ['trackers', 'fake_pool', 'api-key', 'api_key'],
    ['miner-controllers', 'fake_miner', 'password', 'password'],
    ['energy-monitors', 'fake_meter', 'token', 'token'],
    ['forecast-providers', 'dummy_solar', 'token', 'token'],
    ['notifiers', 'fake_chat', 'bot-token', 'bot_token'],
    ['external-services', 'fake_hub', 'token', 'token'],
  ])(
    '%s: *** in --json, never in show, list, update, errors or help',
    async (group, type, flag, key) => {
      const site = memorySite()
      const outputs: Run[] = []
      const run = async (...args: string[]) => {
        const result = await site.run(args)
        outputs.push(result)
        return result
      }
      const extra = group === 'external-services' ? ['--url', 'http://hub.local'] : []
      const added = await run(
        group,
        'add',
        '--type',
        type,
        '--name',
        'X',
        `--${flag}`,
        SECRET,
        ...extra,
        '--json',
      ).then((result) => JSON.parse(result.stdout) as Entity)
      expect(added.config[key]).toBe('***')
      await run(group, 'show', 'X')
      await run(group, 'show', 'X', '--json')
      await run(group, 'list')
      await run(group, 'list', '--json')
      await run(group, 'update', 'X', '--name', 'Y', '--json')
      // A value the schema rejects is reported without the value.
      const rejected = await run(group, 'update', 'Y', `--${flag}`, `${SECRET.slice(0, 5)}`)
      expect(rejected.code).toBe(1)
      expect(rejected.stderr).toContain(`--${flag}: `)
      await run(group, 'add', '--help')
      // Kept on update: the stored secret is still the one given.
      const stored = site.repositories.adapters
      const entity = Object.values(stored)
        .flatMap((repository) => repository.list())
        .find((candidate) => candidate.name === 'Y')
      expect(entity?.config[key]).toBe(SECRET)
      for (const output of outputs) {
        expect(output.stdout).not.toContain(SECRET)
        expect(output.stderr).not.toContain(SECRET)
        expect(output.stdout).not.toContain(SECRET.slice(0, 5))
      }
    },
  )
})

describe('deleting on a terminal asks first', () => {
  test('y deletes; anything else keeps it (exit 1); the question goes to stderr', async () => {
    const site = memorySite()
    const miner = await json<Entity>(site, 'miners', 'add', '--name', 'Garage S9')
    const kept = await site.run(['miners', 'remove', 'garage s9', '--json'], {
      tty: true,
      input: 'n\r',
    })
    expect(kept.code).toBe(1)
    expect(kept.stderr).toContain(`Delete miner 'Garage S9' (${miner.id})? (y/N)`)
    expect(kept.stderr).toContain('Not deleted.')
    expect(kept.stdout).toBe('')
    expect(site.repositories.miners.list()).toHaveLength(1)
    const removed = await site.run(['miners', 'remove', 'garage s9', '--json'], {
      tty: true,
      input: 'y\r',
    })
    expect(removed.code).toBe(0)
    expect(JSON.parse(removed.stdout)).toMatchObject({ id: miner.id })
    expect(site.repositories.miners.list()).toEqual([])
  })
})

describe('miner controllers and miners', () => {
  async function controlledMiner() {
    const site = memorySite()
    const controller = await json<Entity>(
      site,
      'miner-controllers',
      'add',
      '--type',
      'fake_miner',
      '--name',
      'Ctl',
      '--password',
      SECRET,
    )
    await json(site, 'miners', 'add', '--name', 'Rig', '--hash-rate-max', '100')
    await json(site, 'miners', 'set-controller', 'rig', 'ctl')
    return { site, controller }
  }

  test('test a saved controller, or an unsaved config given by flags; features', async () => {
    const { site } = await controlledMiner()
    expect(await json(site, 'miner-controllers', 'test', 'ctl')).toMatchObject({
      success: true,
      status: 'off',
      power: 5,
      supported_features: expect.arrayContaining(['mining_control']),
    })
    const unsaved = await json(
      site,
      'miner-controllers',
      'test',
      '--type',
      'fake_miner',
      '--password',
      SECRET,
      '--host',
      'other.local',
    )
    expect(unsaved).toMatchObject({ success: true, status: 'off' })
    const missing = await site.run(['miner-controllers', 'test', '--type', 'fake_miner'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('fake_miner miner controllers need --password')
    expect(await json(site, 'miner-controllers', 'features', 'ctl')).toEqual([
      'status_monitoring',
      'hashrate_monitoring',
      'power_monitoring',
      'mining_control',
    ])
  })

  test('start, status, stop; deactivated it refuses; a feature disabled, reprioritised', async () => {
    const { site, controller } = await controlledMiner()
    expect(await json(site, 'miners', 'start', 'rig')).toMatchObject({
      action: 'start',
      control: 'mining_control',
      status_before: 'off',
      status_after: 'on',
    })
    expect(await json(site, 'miners', 'status', 'rig')).toMatchObject({
      status: 'on',
      hash_rate: { value: 13.5, unit: 'TH/s' },
      power_consumption: 1350,
    })
    const stopped = await site.run(['miners', 'stop', 'rig'])
    expect(stopped.stdout).toMatch(/Rig\) stopped\. \(mining_control: on → off\)/)
    await json(site, 'miners', 'deactivate', 'rig')
    const inactive = await site.run(['miners', 'start', 'rig'])
    expect(inactive.code).toBe(1)
    expect(inactive.stderr).toMatch(
      /^error: Miner 'Rig' \(.*\) is not active; activate it first\n$/,
    )

    const disabled = await json<{
      features: { feature_type: string; enabled: boolean; priority: number }[]
    }>(site, 'miners', 'feature', 'rig', 'ctl', 'mining_control', '--disable', '--priority', '80')
    expect(disabled.features.find((f) => f.feature_type === 'mining_control')).toMatchObject({
      enabled: false,
      priority: 80,
    })
    const bad = await site.run([
      'miners',
      'feature',
      'rig',
      'ctl',
      'mining_control',
      '--priority',
      '200',
    ])
    expect(bad).toMatchObject({
      code: 1,
      stderr: 'error: --priority: expected a priority from 1 to 100, got 200\n',
    })
    const unknown = await site.run(['miners', 'feature', 'rig', 'ctl', 'flying', '--enable'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('feature_type: expected one of')
    const none = await site.run(['miners', 'feature', 'rig', 'ctl', 'mining_control'])
    expect(none.code).toBe(2)

    const features = await site.run(['miners', 'features', 'rig'])
    expect(features.stdout).toMatch(
      new RegExp(`mining_control\\s+Ctl \\(${controller.id}\\)\\s+80\\s+no`),
    )
    const unlinked = await json<{ features: unknown[] }>(
      site,
      'miners',
      'unlink-controller',
      'rig',
      'ctl',
    )
    expect(unlinked.features).toEqual([])
  })

  test('update keeps what it does not name; a controller in use is refused, --force detaches', async () => {
    const { site } = await controlledMiner()
    expect(await json(site, 'miners', 'update', 'rig', '--model', 'S21')).toMatchObject({
      model: 'S21',
      hash_rate_max: { value: 100, unit: 'TH/s' },
    })
    const refused = await site.run(['miner-controllers', 'remove', 'ctl', '--yes'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("miner 'Rig'")
    await json(site, 'miner-controllers', 'remove', 'ctl', '--yes', '--force')
    expect(await json(site, 'miners', 'show', 'rig')).toMatchObject({
      controller_ids: [],
      features: [],
    })
    const nothing = await site.run(['miners', 'update', 'rig'])
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toContain('Nothing to update')
  })
})

describe('notifiers and external services', () => {
  test('a test notification is sent through the adapter', async () => {
    const site = memorySite()
    await json(
      site,
      'notifiers',
      'add',
      '--type',
      'fake_chat',
      '--name',
      'Chat',
      '--bot-token',
      SECRET,
    )
    expect(await json(site, 'notifiers', 'test', 'chat')).toEqual({
      status: 'success',
      message: 'Test notification sent successfully',
    })
    expect(sent.map((notification) => notification.title)).toEqual(['Test Notification'])
  })

  test('status exits 4 when unauthorized (the report still on stdout); linked lists its users', async () => {
    const site = memorySite()
    const hub = await json<Entity>(
      site,
      'external-services',
      'add',
      '--type',
      'fake_hub',
      '--name',
      'Hub',
      '--url',
      'http://hub.local',
      '--token',
      SECRET,
    )
    const refused = await site.run([
      'energy-monitors',
      'add',
      '--type',
      'hub_meter',
      '--token',
      SECRET,
    ])
    expect(refused).toMatchObject({
      code: 1,
      stderr: 'error: --external-service: hub_meter needs an external service of type fake_hub\n',
    })
    const meter = await json<Entity & { external_service_id: string }>(
      site,
      'energy-monitors',
      'add',
      '--type',
      'hub_meter',
      '--name',
      'Meter',
      '--token',
      SECRET,
      '--external-service',
      'hub',
    )
    expect(meter.external_service_id).toBe(hub.id)
    const status = await site.run(['external-services', 'status', 'hub', '--json'])
    expect(status.code).toBe(4)
    expect(JSON.parse(status.stdout)).toMatchObject({ name: 'Hub', status: 'unauthorized' })
    expect(status.stderr).toBe('error: Hub is unauthorized: the hub refused the token\n')
    expect(await json(site, 'external-services', 'linked', 'hub')).toMatchObject({
      energy_monitors: [{ id: meter.id, config: { token: '***' } }],
      notifiers: [],
    })
  })
})

describe('types and schemas, from the adapters', () => {
  test('types lists the names; schema gives the JSON Schema (secrets writeOnly) or the flags', async () => {
    const site = memorySite()
    expect(await json(site, 'energy-monitors', 'types')).toEqual(['fake_meter', 'hub_meter'])
    expect(await json(site, 'notifiers', 'schema', 'fake_chat')).toMatchObject({
      type: 'object',
      properties: { bot_token: { type: 'string', writeOnly: true, format: 'password' } },
      required: ['bot_token'],
    })
    const flags = await site.run(['miner-controllers', 'schema', 'fake_miner'])
    expect(flags.stdout).toMatch(/--password\s+string\s+yes\s+yes\s+Device password/)
    expect(flags.stdout).toMatch(/--host\s+string\s+miner\.local\s+Host/)
    const unknown = await site.run(['notifiers', 'schema', 'pigeon'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('Unknown notifier type "pigeon": expected one of fake_chat')
  })
})

describe('policies: rules are edited as files', () => {
  test('create, export, edit, import as a copy; check names what keeps it from running', async () => {
    const site = memorySite()
    const created = await json<Entity & { start_rules: unknown[] }>(
      site,
      'policies',
      'create',
      '--name',
      'Night',
      '--description',
      'Off at night',
    )
    expect(created).toMatchObject({
      name: 'Night',
      description: 'Off at night',
      start_rules: [],
      valid: true,
    })
    const empty = await site.run(['policies', 'check', 'night'])
    expect(empty.code).toBe(1)
    expect(empty.stdout).toContain(`${created.id}.yaml: error: The policy has no start rule`)
    expect(empty.stderr).toBe('Night: 2 errors, 0 warnings\n')
    expect(await site.run(['policies', 'check', 'night', '--json'])).toMatchObject({ code: 1 })

    const exported = await site.run(['policies', 'export', 'night'])
    expect(exported.stdout).toContain('name: Night')
    const edited = exported.stdout
      .replace(
        'start_rules: []',
        'start_rules:\n  - name: Sunny\n    conditions: {field: energy_state.production, operator: gt, value: 3000}',
      )
      .replace(
        'stop_rules: []',
        'stop_rules:\n  - name: Dark\n    conditions: {field: energy_state.production, operator: lt, value: 100}',
      )
    const file = site.write('night.yaml', edited)
    const copy = await json<Entity & { start_rules: { name: string }[] }>(
      site,
      'policies',
      'import',
      file,
      '--new-id',
    )
    expect(copy.id).not.toBe(created.id)
    expect(copy.start_rules.map((rule) => rule.name)).toEqual(['Sunny'])
    expect(await json(site, 'policies', 'check', copy.id)).toMatchObject({
      valid: true,
      start_rules_count: 1,
      stop_rules_count: 1,
    })
    expect(await json(site, 'policies', 'rules', copy.id, '--type', 'stop')).toMatchObject([
      { name: 'Dark', enabled: true },
    ])
    const bad = await site.run(['policies', 'rules', copy.id, '--type', 'both'])
    expect(bad.code).toBe(2)
  })

  test('an import with errors: each as file:line:col: error: message on stderr, exit 1, nothing stored', async () => {
    const site = memorySite()
    const file = site.write(
      'bad.yaml',
      'name: Bad\nstart_rules:\n  - name: Typo\n    conditions: {field: energy_state.production, operator: gtt, value: 3}\nstop_rules: []\n',
    )
    const run = await site.run(['policies', 'import', file])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      new RegExp(
        `^${file}:4:\\d+: error: start_rules\\[0\\]\\.conditions\\.operator: unknown operator "gtt"`,
      ),
    )
    expect(run.stderr).toContain('the policy has errors')
    expect(await json(site, 'policies', 'list')).toEqual([])
  })
})

describe('the menu', () => {
  test('on a terminal, a secret asked by the wizard is not echoed and is stored as typed', async () => {
    const site = memorySite()
    const typed = ['4', '1', 'Chat', '0', SECRET, 'b', 'q']
    const run = await site.run(['menu'], { tty: true, typed })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Name of the notifier: Chat')
    expect(run.stdout).toContain('Bot token (bot_token) *: ')
    expect(run.stdout).toMatch(/Notifier 'Chat' \(ID: [0-9a-f-]{36}\) successfully added\./)
    expect(run.stdout).not.toContain(SECRET)
    expect(site.repositories.adapters.notifier.list()).toMatchObject([
      { name: 'Chat', config: { bot_token: SECRET } },
    ])
  })

  test('a unit: references listed by number, then enabled and its context shown from its menu', async () => {
    const site = memorySite()
    await json(
      site,
      'energy-monitors',
      'add',
      '--type',
      'fake_meter',
      '--name',
      'Meter',
      '--token',
      SECRET,
    )
    await json(site, 'energy-sources', 'add', '--name', 'Roof', '--energy-monitor', 'meter')
    await json(
      site,
      'miner-controllers',
      'add',
      '--type',
      'fake_miner',
      '--name',
      'Ctl',
      '--password',
      SECRET,
    )
    await json(site, 'miners', 'add', '--name', 'Rig')
    await json(site, 'miners', 'set-controller', 'rig', 'ctl')
    await json(
      site,
      'policies',
      'import',
      '../../data/examples/policies/550e8400-e29b-41d4-a716-446655440000.yaml',
    )
    const lines = [
      '5', // Optimization Units
      '1', // Add Unit
      'Home',
      '', // description
      '1', // energy source: Roof
      '7', // policy: not listed → asked again
      '1', // policy
      '1', // miners: Rig
      '', // tracker: none
      '', // notifiers: none
      '', // minimum on: the default
      '60', // minimum off
      '3', // Manage Unit
      '1', // Home
      '3', // Enable
      '4', // Decisional context
      'b',
      'b',
      'q',
    ]
    const run = await site.run(['menu'], { input: `${lines.join('\n')}\n` })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('--- OPTIMIZATION UNIT MENU ---')
    expect(run.stdout).toMatch(
      / {2}1\. Roof \([0-9a-f-]{36}\)\nEnergy source \(number; none for none\): /,
    )
    expect(run.stdout).toContain('Invalid index. Try again.')
    expect(run.stdout).toContain('Minimum time on before stopping (s) [300]: ')
    expect(run.stdout).toMatch(
      /Optimization unit 'Home' \(ID: [0-9a-f-]{36}\) successfully enabled\./,
    )
    expect(run.stdout).toMatch(
      /--- Decisional context: Home ---\nEnergy source\s+Roof \(solar\)\nProduction\s+3,500 W/,
    )
    expect(run.stdout).toMatch(/^Grid\s+exporting 2,000 W$/m)
    expect(run.stdout).toMatch(/^Miner\s+Rig: off, —, 5 W$/m)
    expect(site.repositories.units.list()).toMatchObject([
      {
        name: 'Home',
        is_enabled: true,
        performance_tracker_id: null,
        notifier_ids: [],
        min_on_seconds: 300,
        min_off_seconds: 60,
      },
    ])
  })
})

test('the menu deletes something still in use only after saying who uses it and asking again', async () => {
  const site = memorySite()
  await json(site, 'miners', 'add', '--name', 'Rig')
  const unit = await json<Entity>(site, 'units', 'add', '--name', 'Home', '--miner', 'rig')
  const menu = (...lines: string[]) => site.run(['menu'], { input: `${lines.join('\n')}\n` })
  const kept = await menu('2', '1', '3', '1', '2', 'y', 'n', 'b', 'b', 'b', 'q')
  expect(kept.stdout).toContain(
    `Miner 'Rig' is still used by optimization unit 'Home' (${unit.id}, target_miner_ids).\nDetach it from them and delete it anyway? (y/n) [n]: `,
  )
  expect(kept.stdout).toContain('Deletion cancelled.')
  expect(site.repositories.miners.list()).toHaveLength(1)
  const removed = await menu('2', '1', '3', '1', '2', 'y', 'y', 'b', 'b', 'q')
  expect(removed.stdout).toMatch(/Miner 'Rig' \(ID: [0-9a-f-]{36}\) successfully removed\./)
  expect(site.repositories.miners.list()).toEqual([])
  expect(site.repositories.units.list()).toMatchObject([{ target_miner_ids: [] }])
})
