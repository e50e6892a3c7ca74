import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openRuntime, type Runtime } from './runtime'
import {
  configureSite,
  createSite,
  createTestPlatform,
  type Site,
  siteDefinitions,
  type TestPlatform,
} from './test-support/site'

const T0 = '2026-06-21T10:00:00.000Z'
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString()

const folders: string[] = []
const open: Runtime[] = []
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close()
  while (folders.length > 0) rmSync(folders.pop() ?? '', { recursive: true, force: true })
})

function tempEnv() {
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-loop-'))
  folders.push(folder)
  return {
    DB_PATH: join(folder, 'edgemining.db'),
    POLICIES_DIR: join(folder, 'policies'),
    LOG_LEVEL: 'silent',
  }
}

/** A server process: a runtime on the shared file, with its own clock and timers. */
function server(
  env: Record<string, string>,
  site: Site,
): { runtime: Runtime; clock: TestPlatform } {
  const clock = createTestPlatform(T0)
  const runtime = openRuntime({ env, platform: clock, adapters: () => siteDefinitions(site) })
  open.push(runtime)
  return { runtime, clock }
}

/** Two servers on one database file; the first configures the site. */
function twoServers() {
  const env = tempEnv()
  const site = createSite()
  const a = server(env, site)
  const b = server(env, site)
  const ids = configureSite(a.runtime.services)
  /** Both clocks (they are one wall clock) move to T0 + `seconds`, firing the timers due. */
  const moveTo = async (seconds: number, ...only: TestPlatform[]) => {
    for (const clock of only.length > 0 ? only : [a.clock, b.clock])
      await clock.advanceTo(at(seconds))
  }
  /** How many cycles each server's loop ran (runs that found the lease held elsewhere excluded). */
  const cycles = { a: 0, b: 0 }
  const countCycles = (runtime: Runtime, key: 'a' | 'b') => {
    const run = runtime.loop.runCycle
    runtime.loop.runCycle = (options) => {
      cycles[key] += 1
      return run(options)
    }
  }
  countCycles(a.runtime, 'a')
  countCycles(b.runtime, 'b')
  return { env, site, a, b, ids, moveTo, cycles }
}

describe('startLoopRunner: one scheduler per database', () => {
  it('only the lease holder runs cycles; the other answers runNow() with null', async () => {
    const { a, b, moveTo, cycles, site, ids } = twoServers()
    const first = a.runtime.startLoop()
    await moveTo(0, a.clock) // the first fire is at once
    const second = b.runtime.startLoop()
    await moveTo(0, b.clock)
    expect(first.isLeader()).toBe(true)
    expect(second.isLeader()).toBe(false)
    expect(cycles).toEqual({ a: 1, b: 0 })
    expect(site.commands).toEqual(['rig startMining', 'spare startMining'])

    await expect(second.runNow()).resolves.toBeNull()
    const report = await first.runNow()
    expect(report?.units.map((unit) => unit.unit_id)).toEqual([ids.unit.id])

    await moveTo(60) // 12 more fires each
    expect(cycles).toEqual({ a: 14, b: 0 })
    expect(second.isLeader()).toBe(false)
    expect(b.runtime.loop.status()).toEqual([])
    expect(b.runtime.loopRepositories.lease.current(b.clock.now())?.holder).toBe(
      first.stats().holder,
    )
    expect(second.stats()).toMatchObject({ leader: false })
    expect(first.stats().holder).not.toBe(second.stats().holder)
  })

  it('when the holder stops, the other takes over at its next fire', async () => {
    const { a, b, moveTo, cycles } = twoServers()
    const first = a.runtime.startLoop()
    const second = b.runtime.startLoop()
    await moveTo(0)
    await moveTo(12)
    expect(cycles).toEqual({ a: 3, b: 0 }) // 0, 5, 10
    await first.stop()
    expect(first.isLeader()).toBe(false)
    expect(a.runtime.loopRepositories.lease.current(a.clock.now())).toBeNull()
    await moveTo(14)
    expect(second.isLeader()).toBe(false)
    await moveTo(15) // B's next fire
    expect(second.isLeader()).toBe(true)
    expect(cycles).toEqual({ a: 3, b: 1 })
    await moveTo(30)
    expect(cycles).toEqual({ a: 3, b: 4 })
  })

  it('a holder that dies without stopping is taken over once its lease has expired', async () => {
    const { a, b, moveTo, cycles } = twoServers()
    const first = a.runtime.startLoop()
    const second = b.runtime.startLoop()
    await moveTo(0)
    await moveTo(20) // A renews the lease at every fire: 0, 5, 10, 15, 20
    expect(cycles).toEqual({ a: 5, b: 0 })
    // A hangs or is killed: its timers never fire again. Its lease (60 s: three 5 s intervals,
    // at least 60 s) was last renewed at T0 + 20 s, so it runs out at T0 + 80 s.
    await moveTo(75, b.clock)
    expect(second.isLeader()).toBe(false)
    expect(cycles.b).toBe(0)
    await moveTo(80, b.clock)
    expect(second.isLeader()).toBe(true)
    expect(cycles).toEqual({ a: 5, b: 1 })
    // The dead one, closed at last, gives up no lease it no longer holds.
    await a.runtime.close()
    expect(first.isLeader()).toBe(false)
    expect(b.runtime.loopRepositories.lease.current(b.clock.now())?.holder).toBe(
      second.stats().holder,
    )
    await moveTo(85, b.clock)
    expect(cycles.b).toBe(2)
  })

  it('the interval follows the settings without a restart, from this process or another', async () => {
    const { a, b, moveTo, cycles } = twoServers()
    const runner = a.runtime.startLoop()
    await moveTo(0, a.clock)
    await moveTo(12, a.clock)
    expect(cycles.a).toBe(3) // 0, 5, 10
    a.runtime.services.settings.update({ scheduler_interval_seconds: 20 })
    expect(runner.stats().next_fire_at).toBe(Date.parse(at(30))) // the last fire + 20 s
    await moveTo(29, a.clock)
    expect(cycles.a).toBe(3)
    await moveTo(30, a.clock)
    expect(cycles.a).toBe(4)
    // With a 20 s interval the lease lasts 60 s (three intervals).
    expect(a.runtime.loopRepositories.lease.current(a.clock.now())?.expires_at).toBe(
      Date.parse(at(90)),
    )
    // Another process (the CLI) changes it: this one sees it at its next fire.
    b.runtime.services.settings.update({ scheduler_interval_seconds: 10 })
    await new Promise((resolve) => setTimeout(resolve, 20)) // past the 5 ms read memo
    await moveTo(50, a.clock)
    expect(cycles.a).toBe(5)
    expect(runner.stats().next_fire_at).toBe(Date.parse(at(60)))
    await moveTo(70, a.clock)
    expect(cycles.a).toBe(7) // 60, 70
  })

  it('startLoop() after its runner was stopped starts a new one; after close() it throws', async () => {
    const { a, moveTo, cycles } = twoServers()
    const first = a.runtime.startLoop()
    expect(a.runtime.startLoop()).toBe(first)
    await moveTo(0, a.clock)
    await first.stop()
    await moveTo(10, a.clock)
    expect(cycles.a).toBe(1)
    const again = a.runtime.startLoop()
    expect(again).not.toBe(first)
    await moveTo(10, a.clock) // its first fire is at once
    expect(again.isLeader()).toBe(true)
    expect(cycles.a).toBe(2)
    await a.runtime.close()
    expect(again.isLeader()).toBe(false)
    expect(() => a.runtime.startLoop()).toThrow('is closed')
  })
})
