/**
 * The decision loop's cycle: time per cycle (p50/p99) and pool requests for 1, 10 and 100
 * units of 4 dummy miners each, over dummy energy monitors and two trackers (one on the Ocean
 * simulator, one on the Braiins simulator) shared by every unit, with one device in one unit
 * that never answers. Simulated time (the platform's clock) advances one minute per cycle, so
 * the pool cache's TTLs play out as in a real hour; timers are real (the Braiins pacer spaces a
 * token's requests 5 s apart, so a cycle that refreshes two Braiins endpoints waits ≈5 s for the
 * second). Prints figures, asserts nothing. BENCH_CYCLES (default 60) sets the cycles per size
 * when every device answers; the dead-device runs take 5 cycles (each waits the read timeout).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AdapterDefinition,
  type MinerControllerPort,
  type Platform,
  systemPlatform,
} from '@edge-mining/domain'
import { startBraiinsSimulator, startOceanSimulator } from '@edge-mining/pool-simulator'
import { openRuntime, shippedAdapterDefinitions } from '@edge-mining/runtime'
import * as v from 'valibot'

const CYCLES = Number(process.env.BENCH_CYCLES ?? 60)
const DEAD_DEVICE_CYCLES = 5
const READ_TIMEOUT_MS = 6000
const MINERS_PER_UNIT = 4
const MINUTE = 60_000

/** A controller whose device never answers: every read and command hangs. */
const hangingController: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: 'bench_hanging',
  label: 'A device that never answers',
  configSchema: v.strictObject({}),
  secretFields: [],
  features: ['status_monitoring', 'power_monitoring', 'mining_control'],
  create: (): MinerControllerPort => {
    const never = () => new Promise<never>(() => {})
    return { getStatus: never, getPower: never, startMining: never, stopMining: never }
  },
}

/** The system's timers and ids on a clock the bench moves (timers still fire on real time). */
function benchPlatform(startMs: number) {
  let offset = 0
  const system = systemPlatform()
  const realStart = system.now()
  const platform: Platform = {
    ...system,
    now: () => startMs + (system.now() - realStart) + offset,
  }
  return { platform, advance: (ms: number) => (offset += ms) }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

async function measure(unitCount: number, withDeadDevice: boolean) {
  const folder = mkdtempSync(join(tmpdir(), 'bench-cycle-'))
  const start = Date.parse('2026-06-21T10:00:00Z')
  const clock = benchPlatform(start)
  const ocean = await startOceanSimulator({ now: clock.platform.now })
  const braiins = await startBraiinsSimulator({ now: clock.platform.now })
  const runtime = openRuntime({
    env: {
      DB_PATH: join(folder, 'bench.db'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
    },
    platform: clock.platform,
    adapters: ({ cache }) => [...shippedAdapterDefinitions({ cache }), hangingController],
    // Longer than the Braiins pacer's 5 s; a dead device costs its unit this much per cycle.
    deviceTimeouts: { readMs: READ_TIMEOUT_MS, actionMs: READ_TIMEOUT_MS },
  })
  try {
    const { services } = runtime
    services.settings.update({ timezone: 'Europe/Rome', latitude: 41.9, longitude: 12.5 })
    const trackers = [
      services.adapters.mining_performance_tracker.create({
        adapter_type: 'ocean',
        config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
      }),
      services.adapters.mining_performance_tracker.create({
        adapter_type: 'braiins_pool',
        config: { api_token: braiins.token(), api_base_url: braiins.url },
      }),
    ]
    const policy = services.policies.create({ name: 'Bench' })
    services.policies.addRule(policy.id, 'start', {
      name: 'Sun',
      conditions: { field: 'energy_state.production', operator: 'gt', value: 2000 },
    })
    services.policies.addRule(policy.id, 'stop', {
      name: 'Dark',
      conditions: { field: 'energy_state.production', operator: 'lt', value: 500 },
    })
    const controller = services.adapters.miner_controller.create({ adapter_type: 'dummy' })
    const dead = services.adapters.miner_controller.create({ adapter_type: 'bench_hanging' })
    for (let u = 0; u < unitCount; u++) {
      const monitor = services.adapters.energy_monitor.create({
        adapter_type: 'dummy_solar',
        config: { seed: u },
      })
      const source = services.energySources.create({
        nominal_power_max: 6000,
        storage: { nominal_capacity: 10_000 },
        grid: { contracted_power: 6000 },
        energy_monitor_id: monitor.id,
      })
      const miners = Array.from({ length: MINERS_PER_UNIT }, (_, m) =>
        services.miners.create({
          name: `u${u}-m${m}`,
          hash_rate_max: { value: 100, unit: 'TH/s' },
          power_consumption_max: 1500,
          pool_worker_name: 's21',
          controller_ids: [withDeadDevice && u === 0 && m === 0 ? dead.id : controller.id],
        }),
      )
      const unit = services.units.create({
        name: `unit ${u}`,
        policy_id: policy.id,
        energy_source_id: source.id,
        performance_tracker_id: trackers[u % 2]?.id ?? null,
        target_miner_ids: miners.map((miner) => miner.id),
      })
      services.units.enable(unit.id)
    }
    ocean.resetRequests()
    braiins.resetRequests()
    const memoryBefore = process.memoryUsage().rss
    const durations: number[] = []
    const cycles = withDeadDevice ? DEAD_DEVICE_CYCLES : CYCLES
    for (let cycle = 0; cycle < cycles; cycle++) {
      const started = performance.now()
      await runtime.loop.runCycle()
      durations.push(performance.now() - started)
      clock.advance(MINUTE)
    }
    durations.sort((a, b) => a - b)
    const simulatedMinutes = cycles
    const oceanSeen = ocean.requests().byEndpoint
    const braiinsSeen = braiins.requests().byEndpoint
    return {
      unitCount,
      p50: percentile(durations, 50),
      p99: percentile(durations, 99),
      simulatedMinutes,
      oceanSeen,
      braiinsSeen,
      rssGrowthMb: (process.memoryUsage().rss - memoryBefore) / 1048576,
      decisions: runtime.loop.decisions({ limit: 1000 }).length,
    }
  } finally {
    await runtime.close()
    await Promise.allSettled([ocean.close(), braiins.close()])
    rmSync(folder, { recursive: true, force: true })
  }
}

console.log(
  `Node ${process.version}; ${CYCLES} cycles per size, one simulated minute apart; ${MINERS_PER_UNIT} dummy miners per unit; 2 trackers (Ocean, Braiins simulators) shared by all units; then ${DEAD_DEVICE_CYCLES} cycles with one device that never answers (${READ_TIMEOUT_MS / 1000} s read timeout) in unit 0`,
)
for (const withDeadDevice of [false, true]) {
  for (const size of [1, 10, 100]) {
    const result = await measure(size, withDeadDevice)
    const miners = size * MINERS_PER_UNIT
    console.log(
      `${withDeadDevice ? 'dead device' : 'all healthy'} ${String(size).padStart(3)} units (${String(miners).padStart(3)} miners): cycle p50 ${result.p50.toFixed(1).padStart(7)} ms  p99 ${result.p99.toFixed(1).padStart(7)} ms   RSS +${result.rssGrowthMb.toFixed(1)} MB`,
    )
    console.log(
      `      pool requests over ${result.simulatedMinutes} simulated min: Ocean ${JSON.stringify(result.oceanSeen)}  Braiins ${JSON.stringify(result.braiinsSeen)}`,
    )
  }
}
