import {
  createInFlight,
  type DeviceResponse,
  deviceBaseUrl,
  deviceErrorForStatus,
  parseDeviceBody,
  parseJsonText,
} from '@edge-mining/adapter-kit'
import {
  type AdapterContext,
  type AdapterDefinition,
  DeviceError,
  type HashRate,
  hashRate,
  type MinerControllerPort,
  type MinerFeatureType,
  type MinerInfo,
  type MinerStatus,
  parseAdapterConfig,
  toTerahashPerSecond,
} from '@edge-mining/domain'
import * as v from 'valibot'
import {
  BRAIINS_OS_SECRET_FIELDS,
  BRAIINS_OS_TYPE,
  type BraiinsOsConfig,
  type BraiinsOsConfigInput,
  BraiinsOsConfigSchema,
} from './config'
import { createBraiinsOsSession } from './session'

export const BRAIINS_OS_FEATURES = [
  'status_monitoring',
  'hashrate_monitoring',
  'power_monitoring',
  'mining_control',
  'device_info_detection',
  'max_power_detection',
  'max_hashrate_detection',
] as const satisfies readonly MinerFeatureType[]

// Every sub-object of the REST answers may be null (control-apis.md §2.4): read defensively.
const Gigahash = v.looseObject({ gigahash_per_second: v.pipe(v.number(), v.finite()) })
const Text = v.nullish(v.string())

const DetailsSchema = v.looseObject({
  status: v.nullish(v.number()),
  detailed_status: v.nullish(
    v.looseObject({ status: v.nullish(v.record(v.string(), v.unknown())) }),
  ),
  bosminer_uptime_s: v.nullish(v.number()),
  miner_identity: v.nullish(v.looseObject({ name: Text, miner_model: Text })),
  bos_version: v.nullish(v.looseObject({ current: Text })),
  hostname: Text,
  mac_address: Text,
  serial_number: Text,
  sticker_hashrate: v.nullish(Gigahash),
})
type Details = v.InferOutput<typeof DetailsSchema>

const StatsSchema = v.looseObject({
  miner_stats: v.nullish(
    v.looseObject({ real_hashrate: v.nullish(v.record(v.string(), v.nullish(Gigahash))) }),
  ),
  power_stats: v.nullish(
    v.looseObject({
      approximated_consumption: v.nullish(v.looseObject({ watt: v.pipe(v.number(), v.finite()) })),
    }),
  ),
})
type Stats = v.InferOutput<typeof StatsSchema>

const ConstraintsSchema = v.looseObject({
  tuner_constraints: v.nullish(
    v.looseObject({
      power_target: v.nullish(
        v.looseObject({ max: v.nullish(v.looseObject({ watt: v.pipe(v.number(), v.finite()) })) }),
      ),
    }),
  ),
})

/** Stop reasons that need someone to look (the others are a normal stop). */
const FAULT_STOPS = new Set([
  'thermal_pause',
  'tuner_error',
  'hardware_error',
  'unsupported_hardware',
  'missing_license',
])

/**
 * `detailed_status.status` (newer firmware: a one-of `stopped|starting|running|stopping`, each
 * with a reason) when present, else the deprecated integer `status` (0 unspecified,
 * 1 not started, 2 normal, 3 paused, 4 suspended, 5 restricted).
 */
export function statusFromDetails(details: Details): MinerStatus {
  const detailed = details.detailed_status?.status
  if (detailed) {
    const [phase] = Object.keys(detailed)
    const reason = detailed[phase ?? '']
    const reasonKey = Object.keys(
      ((reason as { reason?: unknown } | null)?.reason as Record<string, unknown> | null) ?? {},
    )[0]
    switch (phase) {
      case 'running':
        return reasonKey === 'preheating' ? 'starting' : 'on'
      case 'starting':
        return 'starting'
      case 'stopping':
        return 'stopping'
      case 'stopped':
        return reasonKey !== undefined && FAULT_STOPS.has(reasonKey) ? 'error' : 'off'
    }
  }
  switch (details.status) {
    case 2:
      return 'on'
    case 1:
    case 3:
    case 4:
      return 'off'
    case 5:
      return 'error'
    default:
      return 'unknown'
  }
}

/** bosminer is not running: it is stopped or still starting (stats are then HTTP 500). */
function bosminerDown(details: Details): boolean {
  const phase = Object.keys(details.detailed_status?.status ?? {})[0]
  return details.bosminer_uptime_s === 0 || phase === 'starting' || phase === 'stopped'
}

/** The hash rate window read: a minute (smooth, yet up to date a minute after a resume). */
const HASHRATE_WINDOWS = ['last_1m', 'last_30s', 'last_15s', 'last_5s'] as const

function manufacturerOf(model: string | null): string | null {
  if (!model) return null
  if (/^antminer/i.test(model)) return 'Bitmain'
  if (/^whatsminer/i.test(model)) return 'MicroBT'
  if (/^avalon/i.test(model)) return 'Canaan'
  return null
}

export type BraiinsOsController = Required<
  Pick<
    MinerControllerPort,
    | 'getStatus'
    | 'getHashrate'
    | 'getPower'
    | 'startMining'
    | 'stopMining'
    | 'getDeviceInfo'
    | 'getMaxPower'
    | 'getMaxHashrate'
  >
> & { readonly config: BraiinsOsConfig }

/**
 * A miner running Braiins OS (BOS+ with the public REST API, API 1.0 = BOS 24.03 and later):
 * status from `/miner/details`, hash rate (GH/s → TH/s) and power from `/miner/stats`, mining
 * control with `PUT /actions/pause` and `/resume`. The streaming `/miner/status` is never asked
 * for. The parallel reads of one cycle share one request per endpoint.
 */
export function createBraiinsOsController(
  config: BraiinsOsConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger'>,
): BraiinsOsController {
  const parsed = parseAdapterConfig(BraiinsOsConfigSchema, config, {
    adapterType: BRAIINS_OS_TYPE,
    secretFields: BRAIINS_OS_SECRET_FIELDS,
  })
  const { platform } = context
  const session = createBraiinsOsSession({
    baseUrl: deviceBaseUrl(parsed.host, parsed.port),
    username: parsed.username,
    password: parsed.password,
    timeoutMs: parsed.request_timeout_seconds * 1000,
    platform,
    logger: context.logger,
  })
  const { device } = session
  const join = createInFlight()

  function body<T extends v.GenericSchema>(
    schema: T,
    response: DeviceResponse,
    what: string,
  ): v.InferOutput<T> {
    const where = { device, what }
    if (response.status !== 200) {
      throw deviceErrorForStatus(response, { ...where, nowMs: platform.now() })
    }
    return parseDeviceBody(schema, parseJsonText(response.text, where), where)
  }

  const details = () =>
    join('details', async () =>
      body(
        DetailsSchema,
        await session.call('GET', '/api/v1/miner/details', 'miner details'),
        'miner details',
      ),
    )

  /** The stats, or null when bosminer is not running (HTTP 500, and details say it is down). */
  const stats = () =>
    join('stats', async (): Promise<Stats | null> => {
      const response = await session.call('GET', '/api/v1/miner/stats', 'miner stats')
      if (response.status >= 500 && bosminerDown(await details())) return null
      return body(StatsSchema, response, 'miner stats')
    })

  async function action(name: 'pause' | 'resume') {
    const response = await session.call('PUT', `/api/v1/actions/${name}`, `${name} mining`)
    if (response.status === 204) return
    const already = body(v.boolean(), response, `${name} mining`)
    if (already)
      context.logger.debug(
        `${device}: ${name}: it was already ${name === 'pause' ? 'paused' : 'mining'}`,
      )
  }

  return {
    config: parsed,
    getStatus: async () => statusFromDetails(await details()),
    async getHashrate(): Promise<HashRate | null> {
      const read = await stats()
      // bosminer down: the miner hashes nothing, whatever it last said.
      if (read === null) return hashRate(0)
      const windows = read.miner_stats?.real_hashrate ?? {}
      for (const window of HASHRATE_WINDOWS) {
        const ghs = windows[window]?.gigahash_per_second
        if (ghs === undefined) continue
        const ths = toTerahashPerSecond(ghs, 'GH/s')
        if (ths === null) {
          throw new DeviceError('bad_response', `${device} reported a hash rate of ${ghs} GH/s`)
        }
        return hashRate(ths)
      }
      return null
    },
    async getPower() {
      // Down, the firmware has no estimate (its power is approximated from the running chips).
      const read = await stats()
      return read?.power_stats?.approximated_consumption?.watt ?? null
    },
    startMining: () => action('resume'),
    stopMining: () => action('pause'),
    async getDeviceInfo(): Promise<MinerInfo> {
      const read = await details()
      const model = read.miner_identity?.miner_model ?? read.miner_identity?.name ?? null
      return {
        model,
        manufacturer: manufacturerOf(model),
        serial_number: read.serial_number ?? null,
        mac_address: read.mac_address ?? null,
        hostname: read.hostname ?? null,
        firmware_version: read.bos_version?.current ?? null,
      }
    },
    async getMaxPower() {
      const response = await session.call(
        'GET',
        '/api/v1/configuration/constraints',
        'configuration constraints',
      )
      const read = body(ConstraintsSchema, response, 'configuration constraints')
      return read.tuner_constraints?.power_target?.max?.watt ?? null
    },
    async getMaxHashrate() {
      const ghs = (await details()).sticker_hashrate?.gigahash_per_second
      const ths = ghs === undefined ? null : toTerahashPerSecond(ghs, 'GH/s')
      return ths === null ? null : hashRate(ths)
    },
  }
}

/** `braiins_os`: a Braiins OS miner through its public REST API. */
export const braiinsOsDefinition: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: BRAIINS_OS_TYPE,
  label: 'Braiins OS (REST API)',
  configSchema: BraiinsOsConfigSchema,
  secretFields: BRAIINS_OS_SECRET_FIELDS,
  features: BRAIINS_OS_FEATURES,
  create: (config, context) => createBraiinsOsController(config as BraiinsOsConfigInput, context),
}
