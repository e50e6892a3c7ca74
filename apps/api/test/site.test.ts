import { describe, expect, it } from 'vitest'
import { buildSite, EXAMPLE_POLICY_ID, expectStatus, V1 } from './site'
import { fixedClock, type Loose, makeApp } from './support'

/** Saturday 20 June 2026, 12:00 in Rome (the default time zone): sun high, a weekend. */
const NOON = '2026-06-20T10:00:00Z'

describe('a whole site through REST (the issue\'s "done when")', () => {
  it('controller, miner, energy, policy, tracker, notifier, unit: enabled, with a full context', async () => {
    const clock = fixedClock(NOON)
    const { json } = makeApp({ platform: clock.platform })
    const site = await buildSite(json)

    // set-controller attached every feature the dummy supports, at priority 50, enabled.
    expect(site.miner.controller_ids).toEqual([site.controller.id])
    const supported = await expectStatus(
      json,
      'GET',
      `${V1}/miner-controllers/${site.controller.id}/supported-features`,
      200,
    )
    expect(supported).toEqual(expect.arrayContaining(['status_monitoring', 'mining_control']))
    expect(site.miner.features.map((f: Loose) => f.feature_type).sort()).toEqual(
      [...supported].sort(),
    )
    for (const feature of site.miner.features) {
      expect(feature).toEqual({
        feature_type: feature.feature_type,
        controller_id: site.controller.id,
        priority: 50,
        enabled: true,
      })
    }
    expect(await expectStatus(json, 'GET', `${V1}/miners/${site.miner.id}/features`, 200)).toEqual(
      site.miner.features,
    )

    expect(site.policy).toMatchObject({ id: EXAMPLE_POLICY_ID, valid: true })
    expect(site.policy.start_rules).toHaveLength(3)
    expect(site.policy.stop_rules).toHaveLength(3)
    expect(site.unit).toMatchObject({
      name: 'Garage unit',
      description: 'The whole site',
      is_enabled: false,
      policy_id: EXAMPLE_POLICY_ID,
      target_miner_ids: [site.miner.id],
      energy_source_id: site.source.id,
      performance_tracker_id: site.tracker.id,
      notifier_ids: [site.notifier.id],
      home_loads_profile_id: null,
      climate_zone_ids: [],
    })

    const enabled = await expectStatus(
      json,
      'POST',
      `${V1}/optimization-units/${site.unit.id}/enable`,
      200,
    )
    expect(enabled).toEqual({ ...site.unit, is_enabled: true })
    expect(
      await expectStatus(json, 'GET', `${V1}/optimization-units/${site.unit.id}`, 200),
    ).toEqual(enabled)

    const context = await expectStatus(
      json,
      'GET',
      `${V1}/optimization-units/${site.unit.id}/decisional-context`,
      200,
    )
    expect(context.errors).toEqual([])
    expect(context.energy_source).toEqual({
      id: site.source.id,
      name: 'Garage roof',
      type: 'solar',
      nominal_power_max: 5000,
      storage_capacity: 10_000,
      grid_contracted_power: 6000,
    })
    const energy = context.energy_state
    expect(energy.production).toBeGreaterThan(1000) // midsummer noon on a 5 kW roof
    expect(energy.production).toBeLessThanOrEqual(5000)
    expect(energy.consumption.current_power).toBeGreaterThan(0)
    const battery = energy.battery
    expect(battery.state_of_charge).toBeGreaterThanOrEqual(10)
    expect(battery.state_of_charge).toBeLessThanOrEqual(100)
    expect(battery.charging_power).toBe(Math.max(battery.current_power, 0))
    expect(battery.discharging_power).toBe(Math.max(-battery.current_power, 0))
    const grid = energy.grid
    expect(grid.importing_power).toBe(Math.max(grid.current_power, 0))
    expect(grid.exporting_power).toBe(Math.max(-grid.current_power, 0))
    // The balance of the dummy site (domain signs: grid + = importing, battery + = charging).
    expect(grid.current_power).toBeCloseTo(
      energy.consumption.current_power + battery.current_power - energy.production,
      0,
    )

    expect(context.forecast).toEqual({
      next_hour_power: expect.any(Number),
      avg_next_4_hours_power: expect.any(Number),
      next_hour_energy: expect.any(Number),
      energy_remaining_today: expect.any(Number),
      energy_tomorrow: expect.any(Number),
    })
    expect(context.forecast.next_hour_power).toBeGreaterThan(0)

    const performance = context.mining_performance
    expect(performance.current_hashrate).toMatchObject({ unit: 'TH/s' })
    expect(performance.current_hashrate.value).toBeGreaterThan(0)
    expect(performance.pool_stats.workers.map((w: Loose) => w.worker_name)).toContain('dummy-1')
    expect(performance.errors).toEqual([])

    expect(context.sun).toMatchObject({ is_daylight: true })
    expect(context.sun.elevation).toBeGreaterThan(50)
    expect(Date.parse(context.sun.sunrise)).toBeLessThan(Date.parse(NOON))
    expect(Date.parse(context.sun.sunset)).toBeGreaterThan(Date.parse(NOON))

    expect(context.timestamp).toEqual({
      iso: '2026-06-20T10:00:00.000Z',
      time_zone: 'Europe/Rome',
      year: 2026,
      month: 6,
      day: 20,
      hour: 12,
      minute: 0,
      weekday: 5,
    })

    expect(context.miner).toEqual({
      id: site.miner.id,
      name: 'Garage S19',
      model: 'Antminer S19 Pro',
      hash_rate_max: { value: 110, unit: 'TH/s' },
      power_consumption_max: 3250,
      active: true,
      pool_worker_name: 'dummy-1',
    })
    expect(context.miner_state).toMatchObject({ status: 'off', hash_rate: { value: 0 } })
    expect(context.miner_state.power_consumption).toBeLessThan(50) // standby
    expect(context.pool_worker).toMatchObject({ worker_name: 'dummy-1' })

    // The live snapshot of the miner.
    const status = await expectStatus(json, 'GET', `${V1}/miners/${site.miner.id}/status`, 200)
    expect(status).toMatchObject({ status: 'off', errors: [] })
    expect(status.hashboards).toHaveLength(3)

    const test = await expectStatus(json, 'POST', `${V1}/notifiers/${site.notifier.id}/test`, 200)
    expect(test).toEqual({ status: 'success', message: 'Test notification sent successfully' })

    // A manual start answers what it did, with the status before and after.
    const start = await expectStatus(json, 'POST', `${V1}/miners/${site.miner.id}/start`, 200)
    expect(start).toEqual({
      miner_id: site.miner.id,
      action: 'start',
      // The manual start holds the miner for the default hour (fixed clock 10:00 UTC).
      held_until: '2026-06-20T11:00:00.000Z',
      control: 'mining_control',
      status_before: 'off',
      status_after: 'starting',
      message: `Miner ${site.miner.id} (Garage S19) started.`,
    })
    clock.advance(10_000) // the dummy's transition_seconds
    const running = await expectStatus(json, 'GET', `${V1}/miners/${site.miner.id}/status`, 200)
    expect(running.status).toBe('on')
    expect(running.power_consumption).toBeGreaterThan(0.9 * 3250)
    // The context served is the last one built (10 s old here, still within twice the
    // interval); ?refresh=true builds a fresh one.
    const served = await expectStatus(
      json,
      'GET',
      `${V1}/optimization-units/${site.unit.id}/decisional-context`,
      200,
    )
    expect(served.context_age_seconds).toBe(10)
    const after = await expectStatus(
      json,
      'GET',
      `${V1}/optimization-units/${site.unit.id}/decisional-context?refresh=true`,
      200,
    )
    expect(after.context_age_seconds).toBe(0)
    expect(after.miner_state.status).toBe('on')
    expect(after.errors).toEqual([])
    const stop = await expectStatus(json, 'POST', `${V1}/miners/${site.miner.id}/stop`, 200)
    expect(stop).toMatchObject({ status_before: 'on', status_after: 'stopping' })
  })
})

describe('the decisional context never answers 500', () => {
  const contextOf = (json: ReturnType<typeof makeApp>['json'], unitId: string) =>
    expectStatus(json, 'GET', `${V1}/optimization-units/${unitId}/decisional-context`, 200)

  it('a unit with nothing: every part null, sun and timestamp still there, nothing failed', async () => {
    const { json } = makeApp({ platform: fixedClock(NOON).platform })
    const unit = await expectStatus(json, 'POST', `${V1}/optimization-units`, 201, {})
    expect(unit).toMatchObject({ name: '', is_enabled: false, target_miner_ids: [] })
    const context = await contextOf(json, unit.id)
    for (const part of [
      'energy_source',
      'energy_state',
      'forecast',
      'mining_performance',
      'miner',
      'miner_state',
      'pool_worker',
    ]) {
      expect(context[part], part).toBeNull()
    }
    expect(context.sun.is_daylight).toBe(true)
    expect(context.timestamp.iso).toBe('2026-06-20T10:00:00.000Z')
    expect(context.errors).toEqual([])
  })

  it('a source without a monitor: the energy state is null and named', async () => {
    const { json } = makeApp({ platform: fixedClock(NOON).platform })
    const source = await expectStatus(json, 'POST', `${V1}/energy-sources`, 201, {
      name: 'Bare roof',
      nominal_power_max: 3000,
    })
    const unit = await expectStatus(json, 'POST', `${V1}/optimization-units`, 201, {
      energy_source_id: source.id,
    })
    const context = await contextOf(json, unit.id)
    expect(context.energy_source).toMatchObject({ id: source.id, name: 'Bare roof' })
    expect(context.energy_state).toBeNull()
    expect(context.forecast).toBeNull()
    expect(context.errors).toEqual([
      {
        part: 'energy_state',
        code: 'not_configured',
        message: "Energy source 'Bare roof' has no energy monitor",
      },
    ])
  })

  it('the monitor or the source deleted with force: detached, the unit disabled, the context still 200', async () => {
    const { json } = makeApp({ platform: fixedClock(NOON).platform })
    const site = await buildSite(json)
    const unitPath = `${V1}/optimization-units/${site.unit.id}`
    await expectStatus(json, 'POST', `${unitPath}/enable`, 200)

    await expectStatus(json, 'DELETE', `${V1}/energy-monitors/${site.monitor.id}?force=true`, 200)
    const source = await expectStatus(json, 'GET', `${V1}/energy-sources/${site.source.id}`, 200)
    expect(source.energy_monitor_id).toBeNull()
    expect(source.forecast_provider_id).toBe(site.forecast.id)
    let context = await contextOf(json, site.unit.id)
    expect(context.energy_state).toBeNull()
    expect(context.forecast).not.toBeNull()
    expect(context.errors).toEqual([expect.objectContaining({ part: 'energy_state' })])
    expect(context.miner_state.status).toBe('off')

    await expectStatus(json, 'DELETE', `${V1}/energy-sources/${site.source.id}?force=true`, 200)
    const unit = await expectStatus(json, 'GET', unitPath, 200)
    expect(unit).toMatchObject({ energy_source_id: null, is_enabled: false })
    context = await contextOf(json, site.unit.id)
    expect(context.energy_source).toBeNull()
    expect(context.energy_state).toBeNull()
    expect(context.forecast).toBeNull()
    expect(context.miner.id).toBe(site.miner.id)
    expect(context.errors).toEqual([])
  })

  it('miners none of which is usable: miner and miner_state null, named in errors', async () => {
    const { json } = makeApp({ platform: fixedClock(NOON).platform })
    const controller = await expectStatus(json, 'POST', `${V1}/miner-controllers`, 201, {
      adapter_type: 'dummy',
      config: {},
    })
    const bare = await expectStatus(json, 'POST', `${V1}/miners`, 201, { name: 'No controller' })
    const inactive = await expectStatus(json, 'POST', `${V1}/miners`, 201, {
      name: 'Inactive',
      power_consumption_max: 1000,
      hash_rate_max: 10,
      active: false,
      controller_ids: [controller.id],
    })
    expect(inactive.features.length).toBeGreaterThan(0)
    const unit = await expectStatus(json, 'POST', `${V1}/optimization-units`, 201, {
      target_miner_ids: [bare.id, inactive.id],
    })
    const context = await contextOf(json, unit.id)
    expect(context.miner).toBeNull()
    expect(context.miner_state).toBeNull()
    expect(context.pool_worker).toBeNull()
    expect(context.errors).toEqual([expect.objectContaining({ part: 'miner', code: 'not_usable' })])
    // The miner without a controller still answers a status: unknown, nothing read.
    const status = await expectStatus(json, 'GET', `${V1}/miners/${bare.id}/status`, 200)
    expect(status).toMatchObject({ status: 'unknown', hash_rate: null, errors: [] })
  })

  it('a miner whose controller cannot be built: miner_state named in errors, still 200', async () => {
    const { json } = makeApp({ platform: fixedClock(NOON).platform })
    const controller = await expectStatus(json, 'POST', `${V1}/miner-controllers`, 201, {
      adapter_type: 'dummy',
      config: {},
    })
    // Neither the miner nor the controller config says the maximum power: the dummy refuses.
    const miner = await expectStatus(json, 'POST', `${V1}/miners`, 201, {
      name: 'No maxima',
      controller_ids: [controller.id],
    })
    const unit = await expectStatus(json, 'POST', `${V1}/optimization-units`, 201, {
      target_miner_ids: [miner.id],
    })
    const context = await contextOf(json, unit.id)
    expect(context.miner.id).toBe(miner.id)
    expect(context.errors).toEqual([
      expect.objectContaining({ part: 'miner_state', code: 'invalid_config' }),
    ])
    expect(context.errors[0].message).toContain('power_max')
    const status = await expectStatus(json, 'GET', `${V1}/miners/${miner.id}/status`, 200)
    expect(status.errors.length).toBeGreaterThan(0)
    const start = await json('POST', `${V1}/miners/${miner.id}/start`)
    expect(start.status).toBeLessThan(500)
    expect((await start.json()).detail).toContain('power_max')
  })

  it('a failing pool: the snapshot keeps what it has and lists the failures', async () => {
    const { json, pool } = makeApp({ platform: fixedClock(NOON).platform })
    const tracker = await expectStatus(json, 'POST', `${V1}/mining-performance-trackers`, 201, {
      adapter_type: 'braiins_pool',
      config: { api_token: 'tok-pool-failing-0001' },
    })
    const unit = await expectStatus(json, 'POST', `${V1}/optimization-units`, 201, {
      performance_tracker_id: tracker.id,
    })
    const { MiningPoolUnreachableError } = await import('@edge-mining/domain')
    pool.set({ error: new MiningPoolUnreachableError('timeout') })
    const context = await contextOf(json, unit.id)
    expect(context.mining_performance.current_hashrate).toBeNull()
    expect(context.mining_performance.errors.map((e: Loose) => e.code)).toEqual([
      'unreachable',
      'unreachable',
      'unreachable',
    ])
  })

  it('an unknown or malformed unit id is 404 / 422, not 500', async () => {
    const { json } = makeApp()
    const missing = await json(
      'GET',
      `${V1}/optimization-units/0b7f9e4c-5d2a-4c3b-9e8f-1a2b3c4d5e6f/decisional-context`,
    )
    expect(missing.status).toBe(404)
    expect((await missing.json()).detail).toContain('Optimization unit not found')
    const bad = await json('GET', `${V1}/optimization-units/nope/decisional-context`)
    expect(bad.status).toBe(422)
    expect((await bad.json()).detail).toContain('path.id')
  })
})
