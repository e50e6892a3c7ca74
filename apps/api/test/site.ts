import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import type { Loose, LooseResponse } from './support'

export const V1 = '/api/v1'
export const EXAMPLE_POLICY_ID = '550e8400-e29b-41d4-a716-446655440000'
/** The shipped example policy (repository root), imported through `POST /policies/import`. */
export const EXAMPLE_POLICY_TEXT = readFileSync(
  new URL(`../../../data/examples/policies/${EXAMPLE_POLICY_ID}.yaml`, import.meta.url),
  'utf8',
)
/** A UUID nothing in a fresh database has. */
export const UNKNOWN_ID = '0b7f9e4c-5d2a-4c3b-9e8f-1a2b3c4d5e6f'

type Json = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<LooseResponse>

/** Sends a request and checks its status; answers the parsed body. */
export async function expectStatus(
  json: Json,
  method: string,
  path: string,
  status: number,
  body?: unknown,
): Promise<Loose> {
  const res = await json(method, path, body)
  const text = await res.text()
  expect(res.status, `${method} ${path} → ${text.slice(0, 300)}`).toBe(status)
  return text === '' ? null : JSON.parse(text)
}

/** The ids of a whole site built through REST, as a client (the web UI) would. */
export interface Site {
  controller: Loose
  miner: Loose
  monitor: Loose
  forecast: Loose
  source: Loose
  policy: Loose
  tracker: Loose
  notifier: Loose
  unit: Loose
}

/**
 * Creates a `dummy` controller, a miner attached to it, a `dummy_solar` monitor and forecast
 * provider, a solar source with battery and grid, the example policy, a `dummy` tracker and
 * notifier, and a unit linking them all (disabled). `name` keeps two sites in one database apart.
 */
export async function buildSite(json: Json, name = 'Garage'): Promise<Site> {
  const ok = (method: string, path: string, body: unknown, status = 201) =>
    expectStatus(json, method, path, status, body)
  const controller = await ok('POST', `${V1}/miner-controllers`, {
    name: `${name} simulator`,
    adapter_type: 'dummy',
    config: { seed: 4 },
  })
  const created = await ok('POST', `${V1}/miners`, {
    name: `${name} S19`,
    model: 'Antminer S19 Pro',
    hash_rate_max: { value: 110, unit: 'TH/s' },
    power_consumption_max: 3250,
    pool_worker_name: 'dummy-1',
  })
  const miner = await ok(
    'POST',
    `${V1}/miners/${created.id}/set-controller?controller_id=${controller.id}`,
    undefined,
    200,
  )
  const monitor = await ok('POST', `${V1}/energy-monitors`, {
    name: `${name} inverter`,
    adapter_type: 'dummy_solar',
    config: { seed: 1 },
  })
  const forecast = await ok('POST', `${V1}/forecast-providers`, {
    name: `${name} forecast`,
    adapter_type: 'dummy_solar',
    config: {},
  })
  const source = await ok('POST', `${V1}/energy-sources`, {
    name: `${name} roof`,
    type: 'solar',
    nominal_power_max: 5000,
    storage: { nominal_capacity: 10_000 },
    grid: { contracted_power: 6000 },
    energy_monitor_id: monitor.id,
    forecast_provider_id: forecast.id,
  })
  const policies = (await ok('GET', `${V1}/policies`, undefined, 200)) as Loose[]
  const policy =
    policies.find((p) => p.id === EXAMPLE_POLICY_ID) ??
    (await ok('POST', `${V1}/policies/import`, { text: EXAMPLE_POLICY_TEXT }))
  const tracker = await ok('POST', `${V1}/mining-performance-trackers`, {
    name: `${name} pool`,
    adapter_type: 'dummy',
    config: { seed: 3 },
  })
  const notifier = await ok('POST', `${V1}/notifiers`, {
    name: `${name} log`,
    adapter_type: 'dummy',
    config: {},
  })
  const unit = await ok('POST', `${V1}/optimization-units`, {
    name: `${name} unit`,
    description: 'The whole site',
    policy_id: policy.id,
    target_miner_ids: [miner.id],
    energy_source_id: source.id,
    performance_tracker_id: tracker.id,
    notifier_ids: [notifier.id],
  })
  return { controller, miner, monitor, forecast, source, policy, tracker, notifier, unit }
}
