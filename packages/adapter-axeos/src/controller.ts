import {
  createDeviceHttp,
  createInFlight,
  deviceBaseUrl,
  deviceErrorForStatus,
  deviceHostField,
  devicePortField,
  deviceTimeoutSecondsField,
  hostPortCheck,
  NumberLikeSchema,
  parseDeviceBody,
  parseJsonText,
} from '@edge-mining/adapter-kit'
import {
  type AdapterContext,
  type AdapterDefinition,
  DeviceError,
  type FanSpeed,
  type HashboardSnapshot,
  type HashRate,
  hashRate,
  type MinerControllerPort,
  type MinerFeatureType,
  type MinerInfo,
  type MinerStatus,
  parseAdapterConfig,
  parseDecimalNumber,
  toTerahashPerSecond,
  UnsupportedFeatureError,
} from '@edge-mining/domain'
import * as v from 'valibot'

export const AXEOS_TYPE = 'axeos'

export const AxeOsConfigSchema = v.pipe(
  v.strictObject({
    host: deviceHostField('The Bitaxe: IP address or host name, e.g. 192.168.1.50'),
    port: devicePortField,
    request_timeout_seconds: deviceTimeoutSecondsField(5),
  }),
  hostPortCheck(),
)
export type AxeOsConfig = v.InferOutput<typeof AxeOsConfigSchema>
export type AxeOsConfigInput = v.InferInput<typeof AxeOsConfigSchema>

export const AXEOS_FEATURES = [
  'status_monitoring',
  'hashrate_monitoring',
  'power_monitoring',
  'hashboard_monitoring',
  'fan_speed_internal_monitoring',
  'mining_control',
  'device_info_detection',
  'max_hashrate_detection',
] as const satisfies readonly MinerFeatureType[]

/**
 * A number read: JSON numbers, or numeric strings (older firmware sent some fields as text —
 * `bestDiff` "4.29G", which is not read — so the reads accept both); anything else is a bad
 * response, never a silent null.
 */
const Num = v.nullish(NumberLikeSchema)
const Text = v.nullish(v.string())

/** `/api/system/info`, only what is read; unknown and changed-type fields are let through. */
const InfoSchema = v.looseObject({
  power: Num,
  hashRate: Num,
  hashRate_1m: Num,
  expectedHashrate: Num,
  temp: Num,
  temp2: Num,
  vrTemp: Num,
  fanrpm: Num,
  fan2rpm: Num,
  frequency: Num,
  coreVoltageActual: Num,
  /** 2.14+: present exactly when the firmware can pause. */
  miningPaused: v.optional(v.boolean()),
  overheat_mode: Num,
  power_fault: v.optional(v.unknown()),
  hardware_fault: v.optional(v.unknown()),
  version: Text,
  axeOSVersion: Text,
  ASICModel: Text,
  boardVersion: Text,
  hostname: Text,
  macAddr: Text,
})
type Info = v.InferOutput<typeof InfoSchema>

/** A number of a field, or null (absent, or a string that is not a plain number). */
const number = (value: Info[keyof Info]) =>
  typeof value === 'number' || typeof value === 'string' ? parseDecimalNumber(value) : null

export type AxeOsController = Required<
  Pick<
    MinerControllerPort,
    | 'getStatus'
    | 'getHashrate'
    | 'getPower'
    | 'getHashboards'
    | 'getInternalFanSpeed'
    | 'startMining'
    | 'stopMining'
    | 'getDeviceInfo'
    | 'getMaxHashrate'
  >
> & { readonly config: AxeOsConfig }

/**
 * A Bitaxe (or another ESP-Miner board) through AxeOS's HTTP API: every reading from
 * `GET /api/system/info` (one request per cycle, shared), mining control with
 * `POST /api/system/pause` / `resume`, which exist from AxeOS v2.14.0. Older firmware cannot
 * pause: both commands then fail with UnsupportedFeatureError saying to put it on a plug.
 */
export function createAxeOsController(
  config: AxeOsConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger'>,
): AxeOsController {
  const parsed = parseAdapterConfig(AxeOsConfigSchema, config, { adapterType: AXEOS_TYPE })
  const { platform } = context
  const baseUrl = deviceBaseUrl(parsed.host, parsed.port)
  const device = `AxeOS at ${baseUrl}`
  const http = createDeviceHttp({
    device,
    baseUrl,
    platform,
    timeoutMs: parsed.request_timeout_seconds * 1000,
    logger: context.logger,
  })
  const join = createInFlight()

  function refusedError(status: number) {
    return new DeviceError(
      'auth_failed',
      `${device} refused the request (HTTP ${status}): AxeOS answers only clients on a private network (10/8, 172.16/12, 192.168/16) without a foreign Origin header`,
    )
  }

  const info = () =>
    join('info', async (): Promise<Info> => {
      const what = 'system info'
      const response = await http.request({ path: '/api/system/info', what })
      if (response.status === 401) throw refusedError(response.status)
      if (response.status !== 200) {
        throw deviceErrorForStatus(response, { device, what, nowMs: platform.now() })
      }
      return parseDeviceBody(InfoSchema, parseJsonText(response.text, { device, what }), {
        device,
        what,
      })
    })

  const ths = (ghs: number | null): HashRate | null => {
    if (ghs === null) return null
    const value = toTerahashPerSecond(ghs, 'GH/s')
    if (value === null) throw new DeviceError('bad_response', `${device} reported ${ghs} GH/s`)
    return hashRate(value)
  }

  async function command(name: 'pause' | 'resume') {
    const what = `${name} mining`
    const response = await http.request({ method: 'POST', path: `/api/system/${name}`, what })
    // Before 2.14 the route is missing: ESP-IDF answers 405 (its `/*` GET handler matches the
    // path) — 404 on a firmware without that catch-all.
    if (response.status === 405 || response.status === 404) {
      const version = await info().then(
        (read) => read.version ?? read.axeOSVersion ?? null,
        () => null,
      )
      throw new UnsupportedFeatureError(
        `${device}${version ? ` runs AxeOS ${version}, which` : ''} cannot ${name} mining (pause and resume arrived in AxeOS v2.14.0): update the firmware, or put the Bitaxe on a smart plug and control that instead`,
      )
    }
    if (response.status === 401) throw refusedError(response.status)
    if (response.status < 200 || response.status > 299) {
      throw deviceErrorForStatus(response, { device, what, nowMs: platform.now() })
    }
    parseDeviceBody(
      v.looseObject({ message: v.string() }),
      parseJsonText(response.text, { device, what }),
      { device, what },
    )
  }

  return {
    config: parsed,
    async getStatus(): Promise<MinerStatus> {
      const read = await info()
      const faulted =
        number(read.overheat_mode) === 1 ||
        read.power_fault !== undefined ||
        read.hardware_fault !== undefined
      if (faulted) return 'error'
      return read.miningPaused === true ? 'off' : 'on'
    },
    async getHashrate() {
      const read = await info()
      return ths(number(read.hashRate_1m) ?? number(read.hashRate))
    },
    getPower: async () => number((await info()).power),
    async getHashboards(): Promise<HashboardSnapshot[]> {
      const read = await info()
      const chips = [number(read.temp), number(read.temp2)].filter(
        (temperature): temperature is number => temperature !== null && temperature > 0,
      )
      const millivolts = number(read.coreVoltageActual)
      return [
        {
          index: 0,
          chip_temperature: chips.length > 0 ? Math.max(...chips) : null,
          // The voltage regulator, the board's hottest part after the ASIC.
          board_temperature: number(read.vrTemp),
          voltage: millivolts === null ? null : millivolts / 1000,
          frequency: number(read.frequency),
          hash_rate: ths(number(read.hashRate_1m) ?? number(read.hashRate)),
          nominal_hash_rate: ths(number(read.expectedHashrate)),
          hash_rate_error: null,
        },
      ]
    },
    async getInternalFanSpeed(): Promise<FanSpeed[]> {
      const read = await info()
      const fans: FanSpeed[] = []
      const first = number(read.fanrpm)
      const second = number(read.fan2rpm)
      if (first !== null) fans.push({ index: 0, speed: first })
      if (second !== null && second > 0) fans.push({ index: 1, speed: second })
      return fans
    },
    startMining: () => command('resume'),
    stopMining: () => command('pause'),
    async getDeviceInfo(): Promise<MinerInfo> {
      const read = await info()
      const asic = read.ASICModel ?? null
      return {
        model: asic && read.boardVersion ? `${asic} (board ${read.boardVersion})` : asic,
        manufacturer: null,
        serial_number: null,
        mac_address: read.macAddr ?? null,
        hostname: read.hostname ?? null,
        firmware_version: read.version ?? read.axeOSVersion ?? null,
      }
    },
    getMaxHashrate: async () => ths(number((await info()).expectedHashrate)),
  }
}

/** `axeos`: a Bitaxe through AxeOS's HTTP API. No power control: it cannot switch itself off. */
export const axeOsDefinition: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: AXEOS_TYPE,
  label: 'Bitaxe (AxeOS)',
  configSchema: AxeOsConfigSchema,
  secretFields: [],
  features: AXEOS_FEATURES,
  create: (config, context) => createAxeOsController(config as AxeOsConfigInput, context),
}
