/**
 * What the runtime's loop tests run on (and the kill -9 child process): a platform whose clock
 * and timers the test drives, and a made-up site — a meter whose production the test sets and
 * miners whose status lives in a shared map — offered as adapter definitions to openRuntime.
 * Not exported from the package.
 */
import type {
  AnyAdapterDefinition,
  MinerControllerPort,
  MinerStatus,
  Platform,
} from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import * as v from 'valibot'

export interface TestPlatform extends Platform {
  /** Moves the clock forward, firing every timer that falls due, in order. */
  advance(ms: number): Promise<void>
  /** Moves the clock to `iso` (forward only), firing the timers on the way. */
  advanceTo(iso: string): Promise<void>
}

async function flush(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * A clock that only moves when told and a timer queue fired by `advance`. Its ids are the
 * n-th UUID of the `00000000-0000-4000-8000-…` series, like the services' fake platform.
 */
export function createTestPlatform(startIso: string): TestPlatform {
  let now = Date.parse(startIso)
  let issued = 0
  let nextHandle = 1
  const timers = new Map<number, { at: number; callback: () => void }>()
  const platform: TestPlatform = {
    now: () => now,
    setTimeout(callback, ms) {
      const handle = nextHandle++
      timers.set(handle, { at: now + Math.max(0, ms), callback })
      return handle
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    fetch: () => Promise.reject(new Error('tests use no network')),
    randomUUID: () => `00000000-0000-4000-8000-${(++issued).toString(16).padStart(12, '0')}`,
    async advance(ms) {
      const target = now + ms
      await flush()
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= target)
          .sort(([ha, a], [hb, b]) => a.at - b.at || ha - hb)[0]
        if (!due) break
        const [handle, timer] = due
        timers.delete(handle)
        now = Math.max(now, timer.at)
        timer.callback()
        await flush()
      }
      now = target
    },
    advanceTo: (iso) => platform.advance(Math.max(0, Date.parse(iso) - now)),
  }
  return platform
}

/** The made-up site: what the meter reads and what each miner (by host) is doing. */
export interface Site {
  production: number
  miners: Map<string, MinerStatus>
  /** Every command, as `<host> <method>`. */
  commands: string[]
}

export function createSite(production = 4000): Site {
  return { production, miners: new Map(), commands: [] }
}

/** `site_meter` (energy monitor) and `site_asic` (miner controller: status and mining control). */
export function siteDefinitions(site: Site): AnyAdapterDefinition[] {
  return [
    {
      kind: 'energy_monitor',
      type: 'site_meter',
      label: 'Site meter',
      configSchema: v.strictObject({}),
      secretFields: [],
      create: (_config, context) => ({
        getCurrentEnergyState: async () => ({
          production: site.production,
          consumption: { current_power: 600 },
          battery: null,
          grid: { current_power: 600 - site.production },
          external_source: null,
          timestamp: new Date(context.platform.now()).toISOString(),
        }),
      }),
    },
    {
      kind: 'miner_controller',
      type: 'site_asic',
      label: 'Site ASIC',
      configSchema: v.strictObject({ host: v.string() }),
      secretFields: [],
      features: ['status_monitoring', 'mining_control'],
      create(config): MinerControllerPort {
        const host = String(config.host)
        const command = (name: string, status: MinerStatus) => async () => {
          site.commands.push(`${host} ${name}`)
          site.miners.set(host, status)
        }
        return {
          getStatus: async () => site.miners.get(host) ?? 'off',
          startMining: command('startMining', 'on'),
          stopMining: command('stopMining', 'off'),
        }
      },
    },
  ]
}

/**
 * A site configured through the services: the meter on the energy source "Roof", a policy
 * "Solar" (start above 3000 W — after `forSeconds` of it when given — stop below 1000 W) and
 * the enabled unit "House" with the miners "Rig" (host rig) and "Spare" (host spare).
 */
export function configureSite(services: Services, options: { forSeconds?: number } = {}) {
  const meter = services.adapters.energy_monitor.create({ adapter_type: 'site_meter' })
  const source = services.energySources.create({ name: 'Roof', energy_monitor_id: meter.id })
  const policy = services.policies.create({ name: 'Solar' })
  const start = services.policies.addRule(policy.id, 'start', {
    name: 'Sun',
    conditions: { field: 'energy_state.production', operator: 'gt', value: 3000 },
    ...(options.forSeconds ? { for_seconds: options.forSeconds } : {}),
  })
  services.policies.addRule(policy.id, 'stop', {
    name: 'Dusk',
    conditions: { field: 'energy_state.production', operator: 'lt', value: 1000 },
  })
  const minerAt = (name: string, host: string) =>
    services.miners.create({
      name,
      controller_ids: [
        services.adapters.miner_controller.create({ adapter_type: 'site_asic', config: { host } })
          .id,
      ],
    })
  const rig = minerAt('Rig', 'rig')
  const spare = minerAt('Spare', 'spare')
  const unit = services.units.enable(
    services.units.create({
      name: 'House',
      policy_id: policy.id,
      energy_source_id: source.id,
      target_miner_ids: [rig.id, spare.id],
    }).id,
  )
  return { unit, policy, start, rig, spare }
}
