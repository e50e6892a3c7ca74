import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import {
  InvalidValueError,
  type MiningPerformanceTracker,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  createTrackerRepository,
  type NewMiningPerformanceTracker,
  openDatabase,
  type StorageConnection,
  StorageError,
  TrackerAlreadyExistsError,
  type UnreadableTrackerRow,
} from './index'

const TOKEN = 'braiins-secret-token-5f2c'
const OCEAN_ID = '3f1c1a4e-7c55-4d1e-9a0b-2b6f4e2d9c01'
const BRAIINS_ID = '9b2d7e10-55aa-4c3b-8e21-0d9f6a1b7c42'
const BROKEN_ID = 'c0ffee00-1111-4222-8333-444455556666'

const ocean: NewMiningPerformanceTracker = {
  id: OCEAN_ID,
  name: 'Ocean garage',
  adapter_type: 'ocean',
  config: {
    bitcoin_address: 'bc1qexampleaddress0000000000000000000000',
    api_base_url: 'https://api.ocean.xyz',
    request_timeout_seconds: 10,
  },
  external_service_id: null,
}

const braiins: NewMiningPerformanceTracker = {
  id: BRAIINS_ID,
  name: 'Braiins shed',
  adapter_type: 'braiins_pool',
  config: {
    api_token: TOKEN,
    api_base_url: 'https://pool.braiins.com',
    request_timeout_seconds: 5,
  },
  external_service_id: '7d4e2c1b-0a9f-4e8d-b7c6-5a4f3e2d1c0b',
}

let dir: string
let path: string
const connections: StorageConnection[] = []

function open(options: { readonly?: boolean } = {}): StorageConnection {
  const connection = openDatabase({ path, ...options })
  connections.push(connection)
  return connection
}

/** A clock that answers the given instants in turn. */
function clock(...instants: string[]): () => Date {
  const queue = [...instants]
  return () => {
    const next = queue.shift()
    if (next === undefined) throw new Error('clock exhausted')
    return new Date(next)
  }
}

function errorOf(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

/** Every message and cause message in an error chain, plus its JSON. */
function everythingSaidBy(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  while (current instanceof Error) {
    parts.push(current.message, String(current.stack), JSON.stringify(current))
    current = current.cause
  }
  return parts.join('\n')
}

function insertRawRow(connection: StorageConnection, row: Record<string, string | null>) {
  connection.sqlite
    .prepare(
      `INSERT INTO mining_performance_trackers
        (id, name, adapter_type, config, external_service_id, created_at, updated_at)
       VALUES (@id, @name, @adapter_type, @config, @external_service_id, @created_at, @updated_at)`,
    )
    .run(row)
}

beforeEach(async () => {
  dir = await fs.promises.mkdtemp(nodePath.join(os.tmpdir(), 'edge-mining-trackers-'))
  path = nodePath.join(dir, 'db', 'edgemining.db')
})

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close()
  await fs.promises.rm(dir, { recursive: true, force: true })
})

describe('tracker repository: CRUD', () => {
  test('add, get, list, update, remove round trip', () => {
    const repository = createTrackerRepository(open(), {
      now: clock('2026-08-20T10:00:00.000Z', '2026-08-20T11:30:00.000Z'),
    })

    const added = repository.add(ocean)
    const expectedAdded: MiningPerformanceTracker = {
      ...ocean,
      created_at: '2026-08-20T10:00:00.000Z',
      updated_at: '2026-08-20T10:00:00.000Z',
    }
    expect(added).toEqual(expectedAdded)
    expect(repository.get(OCEAN_ID)).toEqual(expectedAdded)
    expect(repository.list()).toEqual([expectedAdded])

    const updated = repository.update({
      ...ocean,
      name: 'Ocean garage (south)',
      config: { ...ocean.config, request_timeout_seconds: 20 },
    })
    const expectedUpdated: MiningPerformanceTracker = {
      ...ocean,
      name: 'Ocean garage (south)',
      config: { ...ocean.config, request_timeout_seconds: 20 },
      created_at: '2026-08-20T10:00:00.000Z',
      updated_at: '2026-08-20T11:30:00.000Z',
    }
    expect(updated).toEqual(expectedUpdated)
    expect(repository.get(OCEAN_ID)).toEqual(expectedUpdated)

    expect(repository.remove(OCEAN_ID)).toEqual(expectedUpdated)
    expect(repository.list()).toEqual([])
    expect(() => repository.get(OCEAN_ID)).toThrow(TrackerNotFoundError)
  })

  test('stores config as JSON text and external_service_id as given', () => {
    const connection = open()
    createTrackerRepository(connection, { now: clock('2026-08-20T10:00:00.000Z') }).add(braiins)
    const row = connection.sqlite
      .prepare('SELECT * FROM mining_performance_trackers WHERE id = ?')
      .get(BRAIINS_ID) as Record<string, unknown>
    expect(row).toEqual({
      id: BRAIINS_ID,
      name: 'Braiins shed',
      adapter_type: 'braiins_pool',
      config: `{"api_token":"${TOKEN}","api_base_url":"https://pool.braiins.com","request_timeout_seconds":5}`,
      external_service_id: '7d4e2c1b-0a9f-4e8d-b7c6-5a4f3e2d1c0b',
      created_at: '2026-08-20T10:00:00.000Z',
      updated_at: '2026-08-20T10:00:00.000Z',
    })
  })

  test('list() is ordered by created_at, not by insertion', () => {
    const repository = createTrackerRepository(open(), {
      now: clock('2026-08-21T00:00:00.000Z', '2026-08-20T00:00:00.000Z'),
    })
    repository.add(braiins)
    repository.add(ocean)
    expect(repository.list().map((tracker) => tracker.id)).toEqual([OCEAN_ID, BRAIINS_ID])
  })

  test('update ignores timestamps in its input and keeps created_at', () => {
    const repository = createTrackerRepository(open(), {
      now: clock('2026-08-20T10:00:00.000Z', '2026-08-22T10:00:00.000Z'),
    })
    const added = repository.add(ocean)
    const updated = repository.update({
      ...added,
      created_at: '1999-01-01T00:00:00.000Z',
    } as NewMiningPerformanceTracker)
    expect(updated.created_at).toBe('2026-08-20T10:00:00.000Z')
    expect(updated.updated_at).toBe('2026-08-22T10:00:00.000Z')
  })

  test('data survives closing and reopening the file', () => {
    const first = open()
    createTrackerRepository(first, { now: clock('2026-08-20T10:00:00.000Z') }).add(braiins)
    first.close()
    expect(createTrackerRepository(open()).get(BRAIINS_ID)).toEqual({
      ...braiins,
      created_at: '2026-08-20T10:00:00.000Z',
      updated_at: '2026-08-20T10:00:00.000Z',
    })
  })

  test('two connections on one file see each other’s writes', () => {
    const server = createTrackerRepository(open(), { now: clock('2026-08-20T10:00:00.000Z') })
    const cli = createTrackerRepository(open(), { now: clock('2026-08-20T10:05:00.000Z') })

    server.add(ocean)
    expect(cli.get(OCEAN_ID).name).toBe('Ocean garage')

    cli.update({ ...ocean, name: 'renamed from the CLI' })
    expect(server.get(OCEAN_ID)).toMatchObject({
      name: 'renamed from the CLI',
      updated_at: '2026-08-20T10:05:00.000Z',
    })

    cli.remove(OCEAN_ID)
    expect(server.list()).toEqual([])
  })
})

describe('tracker repository: errors', () => {
  test('add of a stored id → TrackerAlreadyExistsError, stored tracker unchanged, no token', () => {
    const repository = createTrackerRepository(open())
    const stored = repository.add(braiins)
    const error = errorOf(() => repository.add({ ...braiins, name: 'duplicate' }))
    expect(error).toBeInstanceOf(TrackerAlreadyExistsError)
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'already_exists', tracker_id: BRAIINS_ID })
    expect(everythingSaidBy(error)).not.toContain(TOKEN)
    expect(repository.get(BRAIINS_ID)).toEqual(stored)
  })

  test('update or remove of a missing id → TrackerNotFoundError naming it', () => {
    const repository = createTrackerRepository(open())
    for (const action of [() => repository.update(ocean), () => repository.remove(OCEAN_ID)]) {
      const error = errorOf(action)
      expect(error).toBeInstanceOf(TrackerNotFoundError)
      expect(error).toMatchObject({ code: 'not_found', tracker_id: OCEAN_ID })
    }
    expect(() => repository.get('not-a-uuid')).toThrow(TrackerNotFoundError)
  })

  test('bad input is refused naming the field; a config value is never shown', () => {
    const repository = createTrackerRepository(open())
    const badId = errorOf(() => repository.add({ ...ocean, id: 'tracker-1' }))
    expect(badId).toBeInstanceOf(InvalidValueError)
    expect(badId).toMatchObject({ field: 'tracker.id' })
    expect(badId.message).toContain('"tracker-1"')

    const badType = errorOf(() =>
      repository.add({ ...ocean, adapter_type: 'nicehash' } as unknown as typeof ocean),
    )
    expect(badType).toBeInstanceOf(TrackerConfigurationError)
    expect(badType).toMatchObject({ field: 'adapter_type' })
    expect(badType.message).toContain('"nicehash"')

    const badConfig = errorOf(() =>
      repository.add({ ...braiins, config: TOKEN } as unknown as typeof braiins),
    )
    expect(badConfig).toBeInstanceOf(TrackerConfigurationError)
    expect(badConfig).toMatchObject({ field: 'config' })
    expect(everythingSaidBy(badConfig)).not.toContain(TOKEN)

    const circular: Record<string, unknown> = { api_token: TOKEN }
    circular.self = circular
    const unserialisable = errorOf(() => repository.add({ ...braiins, config: circular }))
    expect(unserialisable).toMatchObject({ field: 'config' })
    expect(everythingSaidBy(unserialisable)).not.toContain(TOKEN)

    expect(repository.list()).toEqual([])
  })

  test('writes on a read-only connection → StorageError read_only', () => {
    open().close()
    const repository = createTrackerRepository(open({ readonly: true }))
    const error = errorOf(() => repository.add(braiins))
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'read_only' })
    expect(error.message).toContain(path)
    expect(everythingSaidBy(error)).not.toContain(TOKEN)
  })

  test('a write blocked by another connection’s lock → StorageError busy', () => {
    const holder = open()
    const waiter = openDatabase({ path, busyTimeoutMs: 0 })
    connections.push(waiter)
    holder.sqlite.exec('BEGIN IMMEDIATE')
    const error = errorOf(() => createTrackerRepository(waiter).add(braiins))
    holder.sqlite.exec('ROLLBACK')
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'busy' })
    expect(everythingSaidBy(error)).not.toContain(TOKEN)
  })
})

describe('tracker repository: unreadable rows', () => {
  const stamp = '2026-08-20T09:00:00.000Z'
  const brokenJson = `{"api_token":"${TOKEN}",`

  function setUp() {
    const connection = open()
    const reported: UnreadableTrackerRow[] = []
    const repository = createTrackerRepository(connection, {
      now: clock('2026-08-20T10:00:00.000Z', '2026-08-20T11:00:00.000Z'),
      onUnreadableRow: (row) => reported.push(row),
    })
    repository.add(ocean)
    insertRawRow(connection, {
      id: BROKEN_ID,
      name: 'hand-edited',
      adapter_type: 'braiins_pool',
      config: brokenJson,
      external_service_id: null,
      created_at: stamp,
      updated_at: stamp,
    })
    return { connection, repository, reported }
  }

  test('list() skips a row with broken config JSON and reports it without its content', () => {
    const { repository, reported } = setUp()
    expect(repository.list().map((tracker) => tracker.id)).toEqual([OCEAN_ID])
    expect(reported).toHaveLength(1)
    expect(reported[0]).toMatchObject({ id: BROKEN_ID, field: 'config' })
    expect(reported[0]?.message).toContain(BROKEN_ID)
    expect(reported[0]?.message).not.toContain(TOKEN)
  })

  test('get() and remove() of that row throw TrackerConfigurationError; the row stays', () => {
    const { repository } = setUp()
    for (const action of [() => repository.get(BROKEN_ID), () => repository.remove(BROKEN_ID)]) {
      const error = errorOf(action)
      expect(error).toBeInstanceOf(TrackerConfigurationError)
      expect(error).toMatchObject({ code: 'invalid_config', field: 'config' })
      expect(error.message).toContain(BROKEN_ID)
      expect(everythingSaidBy(error)).not.toContain(TOKEN)
    }
    expect(() => repository.update({ ...braiins, id: BROKEN_ID })).not.toThrow()
  })

  test('update() repairs the row, keeping its created_at', () => {
    const { repository, reported } = setUp()
    const repaired = repository.update({ ...braiins, id: BROKEN_ID })
    expect(repaired).toEqual({
      ...braiins,
      id: BROKEN_ID,
      created_at: stamp,
      updated_at: '2026-08-20T11:00:00.000Z',
    })
    expect(repository.list().map((tracker) => tracker.id)).toEqual([BROKEN_ID, OCEAN_ID])
    expect(reported).toEqual([])
  })

  test('an unknown adapter_type or a non-object config is reported by field', () => {
    const { connection, repository, reported } = setUp()
    connection.sqlite
      .prepare('UPDATE mining_performance_trackers SET config = ? WHERE id = ?')
      .run('{}', BROKEN_ID)
    insertRawRow(connection, {
      id: '00000000-0000-4000-8000-000000000001',
      name: 'from a newer version',
      adapter_type: 'nicehash',
      config: '{}',
      external_service_id: null,
      created_at: stamp,
      updated_at: stamp,
    })
    insertRawRow(connection, {
      id: '00000000-0000-4000-8000-000000000002',
      name: 'upstream-style empty config',
      adapter_type: 'ocean',
      config: 'null',
      external_service_id: null,
      created_at: stamp,
      updated_at: stamp,
    })
    expect(repository.list().map((tracker) => tracker.id)).toEqual([BROKEN_ID, OCEAN_ID])
    expect(reported.map(({ id, field }) => [id, field])).toEqual([
      ['00000000-0000-4000-8000-000000000001', 'adapter_type'],
      ['00000000-0000-4000-8000-000000000002', 'config'],
    ])
    expect(reported[0]?.message).toContain('"nicehash"')
  })

  test('by default a skipped row becomes a process warning', () => {
    const { connection } = setUp()
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    expect(createTrackerRepository(connection).list()).toHaveLength(1)
    expect(emitWarning).toHaveBeenCalledTimes(1)
    const [message] = emitWarning.mock.calls[0] ?? []
    expect(String(message)).toContain(BROKEN_ID)
    expect(String(message)).not.toContain(TOKEN)
  })
})
