import type {
  AdapterContext,
  AdapterDefinition,
  FanSpeed,
  HashboardSnapshot,
  MinerControllerPort,
  MinerEntity,
  MinerFeatureType,
  MinerStatus,
} from '@edge-mining/domain'
import { ConfigurationError, DeviceError, hashRate, parseAdapterConfig } from '@edge-mining/domain'
import * as v from 'valibot'
import { channel, randomAt, seededRandom, seedFromText, valueNoise } from './random'

export const DummyMinerControllerConfigSchema = v.strictObject({
  initial_status: v.optional(
    v.pipe(v.picklist(['off', 'on']), v.description('Status the simulated miner starts in')),
    'off',
  ),
  transition_seconds: v.optional(
    v.pipe(
      v.number(),
      v.finite(),
      v.minValue(0),
      v.maxValue(3600),
      v.description('How long starting and stopping last, in seconds of simulated time'),
    ),
    10,
  ),
  power_max: v.optional(
    v.pipe(
      v.number(),
      v.finite(),
      v.gtValue(0),
      v.description("Maximum power in W; default the miner's power_consumption_max"),
    ),
  ),
  hashrate_max: v.optional(
    v.pipe(
      v.number(),
      v.finite(),
      v.gtValue(0),
      v.description("Maximum hash rate in TH/s; default the miner's hash_rate_max"),
    ),
  ),
  seed: v.optional(
    v.pipe(
      v.number(),
      v.safeInteger(),
      v.description('Seed of the noise and of simulated failures; mixed with the miner id'),
    ),
  ),
  fail_rate: v.optional(
    v.pipe(
      v.number(),
      v.minValue(0),
      v.maxValue(1),
      v.description('Probability (0–1) that a start or stop command fails as unreachable'),
    ),
    0,
  ),
})
export type DummyMinerControllerConfig = v.InferOutput<typeof DummyMinerControllerConfigSchema>
export type DummyMinerControllerConfigInput = v.InferInput<typeof DummyMinerControllerConfigSchema>

export const DUMMY_MINER_FEATURES = [
  'status_monitoring',
  'hashrate_monitoring',
  'power_monitoring',
  'hashboard_monitoring',
  'inlet_temperature_monitoring',
  'fan_speed_internal_monitoring',
  'operational_monitoring',
  'mining_control',
  'power_control',
  'device_info_detection',
  'max_power_detection',
  'max_hashrate_detection',
] as const satisfies readonly MinerFeatureType[]

type ImplementedMethod =
  | 'getStatus'
  | 'getHashrate'
  | 'getPower'
  | 'getHashboards'
  | 'getInletTemperature'
  | 'getInternalFanSpeed'
  | 'getBlocksFound'
  | 'getSystemUptime'
  | 'startMining'
  | 'stopMining'
  | 'powerOn'
  | 'powerOff'
  | 'getMaxPower'
  | 'getMaxHashrate'
  | 'getDeviceInfo'

/** The simulated miner: every method of its features, plus the parsed config. */
export type DummyMinerController = Required<Pick<MinerControllerPort, ImplementedMethod>> & {
  readonly config: DummyMinerControllerConfig
}

export type DummyMinerControllerContext = Pick<AdapterContext, 'platform' | 'logger' | 'miner'>

/** W drawn by the control board while the miner is off. */
const STANDBY_W = 5
/** Share of the maximum power and hash rate a running miner stays above. */
const POWER_FLOOR = 0.92
const HASHRATE_FLOOR = 0.95
const AMBIENT_C = 25
/** °C a board and its chips rise above the inlet at full power. */
const BOARD_RISE_C = 38
const CHIP_RISE_C = 14
const BOARD_COUNT = 3
const FAN_COUNT = 4
const NOMINAL_VOLTAGE_V = 13.8
const NOMINAL_FREQUENCY_MHZ = 525
/** The readings' noise changes smoothly over this time scale. */
const NOISE_KNOT_MS = 30_000

interface Limits {
  powerMax: number
  hashrateMax: number
}

/** Where the miner is heading and since when: status and ramps follow from elapsed time. */
interface Phase {
  direction: 'up' | 'down'
  since: number
}

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}

function requireMiner(context: DummyMinerControllerContext): MinerEntity {
  if (context.miner) return context.miner
  throw new ConfigurationError('dummy miner controller: it needs a miner to simulate', {
    field: null,
  })
}

/** Config overrides the miner's maxima; without either the readings cannot be scaled. */
function resolveLimits(config: DummyMinerControllerConfig, miner: MinerEntity): Limits {
  const powerMax = config.power_max ?? miner.power_consumption_max
  if (powerMax === null) {
    throw new ConfigurationError(
      `dummy miner controller for miner '${miner.name}': no maximum power — set the miner's power_consumption_max or the controller's power_max`,
      { field: 'power_max' },
    )
  }
  const hashrateMax = config.hashrate_max ?? miner.hash_rate_max?.value ?? null
  if (hashrateMax === null) {
    throw new ConfigurationError(
      `dummy miner controller for miner '${miner.name}': no maximum hash rate — set the miner's hash_rate_max or the controller's hashrate_max`,
      { field: 'hashrate_max' },
    )
  }
  return { powerMax, hashrateMax }
}

function hex(value: number, length: number): string {
  return value.toString(16).padStart(length, '0').slice(-length)
}

interface Board {
  /** Share of the miner's hash rate. */
  share: number
  /** °C this board runs above the others, as airflow differs across a chassis. */
  offset: number
}

/** Fixed per-miner boards, a little uneven as real ones are. */
function boardsOf(seed: number): Board[] {
  const raw = Array.from({ length: BOARD_COUNT }, (_, index) => 0.9 + 0.2 * randomAt(seed, index))
  const total = raw.reduce((sum, share) => sum + share, 0)
  return raw.map((share, index) => ({
    share: share / total,
    offset: 3 * randomAt(seed, BOARD_COUNT + index) - 1.5,
  }))
}

/** A locally administered MAC address from 8 hex digits. */
function macFrom(hex8: string): string {
  return ['02', '00', hex8.slice(0, 2), hex8.slice(2, 4), hex8.slice(4, 6), hex8.slice(6, 8)].join(
    ':',
  )
}

/**
 * A simulated miner bound to `context.miner`. Status, ramps and uptime follow from the
 * simulated time since the last command (`context.platform.now()`), never from how often it is
 * read; the noise is a function of (seed, instant). Commands fail with probability `fail_rate`.
 */
export function createDummyMinerController(
  config: DummyMinerControllerConfigInput,
  context: DummyMinerControllerContext,
): DummyMinerController {
  const parsed = parseAdapterConfig(DummyMinerControllerConfigSchema, config, {
    adapterType: 'dummy',
  })
  const miner = requireMiner(context)
  const { powerMax, hashrateMax } = resolveLimits(parsed, miner)
  const now = () => context.platform.now()
  const seed = channel(parsed.seed ?? 0, miner.id)
  const failures = seededRandom(channel(seed, 'failures'))
  const boards = boardsOf(channel(seed, 'boards'))
  const transitionMs = parsed.transition_seconds * 1000
  const standby = Math.min(STANDBY_W, powerMax * 0.05)

  // Created "on" reads as started transition_seconds ago, so it is on at once.
  let phase: Phase = {
    direction: parsed.initial_status === 'on' ? 'up' : 'down',
    since: now() - transitionMs,
  }
  let startedAt = phase.since

  const progress = (at: number) =>
    transitionMs === 0 ? 1 : Math.min(1, Math.max(0, (at - phase.since) / transitionMs))

  const statusAt = (at: number): MinerStatus => {
    const done = progress(at) >= 1
    if (phase.direction === 'up') return done ? 'on' : 'starting'
    return done ? 'off' : 'stopping'
  }

  const noise = (name: string, at: number) => valueNoise(channel(seed, name), at, NOISE_KNOT_MS)

  const powerAt = (at: number): number => {
    const running = powerMax * POWER_FLOOR
    switch (statusAt(at)) {
      case 'on':
        return powerMax * (POWER_FLOOR + (1 - POWER_FLOOR) * noise('power', at))
      case 'starting':
        return standby + (running - standby) * progress(at)
      case 'stopping':
        return standby + (running - standby) * (1 - progress(at))
      default:
        return standby
    }
  }

  const hashrateAt = (at: number): number =>
    statusAt(at) === 'on'
      ? hashrateMax * (HASHRATE_FLOOR + (1 - HASHRATE_FLOOR) * noise('hashrate', at))
      : 0

  const inletAt = (at: number) => AMBIENT_C + 2 * (noise('inlet', at) - 0.5)

  const hashboardsAt = (at: number): HashboardSnapshot[] => {
    const status = statusAt(at)
    const load = powerAt(at) / powerMax
    const total = hashrateAt(at)
    return boards.map(({ share, offset }, index) => {
      const board = inletAt(at) + BOARD_RISE_C * load + offset
      return {
        index,
        chip_temperature: round(board + CHIP_RISE_C * load, 1),
        board_temperature: round(board, 1),
        voltage: status === 'off' ? 0 : NOMINAL_VOLTAGE_V,
        frequency: status === 'on' ? NOMINAL_FREQUENCY_MHZ : 0,
        hash_rate: hashRate(round(total * share, 3)),
        nominal_hash_rate: hashRate(round(hashrateMax * share, 3)),
        hash_rate_error: status === 'on' ? round((1 - total / hashrateMax) * 100, 2) : null,
      }
    })
  }

  const fansAt = (at: number): FanSpeed[] => {
    const status = statusAt(at)
    const load = powerAt(at) / powerMax
    return Array.from({ length: FAN_COUNT }, (_, index) => ({
      index,
      speed: status === 'off' ? 0 : Math.round(2400 + 3600 * load + 100 * noise(`fan${index}`, at)),
    }))
  }

  /** Throws first (an unreachable device ignores the state), then moves only if it must. */
  const command = (direction: Phase['direction'], name: string) => {
    const at = now()
    if (failures() < parsed.fail_rate) {
      throw new DeviceError(
        'unreachable',
        `dummy miner '${miner.name}': simulated failure of ${name} (fail_rate ${parsed.fail_rate})`,
      )
    }
    const status = statusAt(at)
    const already = direction === 'up' ? ['on', 'starting'] : ['off', 'stopping']
    if (already.includes(status)) return
    phase = { direction, since: at }
    if (direction === 'up') startedAt = at
    context.logger.debug(`dummy miner '${miner.name}': ${name} (${status} → ${statusAt(at)})`)
  }

  const serial = hex(seedFromText(miner.id), 8).toUpperCase()

  return {
    config: parsed,
    getStatus: async () => statusAt(now()),
    getHashrate: async () => hashRate(round(hashrateAt(now()), 3)),
    getPower: async () => round(powerAt(now()), 1),
    getHashboards: async () => hashboardsAt(now()),
    getInletTemperature: async () => round(inletAt(now()), 1),
    getInternalFanSpeed: async () => fansAt(now()),
    getBlocksFound: async () => 0,
    getSystemUptime: async () => {
      const at = now()
      return statusAt(at) === 'off' ? 0 : Math.floor((at - startedAt) / 1000)
    },
    startMining: async () => command('up', 'startMining'),
    stopMining: async () => command('down', 'stopMining'),
    powerOn: async () => command('up', 'powerOn'),
    powerOff: async () => command('down', 'powerOff'),
    getMaxPower: async () => powerMax,
    getMaxHashrate: async () => hashRate(hashrateMax),
    getDeviceInfo: async () => ({
      model: miner.model,
      manufacturer: 'Edge Mining (simulated)',
      serial_number: `DUMMY-${serial}`,
      mac_address: macFrom(serial),
      hostname: `dummy-${serial.toLowerCase()}`,
      firmware_version: 'dummy',
    }),
  }
}

/** The `dummy` miner controller: a simulated miner per (controller, miner). */
export const dummyMinerControllerDefinition: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: 'dummy',
  label: 'Dummy (simulated miner)',
  configSchema: DummyMinerControllerConfigSchema,
  secretFields: [],
  features: DUMMY_MINER_FEATURES,
  create: (config, context) => createDummyMinerController(config, context),
}
