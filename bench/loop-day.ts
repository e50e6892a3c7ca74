/**
 * A simulated day of the decision loop on the dummy site (dummy_solar with a battery, two dummy
 * miners), the clock injected: a cycle every BENCH_INTERVAL_SECONDS (default 10) of simulated
 * time from 04:00 to 22:00 in Rome on 21 June. Run twice with the same site and seed:
 *  - ours: start above 1500 W of surplus for 2 min, stop below 1500 W for 2 min (one threshold,
 *    as upstream's example policies are written), with the unit's minimum on/off times (5 min);
 *  - upstream's semantics: the same threshold with no for_seconds and no minimum times.
 * Prints starts and stops per miner, and how long each ran. Prints figures, asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Platform, systemPlatform } from '@edge-mining/domain'
import { openRuntime } from '@edge-mining/runtime'

const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_SECONDS ?? 10) * 1000
const START = Date.parse('2026-06-21T02:00:00Z')
const END = Date.parse('2026-06-21T20:00:00Z')

function policyText(hysteresis: boolean): string {
  const hold = hysteresis ? '\n    for_seconds: 120' : ''
  return `
name: ${hysteresis ? 'Hysteresis' : 'Upstream semantics'}
start_rules:
  - name: Surplus${hold}
    conditions: { field: energy_state.surplus_power, operator: gt, value: 1500 }
stop_rules:
  - name: Deficit${hold}
    conditions: { field: energy_state.surplus_power, operator: lt, value: 1500 }
`
}

async function day(hysteresis: boolean) {
  const folder = mkdtempSync(join(tmpdir(), 'bench-loop-day-'))
  let now = START
  const platform: Platform = { ...systemPlatform(), now: () => now }
  const runtime = openRuntime({
    env: {
      DB_PATH: join(folder, 'day.db'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
    },
    platform,
  })
  try {
    const { services, loop } = runtime
    services.settings.update({ timezone: 'Europe/Rome', latitude: 41.9028, longitude: 12.4964 })
    const controller = services.adapters.miner_controller.create({
      adapter_type: 'dummy',
      config: { transition_seconds: 20 },
    })
    const miners = [
      { name: 'S19 (3250 W)', power: 3250 },
      { name: 'S9 (1350 W)', power: 1350 },
    ].map(({ name, power }) =>
      services.miners.create({
        name,
        hash_rate_max: { value: power / 30, unit: 'TH/s' },
        power_consumption_max: power,
        controller_ids: [controller.id],
      }),
    )
    const monitor = services.adapters.energy_monitor.create({
      adapter_type: 'dummy_solar',
      config: { seed: 5, cloudiness: 0.8 },
    })
    const source = services.energySources.create({
      nominal_power_max: 7000,
      storage: { nominal_capacity: 10_000 },
      grid: { contracted_power: 6000 },
      energy_monitor_id: monitor.id,
    })
    const policy = services.policies.importText(policyText(hysteresis), { newId: true })
    const unit = services.units.create({
      name: 'Day',
      policy_id: policy.id,
      energy_source_id: source.id,
      target_miner_ids: miners.map((miner) => miner.id),
      min_on_seconds: hysteresis ? 300 : 0,
      min_off_seconds: hysteresis ? 300 : 0,
    })
    services.units.enable(unit.id)
    const started = performance.now()
    let cycles = 0
    for (; now <= END; now += INTERVAL_MS) {
      await loop.runCycle()
      cycles++
    }
    const elapsed = performance.now() - started
    const actions = loop
      .decisions({ kinds: ['action'], limit: 1000 })
      .filter((record) => record.outcome === 'executed')
      .reverse()
    return {
      cycles,
      elapsed,
      perMiner: miners.map((miner) => {
        const own = actions.filter((record) => record.miner_id === miner.id)
        let onMs = 0
        let since: number | null = null
        for (const record of own) {
          const at = Date.parse(record.at)
          if (record.action === 'start') since = at
          else if (since !== null) {
            onMs += at - since
            since = null
          }
        }
        if (since !== null) onMs += END - since
        return {
          name: miner.name,
          starts: own.filter((record) => record.action === 'start').length,
          stops: own.filter((record) => record.action === 'stop').length,
          hours: onMs / 3_600_000,
        }
      }),
    }
  } finally {
    await runtime.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

console.log(
  `A simulated 21 June (04:00–22:00 Rome), a cycle every ${INTERVAL_MS / 1000} s, dummy_solar 7 kWp with a 10 kWh battery, clouds 0.8; start above 1500 W of surplus, stop below 1500 W`,
)
for (const hysteresis of [true, false]) {
  const result = await day(hysteresis)
  const label = hysteresis
    ? 'ours: for_seconds 120 + min on/off 300 s'
    : "upstream's semantics: neither"
  console.log(`${label} (${result.cycles} cycles in ${(result.elapsed / 1000).toFixed(1)} s)`)
  for (const miner of result.perMiner) {
    console.log(
      `  ${miner.name.padEnd(14)} ${String(miner.starts).padStart(3)} starts  ${String(miner.stops).padStart(3)} stops  ${miner.hours.toFixed(1)} h mining`,
    )
  }
}
