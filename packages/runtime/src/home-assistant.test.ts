/**
 * The whole loop on Home Assistant: openRuntime with the shipped adapters, a unit whose energy
 * monitor and plug-switched miner both go through the site simulator's fake HA, on a clock the
 * test drives (real loopback HTTP, no sleeps).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DecisionRecord } from '@edge-mining/domain'
import { type SiteSimulator, startSiteSimulator } from '@edge-mining/site-simulator'
import { afterEach, expect, it } from 'vitest'
import { openRuntime, type Runtime } from './runtime'
import { createTestPlatform } from './test-support/site'

const T0 = '2026-06-21T10:00:00.000Z' // noon in Rome, a clear sky
const MINUTE = 60_000

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function siteOnHomeAssistant() {
  const clock = createTestPlatform(T0)
  clock.fetch = (input, init) => globalThis.fetch(input, init)
  const sim: SiteSimulator = await startSiteSimulator({
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    weather: { cloudiness: 0 },
    battery: null,
    miners: [{ name: 'Garage S9', powerW: 1350 }],
    notifyServices: ['mobile_app_phone'],
  })
  cleanups.push(() => sim.close())
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-ha-'))
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }))
  const runtime: Runtime = openRuntime({
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
    hash_rate_max: { value: 13.5, unit: 'TH/s' },
    power_consumption_max: 1350,
    controller_ids: [plug.id],
  })
  const source = services.energySources.create({
    name: 'Roof',
    nominal_power_max: 6000,
    energy_monitor_id: monitor.id,
  })
  const policy = services.policies.create({ name: 'Surplus' })
  services.policies.addRule(policy.id, 'start', {
    name: 'Surplus',
    conditions: { field: 'energy_state.surplus_power', operator: 'gt', value: 2000 },
  })
  services.policies.addRule(policy.id, 'stop', {
    name: 'Deficit',
    conditions: { field: 'energy_state.surplus_power', operator: 'lt', value: 1000 },
  })
  const log = services.adapters.notifier.create({ name: 'Log', adapter_type: 'dummy' })
  const phone = services.adapters.notifier.create({
    name: 'Phone',
    adapter_type: 'home_assistant_notify',
    external_service_id: ha.id,
    config: { service: 'mobile_app_phone' },
  })
  const unit = services.units.create({
    name: 'Home',
    policy_id: policy.id,
    energy_source_id: source.id,
    target_miner_ids: [miner.id],
    notifier_ids: [log.id, phone.id],
    min_on_seconds: 0,
    min_off_seconds: 0,
  })
  services.units.enable(unit.id)
  let seen = 0
  /** One loop cycle a simulated minute later; answers the decision-log entries it wrote. */
  const cycle = async (): Promise<DecisionRecord[]> => {
    await clock.advance(MINUTE)
    await runtime.loop.runCycle()
    // Not drain(): while HA is down the phone's messages wait out their backoff on this clock.
    await runtime.loop.notifications.settled()
    const records = runtime.loop.decisions({ after_id: seen, limit: 1000 })
    seen = Math.max(seen, ...records.map((record) => record.id))
    return records
  }
  const sent = () =>
    (
      services.instances.get('notifier', log.id) as unknown as { sent(): { event: string }[] }
    ).sent()
  return { sim, runtime, cycle, sent, miner, ha }
}

it('a unit on HA energy and a plug miner: started in surplus, stopped in deficit; HA down, answering garbage or refusing the token: nothing done, said once; a sensor gone: null, said once', async () => {
  const { sim, runtime, cycle, sent, miner, ha } = await siteOnHomeAssistant()
  expect(await runtime.services.actions.externalServiceStatus(ha.id)).toMatchObject({
    name: 'Home Assistant',
    status: 'connected',
    message: 'Home Assistant 2026.9.1 — Home (Europe/Rome)',
  })

  // Noon, clear: ~5 kW of surplus. The loop switches the plug on through power control.
  const started = (await cycle()).filter((record) => record.kind === 'action')
  expect(started).toMatchObject([
    {
      miner_id: miner.id,
      action: 'start',
      outcome: 'executed',
      status_before: 'off',
      status_after: 'on',
      rule_name: 'Surplus',
      details: { control: 'power_control' },
    },
  ])
  expect(started[0]?.reason).toMatch(
    /^Start: start rule 'Surplus' fired \(energy_state\.surplus_power = \d+(\.\d+)? W > 2000\)/,
  )
  expect(sim.switchLog()).toMatchObject([
    { entity_id: 'switch.garage_s9', state: 'on', by: 'service' },
  ])
  expect(sim.notifications()).toMatchObject([
    { service: 'notify.mobile_app_phone', title: 'Miner Started: Garage S9' },
  ])
  // Running: the grid now carries the miner, the consumption does not.
  await cycle()
  const context = await runtime.services.context.unitContext(
    runtime.services.units.list()[0]?.id ?? '',
  )
  expect(context.errors).toEqual([])
  expect(context.energy_state?.surplus_power).toBeGreaterThan(2000)
  expect(sim.reading().miners).toBeGreaterThan(500) // booted, ramping up to 1350 W

  // A thick overcast: the surplus falls under 1000 W and the plug is switched off.
  sim.set({ weather: { cloudiness: 1 } })
  const stopped = (await cycle()).filter((record) => record.kind === 'action')
  expect(stopped).toMatchObject([
    { action: 'stop', outcome: 'executed', rule_name: 'Deficit', status_after: 'off' },
  ])
  expect(sim.miners()[0]).toMatchObject({ on: false, powerW: 0 })

  // HA goes down for minutes while the sun comes back: nothing is switched, on no made-up data.
  sim.set({ weather: { cloudiness: 0 }, faults: [{ fault: { kind: 'down' } }] })
  const outage: DecisionRecord[] = []
  for (let minute = 0; minute < 5; minute++) outage.push(...(await cycle()))
  expect(outage.filter((record) => record.kind === 'action')).toEqual([])
  const notices = outage.filter((record) => record.kind === 'notice')
  expect(notices).toHaveLength(1)
  expect(notices[0]).toMatchObject({ outcome: 'energy_unreadable' })
  expect(notices[0]?.reason).toMatch(
    /^The energy state could not be read \(Home Assistant at http:\/\/127\.0\.0\.1:\d+ is unreachable \(.+\)\); the unit does nothing this cycle$/,
  )
  expect(sent().filter((notification) => notification.event === 'energy_unreachable')).toHaveLength(
    1,
  )
  expect(sent().filter((notification) => notification.event === 'device_unreachable')).toHaveLength(
    1,
  )
  const calls = sim
    .requests()
    .log.filter((entry) => entry.endpoint === 'call_service' && entry.fault === null)
  // Only before the outage: the start and the stop, each with its notification to the phone.
  expect(calls.map((entry) => entry.path)).toEqual([
    '/api/services/switch/turn_on',
    '/api/services/notify/mobile_app_phone',
    '/api/services/switch/turn_off',
    '/api/services/notify/mobile_app_phone',
  ])
  const during = await runtime.services.actions.externalServiceStatus(ha.id)
  expect(during).toMatchObject({ status: 'disconnected', latency_ms: null })
  expect(JSON.stringify(outage)).not.toContain(sim.token)

  // HA is back: the client reconnects by itself and the loop starts the miner again.
  sim.set({ faults: [] })
  const back = [...(await cycle()), ...(await cycle())]
  expect(sent().filter((notification) => notification.event === 'energy_back')).toHaveLength(1)
  expect(back.filter((record) => record.kind === 'action')).toMatchObject([
    { action: 'start', outcome: 'executed' },
  ])
  expect(sim.miners()[0]?.on).toBe(true)

  // Garbage, and a token revoked in HA: each once in the log, nothing switched, then healed.
  for (const [fault, pattern] of [
    [{ kind: 'garbage' }, /answered something that is not JSON/],
    [{ kind: 'unauthorized' }, /refused the token \(HTTP 401\)/],
  ] as const) {
    sim.set({ weather: { cloudiness: 1 }, faults: [{ fault }] })
    const records: DecisionRecord[] = []
    for (let minute = 0; minute < 3; minute++) records.push(...(await cycle()))
    expect(records.filter((record) => record.kind === 'action')).toEqual([])
    const notice = records.filter((record) => record.kind === 'notice')
    expect(notice).toHaveLength(1)
    expect(notice[0]?.reason).toMatch(pattern)
    expect(sim.miners()[0]?.on).toBe(true)
    sim.set({ weather: { cloudiness: 0 }, faults: [] })
    await cycle()
  }

  // A sensor that goes missing at run time: that part is null, the rules on it stay unknown
  // (the miner keeps running on no made-up zero), and the decision log says so once.
  sim.set({ entities: { [sim.entities.houseConsumptionWithoutMiners]: { removed: true } } })
  const missing = [...(await cycle()), ...(await cycle()), ...(await cycle())]
  expect(missing.filter((record) => record.kind === 'action')).toEqual([])
  expect(missing.filter((record) => record.kind === 'notice')).toMatchObject([
    {
      outcome: 'readings_missing',
      reason:
        'Energy readings missing, rules on them stay unknown: sensor.house_consumption_without_miners is not an entity of this Home Assistant',
    },
  ])
  const partial = await runtime.services.context.unitContext(
    runtime.services.units.list()[0]?.id ?? '',
  )
  expect(partial.energy_state?.consumption?.current_power).toBeNull()
  expect(partial.energy_state?.surplus_power).toBeNull()
  expect(partial.energy_state?.production).toBeGreaterThan(0)
  expect(sim.miners()[0]?.on).toBe(true)
  expect(partial.errors).toEqual([
    {
      part: 'energy_state',
      code: 'missing_reading',
      message: 'sensor.house_consumption_without_miners is not an entity of this Home Assistant',
    },
  ])
  sim.set({ entities: { [sim.entities.houseConsumptionWithoutMiners]: null } })
  expect((await cycle()).filter((record) => record.kind === 'notice')).toMatchObject([
    { outcome: 'readings_back', reason: 'Every energy reading is back' },
  ])
})
