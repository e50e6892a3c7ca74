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
import { type SiteSimulator, startSiteSimulator } from '@edge-mining/site-simulator'
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
  /** Told about what the demo itself does (the simulated pool fault) and, every simulated hour, how the site stands; at a simulated ISO instant. */
  onNote?: (note: string, at: string) => void
  /** The site's weather: 0 clear … 1 overcast. Default 0.35, a sunny day with clouds. */
  cloudiness?: number
}

export interface RunningDemo {
  api: RunningApi
  /** The simulated clock everything runs on. */
  platform: Platform
  unitId: string
  minerIds: { big: string; small: string }
  /** The simulated site behind the fake Home Assistant (its model, ledger and request log). */
  site: SiteSimulator
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

/** `13` for 13:xx in Rome, the demo site's time zone. */
function romeHour(at: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Rome',
      hour: 'numeric',
      hourCycle: 'h23',
    }).format(at),
  )
}

const kw = (watts: number) => `${(watts / 1000).toFixed(1)} kW`

/**
 * The demo: a whole simulated home site behind a fake Home Assistant (the site simulator): a
 * 9 kWp array under a sunny sky with clouds, a 10 kWh battery, the house, and two miners on
 * smart plugs. Edge Mining sees it all through Home Assistant — the `home_assistant_api` energy
 * monitor and forecast, one `generic_socket_home_assistant_api` controller per plug, and
 * `home_assistant_notify` to the phone — plus simulated Ocean and Braiins pools (the unit reads
 * Ocean), the pool-aware
 * example policy, one enabled unit and the decision loop, on a clock `speed` times faster than
 * real time, from a summer morning: the miners start on the morning surplus (the small one first),
 * stop when thick clouds take it away, and start again when the sun is back.
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
        workers: [
          { name: 's21-garage', hashrateThs: 200 },
          { name: 's9-shed', hashrateThs: 13.5 },
        ],
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
  // The site runs on the demo's clock: its sensors, battery and plugs follow simulated time.
  const site = await startSiteSimulator({
    now,
    setTimeout: (callback, ms) => platform.setTimeout(callback, ms),
    clearTimeout: (handle) => platform.clearTimeout(handle),
    seed: 21,
    location: { latitude: 41.9028, longitude: 12.4964, timeZone: 'Europe/Rome', name: 'Home' },
    pv: { peakW: 9000 },
    weather: { cloudiness: options.cloudiness ?? 0.35 },
    house: { baseW: 350 },
    battery: { capacityWh: 10_000, initialSoc: 55, maxChargeW: 5000, maxDischargeW: 5000 },
    miners: [
      { name: 'Garage S21', powerW: 3500, switchEntity: 'switch.garage_s21_plug' },
      // This plug reports its new state a moment after the call, as many do.
      { name: 'Shed S9', powerW: 1350, switchEntity: 'switch.shed_s9_plug', switchDelayMs: 800 },
    ],
    notifyServices: ['mobile_app_phone'],
  })
  const stopSimulators = async () => {
    await Promise.allSettled([ocean.close(), braiins.close(), site.close()])
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
      deviceTimeouts: {
        readMs: 10_000 * speed,
        actionMs: 15_000 * speed,
        notifyMs: 15_000 * speed,
      },
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
    const homeAssistant = services.adapters.external_service.create({
      name: 'Home Assistant (simulated)',
      adapter_type: 'home_assistant_api',
      // HA gets real seconds to answer, however fast the simulated clock runs.
      config: {
        url: site.url,
        token: site.token,
        request_timeout_seconds: Math.min(3600, 10 * speed),
      },
    })
    const viaHomeAssistant = { external_service_id: homeAssistant.id }
    const plug = (name: string, entity: string, power: string) =>
      services.adapters.miner_controller.create({
        name,
        adapter_type: 'generic_socket_home_assistant_api',
        ...viaHomeAssistant,
        config: { entity_switch: entity, entity_power: power },
      })
    const { entities } = site
    const big = services.miners.create({
      name: 'Garage S21',
      model: 'Antminer S21',
      hash_rate_max: { value: 200, unit: 'TH/s' },
      power_consumption_max: 3500,
      pool_worker_name: 's21-garage',
      controller_ids: [
        plug(
          'Garage S21 plug',
          'switch.garage_s21_plug',
          entities.miners['Garage S21']?.power ?? '',
        ).id,
      ],
    })
    const small = services.miners.create({
      name: 'Shed S9',
      model: 'Antminer S9',
      hash_rate_max: { value: 13.5, unit: 'TH/s' },
      power_consumption_max: 1350,
      pool_worker_name: 's9-shed',
      controller_ids: [
        plug('Shed S9 plug', 'switch.shed_s9_plug', entities.miners['Shed S9']?.power ?? '').id,
      ],
    })
    const monitor = services.adapters.energy_monitor.create({
      name: 'Home Assistant energy',
      adapter_type: 'home_assistant_api',
      ...viaHomeAssistant,
      config: {
        entity_production: entities.pvPower,
        // The house without the miners, as a template sensor gives it in a real HA.
        entity_consumption: entities.houseConsumptionWithoutMiners,
        entity_grid: entities.gridPower,
        entity_battery_soc: entities.batterySoc ?? '',
        entity_battery_power: entities.batteryPower ?? '',
        entity_battery_remaining_capacity: entities.batteryStoredEnergy ?? '',
        unit_battery_remaining_capacity: 'kWh',
      },
    })
    const forecastSensors = entities.forecast
    const forecast = forecastSensors
      ? services.adapters.forecast_provider.create({
          name: 'Forecast.Solar (through Home Assistant)',
          adapter_type: 'home_assistant_api',
          ...viaHomeAssistant,
          config: {
            entity_forecast_power_actual_h: forecastSensors.powerNow,
            entity_forecast_power_next_1h: forecastSensors.powerNextHour,
            entity_forecast_energy_remaining_today: forecastSensors.energyRemainingToday,
            entity_forecast_energy_tomorrow: forecastSensors.energyTomorrow,
          },
        })
      : null
    const source = services.energySources.create({
      name: 'Roof, 9 kWp with a 10 kWh battery',
      type: 'solar',
      nominal_power_max: 9000,
      storage: { nominal_capacity: 10_000 },
      grid: { contracted_power: 6000 },
      energy_monitor_id: monitor.id,
      forecast_provider_id: forecast?.id ?? null,
    })
    // The unit reads Ocean: it reports a payout threshold, so the policy knows how close the
    // payout is. Braiins (FPPS) reports none; with it the payout guard of the deficit rule would
    // stay unknown and the rule would never fire (missing data is never a zero).
    const tracker = services.adapters.mining_performance_tracker.create({
      name: 'Ocean (simulated)',
      adapter_type: 'ocean',
      config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
    })
    const braiinsTracker = services.adapters.mining_performance_tracker.create({
      name: 'Braiins Pool (simulated)',
      adapter_type: 'braiins_pool',
      config: { api_token: braiins.token(), api_base_url: braiins.url },
    })
    const notifier = services.adapters.notifier.create({ name: 'Log', adapter_type: 'dummy' })
    const phone = services.adapters.notifier.create({
      name: 'Phone (Home Assistant app)',
      adapter_type: 'home_assistant_notify',
      ...viaHomeAssistant,
      config: { service: 'mobile_app_phone' },
    })
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
      notifier_ids: [notifier.id, phone.id],
    })
    services.units.enable(unit.id)

    // An hourly look at the site, and the decisions as they are recorded, on the simulated clock.
    let seen = 0
    let lastHour: number | null = null
    const watch = () => {
      const at = new Date(platform.now())
      const local = romeHour(at)
      if (local !== lastHour) {
        lastHour = local
        const r = site.reading()
        const signed = (watts: number) => `${watts >= 0 ? '+' : '−'}${kw(Math.abs(watts))}`
        options.onNote?.(
          `(site) PV ${kw(r.pv)} · house ${kw(r.house)} · miners ${kw(r.miners)} · battery ${Math.round(r.soc ?? 0)} % ${signed(r.battery)} · grid ${signed(r.grid)}`,
          at.toISOString(),
        )
      }
      for (const record of api.runtime.loop.decisions({ after_id: seen, limit: 1000 })) {
        seen = Math.max(seen, record.id)
        options.onDecision?.(record)
      }
      timers.push(base.setTimeout(watch, HOUR_MS / speed / 60))
    }
    // First look once the caller has had the demo (and printed its banner).
    timers.push(base.setTimeout(watch, 0))

    const v1 = `${api.url}/api/v1`
    const urls = [
      { label: 'Dashboard', url: `${api.url}/` },
      { label: 'API docs', url: `${api.url}/docs` },
      { label: 'Home Assistant (simulated)', url: `${site.url}/api/` },
      { label: 'Decision log', url: `${v1}/decisions?unit_id=${unit.id}` },
      { label: 'Events (live)', url: `${v1}/events` },
      { label: 'Unit status', url: `${v1}/optimization-units/${unit.id}/status` },
      {
        label: 'Decisional context',
        url: `${v1}/optimization-units/${unit.id}/decisional-context`,
      },
      { label: 'Miners', url: `${v1}/miners` },
      { label: 'Ocean workers', url: `${v1}/mining-performance-trackers/${tracker.id}/workers` },
      {
        label: 'Braiins workers',
        url: `${v1}/mining-performance-trackers/${braiinsTracker.id}/workers`,
      },
      { label: 'Metrics', url: `${api.url}/metrics` },
    ]
    return {
      api,
      platform,
      unitId: unit.id,
      minerIds: { big: big.id, small: small.id },
      site,
      databasePath,
      urls,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
