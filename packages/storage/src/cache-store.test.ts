import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { createCache, RateLimitedError } from '@edge-mining/http-cache'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createSqliteCacheStore, openDatabase, type StorageConnection, StorageError } from './index'

let dir: string
let connections: StorageConnection[]

beforeEach(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'edge-mining-cache-store-'))
  connections = []
})

afterEach(() => {
  for (const connection of connections) connection.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** A connection to the shared test file: each stands for one process (API server, CLI). */
function connect(options: { readonly?: boolean } = {}): StorageConnection {
  const connection = openDatabase({ path: nodePath.join(dir, 'edgemining.db'), ...options })
  connections.push(connection)
  return connection
}

const STATSNAP = 'http://127.0.0.1:9/v1/statsnap/bc1qexample'

describe('createSqliteCacheStore', () => {
  test('round-trips values as JSON with their fetch time, and answers synchronously', () => {
    const store = createSqliteCacheStore(connect())
    const value = { hashrate_300s: '199715979264000', workers: [{ name: 'rig', ok: true }] }
    expect(store.set(STATSNAP, { value, storedAt: 1_750_000_000_123 })).toBeUndefined()
    expect(store.get(STATSNAP)).toEqual({ value, storedAt: 1_750_000_000_123 })
    store.set('null-value', { value: null, storedAt: 1 })
    expect(store.get('null-value')).toEqual({ value: null, storedAt: 1 })
    expect(store.get('http://127.0.0.1:9/missing')).toBeUndefined()
  })

  test('set replaces the stored value of a key', () => {
    const store = createSqliteCacheStore(connect())
    store.set(STATSNAP, { value: 1, storedAt: 10 })
    store.set(STATSNAP, { value: 2, storedAt: 20 })
    expect(store.get(STATSNAP)).toEqual({ value: 2, storedAt: 20 })
  })

  test('delete takes a literal prefix (URLs with _ and %), or everything', () => {
    const store = createSqliteCacheStore(connect())
    const keys = [
      'http://a/v1_x/1',
      'http://a/v1_x/2',
      'http://a/v1%x/3', // `_` would match `%` and any character under LIKE
      'http://b/v1_x/1',
    ]
    for (const key of keys) store.set(key, { value: key, storedAt: 1 })
    store.delete('http://a/v1_x/')
    expect(keys.map((key) => store.get(key) !== undefined)).toEqual([false, false, true, true])
    store.delete()
    expect(keys.map((key) => store.get(key))).toEqual([undefined, undefined, undefined, undefined])
  })

  test('keeps cool-downs per scope; undefined removes one', () => {
    const store = createSqliteCacheStore(connect())
    store.setCooldown('127.0.0.1:9', { until: 1_750_000_030_000, step: 1 })
    store.setCooldown('pool.braiins.com', { until: 5, step: 4 })
    expect(store.getCooldown('127.0.0.1:9')).toEqual({ until: 1_750_000_030_000, step: 1 })
    store.setCooldown('127.0.0.1:9', { until: 1_750_000_060_000, step: 2 })
    expect(store.getCooldown('127.0.0.1:9')).toEqual({ until: 1_750_000_060_000, step: 2 })
    store.setCooldown('127.0.0.1:9', undefined)
    expect(store.getCooldown('127.0.0.1:9')).toBeUndefined()
    expect(store.getCooldown('pool.braiins.com')).toEqual({ until: 5, step: 4 })
  })

  test('a row whose JSON cannot be read is treated as missing and dropped', () => {
    const connection = connect()
    const store = createSqliteCacheStore(connection)
    connection.sqlite
      .prepare('INSERT INTO pool_cache_entries (key, value, stored_at) VALUES (?, ?, ?)')
      .run(STATSNAP, '{not json', 1)
    expect(store.get(STATSNAP)).toBeUndefined()
    const left = connection.sqlite.prepare('SELECT count(*) AS n FROM pool_cache_entries').get()
    expect(left).toEqual({ n: 0 })
  })

  test('a write on a read-only connection fails as a StorageError naming the file', () => {
    connect().close()
    const store = createSqliteCacheStore(connect({ readonly: true }))
    let thrown: unknown
    try {
      store.set(STATSNAP, { value: 1, storedAt: 1 })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(StorageError)
    expect((thrown as StorageError).code).toBe('read_only')
    expect((thrown as StorageError).message).toContain(nodePath.join(dir, 'edgemining.db'))
  })
})

describe('one cache for every connection (process) on the file', () => {
  test("a value fetched through one connection is a fresh hit through another's cache", async () => {
    let now = 1_750_000_000_000
    const server = createCache({ store: createSqliteCacheStore(connect()), now: () => now })
    const cli = createCache({ store: createSqliteCacheStore(connect()), now: () => now })
    let serverCalls = 0
    let cliCalls = 0
    await server.get(STATSNAP, 60_000, async () => {
      serverCalls++
      return { unpaid: '12345' }
    })
    now += 30_000
    const seen = await cli.getWithMeta(STATSNAP, 60_000, async () => {
      cliCalls++
      return { unpaid: 'refetched' }
    })
    expect(seen).toEqual({
      value: { unpaid: '12345' },
      stale: false,
      ageMs: 30_000,
      source: 'cache',
    })
    expect([serverCalls, cliCalls]).toEqual([1, 0])
  })

  test('a cool-down opened by one connection stops the other from calling the pool', async () => {
    let now = 1_750_000_000_000
    const server = createCache({ store: createSqliteCacheStore(connect()), now: () => now })
    const cli = createCache({ store: createSqliteCacheStore(connect()), now: () => now })
    await expect(
      server.get(STATSNAP, 60_000, async () => {
        throw new RateLimitedError('HTTP 429', { retryAfterMs: 30_000 })
      }),
    ).rejects.toBeInstanceOf(RateLimitedError)
    now += 10_000
    let cliCalls = 0
    const attempt = cli.get(STATSNAP, 60_000, async () => {
      cliCalls++
      return 'should not be fetched'
    })
    await expect(attempt).rejects.toMatchObject({ retryAfterMs: 20_000 })
    expect(cliCalls).toBe(0)
    now += 20_000
    await expect(cli.get(STATSNAP, 60_000, async () => 'after the cool-down')).resolves.toBe(
      'after the cool-down',
    )
  })
})
