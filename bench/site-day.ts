/**
 * A simulated sunny-with-clouds day at ×600 through Home Assistant: the site simulator (9 kWp,
 * 10 kWh battery, the house, two miners on smart plugs) behind its fake HA, Edge Mining reading
 * and switching it only through the home_assistant_api energy monitor and two
 * generic_socket_home_assistant_api plugs, the Ocean simulator as the unit's tracker, the loop
 * every simulated minute on an accelerated clock (real timers, so figures move a little from run
 * to run). Two runs side by side on the same weather (same seed):
 *  - hysteresis: the example policy as shipped (for_seconds 120 on the surplus start and the
 *    deficit stop) and the unit's default minimum on/off times (300 s each);
 *  - upstream semantics: the same rules without for_seconds and without minimum on/off times,
 *    which upstream has neither of (upstream's optimizer could not switch a plug-only miner at
 *    all, trap T2; here its rule semantics run through this loop).
 * Prints per miner the energy it took from PV, battery and grid (the simulator's ledger: PV
 * serves the house first, then the loads), its starts and stops, and HA requests per cycle.
 * Asserts nothing. BENCH_SPEED (default 600) and BENCH_CLOUDINESS (default 0.35) change the run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { acceleratedPlatform, systemPlatform } from '@edge-mining/domain'
import { startOceanSimulator } from '@edge-mining/pool-simulator'
import { openRuntime } from '@edge-mining/runtime'
import { startSiteSimulator } from '@edge-mining/site-simulator'

const SPEED = Number(process.env.BENCH_SPEED ?? 600)
const CLOUDINESS = Number(process.env.BENCH_CLOUDINESS ?? 0.35)
const SEED = 21
const START = Date.UTC(2026, 5, 21, 3, 0, 0) // 05:00 in Rome
const END = Date.UTC(2026, 5, 21, 19, 30, 0) // 21:30, after sunset
const INTERVAL_SECONDS = 60
const POLICY_FILE = fileURLToPath(
  new URL('../data/examples/policies/7f3c2a10-5b4e-4c6d-9e8f-0a1b2c3d4e5f.yaml', import.meta.url),
)
const MINERS = [
  { name: 'Garage S21', powerW: 3500, worker: 's21-garage', hashrate: 200 },
  { name: 'Shed S9', powerW: 1350, worker: 's9-shed', hashrate: 13.5 },
] as const

type Variant = 'hysteresis' | 'upstream'

async function runDay(variant: Variant) {
  const platform = acceleratedPlatform(systemPlatform(), { speed: SPEED, startMs: START })
  const now = () => platform.now()
  const site = await startSiteSimulator({
    now,
    setTimeout: (callback, ms) => platform.setTimeout(callback, ms),
    clearTimeout: (handle) => platform.clearTimeout(handle),
    seed: SEED,
    pv: { peakW: 9000 },
    weather: { cloudiness: CLOUDINESS },
    house: { baseW: 350 },
    battery: { capacityWh: 10_000, initialSoc: 55 },
    miners: MINERS.map((miner) => ({
      name: miner.name,
      powerW: miner.powerW,
      switchEntity: `switch.${miner.worker.replace('-', '_')}_plug`,
    })),
  })
  const ocean = await startOceanSimulator({
    now,
    accounts: [
      {
        address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
        workers: MINERS.map((miner) => ({ name: miner.worker, hashrateThs: miner.hashrate })),
      },
    ],
  })
  const folder = mkdtempSync(join(tmpdir(), 'bench-site-day-'))
  const runtime = openRuntime({
    env: {
      DB_PATH: join(folder, 'bench.db'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
    },
    platform,
    // Devices get real seconds, however fast the simulated clock runs.
    deviceTimeouts: { readMs: 10_000 * SPEED, actionMs: 15_000 * SPEED, notifyMs: 15_000 * SPEED },
  })
  try {
    const { services } = runtime
    services.settings.update({
      timezone: 'Europe/Rome',
      latitude: 41.9028,
      longitude: 12.4964,
      scheduler_interval_seconds: INTERVAL_SECONDS,
    })
    const ha = services.adapters.external_service.create({
      name: 'Home Assistant (simulated)',
      adapter_type: 'home_assistant_api',
      config: {
        url: site.url,
        token: site.token,
        request_timeout_seconds: Math.min(3600, 10 * SPEED),
      },
    })
    const e = site.entities
    const monitor = services.adapters.energy_monitor.create({
      adapter_type: 'home_assistant_api',
      external_service_id: ha.id,
      config: {
        entity_production: e.pvPower,
        entity_consumption: e.houseConsumptionWithoutMiners,
        entity_grid: e.gridPower,
        entity_battery_soc: e.batterySoc ?? '',
        entity_battery_power: e.batteryPower ?? '',
        entity_battery_remaining_capacity: e.batteryStoredEnergy ?? '',
        unit_battery_remaining_capacity: 'kWh',
      },
    })
    const source = services.energySources.create({
      name: 'Roof',
      nominal_power_max: 9000,
      storage: { nominal_capacity: 10_000 },
      energy_monitor_id: monitor.id,
    })
    const miners = MINERS.map((miner) => {
      const ids = e.miners[miner.name]
      const plug = services.adapters.miner_controller.create({
        adapter_type: 'generic_socket_home_assistant_api',
        external_service_id: ha.id,
        config: { entity_switch: ids?.switch ?? '', entity_power: ids?.power ?? '' },
      })
      return services.miners.create({
        name: miner.name,
        hash_rate_max: { value: miner.hashrate, unit: 'TH/s' },
        power_consumption_max: miner.powerW,
        pool_worker_name: miner.worker,
        controller_ids: [plug.id],
      })
    })
    const tracker = services.adapters.mining_performance_tracker.create({
      adapter_type: 'ocean',
      config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
    })
    let text = readFileSync(POLICY_FILE, 'utf8')
    if (variant === 'upstream') {
      text = text
        .replace(/^\s*for_seconds: \d+\n/gm, '')
        .replace(/^name: (.*)$/m, 'name: $1 (upstream semantics)')
    }
    const policy = services.policies.importText(text, { source: `${variant} policy` })
    const unit = services.units.create({
      name: variant,
      policy_id: policy.id,
      energy_source_id: source.id,
      performance_tracker_id: tracker.id,
      target_miner_ids: miners.map((miner) => miner.id),
      notifier_ids: [services.adapters.notifier.create({ adapter_type: 'dummy' }).id],
      ...(variant === 'upstream' ? { min_on_seconds: 0, min_off_seconds: 0 } : {}),
    })
    services.units.enable(unit.id)
    site.resetRequests()
    const ledgerStart = site.ledger()
    const runner = runtime.startLoop()
    while (platform.now() < END) {
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const stats = runner.stats()
    await runner.stop()
    const ledger = site.ledger()
    const requests = site.requests()
    const actions = runtime.loop.decisions({ unit_id: unit.id, kinds: ['action'], limit: 1000 })
    return {
      variant,
      cycles: stats.runs,
      skipped: stats.skipped,
      failedActions: actions.filter((record) => record.outcome !== 'executed').length,
      notices: runtime.loop.decisions({ unit_id: unit.id, kinds: ['notice'], limit: 1000 }).length,
      miners: MINERS.map((miner) => {
        const share = ledger.loads[miner.name]
        const events = site.switchLog().filter((event) => event.miner === miner.name)
        return {
          name: miner.name,
          powerW: miner.powerW,
          starts: events.filter((event) => event.state === 'on').length,
          stops: events.filter((event) => event.state === 'off').length,
          kwh: (share?.consumedWh ?? 0) / 1000,
          pv: (share?.fromPvWh ?? 0) / 1000,
          battery: (share?.fromBatteryWh ?? 0) / 1000,
          grid: (share?.fromGridWh ?? 0) / 1000,
        }
      }),
      site: {
        pvProduced: (ledger.pv.producedWh - ledgerStart.pv.producedWh) / 1000,
        exported: (ledger.grid.exportedWh - ledgerStart.grid.exportedWh) / 1000,
        imported: (ledger.grid.importedWh - ledgerStart.grid.importedWh) / 1000,
        house: (ledger.house.consumedWh - ledgerStart.house.consumedWh) / 1000,
        socEnd: site.reading().soc ?? 0,
      },
      requests: requests.total,
      byEndpoint: requests.byEndpoint,
      notOk: requests.log.filter((entry) => entry.status !== 200).length,
    }
  } finally {
    await runtime.close()
    await Promise.allSettled([site.close(), ocean.close()])
    rmSync(folder, { recursive: true, force: true })
  }
}

const hours = (END - START) / 3_600_000
console.log(
  `Node ${process.version}; 21 June in Rome, 05:00–21:30 (${hours} h) at ×${SPEED} (${((END - START) / SPEED / 1000).toFixed(0)} s real per run, both runs side by side); 9 kWp PV, 10 kWh battery from 55 %, house base 350 W, cloudiness ${CLOUDINESS} (seed ${SEED}); loop every ${INTERVAL_SECONDS} s; all energy and switching through the simulated Home Assistant; Ocean simulator as the unit's tracker`,
)
const started = performance.now()
const results = await Promise.all([runDay('hysteresis'), runDay('upstream')])
const label: Record<Variant, string> = {
  hysteresis: 'example policy (for_seconds 120, min on/off 300 s)',
  upstream: 'upstream semantics (same rules, no for_seconds, no min on/off)',
}
const kwh = (value: number) => `${value.toFixed(2).padStart(6)} kWh`
for (const result of results) {
  console.log(`\n${label[result.variant]}`)
  for (const miner of result.miners) {
    console.log(
      `  ${miner.name.padEnd(11)} ${String(miner.starts).padStart(3)} starts ${String(miner.stops).padStart(3)} stops   took ${kwh(miner.kwh)}: PV ${kwh(miner.pv)} · battery ${kwh(miner.battery)} · grid ${kwh(miner.grid)}  (${((100 * miner.pv) / Math.max(miner.kwh, 1e-9)).toFixed(0)} % solar)`,
    )
  }
  const s = result.site
  console.log(
    `  site        PV ${kwh(s.pvProduced)} · house ${kwh(s.house)} · exported ${kwh(s.exported)} · imported ${kwh(s.imported)} · battery at the end ${s.socEnd.toFixed(0)} %`,
  )
  console.log(
    `  loop        ${result.cycles} cycles (${result.skipped} fires skipped), ${result.failedActions} failed actions, ${result.notices} notices`,
  )
  console.log(
    `  HA          ${result.requests} requests = ${(result.requests / Math.max(1, result.cycles)).toFixed(2)} per cycle ${JSON.stringify(result.byEndpoint)}, ${result.notOk} not 200`,
  )
}
console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s wall clock)`)
