import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  acceleratedPlatform,
  type DecisionRecord,
  type Platform,
  systemPlatform,
} from '@edge-mining/domain'
import { startBraiinsSimulator, startOceanSimulator } from '@edge-mining/pool-simulator'
import { type RunningApi, type StartApiOptions, startApi } from './server'

/** The demo's policy: data/examples/policies (solar surplus with hysteresis, pool-aware). */
const POLICY_FILE = fileURLToPath(
  new URL(
    '../../../data/examples/policies/7f3c2a10-5b4e-4c6d-9e8f-0a1b2c3d4e5f.yaml',
    import.meta.url,
  ),
)

export interface DemoOptions extends Omit<StartApiOptions, 'env' | 'platform'> {
  /** API_HOST / API_PORT / LOG_LEVEL / API_TOKEN as for the server; DB_PATH and POLICIES_DIR are temporary. */
  env?: Record<string, string | undefined>
  /** How many simulated seconds pass per real second (DEMO_SPEED). Default 60: a day in 24 minutes. */
  speed?: number
  /** The simulated start instant (ms). Default: this year's 21 June, 05:00 in Rome (03:00 UTC). */
  startMs?: number
  /** The real platform the simulated clock runs on. Default: the process's own. */
  base?: Platform
  /** Told about every new decision-log entry, as it is recorded. */
  onDecision?: (record: DecisionRecord) => void
  /** Told about what the demo itself does (the simulated pool fault), at a simulated ISO instant. */
  onNote?: (note: string, at: string) => void
}

export interface RunningDemo {
  api: RunningApi
  /** The simulated clock everything runs on. */
  platform: Platform
  unitId: string
  minerIds: { big: string; small: string }
  /** The temporary database file (deleted by `close()`). */
  databasePath: string
  /** What to open, one `label  url` per line. */
  urls: { label: string; url: string }[]
  /** Stops the API, the loop and the simulators; deletes the temporary folder. */
  close(): Promise<void>
}

const HOUR_MS = 3_600_000

function defaultStart(base: Platform): number {
  const year = new Date(base.now()).getUTCFullYear()
  return Date.UTC(year, 5, 21, 3, 0, 0)
}

/**
 * The demo: a whole simulated site. A solar array with a battery (the dummy_solar monitor and
 * forecast), two dummy miners, simulated Ocean and Braiins pools, the pool-aware example policy,
 * one enabled unit, and the decision loop running on a clock `speed` times faster than real
 * time, from a summer morning. At 13:00 the small miner's worker stops sharing at the simulated
 * pool; the policy pauses the miner an hour later ("shares dried up"), and the pool sees it again.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const base = options.base ?? systemPlatform()
  const speed = options.speed ?? 60
  const startMs = options.startMs ?? defaultStart(base)
  const platform = acceleratedPlatform(base, { speed, startMs })
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-demo-'))
  const now = () => platform.now()
  const ocean = await startOceanSimulator({
    now,
    accounts: [
      {
        address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
        workers: [{ name: 's21-garage', hashrateThs: 200 }],
      },
    ],
  })
  const braiins = await startBraiinsSimulator({
    now,
    accounts: [
      {
        username: 'demo_miner',
        workers: [
          { name: 's21-garage', hashrateThs: 200 },
          { name: 's9-shed', hashrateThs: 13.5 },
        ],
      },
    ],
  })
  const stopSimulators = async () => {
    await Promise.allSettled([ocean.close(), braiins.close()])
    rmSync(folder, { recursive: true, force: true })
  }
  const databasePath = join(folder, 'edgemining.db')
  let api: RunningApi
  try {
    const env = options.env ?? process.env
    api = await startApi({
      ...options,
      env: { ...env, DB_PATH: databasePath, POLICIES_DIR: join(folder, 'policies') },
      platform,
      // Devices get real seconds to answer, however fast the simulated clock runs.
      deviceTimeouts: { readMs: 10_000 * speed, actionMs: 15_000 * speed },
    })
  } catch (error) {
    await stopSimulators()
    throw error
  }
  const timers: unknown[] = []
  const close = async () => {
    for (const timer of timers) base.clearTimeout(timer)
    await api.close()
    await stopSimulators()
  }
  try {
    const { services } = api.runtime
    // Rome; the loop decides every simulated minute (one real second at the default speed).
    services.settings.update({
      timezone: 'Europe/Rome',
      latitude: 41.9028,
      longitude: 12.4964,
      scheduler_interval_seconds: 60,
    })
    const controller = (name: string) =>
      services.adapters.miner_controller.create({
        name,
        adapter_type: 'dummy',
        config: { transition_seconds: 30, seed: 7 },
      })
    const big = services.miners.create({
      name: 'Garage S21',
      model: 'Antminer S21',
      hash_rate_max: { value: 200, unit: 'TH/s' },
      power_consumption_max: 3500,
      pool_worker_name: 's21-garage',
      controller_ids: [controller('Garage S21 (simulated)').id],
    })
    const small = services.miners.create({
      name: 'Shed S9',
      model: 'Antminer S9',
      hash_rate_max: { value: 13.5, unit: 'TH/s' },
      power_consumption_max: 1350,
      pool_worker_name: 's9-shed',
      controller_ids: [controller('Shed S9 (simulated)').id],
    })
    const monitor = services.adapters.energy_monitor.create({
      name: 'Roof (simulated)',
      adapter_type: 'dummy_solar',
      config: { cloudiness: 0.35, seed: 21, initial_soc: 55, base_load_power: 450 },
    })
    const forecast = services.adapters.forecast_provider.create({
      name: 'Roof forecast (simulated)',
      adapter_type: 'dummy_solar',
      config: { cloudiness: 0.35, seed: 21, efficiency_percent: 100 },
    })
    const source = services.energySources.create({
      name: 'Roof, 9 kWp with a 10 kWh battery',
      type: 'solar',
      nominal_power_max: 9000,
      storage: { nominal_capacity: 10_000 },
      grid: { contracted_power: 6000 },
      energy_monitor_id: monitor.id,
      forecast_provider_id: forecast.id,
    })
    services.adapters.mining_performance_tracker.create({
      name: 'Ocean (simulated)',
      adapter_type: 'ocean',
      config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
    })
    const tracker = services.adapters.mining_performance_tracker.create({
      name: 'Braiins Pool (simulated)',
      adapter_type: 'braiins_pool',
      config: { api_token: braiins.token(), api_base_url: braiins.url },
    })
    const notifier = services.adapters.notifier.create({ name: 'Log', adapter_type: 'dummy' })
    const policy = services.policies.importText(readFileSync(POLICY_FILE, 'utf8'), {
      source: 'demo policy',
    })
    const unit = services.units.create({
      name: 'Home',
      description: 'The demo site',
      policy_id: policy.id,
      energy_source_id: source.id,
      performance_tracker_id: tracker.id,
      target_miner_ids: [big.id, small.id],
      notifier_ids: [notifier.id],
    })
    services.units.enable(unit.id)

    // The scripted pool fault, on the simulated clock.
    let faulted = false
    let restored = false
    let seen = 0
    const watch = () => {
      const at = new Date(platform.now())
      const local = Number(
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/Rome',
          hour: 'numeric',
          hourCycle: 'h23',
        }).format(at),
      )
      if (!faulted && local >= 13) {
        faulted = true
        braiins.setWorker('s9-shed', { state: 'off' })
        options.onNote?.(
          "(simulated) The Shed S9's worker stops sharing at the pool",
          at.toISOString(),
        )
      }
      for (const record of api.runtime.loop.decisions({ after_id: seen, limit: 1000 })) {
        seen = Math.max(seen, record.id)
        options.onDecision?.(record)
        if (
          faulted &&
          !restored &&
          record.kind === 'action' &&
          record.miner_id === small.id &&
          record.rule_name === 'Shares dried up'
        ) {
          restored = true
          braiins.setWorker('s9-shed', { state: 'ok' })
          options.onNote?.(
            "(simulated) The Shed S9's pool connection is back",
            new Date(platform.now()).toISOString(),
          )
        }
      }
      timers.push(base.setTimeout(watch, HOUR_MS / speed / 60))
    }
    watch()

    const v1 = `${api.url}/api/v1`
    const urls = [
      { label: 'API docs', url: `${api.url}/docs` },
      { label: 'Decision log', url: `${v1}/decisions?unit_id=${unit.id}` },
      { label: 'Events (live)', url: `${v1}/events` },
      { label: 'Unit status', url: `${v1}/optimization-units/${unit.id}/status` },
      {
        label: 'Decisional context',
        url: `${v1}/optimization-units/${unit.id}/decisional-context`,
      },
      { label: 'Miners', url: `${v1}/miners` },
      { label: 'Braiins workers', url: `${v1}/mining-performance-trackers/${tracker.id}/workers` },
      { label: 'Metrics', url: `${api.url}/metrics` },
    ]
    return {
      api,
      platform,
      unitId: unit.id,
      minerIds: { big: big.id, small: small.id },
      databasePath,
      urls,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
