import nodePath from 'node:path'
import {
  ADAPTER_KINDS,
  type AdapterEntity,
  ConfigurationError,
  ConflictError,
  type EnergySource,
  EntityNotFoundError,
  InvalidValueError,
  type MinerEntity,
  type OptimizationUnit,
} from '@edge-mining/domain'
import { describe, expect, test } from 'vitest'
import {
  createConfigurationRepositories,
  createEnergySourceRepository,
  createMinerRepository,
  createOptimizationUnitRepository,
  createSettingsRepository,
  runTransaction,
  type StorageConnection,
  StorageError,
  type UnreadableRow,
} from './index'
import { errorOf, useTempFolder } from './test-helpers'

const MINER_ID = '5a1e0c3d-2b4f-4a6e-8c9d-0e1f2a3b4c5d'
const CONTROLLER_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
const CONTROLLER_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
const SOURCE_ID = '1d2c3b4a-5e6f-4a7b-8c9d-0a1b2c3d4e5f'
const UNIT_ID = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b'
const T1 = '2026-08-20T10:00:00.000Z'
const T2 = '2026-08-20T12:00:00.000Z'

const miner: MinerEntity = {
  id: MINER_ID,
  name: 'S19 garage',
  model: 'Antminer S19',
  hash_rate_max: { value: 95, unit: 'TH/s' },
  power_consumption_max: 3250,
  active: true,
  features: [
    { feature_type: 'mining_control', controller_id: CONTROLLER_A, priority: 80, enabled: true },
    { feature_type: 'power_control', controller_id: CONTROLLER_B, priority: 50, enabled: true },
    {
      feature_type: 'hashrate_monitoring',
      controller_id: CONTROLLER_A,
      priority: 50,
      enabled: false,
    },
  ],
  controller_ids: [CONTROLLER_A, CONTROLLER_B],
  pool_worker_name: 'garage',
}

const source: EnergySource = {
  id: SOURCE_ID,
  name: 'Roof PV',
  type: 'solar',
  nominal_power_max: 6000,
  storage: { nominal_capacity: 10_000 },
  grid: null,
  external_source: null,
  energy_monitor_id: CONTROLLER_A,
  forecast_provider_id: null,
}

const unit: OptimizationUnit = {
  id: UNIT_ID,
  name: 'Garage',
  description: null,
  is_enabled: true,
  policy_id: '0f0e0d0c-0b0a-4909-8807-060504030201',
  target_miner_ids: [MINER_ID],
  energy_source_id: SOURCE_ID,
  performance_tracker_id: null,
  home_loads_profile_id: null,
  notifier_ids: [CONTROLLER_A, CONTROLLER_B],
  climate_zone_ids: [],
  min_on_seconds: 300,
  min_off_seconds: 120,
}

const tracker: AdapterEntity = {
  id: CONTROLLER_A,
  name: 'Ocean',
  adapter_type: 'ocean',
  config: {},
  external_service_id: null,
  created_at: T1,
  updated_at: T1,
}

const db = useTempFolder('configuration')

/** A clock that answers the given instants in turn. */
function clock(...instants: string[]): () => Date {
  const queue = [...instants]
  return () => new Date(queue.shift() ?? 'exhausted')
}

function rowOf(connection: StorageConnection, table: string, id: string) {
  return connection.sqlite.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id)
}

describe('miner repository', () => {
  test('round trip; controller_ids is derived from features, not stored', () => {
    const connection = db.open()
    const miners = createMinerRepository(connection, { now: clock(T1, T2) })
    expect(miners.add({ ...miner, controller_ids: [] })).toEqual(miner)
    expect(miners.get(MINER_ID)).toEqual(miner)
    expect(rowOf(connection, 'miners', MINER_ID)).toEqual({
      id: MINER_ID,
      name: 'S19 garage',
      model: 'Antminer S19',
      hash_rate_max: '{"value":95,"unit":"TH/s"}',
      power_consumption_max: 3250,
      active: 1,
      features: JSON.stringify(miner.features),
      pool_worker_name: 'garage',
      created_at: T1,
      updated_at: T1,
    })

    const plugOnly = {
      ...miner,
      hash_rate_max: null,
      active: false,
      features: [miner.features[1]].filter((feature) => feature !== undefined),
    }
    expect(miners.update(plugOnly)).toEqual({ ...plugOnly, controller_ids: [CONTROLLER_B] })
    expect(rowOf(connection, 'miners', MINER_ID)).toMatchObject({
      hash_rate_max: null,
      active: 0,
      created_at: T1,
      updated_at: T2,
    })
    expect(miners.list()).toEqual([{ ...plugOnly, controller_ids: [CONTROLLER_B] }])
    expect(miners.remove(MINER_ID)).toEqual({ ...plugOnly, controller_ids: [CONTROLLER_B] })
    expect(miners.get(MINER_ID)).toBeNull()
  })

  test('a taken id → ConflictError; a missing one → EntityNotFoundError(miner)', () => {
    const miners = createMinerRepository(db.open())
    miners.add(miner)
    expect(() => miners.add(miner)).toThrow(ConflictError)
    const error = errorOf(() => miners.update({ ...miner, id: SOURCE_ID }))
    expect(error).toBeInstanceOf(EntityNotFoundError)
    expect(error).toMatchObject({ entity: 'miner', entity_id: SOURCE_ID })
    expect(error.message).toBe(`Miner not found: ${SOURCE_ID}`)
  })

  test('bad input is refused naming the field, nothing is stored', () => {
    const miners = createMinerRepository(db.open())
    const badFeature = {
      ...miner,
      features: [{ ...miner.features[0], feature_type: 'teleport' }],
    } as unknown as MinerEntity
    const error = errorOf(() => miners.add(badFeature))
    expect(error).toBeInstanceOf(InvalidValueError)
    expect(error).toMatchObject({ field: 'miner.features.0.feature_type' })
    expect(miners.list()).toEqual([])
  })

  test('unreadable rows: list() skips and reports them, get() names the column', () => {
    const connection = db.open()
    const reported: UnreadableRow[] = []
    const miners = createMinerRepository(connection, {
      onUnreadableRow: (row) => reported.push(row),
    })
    miners.add(miner)
    const broken = [
      ['00000000-0000-4000-8000-00000000000a', 'features', '[{"feature_type":'],
      ['00000000-0000-4000-8000-00000000000b', 'active', 2],
      [
        '00000000-0000-4000-8000-00000000000c',
        'features',
        JSON.stringify([{ ...miner.features[0], priority: 500 }]),
      ],
    ] as const
    // Hand edits come from another process: a second connection.
    const editor = db.open()
    for (const [id, column, value] of broken) {
      editor.sqlite
        .prepare(
          `INSERT INTO miners (id, name, active, features, created_at, updated_at)
           VALUES (?, 'edited', 1, '[]', ?, ?)`,
        )
        .run(id, T2, T2)
      editor.sqlite.prepare(`UPDATE miners SET ${column} = ? WHERE id = ?`).run(value, id)
    }
    expect(miners.list()).toEqual([miner])
    expect(reported.map(({ table, id, field }) => [table, id, field])).toEqual(
      broken.map(([id, field]) => ['miners', id, field]),
    )
    expect(reported[0]?.message).toContain('is not valid JSON')
    expect(reported[1]?.message).toContain('holds 2')
    expect(reported[2]?.message).toContain('features.0.priority')

    const error = errorOf(() => miners.get('00000000-0000-4000-8000-00000000000b'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({ field: 'active' })
  })
})

describe('energy source and unit repositories', () => {
  test('energy sources round trip, nested objects as JSON and NULL', () => {
    const connection = db.open()
    const sources = createEnergySourceRepository(connection, { now: clock(T1, T2, T2) })
    expect(sources.add(source)).toEqual(source)
    expect(rowOf(connection, 'energy_sources', SOURCE_ID)).toMatchObject({
      storage: '{"nominal_capacity":10000}',
      grid: null,
      nominal_power_max: 6000,
    })
    const withGrid = { ...source, storage: null, grid: { contracted_power: 3000 } }
    expect(sources.update(withGrid)).toEqual(withGrid)
    expect(sources.list()).toEqual([withGrid])
    expect(() => sources.update({ ...withGrid, id: UNIT_ID })).toThrow(EntityNotFoundError)
  })

  test('units round trip: id lists as JSON, booleans and dwell times as integers', () => {
    const connection = db.open()
    const units = createOptimizationUnitRepository(connection, { now: clock(T1, T2) })
    expect(units.add(unit)).toEqual(unit)
    expect(rowOf(connection, 'optimization_units', UNIT_ID)).toMatchObject({
      is_enabled: 1,
      target_miner_ids: `["${MINER_ID}"]`,
      climate_zone_ids: '[]',
      min_on_seconds: 300,
      min_off_seconds: 120,
    })
    const disabled = { ...unit, is_enabled: false, target_miner_ids: [], min_on_seconds: 0 }
    expect(units.update(disabled)).toEqual(disabled)
    expect(units.get(UNIT_ID)).toEqual(disabled)
    expect(units.remove(UNIT_ID)).toEqual(disabled)
    expect(units.remove(UNIT_ID)).toBeNull()
  })

  test('list() is oldest first by the clock that stamped them', () => {
    const units = createOptimizationUnitRepository(db.open(), { now: clock(T2, T1) })
    units.add(unit)
    units.add({ ...unit, id: SOURCE_ID, name: 'Shed' })
    expect(units.list().map((entity) => entity.name)).toEqual(['Shed', 'Garage'])
  })
})

describe('settings repository', () => {
  const settings = {
    timezone: 'Europe/Berlin',
    latitude: 52.52,
    longitude: 13.405,
    scheduler_interval_seconds: 10,
  }

  test('null before the first save; save replaces the row', () => {
    const connection = db.open()
    const repository = createSettingsRepository(connection)
    expect(repository.get()).toBeNull()
    repository.save(settings)
    expect(repository.get()).toEqual(settings)
    repository.save({ ...settings, scheduler_interval_seconds: 30 })
    expect(repository.get()).toEqual({ ...settings, scheduler_interval_seconds: 30 })
    expect(connection.sqlite.prepare('SELECT id FROM settings').all()).toEqual([
      { id: 'global_settings' },
    ])
  })

  test('a partial or hand-edited row answers its valid keys; the rest are reported', () => {
    const connection = db.open()
    const reported: UnreadableRow[] = []
    const repository = createSettingsRepository(connection, {
      onUnreadableRow: (row) => reported.push(row),
    })
    // Hand edits come from another process: a second connection.
    const editor = db.open()
    const write = (json: string) =>
      editor.sqlite
        .prepare(
          `INSERT INTO settings (id, settings_json) VALUES ('global_settings', ?)
           ON CONFLICT(id) DO UPDATE SET settings_json = excluded.settings_json`,
        )
        .run(json)

    write('{"timezone":"UTC"}')
    expect(repository.get()).toEqual({ timezone: 'UTC' })
    write('{"timezone":"Mars/Olympus","latitude":45,"extra":true}')
    expect(repository.get()).toEqual({ latitude: 45 })
    write('{"timezone":')
    expect(repository.get()).toBeNull()
    expect(reported.map(({ table, field }) => [table, field])).toEqual([
      ['settings', 'timezone'],
      ['settings', 'settings_json'],
    ])
  })

  test('save refuses invalid settings naming the field and keeps what was stored', () => {
    const repository = createSettingsRepository(db.open())
    repository.save(settings)
    const error = errorOf(() => repository.save({ ...settings, latitude: 123 }))
    expect(error).toBeInstanceOf(InvalidValueError)
    expect(error).toMatchObject({ field: 'settings.latitude' })
    expect(repository.get()).toEqual(settings)
  })
})

describe('transactions', () => {
  function repositories(connection: StorageConnection) {
    return createConfigurationRepositories(connection, {
      policiesDir: nodePath.join(db.dir, 'policies'),
    })
  }

  test('every write lands, and the work’s value is answered', () => {
    const connection = db.open()
    const repos = repositories(connection)
    const answer = repos.transaction(() => {
      repos.miners.add(miner)
      repos.units.add(unit)
      return 'done'
    })
    expect(answer).toBe('done')
    expect(repositories(db.open()).units.get(UNIT_ID)).toEqual(unit)
  })

  test('a throw inside rolls back every write and is rethrown unchanged', () => {
    const repos = repositories(db.open())
    repos.adapters.notifier.add(tracker)
    const failure = new Error('services found a conflict')
    const error = errorOf(() =>
      repos.transaction(() => {
        repos.adapters.mining_performance_tracker.add(tracker)
        repos.adapters.notifier.remove(tracker.id)
        repos.miners.add(miner)
        repos.energySources.add(source)
        repos.units.add(unit)
        repos.settings.save({
          timezone: 'UTC',
          latitude: 0,
          longitude: 0,
          scheduler_interval_seconds: 5,
        })
        throw failure
      }),
    )
    expect(error).toBe(failure)
    expect(repos.adapters.mining_performance_tracker.list()).toEqual([])
    expect(repos.adapters.notifier.list()).toEqual([tracker])
    expect(repos.miners.list()).toEqual([])
    expect(repos.energySources.list()).toEqual([])
    expect(repos.units.list()).toEqual([])
    expect(repos.settings.get()).toBeNull()
  })

  test('nested transactions are savepoints: an inner failure undoes only the inner writes', () => {
    const repos = repositories(db.open())
    repos.transaction(() => {
      repos.miners.add(miner)
      const inner = errorOf(() =>
        repos.transaction(() => {
          repos.units.add(unit)
          repos.miners.add(miner) // ConflictError
        }),
      )
      expect(inner).toBeInstanceOf(ConflictError)
      repos.energySources.add(source)
    })
    expect(repos.miners.list()).toEqual([miner])
    expect(repos.units.list()).toEqual([])
    expect(repos.energySources.list()).toEqual([source])

    expect(() =>
      repos.transaction(() => {
        repos.transaction(() => repos.units.add(unit))
        throw new Error('outer fails after the inner committed to its savepoint')
      }),
    ).toThrow('outer fails')
    expect(repos.units.list()).toEqual([])
  })

  test('a lock held elsewhere → StorageError busy, and the work never runs', () => {
    const holder = db.open()
    const waiter = db.open({ busyTimeoutMs: 0 })
    holder.sqlite.exec('BEGIN IMMEDIATE')
    let ran = false
    const error = errorOf(() =>
      runTransaction(waiter, () => {
        ran = true
      }),
    )
    holder.sqlite.exec('ROLLBACK')
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'busy' })
    expect(ran).toBe(false)
  })
})

describe('createConfigurationRepositories', () => {
  test('has one repository per adapter kind and forwards the reporter', () => {
    const connection = db.open()
    const reported: UnreadableRow[] = []
    const repos = createConfigurationRepositories(connection, {
      policiesDir: nodePath.join(db.dir, 'policies'),
      onUnreadableRow: (row) => reported.push(row),
      now: clock(T1),
    })
    expect(Object.keys(repos.adapters).sort()).toEqual([...ADAPTER_KINDS].sort())
    expect(repos.policies.folder).toBe(nodePath.join(db.dir, 'policies'))
    repos.units.add(unit)
    expect(rowOf(connection, 'optimization_units', UNIT_ID)).toMatchObject({ created_at: T1 })
    db.open().sqlite.prepare(`UPDATE optimization_units SET notifier_ids = 'oops'`).run()
    expect(repos.units.list()).toEqual([])
    expect(reported).toMatchObject([{ table: 'optimization_units', field: 'notifier_ids' }])
  })
})
