/**
 * Issue 14's "done when": a dummy-free site — Home Assistant energy from the site simulator, a
 * Braiins OS miner, a Bitaxe and a miner on a Shelly plug, each behind its own fake API on
 * loopback and drawing from the same energy model — runs through a simulated summer day on the
 * runtime's loop. Every miner is started and stopped by the loop through its own API, every
 * decision-log entry says why, and a device fault (Braiins OS: session gone and password
 * changed; Shelly: off the network) leaves the other miners switching.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DecisionRecord } from '@edge-mining/domain'
import { startOceanSimulator } from '@edge-mining/pool-simulator'
import {
  startAxeOsFake,
  startBraiinsOsFake,
  startShellyFake,
  startSiteSimulator,
} from '@edge-mining/site-simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRuntime, type Runtime } from './runtime'
import { createTestPlatform } from './test-support/site'

const DAY = '2026-06-21'
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00.000Z`)
/** 05:00 to 21:00 in Rome (UTC+2): sunrise to after sunset. */
const START = at('03:00')
const END = at('19:00')
const CYCLE_MS = 120_000

/** UTC windows of the scripted events. */
const BRAIINS_FAULT = { from: at('09:00'), to: at('11:00') }
const SHELLY_DOWN = { from: at('12:00'), to: at('13:30') }
/** The oven, the heat pump and an EV charger at once: no surplus for anyone. */
const SURGES = [
  { from: at('09:30'), to: at('10:30') },
  { from: at('12:30'), to: at('13:15') },
]
const RIGHT_PASSWORD = 'bos-pa55word'

const ADDRESS = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh'
/** What the pool sees of each worker (TH/s). */
const POOL_THS = { 'garage-s19': 100, 'desk-bitaxe': 1.1, 'shed-s9': 13.5 }

const platform = { ...createTestPlatform(new Date(START).toISOString()) }
platform.fetch = (input, init) => globalThis.fetch(input, init)
const closers: (() => Promise<void> | void)[] = []
let runtime: Runtime
let site: Awaited<ReturnType<typeof startSiteSimulator>>
let braiins: Awaited<ReturnType<typeof startBraiinsOsFake>>
let bitaxe: Awaited<ReturnType<typeof startAxeOsFake>>
let shelly: Awaited<ReturnType<typeof startShellyFake>>
const ids = { s19: '', bitaxe: '', s9: '', unit: '' }
const controllerIds: string[] = []
let records: DecisionRecord[] = []
let runMs = 0
let cycles = 0

function allDecisions(): DecisionRecord[] {
  const all: DecisionRecord[] = []
  for (;;) {
    const page = runtime.loop.decisions({ after_id: all.at(-1)?.id ?? 0, limit: 1000 })
    all.push(...page)
    if (page.length < 1000) return all
  }
}

const inWindow = (window: { from: number; to: number }) => (record: DecisionRecord) =>
  Date.parse(record.at) >= window.from && Date.parse(record.at) < window.to
const executed = (minerId: string, action: 'start' | 'stop') => (record: DecisionRecord) =>
  record.kind === 'action' &&
  record.miner_id === minerId &&
  record.action === action &&
  record.outcome === 'executed'

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-devices-day-'))
  closers.push(() => rmSync(folder, { recursive: true, force: true }))
  const clock = {
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
  }
  site = await startSiteSimulator({
    ...clock,
    weather: { cloudiness: 0 },
    battery: null,
    pv: { peakW: 8000 },
    house: { baseW: 400, noise: 0.05, appliances: false },
    forecast: false,
  })
  closers.push(() => site.close())
  braiins = await startBraiinsOsFake({
    site,
    name: 'Garage S19',
    password: RIGHT_PASSWORD,
    initial: 'paused',
    powerW: 3250,
    hashrateThs: 104,
  })
  bitaxe = await startAxeOsFake({ site, name: 'Desk Bitaxe', version: 'v2.14.2', paused: true })
  shelly = await startShellyFake({
    site,
    password: 'plug-pa55',
    load: { name: 'Shed S9', powerW: 1350 },
  })
  closers.push(
    () => braiins.close(),
    () => bitaxe.close(),
    () => shelly.close(),
  )
  const ocean = await startOceanSimulator({
    now: platform.now,
    accounts: [
      {
        address: ADDRESS,
        workers: Object.entries(POOL_THS).map(([name, hashrateThs]) => ({ name, hashrateThs })),
      },
    ],
  })
  closers.push(() => ocean.close())

  runtime = openRuntime({
    env: {
      DB_PATH: join(folder, 'edgemining.db'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
    },
    platform,
  })
  closers.push(() => runtime.close())
  const { services } = runtime
  services.settings.update({
    timezone: 'Europe/Rome',
    latitude: 41.9028,
    longitude: 12.4964,
    scheduler_interval_seconds: CYCLE_MS / 1000,
  })
  const ha = services.adapters.external_service.create({
    name: 'Home Assistant (simulated)',
    adapter_type: 'home_assistant_api',
    config: { url: site.url, token: site.token },
  })
  const monitor = services.adapters.energy_monitor.create({
    name: 'Home Assistant energy',
    adapter_type: 'home_assistant_api',
    external_service_id: ha.id,
    config: {
      entity_production: site.entities.pvPower,
      entity_consumption: site.entities.houseConsumptionWithoutMiners,
      entity_grid: site.entities.gridPower,
    },
  })
  const source = services.energySources.create({
    name: 'Roof, 8 kWp',
    nominal_power_max: 8000,
    energy_monitor_id: monitor.id,
  })
  const tracker = services.adapters.mining_performance_tracker.create({
    name: 'Ocean (simulated)',
    adapter_type: 'ocean',
    config: { bitcoin_address: ADDRESS, api_base_url: ocean.url },
  })
  const controller = (name: string, adapter_type: string, config: Record<string, unknown>) => {
    const created = services.adapters.miner_controller.create({ name, adapter_type, config })
    controllerIds.push(created.id)
    return created.id
  }
  ids.s19 = services.miners.create({
    name: 'Garage S19',
    power_consumption_max: 3250,
    hash_rate_max: { value: 104, unit: 'TH/s' },
    pool_worker_name: 'garage-s19',
    controller_ids: [
      controller('Garage S19 (Braiins OS)', 'braiins_os', {
        host: braiins.url,
        password: RIGHT_PASSWORD,
      }),
    ],
  }).id
  ids.bitaxe = services.miners.create({
    name: 'Desk Bitaxe',
    power_consumption_max: 15,
    pool_worker_name: 'desk-bitaxe',
    controller_ids: [controller('Desk Bitaxe (AxeOS)', 'axeos', { host: bitaxe.url })],
  }).id
  ids.s9 = services.miners.create({
    name: 'Shed S9',
    power_consumption_max: 1350,
    pool_worker_name: 'shed-s9',
    controller_ids: [
      controller('Shed plug (Shelly)', 'shelly', { host: shelly.url, password: 'plug-pa55' }),
    ],
  }).id
  const policy = services.policies.create({ name: 'Each miner on its own surplus' })
  services.policies.addRule(policy.id, 'start', {
    name: 'Surplus covers the miner',
    for_seconds: 300,
    conditions: {
      field: 'energy_state.surplus_power',
      operator: 'gt',
      value_ref: 'miner.power_consumption_max',
    },
  })
  services.policies.addRule(policy.id, 'stop', {
    name: 'Surplus below the miner',
    for_seconds: 300,
    conditions: {
      field: 'energy_state.surplus_power',
      operator: 'lt',
      value_ref: 'miner.power_consumption_max',
    },
  })
  ids.unit = services.units.enable(
    services.units.create({
      name: 'Home',
      policy_id: policy.id,
      energy_source_id: source.id,
      performance_tracker_id: tracker.id,
      target_miner_ids: [ids.s19, ids.bitaxe, ids.s9],
    }).id,
  ).id

  // The day, one loop cycle every 2 simulated minutes; the script acts between cycles.
  const started = performance.now()
  const houseBase = site.site.house().baseW
  const within = (window: { from: number; to: number }, now: number) =>
    now >= window.from && now < window.to
  let braiinsFaulted = false
  let shellyDown = false
  let surging = false
  for (let now = START; now < END; now += CYCLE_MS) {
    await platform.advanceTo(new Date(now).toISOString())
    if (within(BRAIINS_FAULT, now) !== braiinsFaulted) {
      braiinsFaulted = !braiinsFaulted
      if (braiinsFaulted) braiins.expireSessions()
      braiins.setPassword(braiinsFaulted ? 'changed-by-someone' : RIGHT_PASSWORD)
    }
    if (within(SHELLY_DOWN, now) !== shellyDown) {
      shellyDown = !shellyDown
      shelly.setFaults(shellyDown ? [{ fault: { kind: 'down' } }] : [])
    }
    if (SURGES.some((surge) => within(surge, now)) !== surging) {
      surging = !surging
      site.set({ house: { baseW: surging ? 12_000 : houseBase } })
    }
    await runtime.loop.runCycle()
    cycles += 1
  }
  runMs = performance.now() - started
  records = allDecisions()
  // Seconds alone; minutes when the whole suite shares the machine's two cores.
}, 240_000)

afterAll(async () => {
  while (closers.length > 0) await closers.pop()?.()
})

describe('a simulated day with real device APIs', () => {
  it('registers the four device adapters', () => {
    const types = runtime.registry.forKind('miner_controller').types()
    expect(types).toEqual(expect.arrayContaining(['braiins_os', 'axeos', 'shelly', 'tasmota']))
    expect(cycles).toBe((END - START) / CYCLE_MS)
    // A figure for the report, not a bound: timing is the benchmarks' business.
    console.info(`devices day: ${cycles} cycles in ${Math.round(runMs)} ms`)
  })

  it('started and stopped every miner through its own API, and only the loop did', () => {
    const actions = (log: { action: string | null }[]) =>
      log.flatMap((entry) => (entry.action ? [entry.action] : []))
    // Braiins OS: resume on the morning surplus, pause in the 12:30 surge, resume, pause at dusk.
    expect(actions(braiins.requests())).toEqual(['resume', 'pause', 'resume', 'pause'])
    // The Bitaxe: both surges and dusk.
    expect(actions(bitaxe.requests())).toEqual([
      'resume',
      'pause',
      'resume',
      'pause',
      'resume',
      'pause',
    ])
    // The Shelly plug: the first surge and dusk (it was off the network during the second).
    expect(actions(shelly.requests())).toEqual([
      'Switch.Set 0 on',
      'Switch.Set 0 off',
      'Switch.Set 0 on',
      'Switch.Set 0 off',
    ])
    for (const minerId of [ids.s19, ids.bitaxe, ids.s9]) {
      const starts = records.filter(executed(minerId, 'start'))
      const stops = records.filter(executed(minerId, 'stop'))
      expect(starts.length, minerId).toBeGreaterThanOrEqual(2)
      expect(stops.length, minerId).toBe(starts.length)
    }
    // Mining control for the miners, power control for the plug.
    const controlOf = (minerId: string) =>
      new Set(
        records
          .filter((record) => record.kind === 'action' && record.miner_id === minerId)
          .map((record) => record.details?.control),
      )
    expect(controlOf(ids.s19)).toEqual(new Set(['mining_control']))
    expect(controlOf(ids.bitaxe)).toEqual(new Set(['mining_control']))
    expect(controlOf(ids.s9)).toEqual(new Set(['power_control']))
  })

  it('explains every decision-log entry, and each action by the rule that fired', () => {
    expect(records.length).toBeGreaterThan(20)
    for (const record of records) {
      expect(record.reason.trim(), `entry ${record.id} (${record.kind})`).not.toBe('')
    }
    for (const record of records.filter((entry) => entry.kind === 'action')) {
      expect(record.reason).toMatch(
        record.action === 'start'
          ? /^Start: start rule 'Surplus covers the miner' fired/
          : /^Stop: stop rule 'Surplus below the miner' fired/,
      )
      expect(record.outcome).toBe('executed')
    }
  })

  it('a Braiins OS whose session died and whose password changed leaves the others switching', () => {
    const during = records.filter(inWindow(BRAIINS_FAULT))
    // The others stopped in the surge and started after it, while the Braiins OS was unreadable.
    for (const minerId of [ids.bitaxe, ids.s9]) {
      expect(during.some(executed(minerId, 'stop')), minerId).toBe(true)
      expect(during.some(executed(minerId, 'start')), minerId).toBe(true)
    }
    const skipped = during.filter((record) => record.miner_id === ids.s19 && record.kind === 'skip')
    expect(skipped[0]?.reason).toMatch(
      /^Skipped: its status could not be read \(auth_failed: Braiins OS at http:\/\/127\.0\.0\.1:\d+ refused the login of user 'root' \(HTTP 401\)/,
    )
    expect(during.some((record) => record.miner_id === ids.s19 && record.kind === 'action')).toBe(
      false,
    )
    // One login per cycle while the password is wrong (the parallel reads share it), no storm.
    const logins = braiins
      .requests()
      .filter(
        (entry) =>
          entry.endpoint === 'login' &&
          entry.at >= BRAIINS_FAULT.from &&
          entry.at < BRAIINS_FAULT.to,
      )
    expect(logins.length).toBe((BRAIINS_FAULT.to - BRAIINS_FAULT.from) / CYCLE_MS)
    expect(logins.every((entry) => entry.status === 401)).toBe(true)
    // Never a password in the log.
    expect(JSON.stringify(records)).not.toContain(RIGHT_PASSWORD)
    expect(JSON.stringify(records)).not.toContain('changed-by-someone')
    // With the password back, the adapter logs in again and the loop controls it again.
    const after = records.filter((record) => Date.parse(record.at) >= BRAIINS_FAULT.to)
    expect(after.some(executed(ids.s19, 'stop'))).toBe(true)
  })

  it('a Shelly plug off the network leaves the others switching', () => {
    const during = records.filter(inWindow(SHELLY_DOWN))
    for (const minerId of [ids.s19, ids.bitaxe]) {
      expect(during.some(executed(minerId, 'stop')), minerId).toBe(true)
      expect(during.some(executed(minerId, 'start')), minerId).toBe(true)
    }
    const skipped = during.find((record) => record.miner_id === ids.s9 && record.kind === 'skip')
    expect(skipped?.reason).toMatch(
      /could not be read \(unreachable: Shelly at http:\/\/127\.0\.0\.1:\d+ is unreachable/,
    )
  })

  it('ends the day with every miner off and drawing nothing from the site', async () => {
    expect(braiins.state()).toMatchObject({ paused: true, mining: false })
    expect(bitaxe.state()).toMatchObject({ paused: true })
    expect(shelly.state()).toMatchObject({ on: false })
    const reading = site.reading()
    expect(reading.miners).toBe(0)
    const statuses = await Promise.all(
      [ids.s19, ids.bitaxe, ids.s9].map(
        async (id) => (await runtime.services.miners.status(id)).status,
      ),
    )
    expect(statuses).toEqual(['off', 'off', 'off'])
  })

  it("puts the pool's view beside the miner's own hash rate (TH/s from GH/s), as their ratio", async () => {
    // After the day: both mining again for a while.
    const { services } = runtime
    await services.miners.act(ids.s19, 'start')
    await services.miners.act(ids.bitaxe, 'start')
    try {
      await platform.advance(120_000)
      const reading = await services.context.readUnit(services.units.get(ids.unit))
      for (const [minerId, worker] of [
        [ids.s19, 'garage-s19'],
        [ids.bitaxe, 'desk-bitaxe'],
      ] as const) {
        const miner = services.miners.get(minerId)
        const state = await services.miners.status(minerId)
        const own = state.hash_rate?.value ?? Number.NaN
        expect(state.hash_rate?.unit).toBe('TH/s')
        const { pool_worker } = services.context.contextFor(reading, miner, state)
        const pool = pool_worker?.hashrate?.value ?? Number.NaN
        expect(Math.abs(pool / POOL_THS[worker] - 1), worker).toBeLessThan(0.05)
        expect(pool_worker?.hashrate_ratio).toBeCloseTo(pool / own, 9)
        // Both near 1: a GH/s left unconverted would make it ~0.001.
        expect(pool_worker?.hashrate_ratio).toBeGreaterThan(0.85)
        expect(pool_worker?.hashrate_ratio).toBeLessThan(1.1)
      }
    } finally {
      await services.miners.act(ids.s19, 'stop')
      await services.miners.act(ids.bitaxe, 'stop')
    }
  })

  it('tests each controller against its device, reporting what it saw', async () => {
    for (const id of controllerIds) {
      const report = await runtime.services.actions.testController(id)
      expect(report.success, report.message).toBe(true)
      expect(report.message).toMatch(/^Controller reachable: status off/)
      expect(report.latency_ms).toBeGreaterThanOrEqual(0)
    }
  })
})
