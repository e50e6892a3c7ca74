import type { AdapterEntity } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { createSqliteCacheStore } from './cache-store'
import { createConfigurationRepositories } from './configuration'
import { useTempFolder } from './test-helpers'

const db = useTempFolder('change-clock')

const at = '2026-08-20T10:00:00.000Z'
const tracker: AdapterEntity = {
  id: '0f0e0d0c-0b0a-4908-8706-050403020100',
  name: 'Ocean',
  adapter_type: 'ocean',
  config: { bitcoin_address: 'bc1qexample' },
  external_service_id: null,
  created_at: at,
  updated_at: at,
}

function repositoriesOn(connection: ReturnType<typeof db.open>) {
  return createConfigurationRepositories(connection, { policiesDir: `${db.dir}/policies` })
}

describe('reads remembered in memory are never stale', () => {
  it('a write by another connection (another process) is seen by the next read', () => {
    const server = repositoriesOn(db.open()).adapters.mining_performance_tracker
    const cli = repositoriesOn(db.open()).adapters.mining_performance_tracker
    cli.add(tracker)
    expect(server.get(tracker.id)?.name).toBe('Ocean')
    cli.update({ ...tracker, name: 'Renamed by the CLI' })
    expect(server.get(tracker.id)?.name).toBe('Renamed by the CLI')
    expect(server.list().map((entry) => entry.name)).toEqual(['Renamed by the CLI'])
    cli.remove(tracker.id)
    expect(server.get(tracker.id)).toBeNull()
    expect(server.list()).toEqual([])
  })

  it('a value handed out can be mutated without changing what the next read answers', () => {
    const trackers = repositoriesOn(db.open()).adapters.mining_performance_tracker
    trackers.add(tracker)
    const first = trackers.get(tracker.id)
    if (!first) throw new Error('expected the tracker')
    first.config.bitcoin_address = 'mutated'
    expect(trackers.get(tracker.id)?.config.bitcoin_address).toBe('bc1qexample')
  })

  it('what a rolled-back transaction wrote is forgotten', () => {
    const repositories = repositoriesOn(db.open())
    const trackers = repositories.adapters.mining_performance_tracker
    trackers.add(tracker)
    expect(() =>
      repositories.transaction(() => {
        trackers.update({ ...tracker, name: 'Never committed' })
        expect(trackers.get(tracker.id)?.name).toBe('Never committed')
        throw new Error('abort')
      }),
    ).toThrow('abort')
    expect(trackers.get(tracker.id)?.name).toBe('Ocean')
  })

  it('the pool cache sees a value another process stored, and its deletion', () => {
    const server = createSqliteCacheStore(db.open())
    const cli = createSqliteCacheStore(db.open())
    expect(server.get('https://pool/stats')).toBeUndefined()
    cli.set('https://pool/stats', { value: { hashrate: 1 }, storedAt: 1000 })
    expect(server.get('https://pool/stats')).toEqual({ value: { hashrate: 1 }, storedAt: 1000 })
    cli.delete('https://pool/')
    expect(server.get('https://pool/stats')).toBeUndefined()
  })
})

describe('a staleness window spares SQLite on hot paths', () => {
  it("another connection's commit is seen once the window has passed; own writes at once", async () => {
    const { changeClockOf } = await import('./change-clock')
    const { openDatabase } = await import('./database')
    let now = 0
    const path = `${db.dir}/window.db`
    const server = openDatabase({ path, readMemo: { maxStalenessMs: 5, monotonicNow: () => now } })
    const clock = changeClockOf(server.sqlite)
    const cli = openDatabase({ path })
    try {
      const before = clock.version()
      cli.sqlite.prepare("INSERT INTO settings (id, settings_json) VALUES ('x', '{}')").run()
      now = 4
      expect(clock.version()).toBe(before)
      now = 5
      expect(clock.version()).not.toBe(before)
      const seen = clock.version()
      clock.bump()
      expect(clock.version()).not.toBe(seen)
    } finally {
      server.close()
      cli.close()
    }
  })
})
