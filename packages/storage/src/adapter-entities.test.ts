import {
  ADAPTER_KINDS,
  type AdapterEntity,
  type AdapterKind,
  ConfigurationError,
  ConflictError,
  EntityNotFoundError,
  InvalidValueError,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { getTableName } from 'drizzle-orm'
import { describe, expect, test, vi } from 'vitest'
import {
  ADAPTER_ENTITY_TABLES,
  createAdapterEntityRepository,
  createTrackerRepository,
  openDatabase,
  type StorageConnection,
  StorageError,
  type UnreadableRow,
} from './index'
import { errorOf, everythingSaidBy, useTempFolder } from './test-helpers'

const TOKEN = 'braiins-secret-token-5f2c'
const OCEAN_ID = '3f1c1a4e-7c55-4d1e-9a0b-2b6f4e2d9c01'
const BRAIINS_ID = '9b2d7e10-55aa-4c3b-8e21-0d9f6a1b7c42'
const BROKEN_ID = 'c0ffee00-1111-4222-8333-444455556666'
const CREATED = '2026-08-20T10:00:00.000Z'
const LATER = '2026-08-20T11:30:00.000Z'

const ocean: AdapterEntity = {
  id: OCEAN_ID,
  name: 'Ocean garage',
  adapter_type: 'ocean',
  config: {
    bitcoin_address: 'bc1qexampleaddress0000000000000000000000',
    api_base_url: 'https://api.ocean.xyz',
    request_timeout_seconds: 10,
  },
  external_service_id: null,
  created_at: CREATED,
  updated_at: CREATED,
}

const braiins: AdapterEntity = {
  id: BRAIINS_ID,
  name: 'Braiins shed',
  adapter_type: 'braiins_pool',
  config: { api_token: TOKEN, api_base_url: 'https://pool.braiins.com' },
  external_service_id: '7d4e2c1b-0a9f-4e8d-b7c6-5a4f3e2d1c0b',
  created_at: '2026-08-21T08:00:00.000Z',
  updated_at: '2026-08-21T08:00:00.000Z',
}

const db = useTempFolder('adapter-entities')

function tableOf(kind: AdapterKind): string {
  return getTableName(ADAPTER_ENTITY_TABLES[kind])
}

function insertRawRow(connection: StorageConnection, table: string, row: Record<string, unknown>) {
  connection.sqlite
    .prepare(
      `INSERT INTO ${table}
        (id, name, adapter_type, config, external_service_id, created_at, updated_at)
       VALUES (@id, @name, @adapter_type, @config, @external_service_id, @created_at, @updated_at)`,
    )
    .run({ external_service_id: null, created_at: CREATED, updated_at: CREATED, ...row })
}

describe.each(ADAPTER_KINDS)('adapter-entity repository of %s', (kind) => {
  const table = tableOf(kind)

  test('round trip: timestamps stored as given, missing ids answer null', () => {
    const repository = createAdapterEntityRepository(db.open(), kind)
    expect(repository.add(ocean)).toEqual(ocean)
    expect(repository.get(OCEAN_ID)).toEqual(ocean)
    expect(repository.list()).toEqual([ocean])

    const renamed = { ...ocean, name: 'Ocean garage (south)', updated_at: LATER }
    expect(repository.update(renamed)).toEqual(renamed)
    expect(repository.get(OCEAN_ID)).toEqual(renamed)

    expect(repository.remove(OCEAN_ID)).toEqual(renamed)
    expect(repository.get(OCEAN_ID)).toBeNull()
    expect(repository.remove(OCEAN_ID)).toBeNull()
    expect(repository.list()).toEqual([])
  })

  test(`stores its rows in ${table}, config as JSON text`, () => {
    const connection = db.open()
    createAdapterEntityRepository(connection, kind).add(braiins)
    const row = connection.sqlite.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(BRAIINS_ID)
    expect(row).toEqual({
      ...braiins,
      config: `{"api_token":"${TOKEN}","api_base_url":"https://pool.braiins.com"}`,
    })
    for (const other of ADAPTER_KINDS.filter((name) => name !== kind)) {
      expect(createAdapterEntityRepository(connection, other).list()).toEqual([])
    }
  })

  test('add of a taken id → ConflictError; update of a missing id → not found', () => {
    const repository = createAdapterEntityRepository(db.open(), kind)
    repository.add(braiins)
    const conflict = errorOf(() => repository.add({ ...braiins, name: 'duplicate' }))
    expect(conflict).toBeInstanceOf(ConflictError)
    expect(conflict).toMatchObject({ code: 'conflict' })
    expect(everythingSaidBy(conflict)).not.toContain(TOKEN)
    expect(repository.get(BRAIINS_ID)?.name).toBe('Braiins shed')

    const missing = errorOf(() => repository.update(ocean))
    expect(missing).toBeInstanceOf(EntityNotFoundError)
    expect(missing).toMatchObject({ code: 'not_found', entity: kind, entity_id: OCEAN_ID })
    expect(repository.list()).toEqual([braiins])
  })

  test('answers copies: mutating a result changes nothing stored', () => {
    const repository = createAdapterEntityRepository(db.open(), kind)
    const input = structuredClone(ocean)
    const added = repository.add(input)
    input.config.api_base_url = 'mutated input'
    added.config.api_base_url = 'mutated result'
    const got = repository.get(OCEAN_ID)
    if (got) got.config.api_base_url = 'mutated get'
    expect(repository.get(OCEAN_ID)).toEqual(ocean)
  })

  test('list() is ordered by created_at, then insertion', () => {
    const repository = createAdapterEntityRepository(db.open(), kind)
    repository.add(braiins)
    repository.add(ocean)
    const third = { ...ocean, id: BROKEN_ID, name: 'same instant as Ocean' }
    repository.add(third)
    expect(repository.list().map((entity) => entity.id)).toEqual([OCEAN_ID, BROKEN_ID, BRAIINS_ID])
  })
})

describe('tracker repository (createTrackerRepository)', () => {
  test('is the adapter-entity repository of mining_performance_trackers', () => {
    const connection = db.open()
    createTrackerRepository(connection).add(ocean)
    expect(createAdapterEntityRepository(connection, 'mining_performance_tracker').list()).toEqual([
      ocean,
    ])
  })

  test('update of a missing id → TrackerNotFoundError naming it', () => {
    const error = errorOf(() => createTrackerRepository(db.open()).update(ocean))
    expect(error).toBeInstanceOf(TrackerNotFoundError)
    expect(error).toMatchObject({ code: 'not_found', tracker_id: OCEAN_ID })
  })

  test('data survives closing and reopening the file', () => {
    const first = db.open()
    createTrackerRepository(first).add(braiins)
    first.close()
    expect(createTrackerRepository(db.open()).get(BRAIINS_ID)).toEqual(braiins)
  })

  test('two connections on one file see each other’s writes', () => {
    const server = createTrackerRepository(db.open())
    const cli = createTrackerRepository(db.open())
    server.add(ocean)
    expect(cli.get(OCEAN_ID)?.name).toBe('Ocean garage')
    cli.update({ ...ocean, name: 'renamed from the CLI', updated_at: LATER })
    expect(server.get(OCEAN_ID)).toMatchObject({ name: 'renamed from the CLI', updated_at: LATER })
    cli.remove(OCEAN_ID)
    expect(server.list()).toEqual([])
  })
})

describe('adapter-entity repository: bad input', () => {
  test('is refused naming the field; a config value is never shown', () => {
    const repository = createAdapterEntityRepository(db.open(), 'notifier')
    const badId = errorOf(() => repository.add({ ...ocean, id: 'notifier-1' }))
    expect(badId).toBeInstanceOf(InvalidValueError)
    expect(badId).toMatchObject({ field: 'notifier.id' })
    expect(badId.message).toContain('"notifier-1"')

    const badStamp = errorOf(() => repository.add({ ...ocean, created_at: 'yesterday' }))
    expect(badStamp).toMatchObject({ field: 'notifier.created_at' })

    const badConfig = errorOf(() =>
      repository.add({ ...braiins, config: TOKEN } as unknown as AdapterEntity),
    )
    expect(badConfig).toBeInstanceOf(ConfigurationError)
    expect(badConfig).toMatchObject({ field: 'config' })
    expect(everythingSaidBy(badConfig)).not.toContain(TOKEN)

    const circular: Record<string, unknown> = { api_token: TOKEN }
    circular.self = circular
    const unserialisable = errorOf(() => repository.add({ ...braiins, config: circular }))
    expect(unserialisable).toMatchObject({ field: 'config' })
    expect(everythingSaidBy(unserialisable)).not.toContain(TOKEN)

    expect(repository.list()).toEqual([])
  })

  test('a write on a read-only connection → StorageError read_only, no token', () => {
    db.open().close()
    const repository = createTrackerRepository(db.open({ readonly: true }))
    const error = errorOf(() => repository.add(braiins))
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'read_only' })
    expect(everythingSaidBy(error)).not.toContain(TOKEN)
  })

  test('a write blocked by another connection’s lock → StorageError busy', () => {
    const holder = db.open()
    const waiter = db.open({ busyTimeoutMs: 0 })
    holder.sqlite.exec('BEGIN IMMEDIATE')
    const error = errorOf(() => createTrackerRepository(waiter).add(braiins))
    holder.sqlite.exec('ROLLBACK')
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'busy' })
    expect(everythingSaidBy(error)).not.toContain(TOKEN)
  })
})

describe('adapter-entity repository: unreadable rows', () => {
  const brokenJson = `{"api_token":"${TOKEN}",`

  function setUp(kind: AdapterKind = 'mining_performance_tracker') {
    const connection = db.open()
    const reported: UnreadableRow[] = []
    const repository = createAdapterEntityRepository(connection, kind, {
      onUnreadableRow: (row) => reported.push(row),
    })
    repository.add(ocean)
    insertRawRow(connection, tableOf(kind), {
      id: BROKEN_ID,
      name: 'hand-edited',
      adapter_type: 'braiins_pool',
      config: brokenJson,
    })
    return { connection, repository, reported }
  }

  test('list() skips it and reports table, id and column, never the config', () => {
    const { repository, reported } = setUp('energy_monitor')
    expect(repository.list()).toEqual([ocean])
    expect(reported).toEqual([
      {
        table: 'energy_monitors',
        id: BROKEN_ID,
        field: 'config',
        message: expect.stringContaining(BROKEN_ID),
      },
    ])
    expect(JSON.stringify(reported)).not.toContain(TOKEN)
  })

  test('get() and remove() throw ConfigurationError naming the column; the row is kept', () => {
    const { repository } = setUp('miner_controller')
    for (const action of [() => repository.get(BROKEN_ID), () => repository.remove(BROKEN_ID)]) {
      const error = errorOf(action)
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error).toMatchObject({ code: 'invalid_config', field: 'config' })
      expect(error.message).toContain(BROKEN_ID)
      expect(everythingSaidBy(error)).not.toContain(TOKEN)
    }
    expect(() => repository.update({ ...braiins, id: BROKEN_ID })).not.toThrow()
  })

  test('for trackers the error is a TrackerConfigurationError', () => {
    const { repository } = setUp()
    expect(() => repository.get(BROKEN_ID)).toThrow(TrackerConfigurationError)
  })

  test('update() repairs the row with the timestamps it is given', () => {
    const { repository, reported } = setUp()
    const repaired = { ...braiins, id: BROKEN_ID }
    expect(repository.update(repaired)).toEqual(repaired)
    expect(repository.list().map((entity) => entity.id)).toEqual([OCEAN_ID, BROKEN_ID])
    expect(reported).toEqual([])
  })

  test('a bad adapter_type, a non-object config or a bad timestamp is reported by column', () => {
    const { connection, repository, reported } = setUp()
    connection.sqlite
      .prepare('UPDATE mining_performance_trackers SET config = ? WHERE id = ?')
      .run('{}', BROKEN_ID)
    const rows = [
      { id: '00000000-0000-4000-8000-000000000001', adapter_type: 'Nice Hash', config: '{}' },
      { id: '00000000-0000-4000-8000-000000000002', adapter_type: 'ocean', config: 'null' },
      { id: '00000000-0000-4000-8000-000000000003', adapter_type: 'ocean', config: '"text"' },
      {
        id: '00000000-0000-4000-8000-000000000004',
        adapter_type: 'ocean',
        config: '{}',
        updated_at: 'last week',
      },
    ]
    for (const row of rows) {
      insertRawRow(connection, 'mining_performance_trackers', { name: 'edited', ...row })
    }
    expect(repository.list().map((entity) => entity.id)).toEqual([OCEAN_ID, BROKEN_ID])
    expect(reported.map(({ id, field }) => [id, field])).toEqual([
      ['00000000-0000-4000-8000-000000000001', 'adapter_type'],
      ['00000000-0000-4000-8000-000000000002', 'config'],
      ['00000000-0000-4000-8000-000000000003', 'config'],
      ['00000000-0000-4000-8000-000000000004', 'updated_at'],
    ])
    expect(reported[0]?.message).toContain('"Nice Hash"')
  })

  test('by default a skipped row becomes a process warning without the config', () => {
    const { connection } = setUp()
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    expect(createTrackerRepository(connection).list()).toHaveLength(1)
    expect(emitWarning).toHaveBeenCalledTimes(1)
    const [message] = emitWarning.mock.calls[0] ?? []
    expect(String(message)).toContain(BROKEN_ID)
    expect(String(message)).not.toContain(TOKEN)
  })
})

test('a repository works on a :memory: database too', () => {
  const connection = openDatabase({ path: ':memory:' })
  try {
    const repository = createAdapterEntityRepository(connection, 'external_service')
    repository.add(ocean)
    expect(repository.list()).toEqual([ocean])
  } finally {
    connection.close()
  }
})
