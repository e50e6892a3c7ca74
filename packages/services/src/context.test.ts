import type { ForecastSnapshot, PoolStats } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { poolWorkerContext, READ_TIMEOUT_MS, type UnitContext } from './context'
import { energyReading, fails, hang, setup, uuidNumber } from './test-support/fakes'

const NOON_ROME = '2026-06-21T10:00:00.000Z' // Sunday 21 June 2026, 12:00 in Rome (CEST)
const HOUR = 3_600_000

function forecastFrom(startIso: string, powers: number[]): ForecastSnapshot {
  const start = Date.parse(startIso)
  return {
    timestamp: startIso,
    intervals: powers.map((power, index) => ({
      start: new Date(start + index * HOUR).toISOString(),
      end: new Date(start + (index + 1) * HOUR).toISOString(),
      power,
      energy: power,
    })),
    energy_remaining_today: 12_000,
    energy_tomorrow: 25_000,
  }
}

function poolStatsAt(atIso: string): PoolStats {
  const at = Date.parse(atIso)
  return {
    current_hashrate: { value: 105, unit: 'TH/s' },
    average_hashrate_24h: { value: 100, unit: 'TH/s' },
    average_hashrate_7d: null,
    unpaid_balance: 50_000,
    estimated_next_payout: null,
    workers: [
      {
        worker_name: 'rig1',
        hashrate: { value: 98, unit: 'TH/s' },
        last_share_at: new Date(at - 90_000).toISOString(),
        valid_shares: 1000,
        stale_shares: 0,
        rejected_shares: 2,
        state: 'online',
      },
    ],
    last_share_at: null,
    timestamp: atIso,
  }
}

/** A unit with every part configured, at noon in Rome. */
function arrange(start = NOON_ROME) {
  const s = setup({ start })
  const { services, world } = s
  const monitor = services.adapters.energy_monitor.create({ adapter_type: 'fake_meter' })
  const forecast = services.adapters.forecast_provider.create({ adapter_type: 'dummy_solar' })
  const tracker = services.trackers.create({
    adapter_type: 'fake_pool',
    config: { account: 'alice', api_token: 'pool-token-1' },
  })
  const asic = services.adapters.miner_controller.create({
    adapter_type: 'fake_asic',
    config: { host: 'asic-1' },
  })
  const source = services.energySources.create({
    name: 'Roof',
    type: 'solar',
    nominal_power_max: 6000,
    storage: { nominal_capacity: 10_000 },
    grid: { contracted_power: 4500 },
    energy_monitor_id: monitor.id,
    forecast_provider_id: forecast.id,
  })
  const miner = services.miners.create({
    name: 'Rig',
    model: 'S19',
    hash_rate_max: 110,
    power_consumption_max: 3250,
    pool_worker_name: 'RIG1',
    controller_ids: [asic.id],
  })
  const unit = services.units.create({
    name: 'House',
    energy_source_id: source.id,
    performance_tracker_id: tracker.id,
    target_miner_ids: [miner.id],
  })
  world.energy.set('home', energyReading(start))
  world.forecast = forecastFrom(start, [4000, 3000, 2000, 1000, 500])
  world.pools.set('alice', {
    hashrate: { value: 105, unit: 'TH/s' },
    stats: () => poolStatsAt(new Date(s.platform.now()).toISOString()),
    payout: { frequency: 'threshold', threshold: 100_000, next_payout_at: null },
  })
  const device = world.device('asic-1')
  device.status = 'on'
  device.hashrate = { value: 100, unit: 'TH/s' }
  device.power = 3200
  device.inletTemperature = 24
  return { ...s, monitor, forecast, tracker, asic, source, miner, unit }
}

describe('context builder: everything configured', () => {
  it('builds the whole decisional context of a unit', async () => {
    const { services, source, miner, unit } = arrange()
    const context = await services.context.unitContext(unit.id)
    expect(context.errors).toEqual([])
    expect(context.energy_source).toEqual({
      id: source.id,
      name: 'Roof',
      type: 'solar',
      nominal_power_max: 6000,
      storage_capacity: 10_000,
      grid_contracted_power: 4500,
    })
    // Battery +1500 W is charging; grid -900 W is exporting; 4200 − 800 = 3400 W for miners.
    expect(context.energy_state).toEqual({
      production: 4200,
      consumption: { current_power: 800 },
      surplus_power: 3400,
      battery: {
        state_of_charge: 64,
        remaining_capacity: 6400,
        current_power: 1500,
        charging_power: 1500,
        discharging_power: 0,
      },
      grid: { current_power: -900, importing_power: 0, exporting_power: 900 },
      external_source: null,
    })
    // Next hour 4000 W; next four hours (4000+3000+2000+1000)/4 = 2500 W.
    expect(context.forecast).toEqual({
      next_hour_power: 4000,
      avg_next_4_hours_power: 2500,
      next_hour_energy: 4000,
      energy_remaining_today: 12_000,
      energy_tomorrow: 25_000,
    })
    expect(context.mining_performance).toMatchObject({
      current_hashrate: { value: 105, unit: 'TH/s' },
      hashrate_ratio_24h: 1.05,
      workers_online: 1,
      workers_total: 1,
      payout_progress: 0.5,
      seconds_since_last_share: 90,
      stale: false,
      errors: [],
    })
    expect(context.miner).toEqual({
      id: miner.id,
      name: 'Rig',
      model: 'S19',
      hash_rate_max: { value: 110, unit: 'TH/s' },
      power_consumption_max: 3250,
      active: true,
      pool_worker_name: 'RIG1',
    })
    expect(context.miner_state).toMatchObject({
      status: 'on',
      hash_rate: { value: 100, unit: 'TH/s' },
      power_consumption: 3200,
      inlet_temperature: 24,
      // This controller offers no operational monitoring: unknown, not 0.
      system_uptime: null,
    })
    // The worker is found by the miner's pool_worker_name (case aside): the pool sees 98 of
    // the 100 TH/s the miner reports, its last share 90 s ago.
    expect(context.pool_worker).toEqual({
      worker_name: 'rig1',
      hashrate: { value: 98, unit: 'TH/s' },
      state: 'online',
      last_share_at: '2026-06-21T09:58:30.000Z',
      seconds_since_last_share: 90,
      hashrate_ratio: 0.98,
    })
    expect(context.timestamp).toEqual({
      iso: NOON_ROME,
      time_zone: 'Europe/Rome',
      year: 2026,
      month: 6,
      day: 21,
      hour: 12,
      minute: 0,
      weekday: 6,
    })
  })

  it("puts the sun where it is for the settings' location and date", async () => {
    const { services, unit } = arrange()
    const noon = (await services.context.unitContext(unit.id)).sun
    // Rome at the June solstice: sunrise about 05:35 CEST, sunset about 20:48 CEST.
    const sunrise = Date.parse(noon?.sunrise ?? '')
    const sunset = Date.parse(noon?.sunset ?? '')
    expect(sunrise).toBeGreaterThan(Date.parse('2026-06-21T03:20:00Z'))
    expect(sunrise).toBeLessThan(Date.parse('2026-06-21T03:50:00Z'))
    expect(sunset).toBeGreaterThan(Date.parse('2026-06-21T18:35:00Z'))
    expect(sunset).toBeLessThan(Date.parse('2026-06-21T19:00:00Z'))
    expect((sunset - sunrise) / HOUR).toBeCloseTo(15.2, 0)
    expect(noon?.is_daylight).toBe(true)
    // At the solstice the noon sun stands near 90 − 41.9 + 23.4 ≈ 71.5°.
    expect(noon?.elevation).toBeGreaterThan(65)
    expect(noon?.seconds_since_sunrise).toBe(Math.round((Date.parse(NOON_ROME) - sunrise) / 1000))
    expect(noon?.seconds_until_sunset).toBe(Math.round((sunset - Date.parse(NOON_ROME)) / 1000))
    expect(noon?.seconds_until_sunrise).toBeGreaterThan(16 * 3600)

    // Midnight in Rome (22:00 UTC): dark, the sun well below the horizon.
    const late = arrange('2026-06-21T22:00:00.000Z')
    const midnight = await late.services.context.unitContext(late.unit.id)
    expect(midnight.sun?.is_daylight).toBe(false)
    expect(midnight.sun?.elevation).toBeLessThan(-15)
    expect(midnight.timestamp).toMatchObject({ day: 22, hour: 0, weekday: 0 })

    // The December solstice: a short day, about 9 h.
    const winter = arrange('2026-12-21T11:00:00.000Z')
    const december = (await winter.services.context.unitContext(winter.unit.id)).sun
    const length = Date.parse(december?.sunset ?? '') - Date.parse(december?.sunrise ?? '')
    expect(length / HOUR).toBeCloseTo(9.1, 0)
  })

  it("just after midnight, today's sunrise is the coming one of the local date", async () => {
    // 00:30 CEST on Monday 22 June is 22:30 UTC on the 21st.
    const { services, unit } = arrange('2026-06-21T22:30:00.000Z')
    const context = await services.context.unitContext(unit.id)
    expect(context.timestamp).toMatchObject({ day: 22, hour: 0, minute: 30 })
    const sunrise = Date.parse(context.sun?.sunrise ?? '')
    expect(sunrise).toBeGreaterThan(Date.parse('2026-06-22T03:20:00Z'))
    expect(sunrise).toBeLessThan(Date.parse('2026-06-22T03:50:00Z'))
    expect(context.sun?.seconds_since_sunrise).toBeNull()
    expect(context.sun?.seconds_until_sunrise).toBe(
      Math.round((sunrise - Date.parse('2026-06-21T22:30:00Z')) / 1000),
    )
    expect(Date.parse(context.sun?.sunset ?? '')).toBeGreaterThan(sunrise)
  })

  it('follows the settings: another place and time zone move the sun and the calendar', async () => {
    const { services, unit } = arrange()
    services.settings.update({
      timezone: 'America/New_York',
      latitude: 40.7128,
      longitude: -74.006,
    })
    const context = await services.context.unitContext(unit.id)
    // 10:00 UTC is 06:00 EDT; New York's June sunrise is about 05:25 EDT (09:25 UTC).
    expect(context.timestamp).toMatchObject({ time_zone: 'America/New_York', hour: 6, day: 21 })
    const sunrise = Date.parse(context.sun?.sunrise ?? '')
    expect(sunrise).toBeGreaterThan(Date.parse('2026-06-21T09:10:00Z'))
    expect(sunrise).toBeLessThan(Date.parse('2026-06-21T09:40:00Z'))
    expect(context.sun?.is_daylight).toBe(true)
    expect(context.sun?.elevation).toBeLessThan(15)
  })

  it('a shared snapshot function replaces the tracker read', async () => {
    const { services, unit, tracker, world } = arrange()
    const snapshot = await services.trackers.buildSnapshot(tracker.id)
    world.pools.clear()
    const asked: string[] = []
    const context = await services.context.unitContext(unit.id, {
      snapshotOf: async (id) => {
        asked.push(id)
        return snapshot
      },
    })
    expect(asked).toEqual([tracker.id])
    expect(context.mining_performance).toEqual(snapshot)
    expect(context.errors).toEqual([])
  })
})

describe('context builder: parts missing or failing', () => {
  it('with nothing configured answers nulls (and no made-up values), never throws', async () => {
    const { services } = setup({ start: NOON_ROME })
    const unit = services.units.create({ name: 'Empty' })
    const context = await services.context.unitContext(unit.id)
    expect(context).toMatchObject({
      energy_source: null,
      energy_state: null,
      forecast: null,
      mining_performance: null,
      miner: null,
      miner_state: null,
      pool_worker: null,
      home_load_forecast: null,
      errors: [],
    })
    expect(context.sun?.is_daylight).toBe(true)
    expect(context.timestamp?.hour).toBe(12)
  })

  it('a monitor that throws: energy_state null, the error with its code; the rest kept', async () => {
    const { services, unit, world } = arrange()
    world.energy.delete('home')
    const context = await services.context.unitContext(unit.id)
    expect(context.energy_state).toBeNull()
    expect(context.errors).toEqual([
      { part: 'energy_state', code: 'unreachable', message: 'meter offline' },
    ])
    expect(context.forecast?.next_hour_power).toBe(4000)
    expect(context.miner_state?.status).toBe('on')

    world.energy.set('home', fails(new Error('parse error')))
    expect((await services.context.unitContext(unit.id)).errors).toEqual([
      { part: 'energy_state', code: 'error', message: 'parse error' },
    ])
    world.energy.set('home', null)
    expect((await services.context.unitContext(unit.id)).errors).toEqual([
      { part: 'energy_state', code: 'no_data', message: 'The energy monitor has no reading' },
    ])
  })

  it('a reading outside the schema is that part unreadable and named, never a crash (T22)', async () => {
    const { services, unit, world } = arrange()
    const good = energyReading(NOON_ROME)
    world.energy.set('home', { ...good, production: Number.NaN })
    const context = await services.context.unitContext(unit.id)
    expect(context.energy_state).toBeNull()
    expect(context.errors).toEqual([
      {
        part: 'energy_state',
        code: 'bad_response',
        message: expect.stringMatching(/^The energy monitor answered .*: production: /),
      },
    ])
    expect(context.miner_state?.status).toBe('on')
    // A negative production (some inverters' night reading) is a reading, not an error.
    world.energy.set('home', { ...good, production: -12 })
    const night = await services.context.unitContext(unit.id)
    expect(night.errors).toEqual([])
    expect(night.energy_state?.production).toBe(-12)
  })

  it('a monitor that never answers times out on the fake clock', async () => {
    const { services, unit, world, platform } = arrange()
    world.energy.set('home', hang)
    let context: UnitContext | null = null
    const pending = services.context.unitContext(unit.id).then((value) => {
      context = value
    })
    await platform.advance(READ_TIMEOUT_MS - 1)
    expect(context).toBeNull()
    await platform.advance(1)
    await pending
    const done = context as unknown as UnitContext
    expect(done.energy_state).toBeNull()
    expect(done.errors).toEqual([
      {
        part: 'energy_state',
        code: 'unreachable',
        message: "Energy monitor of 'Roof': no answer within 10 s",
      },
    ])
    expect(done.forecast?.next_hour_power).toBe(4000)
    expect(done.mining_performance?.current_hashrate?.value).toBe(105)
  })

  it('names the missing or failing parts: source, monitor, forecast, tracker, miner state', async () => {
    const { services, unit, source, repositories, world } = arrange()
    services.energySources.update(source.id, { energy_monitor_id: null })
    world.forecast = fails(new Error('forecast service down'))
    world.device('asic-1').power = fails(new Error('no power sensor'))
    let context = await services.context.unitContext(unit.id)
    expect(context.errors).toEqual([
      {
        part: 'energy_state',
        code: 'not_configured',
        message: "Energy source 'Roof' has no energy monitor",
      },
      { part: 'forecast', code: 'error', message: 'forecast service down' },
      { part: 'miner_state', code: 'error', message: 'power_monitoring: no power sensor' },
    ])
    expect(context.energy_source?.name).toBe('Roof')
    expect(context.miner_state).toMatchObject({ status: 'on', power_consumption: null })

    // A pool that fails answers a snapshot listing its failed parts, not a missing one.
    world.pools.clear()
    context = await services.context.unitContext(unit.id)
    expect(context.mining_performance?.errors.map((error) => error.part)).toEqual([
      'current_hashrate',
      'pool_stats',
      'payout_schedule',
    ])
    expect(context.pool_worker).toBeNull()

    // Ids left dangling (storage edited by hand): named, never thrown.
    const stored = repositories.units.get(unit.id)
    if (!stored) throw new Error('missing')
    repositories.units.update({
      ...stored,
      energy_source_id: uuidNumber(90),
      performance_tracker_id: uuidNumber(91),
    })
    context = await services.context.unitContext(unit.id)
    expect(context.energy_source).toBeNull()
    expect(context.mining_performance).toBeNull()
    expect(context.errors.slice(0, 2)).toEqual([
      {
        part: 'energy_source',
        code: 'not_found',
        message: `Energy source ${uuidNumber(90)} not found`,
      },
      {
        part: 'mining_performance',
        code: 'not_found',
        message: `Mining performance tracker not found: ${uuidNumber(91)}`,
      },
    ])
  })

  it('chooses the first usable miner: skipping missing, inactive and status-less ones', async () => {
    const { services, unit, asic, repositories, miner } = arrange()
    const idle = services.miners.create({ name: 'Idle', controller_ids: [asic.id], active: false })
    const blind = services.miners.create({ name: 'Blind', controller_ids: [asic.id] })
    services.miners.setFeatureEnabled(blind.id, asic.id, 'status_monitoring', false)
    const bare = services.miners.create({ name: 'Bare' })
    const stored = repositories.units.get(unit.id)
    if (!stored) throw new Error('missing')
    repositories.units.update({
      ...stored,
      target_miner_ids: [uuidNumber(95), idle.id, blind.id, bare.id, miner.id],
    })
    const context = await services.context.unitContext(unit.id)
    expect(context.miner?.name).toBe('Rig')
    expect(context.errors).toEqual([])

    services.units.update(unit.id, { target_miner_ids: [idle.id, blind.id, bare.id] })
    const none = await services.context.unitContext(unit.id)
    expect(none.miner).toBeNull()
    expect(none.miner_state).toBeNull()
    expect(none.pool_worker).toBeNull()
    expect(none.errors).toEqual([
      {
        part: 'miner',
        code: 'not_usable',
        message: 'No miner of the unit is active with a controller that reads its status',
      },
    ])
  })

  it('a worker the pool does not know: the name, every reading null', async () => {
    const { services, unit, miner } = arrange()
    services.miners.update(miner.id, { pool_worker_name: 'rig-unknown' })
    const context = await services.context.unitContext(unit.id)
    expect(context.pool_worker).toEqual({
      worker_name: 'rig-unknown',
      hashrate: null,
      state: null,
      last_share_at: null,
      seconds_since_last_share: null,
      hashrate_ratio: null,
    })
    services.miners.update(miner.id, { pool_worker_name: null })
    expect((await services.context.unitContext(unit.id)).pool_worker).toBeNull()
  })
})

describe('poolWorkerContext', () => {
  const at = Date.parse('2026-06-21T12:00:00Z')
  const snapshot = (names: string[]) =>
    ({
      pool_stats: {
        workers: names.map((worker_name, index) => ({
          worker_name,
          hashrate: { value: 10 + index, unit: 'TH/s' },
          last_share_at: '2026-06-21T11:00:00.000Z',
          valid_shares: null,
          stale_shares: null,
          rejected_shares: null,
          state: 'online',
        })),
      },
    }) as unknown as Parameters<typeof poolWorkerContext>[0]
  const miner = { pool_worker_name: 's9-shed' } as Parameters<typeof poolWorkerContext>[1]

  it('finds a worker the pool prefixes with the account (Braiins: username.worker)', () => {
    const found = poolWorkerContext(snapshot(['alice.s21', 'alice.s9-shed']), miner, null, at)
    expect(found).toMatchObject({ worker_name: 'alice.s9-shed', seconds_since_last_share: 3600 })
  })

  it('an exact name wins over a prefixed one', () => {
    const found = poolWorkerContext(snapshot(['alice.s9-shed', 's9-shed']), miner, null, at)
    expect(found?.worker_name).toBe('s9-shed')
  })
})
