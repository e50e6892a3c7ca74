/**
 * A pool-aware rule through the whole loop: the site simulator's Home Assistant reads a deficit,
 * the Ocean simulator says how far the payout is, and the stop rule waits for the payout. When
 * the pool pays out (the simulator's data changes) the same rule stops the miner. One driven
 * clock for the site, the pool and the loop; real loopback HTTP, no sleeps.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type OceanSimulator, startOceanSimulator } from '@edge-mining/pool-simulator'
import { type SiteSimulator, startSiteSimulator } from '@edge-mining/site-simulator'
import { afterEach, expect, it } from 'vitest'
import { openRuntime } from './runtime'
import { createTestPlatform } from './test-support/site'

const T0 = '2026-06-21T10:00:00.000Z' // noon in Rome
const MINUTE = 60_000
/** The reference account's unpaid balance is 0.00412345 BTC: 98 % of this threshold. */
const THRESHOLD_SATS = 420_000

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

it('a deficit leaves the miner on while the payout is 2 % away, and stops it once the pool has paid', async () => {
  const clock = createTestPlatform(T0)
  clock.fetch = (input, init) => globalThis.fetch(input, init)
  const sim: SiteSimulator = await startSiteSimulator({
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    weather: { cloudiness: 0 },
    battery: null,
    // A house drawing more than the roof gives: a deficit all along.
    house: { baseW: 9000 },
    miners: [{ name: 'Garage S9', powerW: 1350 }],
  })
  cleanups.push(() => sim.close())
  const ocean: OceanSimulator = await startOceanSimulator({
    now: clock.now,
    scenario: { data: 'reference' },
  })
  cleanups.push(() => ocean.close())
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-pool-aware-'))
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }))
  const runtime = openRuntime({
    env: {
      DB_PATH: join(folder, 'db.sqlite'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
    },
    platform: clock,
  })
  cleanups.push(() => runtime.close())
  const { services } = runtime

  const ha = services.adapters.external_service.create({
    name: 'Home Assistant',
    adapter_type: 'home_assistant_api',
    config: { url: sim.url, token: sim.token },
  })
  const monitor = services.adapters.energy_monitor.create({
    name: 'HA energy',
    adapter_type: 'home_assistant_api',
    external_service_id: ha.id,
    config: {
      entity_production: sim.entities.pvPower,
      entity_consumption: sim.entities.houseConsumptionWithoutMiners,
      entity_grid: sim.entities.gridPower,
    },
  })
  const plug = services.adapters.miner_controller.create({
    name: 'Garage plug',
    adapter_type: 'generic_socket_home_assistant_api',
    external_service_id: ha.id,
    config: { entity_switch: 'switch.garage_s9', entity_power: 'sensor.garage_s9_power' },
  })
  const miner = services.miners.create({
    name: 'Garage S9',
    power_consumption_max: 1350,
    controller_ids: [plug.id],
  })
  const source = services.energySources.create({ name: 'Roof', energy_monitor_id: monitor.id })
  const tracker = services.trackers.create({
    name: 'Ocean',
    adapter_type: 'ocean',
    config: {
      bitcoin_address: ocean.address(),
      api_base_url: ocean.url,
      payout_threshold_sats: THRESHOLD_SATS,
    },
  })
  const policy = services.policies.create({ name: 'Payout-aware' })
  services.policies.addRule(policy.id, 'start', {
    name: 'Surplus',
    conditions: { field: 'energy_state.surplus_power', operator: 'gt', value: 2000 },
  })
  services.policies.addRule(policy.id, 'stop', {
    name: 'Deficit, unless the payout is close',
    conditions: {
      all_of: [
        { field: 'energy_state.surplus_power', operator: 'lt', value: 1000 },
        { not_: { field: 'mining_performance.payout_progress', operator: 'gte', value: 0.98 } },
      ],
    },
  })
  const unit = services.units.create({
    name: 'Home',
    policy_id: policy.id,
    energy_source_id: source.id,
    performance_tracker_id: tracker.id,
    target_miner_ids: [miner.id],
    min_on_seconds: 0,
    min_off_seconds: 0,
  })
  services.units.enable(unit.id)
  sim.set({ switches: { 'switch.garage_s9': true } })
  const cycle = async () => {
    await clock.advance(MINUTE)
    const report = await runtime.loop.runCycle()
    const plan = report.units[0]?.miners[0]
    if (!plan) throw new Error('the cycle planned nothing for the miner')
    return plan
  }

  for (let minute = 0; minute < 3; minute++) {
    const held = await cycle()
    expect(held).toMatchObject({ status: 'on', decision: 'maintain_state', action: 'none' })
    expect(held.reason).toBe('Maintain: no stop rule fired (miner on)')
  }
  const context = await runtime.loop.unitContext(unit.id)
  expect(context.context.mining_performance?.payout_progress).toBeCloseTo(412_345 / THRESHOLD_SATS)

  // The pool pays out: the balance is back to zero. Past the cache's TTL the loop sees it.
  ocean.setScenario({ data: 'captured' })
  await clock.advance(5 * MINUTE)
  const stopped = await cycle()
  expect(stopped).toMatchObject({ decision: 'stop_mining', action: 'stop' })
  expect(stopped.executed?.success).toBe(true)
  expect(stopped.reason).toMatch(
    /^Stop: stop rule 'Deficit, unless the payout is close' fired \(energy_state\.surplus_power = -?\d+ W < 1000; mining_performance\.payout_progress = 0, not >= 0\.98\)$/,
  )
  expect(sim.state('switch.garage_s9')?.state).toBe('off')
  const [logged] = runtime.loop.decisions({ miner_id: miner.id, limit: 1 })
  expect(logged).toMatchObject({ kind: 'action', action: 'stop', outcome: 'executed' })
})
