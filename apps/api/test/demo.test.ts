import { existsSync } from 'node:fs'
import { type DecisionRecord, type Platform, systemPlatform } from '@edge-mining/domain'
import { expect, it } from 'vitest'
import { startDemo } from '../src/demo'
import { captureLogs } from './support'

/** A base platform whose time moves only when the test says; its timers fire in order. */
function manualBase() {
  let now = Date.UTC(2026, 5, 21, 3, 0, 0)
  let nextId = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  const platform: Platform = {
    ...systemPlatform(),
    now: () => now,
    setTimeout(callback, ms) {
      nextId += 1
      timers.set(nextId, { at: now + ms, callback })
      return nextId
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
  }
  return {
    platform,
    /** Moves time to `until`, firing every due timer at its own instant. */
    advanceTo(until: number) {
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].callback()
      }
      now = until
    },
    now: () => now,
  }
}

const SPEED = 60

it('a simulated day through Home Assistant: the plugs start on the morning surplus, stop when clouds come and start again, each with a reason', {
  timeout: 120_000,
}, async () => {
  const base = manualBase()
  const decisions: DecisionRecord[] = []
  const notes: string[] = []
  const demo = await startDemo({
    env: { API_PORT: '0', LOG_LEVEL: 'silent' },
    logger: captureLogs().logger,
    base: base.platform,
    speed: SPEED,
    startMs: Date.UTC(2026, 5, 21, 3, 0, 0),
    onDecision: (record) => decisions.push(record),
    onNote: (note) => notes.push(note),
  })
  expect(existsSync(demo.databasePath)).toBe(true)
  /** Lets `work` run while real time creeps on (HA timeouts and plug confirmations wait on it). */
  const settle = async (work: Promise<unknown>) => {
    let done = false
    const watched = work.finally(() => {
      done = true
    })
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve))
      if (!done) base.advanceTo(base.now() + 2)
    }
    await watched
  }
  let cycles = 0
  try {
    const runner = demo.api.runtime.startLoop()
    // 05:00 → 15:30 in Rome, one simulated minute (one real second at 60×) per step.
    const end = Date.UTC(2026, 5, 21, 13, 30, 0)
    while (demo.platform.now() < end) {
      base.advanceTo(base.now() + 1000)
      await settle(runner.runNow())
      await settle(demo.api.runtime.loop.notifications.drain())
      cycles += 1
    }
    // No more cycles; one more watch of the decision log hands over what the last one recorded.
    await settle(runner.stop())
    base.advanceTo(base.now() + 1000)
    const executed = decisions.filter(
      (record) => record.kind === 'action' && record.outcome === 'executed',
    )
    const of = (minerId: string, action: 'start' | 'stop') =>
      executed.filter((record) => record.miner_id === minerId && record.action === action)
    // Both plugs were switched on by the loop on the morning surplus, for a reason naming the rule.
    for (const minerId of [demo.minerIds.small, demo.minerIds.big]) {
      const [first] = of(minerId, 'start')
      expect(first?.reason).toMatch(
        /^Start: start rule 'Solar surplus covers the miner' fired \(energy_state\.surplus_power = \d+ W > miner\.power_consumption_max \((1350|3500) W\); energy_state\.battery\.state_of_charge = [\d.]+ % >= 40\)$/,
      )
      expect(first?.trace).not.toBeNull()
      expect(first?.details).toEqual({ control: 'power_control' })
    }
    // The small miner needs less surplus: it starts first, early in the morning.
    const smallStart = Date.parse(of(demo.minerIds.small, 'start')[0]?.at ?? '')
    const bigStart = Date.parse(of(demo.minerIds.big, 'start')[0]?.at ?? '')
    expect(smallStart).toBeLessThan(bigStart)
    expect(bigStart).toBeLessThan(Date.UTC(2026, 5, 21, 9, 0, 0))
    // Clouds take the surplus: each plug is stopped by the deficit rule (after its 2 minutes)…
    for (const minerId of [demo.minerIds.small, demo.minerIds.big]) {
      const deficit = of(minerId, 'stop').find((record) => record.rule_name === 'Solar deficit')
      expect(deficit?.reason).toMatch(
        /^Stop: stop rule 'Solar deficit' fired \(energy_state\.surplus_power = -?\d+ W < 1000;/,
      )
      // …and started again when the sun is back.
      expect(
        of(minerId, 'start').some(
          (record) => Date.parse(record.at) > Date.parse(deficit?.at ?? ''),
        ),
      ).toBe(true)
    }
    // What the loop did is what the plugs did: every switch came from a service call.
    const site = demo.site
    const entityOf = (minerId: string) =>
      minerId === demo.minerIds.big ? 'switch.garage_s21_plug' : 'switch.shed_s9_plug'
    expect(site.switchLog().map((event) => [event.entity_id, event.state, event.by])).toEqual(
      executed.map((record) => [
        entityOf(record.miner_id ?? ''),
        record.action === 'start' ? 'on' : 'off',
        'service',
      ]),
    )
    // HA answered every request; the energy state was never missing; the phone was told.
    const requests = site.requests()
    expect(requests.log.every((entry) => entry.status === 200)).toBe(true)
    expect(decisions.filter((record) => record.kind === 'notice')).toEqual([])
    expect(site.notifications().map((note) => note.title)).toContain('Miner Started: Shed S9')
    expect(notes.filter((note) => note.startsWith('(site) PV'))).toHaveLength(11)
    // Reads per cycle: 6 energy entities, 2 forecast ones, 2 plugs × (switch + power sensor)…
    expect(requests.byEndpoint.state ?? 0).toBeGreaterThanOrEqual(12 * cycles)
    // …and the confirmations of the switches.
    expect(requests.byEndpoint.call_service).toBe(executed.length + site.notifications().length)
    // Over the API too: the log, the unit's status and the decisional context.
    const log = (await (
      await fetch(`${demo.api.url}/api/v1/decisions?unit_id=${demo.unitId}&limit=1000`)
    ).json()) as { decisions: DecisionRecord[] }
    expect(log.decisions.map((record) => record.id)).toEqual(
      [...decisions].map((record) => record.id).reverse(),
    )
    const status = (await (
      await fetch(`${demo.api.url}/api/v1/optimization-units/${demo.unitId}/status`)
    ).json()) as { miners: { miner_name: string; reason: string }[] }
    expect(status.miners.map((miner) => miner.miner_name)).toEqual(['Garage S21', 'Shed S9'])
    const context = (await (
      await fetch(`${demo.api.url}/api/v1/optimization-units/${demo.unitId}/decisional-context`)
    ).json()) as {
      errors: unknown[]
      energy_state: { production: number } | null
      forecast: { next_hour_power: number | null } | null
      mining_performance: unknown
    }
    expect(context.errors).toEqual([])
    expect(context.energy_state?.production).toBeGreaterThan(0)
    expect(context.forecast?.next_hour_power).toBeGreaterThan(0)
    expect(context.mining_performance).not.toBeNull()
  } finally {
    await demo.close()
  }
  await expect(fetch(`${demo.api.url}/health`)).rejects.toThrow()
  await expect(fetch(`${demo.site.url}/api/`)).rejects.toThrow()
  expect(existsSync(demo.databasePath)).toBe(false)
})
