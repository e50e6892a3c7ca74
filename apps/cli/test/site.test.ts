import fs from 'node:fs'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { type Run, runBin, temporaryFolder } from './helpers'

const POLICY = fileURLToPath(
  new URL(
    '../../../data/examples/policies/550e8400-e29b-41d4-a716-446655440000.yaml',
    import.meta.url,
  ),
)

let folder: ReturnType<typeof temporaryFolder>
let env: Record<string, string>

beforeEach(() => {
  folder = temporaryFolder()
  env = { DB_PATH: folder.dbPath, POLICIES_DIR: nodePath.join(folder.dir, 'policies') }
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Entity {
  id: string
  name: string
}

describe('a whole site through the CLI, found again by the next process', () => {
  test('controller, miner, monitor, forecast, source, policy, tracker, notifier, unit; enabled; its context', async () => {
    const controller = await json<Entity>(
      'miner-controllers',
      'add',
      '--type',
      'dummy',
      '--name',
      'S9 sim',
    )
    const miner = await json<Entity>(
      'miners',
      'add',
      '--name',
      'Garage S9',
      '--model',
      'Antminer S9',
      '--hash-rate-max',
      '13.5',
      '--power-consumption-max',
      '1350',
      '--pool-worker-name',
      'garage',
    )
    expect(miner).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Garage S9',
      model: 'Antminer S9',
      hash_rate_max: { value: 13.5, unit: 'TH/s' },
      power_consumption_max: 1350,
      active: true,
      features: [],
      controller_ids: [],
      pool_worker_name: 'garage',
    })
    const linked = await json<{
      controller_ids: string[]
      features: { controller_id: string; priority: number; enabled: boolean }[]
    }>('miners', 'set-controller', 'garage s9', 'S9 sim')
    expect(linked.controller_ids).toEqual([controller.id])
    expect(linked.features.length).toBeGreaterThan(0)
    for (const feature of linked.features) {
      expect(feature).toMatchObject({ controller_id: controller.id, priority: 50, enabled: true })
    }

    const monitor = await json<Entity>(
      'energy-monitors',
      'add',
      '--type',
      'dummy_solar',
      '--name',
      'Roof meter',
    )
    const forecast = await json<Entity>(
      'forecast-providers',
      'add',
      '--type',
      'dummy_solar',
      '--name',
      'Roof forecast',
    )
    const source = await json<Entity>(
      'energy-sources',
      'add',
      '--name',
      'Roof',
      '--type',
      'solar',
      '--nominal-power-max',
      '6000',
      '--storage-capacity',
      '10000',
      '--energy-monitor',
      'roof meter',
      '--forecast-provider',
      forecast.id.slice(0, 8),
    )
    expect(source).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Roof',
      type: 'solar',
      nominal_power_max: 6000,
      storage: { nominal_capacity: 10000 },
      grid: null,
      external_source: null,
      energy_monitor_id: monitor.id,
      forecast_provider_id: forecast.id,
    })

    const policy = await json<Entity & { valid: boolean; start_rules: unknown[] }>(
      'policies',
      'import',
      POLICY,
    )
    expect(policy).toMatchObject({ id: '550e8400-e29b-41d4-a716-446655440000', valid: true })
    expect(policy.start_rules.length).toBeGreaterThan(0)
    expect(fs.existsSync(nodePath.join(env.POLICIES_DIR ?? '', `${policy.id}.yaml`))).toBe(true)

    const tracker = await json<Entity>('trackers', 'add', '--type', 'dummy', '--name', 'Pool')
    const notifier = await json<Entity>('notifiers', 'add', '--type', 'dummy', '--name', 'Log')
    const unit = await json<Entity>(
      'units',
      'add',
      '--name',
      'Home',
      '--description',
      'The garage miner on the roof',
      '--policy',
      'Advanced Solar Mining Policy',
      '--energy-source',
      'roof',
      '--miner',
      'garage s9',
      '--tracker',
      'pool',
      '--notifier',
      'log',
      '--min-on-seconds',
      '600',
    )
    expect(unit).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Home',
      description: 'The garage miner on the roof',
      is_enabled: false,
      policy_id: policy.id,
      target_miner_ids: [miner.id],
      energy_source_id: source.id,
      performance_tracker_id: tracker.id,
      home_loads_profile_id: null,
      notifier_ids: [notifier.id],
      climate_zone_ids: [],
      min_on_seconds: 600,
      min_off_seconds: 300,
    })
    const enabled = await json('units', 'enable', 'home')
    expect(enabled).toEqual({ ...unit, is_enabled: true })

    const context = await json<Record<string, unknown>>('units', 'context', 'home')
    expect(context.energy_state).toMatchObject({
      production: expect.any(Number),
      battery: { state_of_charge: expect.any(Number) },
    })
    expect(context.energy_source).toMatchObject({ id: source.id, storage_capacity: 10000 })
    expect(context.miner).toMatchObject({ id: miner.id, name: 'Garage S9' })
    expect(context.miner_state).toMatchObject({ status: expect.any(String) })
    expect(context.mining_performance).toMatchObject({ current_hashrate: { unit: 'TH/s' } })
    expect(context.timestamp).toMatchObject({ time_zone: 'Europe/Rome' })
    expect(Array.isArray(context.errors)).toBe(true)

    // Each run is its own process: the next one finds everything in the database and folder.
    expect(await json('units', 'show', 'Home')).toEqual(enabled)
    expect(await json('miners', 'list')).toEqual([linked])
    expect(await json('energy-sources', 'show', 'Roof')).toEqual(source)
    const ids = async (...args: string[]) => (await json<Entity[]>(...args)).map((e) => e.id)
    expect(await ids('policies', 'list')).toEqual([policy.id])
    expect(await ids('miner-controllers', 'list')).toEqual([controller.id])
    expect(await ids('energy-monitors', 'list')).toEqual([monitor.id])
    expect(await ids('forecast-providers', 'list')).toEqual([forecast.id])
    expect(await ids('trackers', 'list')).toEqual([tracker.id])
    expect(await ids('notifiers', 'list')).toEqual([notifier.id])

    const human = await cli('units', 'context', 'home')
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^Energy source\s+Roof \(solar\)$/m)
    expect(human.stdout).toMatch(/^Miner\s+Garage S9: /m)
  })
})

describe('deleting', () => {
  async function minerInUnit(): Promise<{ miner: Entity; unit: Entity }> {
    const miner = await json<Entity>('miners', 'add', '--name', 'Garage S9')
    const unit = await json<Entity>('units', 'add', '--name', 'Home', '--miner', 'Garage S9')
    return { miner, unit }
  }

  test('on a pipe without --yes: refused as a usage error telling to pass --yes, nothing deleted', async () => {
    const { miner } = await minerInUnit()
    const run = await cli('miners', 'remove', 'Garage S9')
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      `error: Refusing to delete miner 'Garage S9' (${miner.id}) without confirmation: stdin is not a terminal; pass --yes\n`,
    )
    expect(await json<Entity[]>('miners', 'list')).toHaveLength(1)
  })

  test('a miner a unit lists: refused naming the unit (exit 1); --force detaches it', async () => {
    const { miner, unit } = await minerInUnit()
    const refused = await cli('miners', 'remove', 'Garage S9', '--yes')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`optimization unit 'Home' (${unit.id}`)
    expect(refused.stderr).toContain('--force')
    expect(refused.stderr).not.toMatch(/\n\s+at /)

    const removed = await json<Entity>('miners', 'remove', 'Garage S9', '--yes', '--force')
    expect(removed.id).toBe(miner.id)
    expect(await json('units', 'show', 'Home')).toMatchObject({ target_miner_ids: [] })
    expect(await json('miners', 'list')).toEqual([])
  })

  test('human confirmation of what was deleted; a unit needs no --force', async () => {
    await minerInUnit()
    const run = await cli('units', 'remove', 'home', '--yes')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^Optimization unit 'Home' \(ID: [0-9a-f-]{36}\) successfully removed\.\n$/,
    )
  })
})

describe('bad values name the flag and the value (exit 1, nothing on stdout)', () => {
  test.each([
    [
      ['miners', 'add', '--hash-rate-max', 'fast'],
      '--hash-rate-max: expected a number of TH/s, got "fast"',
    ],
    [
      ['miners', 'add', '--power-consumption-max', '-5'],
      '--power-consumption-max: expected 0 or more watts, got -5',
    ],
    [
      ['energy-sources', 'add', '--type', 'nuclear'],
      '--type: expected one of solar, wind, grid, hydroelectric, other, got "nuclear"',
    ],
    [
      ['energy-sources', 'add', '--storage-capacity', '0'],
      '--storage-capacity: expected a capacity above 0 Wh, got 0',
    ],
    [
      ['energy-sources', 'add', '--energy-monitor', 'nope'],
      '--energy-monitor: Energy monitor not found: nope',
    ],
    [
      ['units', 'add', '--min-on-seconds', '1.5'],
      '--min-on-seconds: expected a whole number of seconds, got "1.5"',
    ],
    [
      ['units', 'add', '--min-off-seconds', '100000'],
      '--min-off-seconds: expected at most 86400 seconds (one day), got 100000',
    ],
    [['units', 'add', '--policy', 'nope'], '--policy: Policy not found: nope'],
    [
      ['settings', 'set', '--timezone', 'Mars/Base'],
      '--timezone: expected an IANA time zone such as "Europe/Rome", got "Mars/Base"',
    ],
    [
      ['settings', 'set', '--scheduler-interval-seconds', '0'],
      '--scheduler-interval-seconds: expected at least 1 second, got 0',
    ],
    [
      ['miner-controllers', 'add', '--type', 'dummy', '--fail-rate', '2'],
      '--fail-rate: Invalid value: Expected <=1 but received 2',
    ],
  ])('%j', async (args, message) => {
    const run = await cli(...args)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(`error: ${message}\n`)
  })

  test('an unknown entity is named; a unit that cannot run says what it lacks', async () => {
    const missing = await cli('units', 'show', 'nope')
    expect(missing).toMatchObject({ code: 1, stderr: 'error: Optimization unit not found: nope\n' })
    await json('units', 'add', '--name', 'Empty')
    const enable = await cli('units', 'enable', 'empty')
    expect(enable.code).toBe(1)
    expect(enable.stderr).toContain("Unit 'Empty' has no policy")
  })
})

describe('settings', () => {
  test('show, set some (the rest kept), a bad time zone leaves them unchanged', async () => {
    const defaults = await json('settings', 'show')
    expect(defaults).toEqual({
      timezone: 'Europe/Rome',
      latitude: 41.9028,
      longitude: 12.4964,
      scheduler_interval_seconds: 5,
    })
    const changed = await json('settings', 'set', '--timezone', 'UTC', '--latitude', '45.5')
    expect(changed).toEqual({ ...defaults, timezone: 'UTC', latitude: 45.5 })
    const refused: Run = await cli('settings', 'set', '--timezone', 'Mars/Base')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('--timezone')
    expect(refused.stderr).toContain('Mars/Base')
    expect(await json('settings', 'show')).toEqual(changed)
  })
})
