import { describe, expect, it } from 'vitest'
import { createHistoryService } from './history'
import { energyReading, loopSetup } from './test-support/fakes'

const T0 = Date.parse('2026-06-21T10:00:00.000Z')
const MIN = 60_000
const DAY = 86_400_000

/** A unit on a meter the test sets, with one miner, its cycles kept in the history. */
function arrange() {
  const s = loopSetup({ start: new Date(T0).toISOString() })
  const { services, world, platform } = s
  const site = { production: 4000 }
  world.energy.set('home', () =>
    energyReading(new Date(platform.now()).toISOString(), {
      production: site.production,
      consumption: 800,
      soc: 64,
      battery: 1500,
      grid: -900,
    }),
  )
  const monitor = services.adapters.energy_monitor.create({ adapter_type: 'fake_meter' })
  const source = services.energySources.create({ name: 'Roof', energy_monitor_id: monitor.id })
  const policy = services.policies.create({ name: 'Solar' })
  services.policies.addRule(policy.id, 'start', {
    name: 'Sun',
    conditions: { field: 'energy_state.production', operator: 'gt', value: 3000 },
  })
  services.policies.addRule(policy.id, 'stop', {
    name: 'Dusk',
    conditions: { field: 'energy_state.production', operator: 'lt', value: 1000 },
  })
  const controller = services.adapters.miner_controller.create({
    adapter_type: 'fake_asic',
    config: { host: 'asic-1' },
  })
  const miner = services.miners.create({ name: 'Rig', controller_ids: [controller.id] })
  const unit = services.units.enable(
    services.units.create({
      name: 'House',
      policy_id: policy.id,
      energy_source_id: source.id,
      target_miner_ids: [miner.id],
    }).id,
  )
  const history = createHistoryService({
    repository: s.loopRepositories.history,
    platform,
    logger: s.logger,
  })
  const loop = s.createLoop()
  loop.onCycle((observation) => history.record(observation))
  const cycleAt = async (ms: number) => {
    await platform.advance(ms - platform.now())
    await loop.runCycle()
  }
  return { ...s, site, unit, miner, history, loop, cycleAt }
}

describe('history of the cycles', () => {
  it('keeps every cycle: energy per unit, status and decision per miner', async () => {
    const a = arrange()
    await a.cycleAt(T0)
    await a.cycleAt(T0 + 30_000)
    a.site.production = 500
    await a.cycleAt(T0 + MIN)
    const answer = a.history.query({
      series: [
        `unit:${a.unit.id}:production`,
        `unit:${a.unit.id}:surplus_power`,
        `unit:${a.unit.id}:grid_power`,
        `miner:${a.miner.id}:decision`,
      ],
      from: T0,
      to: T0 + 2 * MIN,
      step: 30,
    })
    expect(answer.step_seconds).toBe(30)
    const [production, surplus, grid, decision] = answer.series
    expect(production).toEqual({
      series: `unit:${a.unit.id}:production`,
      unit: 'W',
      points: [
        ['2026-06-21T10:00:00.000Z', 4000],
        ['2026-06-21T10:00:30.000Z', 4000],
        ['2026-06-21T10:01:00.000Z', 500],
      ],
    })
    // 4000 − 800 = 3200, then 500 − 800 = −300.
    expect(surplus?.points.map(([, value]) => value)).toEqual([3200, 3200, -300])
    expect(grid?.points.map(([, value]) => value)).toEqual([-900, -900, -900])
    // Off in sunshine: start (1); then starting → maintain (0).
    expect(decision?.points[0]?.[1]).toBe(1)
    expect(decision?.unit).toBe('decision')
  })

  it('a bad series, a reversed range or too many points is an error naming the field', () => {
    const a = arrange()
    expect(() =>
      a.history.query({ series: ['unit:x:production'], from: T0, to: T0 + MIN }),
    ).toThrow(/^series\.0: /)
    const series = [`unit:${a.unit.id}:production`]
    expect(() => a.history.query({ series, from: T0, to: T0 - 1 })).toThrow(
      'to: expected a time after from',
    )
    expect(() => a.history.query({ series, from: T0, to: T0 + 90 * DAY, step: 60 })).toThrow(
      /^step: expected a step giving at most 5000 points/,
    )
  })

  it("fills a pool's missing 7-day average from 6 days or more of our own history, and says so", () => {
    const a = arrange()
    const tracker = '7a1c0000-0000-4000-8000-000000000001'
    const snapshot = {
      current_hashrate: { value: 100, unit: 'TH/s' as const },
      pool_stats: {
        current_hashrate: { value: 100, unit: 'TH/s' as const },
        average_hashrate_24h: null,
        average_hashrate_7d: null,
        unpaid_balance: 1000,
        estimated_next_payout: null,
        workers: [],
        last_share_at: null,
        timestamp: new Date(T0).toISOString(),
      },
      payout_schedule: null,
      timestamp: new Date(T0).toISOString(),
      data_age_seconds: 0,
      stale: false,
      errors: [],
      seconds_since_last_share: null,
      hashrate_ratio_24h: null,
      workers_online: null,
      workers_total: null,
      payout_progress: null,
      average_hashrate_7d_source: null,
    }
    const record = (days: number, value: number) =>
      a.loopRepositories.history.record(
        Array.from({ length: days * 24 * 60 }, (_, minute) => ({
          series: `tracker:${tracker}:hashrate`,
          at: T0 - (minute + 1) * MIN,
          value,
        })),
      )
    record(5, 90)
    // Five days are not enough to call it a 7-day average.
    expect(a.history.fillSevenDayAverage(tracker, snapshot)).toBe(snapshot)
    a.loopRepositories.history.record(
      Array.from({ length: 24 * 60 }, (_, minute) => ({
        series: `tracker:${tracker}:hashrate`,
        at: T0 - 5 * DAY - (minute + 1) * MIN,
        value: 120,
      })),
    )
    const filled = a.history.fillSevenDayAverage(tracker, snapshot)
    // (5 days × 90 + 1 day × 120) / 6 = 95 TH/s over 6 of the 7 days.
    expect(filled.pool_stats?.average_hashrate_7d).toEqual({ value: 95, unit: 'TH/s' })
    expect(filled.average_hashrate_7d_source).toBe('history')
  })

  it('prunes in batches and reports how many rows went', async () => {
    const a = arrange()
    a.loopRepositories.history.record(
      Array.from({ length: 2500 }, (_, i) => ({ series: 'old', at: T0 - 100 * DAY - i, value: 1 })),
    )
    // 2500 readings 100 days old, 1 ms apart ending on a whole minute: 2500 tier-0 rows, and two
    // buckets in each of tiers 1 and 2 (the reading on the minute, and the 2499 just before it).
    expect(a.loopRepositories.history.stats().rows).toBe(2504)
    let pruned: number | undefined
    const pruning = a.history.prune().then((rows) => {
      pruned = rows
    })
    // Batches of 2000 yield to the platform's timers in between.
    while (pruned === undefined) await a.platform.advance(1)
    await pruning
    expect(pruned).toBe(2504)
    expect(a.loopRepositories.history.stats().rows).toBe(0)
  })
})
