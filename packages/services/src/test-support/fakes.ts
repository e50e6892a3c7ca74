/**
 * What the services' tests are built on: a platform whose clock, ids and timers the test drives
 * (no real sleeps), a logger that records lines, and small made-up adapter definitions of every
 * kind whose devices answer what the test scripts. Not exported from the package.
 */
import {
  type AdapterContext,
  type AdapterDefinition,
  type AnyAdapterDefinition,
  DeviceError,
  type EnergyStateSnapshot,
  type ExternalServicePort,
  type ExternalServiceStatus,
  FEATURE_METHODS,
  type ForecastSnapshot,
  type Freshness,
  type HashRate,
  type Logger,
  type LoopRepositories,
  type MinerControllerPort,
  type MinerFeatureType,
  type MinerInfo,
  type MinerStatus,
  type Notification,
  type PayoutSchedule,
  type Platform,
  type PoolStats,
  type TrackerCallOptions,
} from '@edge-mining/domain'
import * as v from 'valibot'
import type { EdgeMiningEvent } from '../events'
import { createDecisionLoop, type DecisionLoopOptions } from '../loop'
import { createMemoryRepositories } from '../memory'
import { createMemoryLoopRepositories } from '../memory-loop'
import { createAdapterRegistry } from '../registry'
import { createServices } from '../services'

// ─── Platform ─────────────────────────────────────────────────────────────────

interface Timer {
  handle: number
  at: number
  callback: () => void
}

export interface FakePlatform extends Platform {
  /** Sets the wall clock. */
  setNow(iso: string): void
  /** Moves the clock forward, firing every timer that falls due, in order. */
  advance(ms: number): Promise<void>
  /** Timers still waiting. */
  pendingTimers(): number
  /** How many ids were handed out. */
  uuidsIssued(): number
}

/** Lets every pending promise callback run (no real time passes). */
export async function flush(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve))
}

/** The n-th id the fake platform hands out (1-based). */
export function uuidNumber(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export function createFakePlatform(startIso = '2026-06-21T10:00:00.000Z'): FakePlatform {
  let now = Date.parse(startIso)
  let issued = 0
  let nextHandle = 1
  const timers = new Map<number, Timer>()
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const handle = nextHandle++
      timers.set(handle, { handle, at: now + Math.max(0, ms), callback })
      return handle
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    fetch: () => Promise.reject(new Error('tests use no network')),
    randomUUID: () => uuidNumber(++issued),
    setNow(iso) {
      now = Date.parse(iso)
    },
    async advance(ms) {
      const target = now + ms
      await flush()
      for (;;) {
        const due = [...timers.values()]
          .filter((timer) => timer.at <= target)
          .sort((a, b) => a.at - b.at || a.handle - b.handle)[0]
        if (!due) break
        timers.delete(due.handle)
        now = Math.max(now, due.at)
        due.callback()
        await flush()
      }
      now = target
    },
    pendingTimers: () => timers.size,
    uuidsIssued: () => issued,
  }
}

// ─── Logger ───────────────────────────────────────────────────────────────────

export interface RecordingLogger extends Logger {
  lines: string[]
}

export function createRecordingLogger(): RecordingLogger {
  const lines: string[] = []
  const at = (level: string) => (message: string) => {
    lines.push(`${level}: ${message}`)
  }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

// ─── Scripted answers ─────────────────────────────────────────────────────────

/** A value, or a function answering it (throw to fail; return `hang()` to never answer). */
export type Answer<T> = T | (() => T | Promise<T>)

/** A promise that never settles: the device does not answer. */
export function hang<T>(): Promise<T> {
  return new Promise<T>(() => {})
}

/** An answer that fails with `error`. */
export function fails(error: Error): () => never {
  return () => {
    throw error
  }
}

async function answer<T>(scripted: Answer<T>): Promise<T> {
  return typeof scripted === 'function' ? await (scripted as () => T | Promise<T>)() : scripted
}

// ─── The made-up world the adapters talk to ──────────────────────────────────

export interface FakeDevice {
  status: MinerStatus
  hashrate?: Answer<HashRate | null>
  power?: Answer<number | null>
  statusAnswer?: Answer<MinerStatus>
  inletTemperature?: Answer<number | null>
  deviceInfo?: Answer<MinerInfo | null>
  maxPower?: Answer<number | null>
  /** Fails every command (start, stop, power on/off) with it. */
  commandError?: Error | undefined
  /** Every command never answers. */
  commandHangs?: boolean
  /** Every method called, in order. */
  calls: string[]
}

export interface FakePool {
  hashrate: Answer<HashRate | null>
  stats: Answer<PoolStats | null>
  payout: Answer<PayoutSchedule | null>
  /** Reported to `onFreshness` by every call, when set. */
  freshness?: Freshness
}

export interface InstanceRecord {
  kind: string
  type: string
  config: Record<string, unknown>
  miner: string | null
  energySource: string | null
  externalService: ExternalServicePort | null
  closed: number
}

export interface FakeWorld {
  /** Miners and plugs by the controller config's `host`. */
  devices: Map<string, FakeDevice>
  /** Energy readings by the monitor config's `site`. */
  energy: Map<string, Answer<EnergyStateSnapshot | null>>
  /** Per `site`: what its meter says it could not read (its `missingReadings()`). */
  missing: Map<string, Record<string, string>>
  forecast: Answer<ForecastSnapshot | null>
  /** Pool accounts by the tracker config's `account`. */
  pools: Map<string, FakePool>
  /** Hubs by the external-service config's `url`. */
  hubs: Map<string, Answer<'connected' | 'unauthorized'>>
  /** What notifiers delivered. */
  sent: { channel: string; notification: Notification }[]
  /** Fails every notifier send with it. */
  notifierError: Error | null
  /** Per channel: its sends fail with the error, or never answer (`hang`). */
  channelFaults: Map<string, Error | 'hang'>
  /** Every adapter instance built, in order. */
  instances: InstanceRecord[]
  /** The device at `host` (created on first use, status off). */
  device(host: string): FakeDevice
  /** The record of a port returned by a definition's create. */
  recordOf(port: object): InstanceRecord
  /** Registers a port built by a definition. */
  track<T extends object>(port: T, record: InstanceRecord): T
}

export function createWorld(): FakeWorld {
  const records = new WeakMap<object, InstanceRecord>()
  const world: FakeWorld = {
    devices: new Map(),
    energy: new Map(),
    missing: new Map(),
    forecast: null,
    pools: new Map(),
    hubs: new Map(),
    sent: [],
    notifierError: null,
    channelFaults: new Map(),
    instances: [],
    device(host) {
      let device = world.devices.get(host)
      if (!device) {
        device = { status: 'off', calls: [] }
        world.devices.set(host, device)
      }
      return device
    },
    recordOf(port) {
      const record = records.get(port)
      if (!record) throw new Error('not a port of the fake world')
      return record
    },
    track(port, record) {
      records.set(port, record)
      world.instances.push(record)
      return port
    },
  }
  return world
}

function track<T extends object>(
  world: FakeWorld,
  port: T & { close?(): void | Promise<void> },
  kind: string,
  type: string,
  config: Record<string, unknown>,
  context: AdapterContext,
): T {
  const record: InstanceRecord = {
    kind,
    type,
    config,
    miner: context.miner?.id ?? null,
    energySource: context.energySource?.id ?? null,
    externalService: context.externalService,
    closed: 0,
  }
  port.close = () => {
    record.closed += 1
  }
  return world.track(port, record)
}

// ─── Adapter definitions ─────────────────────────────────────────────────────

const NonEmpty = v.pipe(v.string('expected a string'), v.trim(), v.nonEmpty('must not be empty'))

/** A pool tracker: account, a secret token, a region with a default. */
export function trackerDefinition(
  world: FakeWorld,
  type = 'fake_pool',
  label = 'Fake Pool',
): AdapterDefinition<'mining_performance_tracker'> {
  return {
    kind: 'mining_performance_tracker',
    type,
    label,
    configSchema: v.strictObject({
      account: NonEmpty,
      api_token: v.pipe(v.string(), v.minLength(8, 'expected at least 8 characters')),
      region: v.optional(v.picklist(['eu', 'us'], 'expected eu or us'), 'eu'),
    }),
    secretFields: ['api_token'],
    create(config, context) {
      const pool = () => {
        const found = world.pools.get(String(config.account))
        if (!found) throw new DeviceError('unreachable', `no pool account ${config.account}`)
        return found
      }
      const read = async <T>(
        part: (found: FakePool) => Answer<T>,
        options?: TrackerCallOptions,
      ): Promise<T> => {
        const found = pool()
        const value = await answer(part(found))
        if (found.freshness) options?.onFreshness?.(found.freshness)
        return value
      }
      return track(
        world,
        {
          getCurrentHashrate: (options) => read((found) => found.hashrate, options),
          getPoolStats: (options) => read((found) => found.stats, options),
          getWorkerStats: async (options) =>
            (await read((found) => found.stats, options))?.workers ?? [],
          getRecentRewards: async () => [],
          getPayoutSchedule: (options) => read((found) => found.payout, options),
        },
        'mining_performance_tracker',
        type,
        config,
        context,
      )
    },
  }
}

/** A miner controller offering `features`; its device is the world's `config.host`. */
export function controllerDefinition(
  world: FakeWorld,
  type: string,
  features: readonly MinerFeatureType[],
  extra: Partial<AdapterDefinition<'miner_controller'>> = {},
): AdapterDefinition<'miner_controller'> {
  return {
    kind: 'miner_controller',
    type,
    label: `Fake ${type}`,
    configSchema: v.strictObject({
      host: NonEmpty,
      password: v.optional(v.string()),
      port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), 4028),
    }),
    secretFields: ['password'],
    features,
    ...extra,
    create(config, context) {
      const device = () => world.device(String(config.host))
      const call = (name: string) => device().calls.push(name)
      const command = (name: string, status: MinerStatus) => async () => {
        call(name)
        const error = device().commandError
        if (error) throw error
        if (device().commandHangs) return hang<void>()
        device().status = status
      }
      const all: MinerControllerPort = {
        getStatus: async () => {
          call('getStatus')
          const scripted = device().statusAnswer
          return scripted === undefined ? device().status : answer(scripted)
        },
        getHashrate: async () => {
          call('getHashrate')
          return answer(device().hashrate ?? null)
        },
        getPower: async () => {
          call('getPower')
          return answer(device().power ?? null)
        },
        getInletTemperature: async () => {
          call('getInletTemperature')
          return answer(device().inletTemperature ?? null)
        },
        getHashboards: async () => [],
        getOutletTemperature: async () => null,
        getInternalFanSpeed: async () => [],
        getExternalFanSpeed: async () => null,
        getBlocksFound: async () => 0,
        getSystemUptime: async () => 3600,
        getDeviceInfo: async () => answer(device().deviceInfo ?? null),
        getMaxPower: async () => answer(device().maxPower ?? null),
        getMaxHashrate: async () => null,
        startMining: command('startMining', 'on'),
        stopMining: command('stopMining', 'off'),
        powerOn: command('powerOn', 'on'),
        powerOff: command('powerOff', 'off'),
        setInternalFanSpeed: async () => {},
        setExternalFanSpeed: async () => {},
      }
      // Only the methods of the features it declares, as a real adapter would.
      const port: MinerControllerPort = {}
      for (const feature of features) {
        for (const method of FEATURE_METHODS[feature]) {
          Object.assign(port, { [method]: all[method] })
        }
      }
      return track(world, port, 'miner_controller', type, config, context)
    },
  }
}

export const ASIC_FEATURES: readonly MinerFeatureType[] = [
  'status_monitoring',
  'hashrate_monitoring',
  'power_monitoring',
  'inlet_temperature_monitoring',
  'mining_control',
  'device_info_detection',
]
export const PLUG_FEATURES: readonly MinerFeatureType[] = [
  'status_monitoring',
  'power_monitoring',
  'power_control',
]

/** An energy monitor reading the world's `config.site`. */
export function monitorDefinition(
  world: FakeWorld,
  type = 'fake_meter',
  extra: Partial<AdapterDefinition<'energy_monitor'>> = {},
): AdapterDefinition<'energy_monitor'> {
  return {
    kind: 'energy_monitor',
    type,
    label: `Fake ${type}`,
    configSchema: v.strictObject({
      site: v.optional(NonEmpty, 'home'),
      interval_seconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 5),
    }),
    secretFields: [],
    ...extra,
    create(config, context) {
      return track(
        world,
        {
          getCurrentEnergyState: async () => {
            const reading = world.energy.get(String(config.site))
            if (reading === undefined) throw new DeviceError('unreachable', 'meter offline')
            return answer(reading)
          },
          missingReadings: () => world.missing.get(String(config.site)) ?? {},
        },
        'energy_monitor',
        type,
        config,
        context,
      )
    },
  }
}

/** A forecast provider answering the world's forecast. */
export function forecastDefinition(
  world: FakeWorld,
  type: string,
  extra: Partial<AdapterDefinition<'forecast_provider'>> = {},
): AdapterDefinition<'forecast_provider'> {
  return {
    kind: 'forecast_provider',
    type,
    label: `Fake ${type}`,
    configSchema: v.strictObject({
      peak_power: v.optional(v.pipe(v.number(), v.minValue(0)), 3000),
    }),
    secretFields: [],
    ...extra,
    create(config, context) {
      return track(
        world,
        { getForecast: async () => answer(world.forecast) },
        'forecast_provider',
        type,
        config,
        context,
      )
    },
  }
}

/** A notifier that records what it sends, or fails with the world's `notifierError` / `channelFaults`. */
export function notifierDefinition(world: FakeWorld): AdapterDefinition<'notifier'> {
  return {
    kind: 'notifier',
    type: 'fake_chat',
    label: 'Fake Chat',
    configSchema: v.strictObject({
      channel: NonEmpty,
      token: v.pipe(v.string(), v.minLength(4)),
      silent: v.optional(v.boolean(), false),
    }),
    secretFields: ['token'],
    create(config, context) {
      return track(
        world,
        {
          send: async (notification: Notification) => {
            if (world.notifierError) throw world.notifierError
            const fault = world.channelFaults.get(String(config.channel))
            if (fault === 'hang') return hang<void>()
            if (fault) throw fault
            world.sent.push({ channel: String(config.channel), notification })
          },
        },
        'notifier',
        'fake_chat',
        config,
        context,
      )
    },
  }
}

/** An external service (a made-up home hub): url and a secret token. */
export function hubDefinition(
  world: FakeWorld,
  platform: Platform,
  type = 'fake_hub',
): AdapterDefinition<'external_service'> {
  return {
    kind: 'external_service',
    type,
    label: type === 'fake_hub' ? 'Fake Hub' : `Fake ${type}`,
    configSchema: v.strictObject({
      url: NonEmpty,
      token: v.pipe(v.string(), v.minLength(4)),
      verify_tls: v.optional(v.boolean(), true),
    }),
    secretFields: ['token'],
    create(config, context) {
      return track(
        world,
        {
          async checkStatus(): Promise<ExternalServiceStatus> {
            const hub = world.hubs.get(String(config.url))
            if (hub === undefined) {
              throw new DeviceError('unreachable', `connect ${config.url} failed`)
            }
            const state = await answer(hub)
            return {
              status: state,
              last_check: new Date(platform.now()).toISOString(),
              latency_ms: 12,
              error_message: state === 'unauthorized' ? 'the hub refused the token' : null,
              message: state === 'connected' ? 'Hub 1.0' : null,
            }
          },
        },
        'external_service',
        type,
        config,
        context,
      )
    },
  }
}

/** Every made-up definition the tests use by default. */
export function testDefinitions(world: FakeWorld, platform: Platform): AnyAdapterDefinition[] {
  return [
    trackerDefinition(world),
    trackerDefinition(world, 'other_pool', 'Other Pool'),
    controllerDefinition(world, 'fake_asic', ASIC_FEATURES),
    controllerDefinition(world, 'fake_plug', PLUG_FEATURES, { externalServiceTypes: ['fake_hub'] }),
    monitorDefinition(world),
    monitorDefinition(world, 'hub_meter', {
      externalServiceTypes: ['fake_hub'],
      requiresExternalService: true,
    }),
    forecastDefinition(world, 'dummy_solar'),
    forecastDefinition(world, 'home_assistant_api', { externalServiceTypes: ['fake_hub'] }),
    forecastDefinition(world, 'fake_weather'),
    notifierDefinition(world),
    hubDefinition(world, platform),
    hubDefinition(world, platform, 'other_hub'),
  ]
}

/** Services over memory repositories, the fake platform and the made-up definitions. */
export function setup(
  options: {
    start?: string
    definitions?: (world: FakeWorld, platform: Platform) => AnyAdapterDefinition[]
  } = {},
) {
  const platform = createFakePlatform(options.start)
  const logger = createRecordingLogger()
  const world = createWorld()
  const repositories = createMemoryRepositories({ now: () => platform.now() })
  const registry = createAdapterRegistry((options.definitions ?? testDefinitions)(world, platform))
  const services = createServices({ repositories, registry, platform, logger })
  return { platform, logger, world, repositories, registry, services }
}

export type Setup = ReturnType<typeof setup>

/** The decision loop's tunables a test may set (everything else comes from the setup). */
export type LoopTunables = Partial<
  Pick<
    DecisionLoopOptions,
    | 'readTimeoutMs'
    | 'actionTimeoutMs'
    | 'notificationCooldownMs'
    | 'retentionDays'
    | 'contextMaxAgeMs'
  >
>

/**
 * `setup()` plus what the decision loop needs: memory loop repositories, every published event
 * recorded, and `createLoop()` — call it again over the same repositories for a "restart".
 */
export function loopSetup(options: Parameters<typeof setup>[0] = {}) {
  const s = setup(options)
  const { services, platform, logger } = s
  const loopRepositories = createMemoryLoopRepositories()
  const events: EdgeMiningEvent[] = []
  services.events.subscribe((event) => {
    events.push(event)
  })
  const createLoop = (
    tunables: LoopTunables = {},
    repositories: LoopRepositories = loopRepositories,
  ) =>
    createDecisionLoop({
      units: services.units,
      energySources: s.repositories.energySources,
      miners: services.miners,
      policies: services.policies,
      trackers: services.trackers,
      context: services.context,
      events: services.events,
      instances: services.instances,
      repositories,
      platform,
      logger,
      ...tunables,
    })
  return { ...s, loopRepositories, events, createLoop }
}

/** A pool account whose every call is counted (the snapshot is built from three of them). */
export function countingPool(world: FakeWorld, account: string, hashrate: HashRate) {
  const calls = { hashrate: 0, stats: 0, payout: 0 }
  world.pools.set(account, {
    hashrate: () => {
      calls.hashrate += 1
      return hashrate
    },
    stats: () => {
      calls.stats += 1
      return null
    },
    payout: () => {
      calls.payout += 1
      return null
    },
  })
  return calls
}

/** An energy reading at `at` (W, %, Wh), every part present. */
export function energyReading(
  at: string,
  parts: {
    production?: number | null
    consumption?: number | null
    soc?: number | null
    battery?: number | null
    grid?: number | null
  } = {},
): EnergyStateSnapshot {
  return {
    production: parts.production === undefined ? 4200 : parts.production,
    consumption: { current_power: parts.consumption === undefined ? 800 : parts.consumption },
    battery: {
      state_of_charge: parts.soc === undefined ? 64 : parts.soc,
      remaining_capacity: 6400,
      current_power: parts.battery === undefined ? 1500 : parts.battery,
    },
    grid: { current_power: parts.grid === undefined ? -900 : parts.grid },
    external_source: null,
    timestamp: at,
  }
}
