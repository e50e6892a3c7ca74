import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EnvironmentError } from './env'
import { openRuntime, type Runtime } from './runtime'

const folders: string[] = []
const open: Runtime[] = []
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close()
  while (folders.length > 0) rmSync(folders.pop() ?? '', { recursive: true, force: true })
})

function site() {
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-runtime-'))
  folders.push(folder)
  return {
    folder,
    env: {
      DB_PATH: join(folder, 'db', 'edgemining.db'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
    },
  }
}

function opened(env: Record<string, string>): Runtime {
  const runtime = openRuntime({ env })
  open.push(runtime)
  return runtime
}

describe('openRuntime', () => {
  it('registers every shipped adapter, by kind', () => {
    const { registry } = opened(site().env)
    expect(registry.forKind('mining_performance_tracker').types()).toEqual([
      'dummy',
      'ocean',
      'braiins_pool',
    ])
    expect(registry.forKind('miner_controller').types()).toEqual([
      'dummy',
      'generic_socket_home_assistant_api',
      'braiins_os',
      'axeos',
      'shelly',
      'tasmota',
    ])
    expect(registry.forKind('energy_monitor').types()).toEqual([
      'dummy_solar',
      'home_assistant_api',
    ])
    expect(registry.forKind('forecast_provider').types()).toEqual([
      'dummy_solar',
      'home_assistant_api',
    ])
    expect(registry.forKind('notifier').types()).toEqual([
      'dummy',
      'home_assistant_notify',
      'telegram',
      'ntfy',
      'webhook',
    ])
    expect(registry.forKind('external_service').types()).toEqual(['home_assistant_api'])
  })

  it('keeps a whole configured site across a restart, in DB_PATH (0600) and POLICIES_DIR', async () => {
    const { env } = site()
    const first = opened(env)
    const { services } = first
    const controller = services.adapters.miner_controller.create({
      adapter_type: 'dummy',
      name: 'Sim',
    })
    const miner = services.miners.setController(
      services.miners.create({
        name: 'Garage S9',
        hash_rate_max: { value: 13.5, unit: 'TH/s' },
        power_consumption_max: 1350,
      }).id,
      controller.id,
    )
    const monitor = services.adapters.energy_monitor.create({ adapter_type: 'dummy_solar' })
    const source = services.energySources.create({
      name: 'Roof',
      nominal_power_max: 6000,
      energy_monitor_id: monitor.id,
    })
    const policy = services.policies.create({ name: 'Solar only' })
    const unit = services.units.create({
      name: 'Garage',
      policy_id: policy.id,
      energy_source_id: source.id,
      target_miner_ids: [miner.id],
    })
    services.settings.update({ timezone: 'UTC', scheduler_interval_seconds: 10 })
    await first.close()
    open.pop()
    expect(statSync(env.DB_PATH).mode & 0o777).toBe(0o600)

    const second = opened(env).services
    expect(second.units.get(unit.id)).toEqual(unit)
    expect(second.miners.get(miner.id).features.map((feature) => feature.controller_id)).toContain(
      controller.id,
    )
    expect(second.energySources.get(source.id).energy_monitor_id).toBe(monitor.id)
    expect(second.policies.get(policy.id).name).toBe('Solar only')
    expect(second.settings.get()).toMatchObject({ timezone: 'UTC', scheduler_interval_seconds: 10 })
  })

  it('a bad variable is an EnvironmentError naming it and its value; nothing is opened', () => {
    const { env, folder } = site()
    expect(() => openRuntime({ env: { ...env, LOG_LEVEL: 'loud' } })).toThrow(EnvironmentError)
    expect(() => openRuntime({ env: { ...env, DB_PATH: 'postgres://db/edge' } })).toThrow(
      /DB_PATH: .*postgres:\/\/db\/edge/,
    )
    expect(() => openRuntime({ env: { ...env, DB_PATH: folder } })).toThrow(folder)
  })

  it('close() is idempotent and closes the database', async () => {
    const runtime = opened(site().env)
    await runtime.close()
    await runtime.close()
    expect(() => runtime.services.miners.list()).toThrow()
  })
})
