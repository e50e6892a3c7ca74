/**
 * The site the dashboard is tested (and benchmarked) against: the site simulator's Home
 * Assistant gives the energy (PV, house, battery, grid) and the forecast, read through the
 * shipped Home Assistant adapters; three dummy miners and a dummy pool, whose states follow the
 * clock alone; a real runtime on a temporary SQLite file; a platform clock that only moves when
 * told, shared by the simulator; the API on 127.0.0.1 (port 0) without its scheduler — every
 * cycle is one `POST /api/v1/evaluate` or one `runtime.loop.runCycle()`. No vitest import: the
 * benchmarks use it too.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AnyAdapterDefinition, systemPlatform } from '@edge-mining/domain'
import { createLogger, openRuntime, shippedAdapterDefinitions } from '@edge-mining/runtime'
import { startSiteSimulator } from '@edge-mining/site-simulator'
import { type RunningApi, startApi } from '../../src/index'

/** Friday 19 June 2026, 11:55 in Rome (the settings' default time zone): five minutes before the policy starts mining. */
export const SITE_NOW = '2026-06-19T09:55:00Z'
export const TIME_ZONE = 'Europe/Rome'

/**
 * Mine from noon to 18:00 local time while the battery has some charge. Time is the only input
 * that changes the decision, so each test knows what the page must say at each instant.
 */
export const MIDDAY_POLICY = `name: Midday mining
description: Mine from noon to six in the evening while the battery has some charge.
start_rules:
  - name: Midday sun
    priority: 10
    conditions:
      all_of:
        - { field: timestamp.hour, operator: gte, value: 12 }
        - { field: timestamp.hour, operator: lt, value: 18 }
        - { field: energy_state.battery.state_of_charge, operator: gte, value: 10 }
stop_rules:
  - name: Evening
    priority: 10
    conditions: { field: timestamp.hour, operator: gte, value: 18 }
`

/** How far apart the cycles that fill the history are (the loop's own interval is 5 s). */
export const HISTORY_STEP_MS = 10 * 60_000

/** A parsed JSON answer: tests read the fields they check. */
// biome-ignore lint/suspicious/noExplicitAny: API answers are checked field by field
type Json = any

export interface DashboardSiteOptions {
  /** Start the API with this API_TOKEN. */
  apiToken?: string
  /** Hours of history written before `SITE_NOW`, one cycle per HISTORY_STEP_MS. Default 24. */
  historyHours?: number
  /** More adapter definitions beside the shipped ones (a scripted pool, for instance). */
  adapters?: AnyAdapterDefinition[]
}

export interface DashboardSite {
  url: string
  api: RunningApi
  /** The API token the server wants, or null. */
  token: string | null
  ids: {
    unit: string
    tracker: string
    /** Started by the policy at noon. */
    s19: string
    /** Stopped by hand at SITE_NOW, held by its override for an hour. */
    s21: string
    /** Deactivated at SITE_NOW: the loop leaves it alone. */
    bitaxe: string
  }
  now(): number
  advance(ms: number): void
  /** A JSON call with the token; throws with the answer's text unless 2xx. */
  call(method: string, path: string, body?: unknown): Promise<Json>
  /** One cycle through the API, as a client would. */
  evaluate(): Promise<Json>
  close(): Promise<void>
}

/**
 * Builds the site through the API: three dummy miners (each on its own dummy controller), a
 * `dummy_solar` monitor and forecast on a roof with a battery and a grid, the midday policy, a
 * `dummy` pool tracker, one enabled unit. Then `historyHours` of cycles up to SITE_NOW (the
 * policy started the miners yesterday at noon and stopped them at 18:00), the S21 stopped by hand
 * and the Bitaxe deactivated, and one cycle at SITE_NOW.
 */
export async function startDashboardSite(
  options: DashboardSiteOptions = {},
): Promise<DashboardSite> {
  const historyMs = (options.historyHours ?? 24) * 3_600_000
  let nowMs = Date.parse(SITE_NOW) - historyMs
  const platform = { ...systemPlatform(), now: () => nowMs }
  const site = await startSiteSimulator({
    now: () => nowMs,
    weather: { cloudiness: 0.2 },
  })
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-dashboard-'))
  const runtime = openRuntime({
    env: {
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      DB_PATH: join(folder, 'edge-mining.db'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
      ...(options.apiToken ? { API_TOKEN: options.apiToken } : {}),
    },
    platform,
    logger: createLogger('silent'),
    adapters: ({ cache }) => [...shippedAdapterDefinitions({ cache }), ...(options.adapters ?? [])],
  })
  const api = await startApi({ runtime, loop: false })
  const token = options.apiToken ?? null
  const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${api.url}/api/v1${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : null
  }
  try {
    const miner = async (
      name: string,
      model: string,
      watts: number,
      ths: number,
      worker: string,
    ) => {
      const controller = await call('POST', '/miner-controllers', {
        name: `${name} simulator`,
        adapter_type: 'dummy',
        config: { seed: watts },
      })
      const created = await call('POST', '/miners', {
        name,
        model,
        hash_rate_max: { value: ths, unit: 'TH/s' },
        power_consumption_max: watts,
        pool_worker_name: worker,
      })
      await call('POST', `/miners/${created.id}/set-controller?controller_id=${controller.id}`)
      return created.id as string
    }
    const s19 = await miner('S19 Pro', 'Antminer S19 Pro', 3250, 110, 'dummy-1')
    const s21 = await miner('S21', 'Antminer S21', 3500, 200, 'dummy-2')
    const bitaxe = await miner('Bitaxe', 'Bitaxe Gamma', 18, 1.2, 'bitaxe')
    const homeAssistant = await call('POST', '/external-services', {
      name: 'Home Assistant',
      adapter_type: 'home_assistant_api',
      config: { url: site.url, token: site.token },
    })
    const { entities } = site
    const monitor = await call('POST', '/energy-monitors', {
      name: 'Inverter',
      adapter_type: 'home_assistant_api',
      external_service_id: homeAssistant.id,
      config: {
        entity_production: entities.pvPower,
        entity_consumption: entities.houseConsumptionWithoutMiners,
        entity_grid: entities.gridPower,
        entity_battery_soc: entities.batterySoc ?? '',
        entity_battery_power: entities.batteryPower ?? '',
        entity_battery_remaining_capacity: entities.batteryStoredEnergy ?? '',
        unit_battery_remaining_capacity: 'kWh',
      },
    })
    const forecastSensors = entities.forecast
    const forecast = await call('POST', '/forecast-providers', {
      name: 'Forecast',
      adapter_type: 'home_assistant_api',
      external_service_id: homeAssistant.id,
      config: {
        entity_forecast_power_actual_h: forecastSensors?.powerNow ?? '',
        entity_forecast_power_next_1h: forecastSensors?.powerNextHour ?? '',
        entity_forecast_energy_remaining_today: forecastSensors?.energyRemainingToday ?? '',
        entity_forecast_energy_tomorrow: forecastSensors?.energyTomorrow ?? '',
      },
    })
    const source = await call('POST', '/energy-sources', {
      name: 'Roof',
      type: 'solar',
      nominal_power_max: 9000,
      storage: { nominal_capacity: 10_000 },
      grid: { contracted_power: 6000 },
      energy_monitor_id: monitor.id,
      forecast_provider_id: forecast.id,
    })
    const policy = await call('POST', '/policies/import', { text: MIDDAY_POLICY })
    const tracker = await call('POST', '/mining-performance-trackers', {
      name: 'Ocean account',
      adapter_type: 'dummy',
      config: { seed: 3 },
    })
    const unit = await call('POST', '/optimization-units', {
      name: 'Garage',
      description: 'Solar-powered miners in the garage',
      policy_id: policy.id,
      target_miner_ids: [s19, s21, bitaxe],
      energy_source_id: source.id,
      performance_tracker_id: tracker.id,
    })
    await call('POST', `/optimization-units/${unit.id}/enable`)

    const end = Date.parse(SITE_NOW)
    while (nowMs < end) {
      await runtime.loop.runCycle()
      nowMs = Math.min(end, nowMs + HISTORY_STEP_MS)
    }
    await call('POST', `/miners/${s21}/stop`, { override_seconds: 3600 })
    await call('POST', `/miners/${bitaxe}/deactivate`)
    await call('POST', '/evaluate')

    return {
      url: api.url,
      api,
      token,
      ids: { unit: unit.id, tracker: tracker.id, s19, s21, bitaxe },
      now: () => nowMs,
      advance(ms) {
        nowMs += ms
      },
      call,
      evaluate: () => call('POST', '/evaluate'),
      async close() {
        await api.close()
        await site.close()
        rmSync(folder, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await api.close()
    await site.close()
    rmSync(folder, { recursive: true, force: true })
    throw error
  }
}
