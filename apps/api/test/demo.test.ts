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

it('a simulated morning and noon: miners start on the surplus, the dry worker is paused, each with a reason', {
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
  try {
    const runner = demo.api.runtime.startLoop()
    // 05:00 → 15:30 in Rome, one simulated minute (one real second at 60×) per step.
    const end = Date.UTC(2026, 5, 21, 13, 30, 0)
    while (demo.platform.now() < end) {
      base.advanceTo(base.now() + 1000)
      // Real time keeps moving while a cycle runs (the Braiins pacer waits on the clock).
      let done = false
      const cycle = runner.runNow().finally(() => {
        done = true
      })
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve))
        if (!done) base.advanceTo(base.now() + 20)
      }
      await cycle
    }
    const actions = decisions.filter((record) => record.kind === 'action')
    const started = (minerId: string) =>
      actions.find(
        (record) =>
          record.miner_id === minerId && record.action === 'start' && record.outcome === 'executed',
      )
    // Both miners were started by the loop on the morning surplus, each for a reason naming the rule.
    for (const minerId of [demo.minerIds.small, demo.minerIds.big]) {
      const start = started(minerId)
      expect(start?.reason).toMatch(
        /^Start: start rule 'Solar surplus covers the miner' fired \(energy_state\.surplus_power = [\d.]+ W > miner\.power_consumption_max/,
      )
      expect(start?.trace).not.toBeNull()
    }
    // The small miner needs less surplus: it starts first.
    expect(Date.parse(started(demo.minerIds.small)?.at ?? '')).toBeLessThan(
      Date.parse(started(demo.minerIds.big)?.at ?? ''),
    )
    // At 13:00 its worker stops sharing at the pool; an hour later the policy pauses it.
    expect(notes[0]).toContain('stops sharing at the pool')
    const paused = actions.find(
      (record) =>
        record.miner_id === demo.minerIds.small &&
        record.action === 'stop' &&
        record.rule_name === 'Shares dried up',
    )
    expect(paused?.outcome).toBe('executed')
    expect(paused?.reason).toMatch(/pool_worker\.seconds_since_last_share = \d+ s > 3600/)
    expect(Date.parse(paused?.at ?? '')).toBeGreaterThanOrEqual(Date.UTC(2026, 5, 21, 12, 0, 0))
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
    ).json()) as { errors: unknown[]; energy_state: unknown; mining_performance: unknown }
    expect(context.errors).toEqual([])
    expect(context.energy_state).not.toBeNull()
    expect(context.mining_performance).not.toBeNull()
  } finally {
    await demo.close()
  }
  await expect(fetch(`${demo.api.url}/health`)).rejects.toThrow()
  expect(existsSync(demo.databasePath)).toBe(false)
})
