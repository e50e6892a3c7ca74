import {
  createDeviceHttp,
  createInFlight,
  deviceBaseUrl,
  deviceErrorForStatus,
  deviceHostField,
  devicePasswordField,
  devicePortField,
  deviceTimeoutSecondsField,
  hostPortCheck,
  parseDeviceBody,
  parseJsonText,
} from '@edge-mining/adapter-kit'
import {
  type AdapterContext,
  type AdapterDefinition,
  DeviceError,
  describeValue,
  type MinerControllerPort,
  type MinerFeatureType,
  type MinerInfo,
  type MinerStatus,
  parseAdapterConfig,
} from '@edge-mining/domain'
import * as v from 'valibot'

export const TASMOTA_TYPE = 'tasmota'

export const TasmotaConfigSchema = v.pipe(
  v.strictObject({
    host: deviceHostField('The plug: IP address or host name, e.g. 192.168.1.61'),
    port: devicePortField,
    relay: v.optional(
      v.pipe(
        v.number(
          (issue) => `must be a relay number from 1 to 8, got ${describeValue(issue.input)}`,
        ),
        v.integer((issue) => `must be a whole relay number, got ${describeValue(issue.input)}`),
        v.minValue(
          1,
          (issue) => `must be a relay number from 1 to 8, got ${describeValue(issue.input)}`,
        ),
        v.maxValue(
          8,
          (issue) => `must be a relay number from 1 to 8, got ${describeValue(issue.input)}`,
        ),
        v.description('The relay the miner hangs on (Power1…Power8; 1 on a single plug)'),
      ),
      1,
    ),
    username: v.optional(
      v.pipe(
        v.string((issue) => `must be a user name, got ${describeValue(issue.input)}`),
        v.description('Web admin user (Tasmota: admin)'),
        v.trim(),
        v.nonEmpty('must not be blank (Tasmota’s user is admin)'),
      ),
      'admin',
    ),
    password: devicePasswordField('The web admin password, when one is set (WebPassword)'),
    request_timeout_seconds: deviceTimeoutSecondsField(5),
  }),
  hostPortCheck(),
)
export type TasmotaConfig = v.InferOutput<typeof TasmotaConfigSchema>
export type TasmotaConfigInput = v.InferInput<typeof TasmotaConfigSchema>
export const TASMOTA_SECRET_FIELDS = ['password'] as const

export const TASMOTA_FEATURES = [
  'status_monitoring',
  'power_monitoring',
  'power_control',
  'device_info_detection',
] as const satisfies readonly MinerFeatureType[]

const EnergySchema = v.looseObject({
  StatusSNS: v.looseObject({
    /** Absent on plugs without an energy monitor. */
    ENERGY: v.optional(
      v.looseObject({
        Power: v.union([v.pipe(v.number(), v.finite()), v.array(v.pipe(v.number(), v.finite()))]),
      }),
    ),
  }),
})
const Text = v.nullish(v.string())
const StatusZeroSchema = v.looseObject({
  Status: v.nullish(v.looseObject({ DeviceName: Text })),
  StatusFWR: v.nullish(v.looseObject({ Version: Text, Hardware: Text })),
  StatusNET: v.nullish(v.looseObject({ Hostname: Text, Mac: Text })),
})

export type TasmotaController = Required<
  Pick<MinerControllerPort, 'getStatus' | 'getPower' | 'powerOn' | 'powerOff' | 'getDeviceInfo'>
> & { readonly config: TasmotaConfig }

/**
 * A miner on a Tasmota plug or relay: `Power<n>` queries and switches the relay (answer
 * `{"POWER":"ON"}`, or `POWER<n>` on multi-relay devices), `Status 8` reads the energy
 * monitor's `Power` (W). With a web password the credentials ride in the query
 * (`user=admin&password=…`) — over plain HTTP, as Tasmota offers nothing else — so no message
 * ever quotes a URL.
 */
export function createTasmotaController(
  config: TasmotaConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger'>,
): TasmotaController {
  const parsed = parseAdapterConfig(TasmotaConfigSchema, config, {
    adapterType: TASMOTA_TYPE,
    secretFields: TASMOTA_SECRET_FIELDS,
  })
  const { platform } = context
  const password = parsed.password
  const baseUrl = deviceBaseUrl(parsed.host, parsed.port)
  const device = `Tasmota at ${baseUrl}`
  const http = createDeviceHttp({
    device,
    baseUrl,
    platform,
    timeoutMs: parsed.request_timeout_seconds * 1000,
    logger: context.logger,
  })
  const join = createInFlight()
  const relay = `Power${parsed.relay}`

  /** Runs one command; answers its JSON. */
  async function command(cmnd: string): Promise<unknown> {
    const what = cmnd
    const query = password === '' ? { cmnd } : { user: parsed.username, password, cmnd }
    const response = await http.request({ path: '/cm', query, what })
    const body = response.status === 200 || response.status === 401 ? safeJson(response.text) : null
    // Missing or wrong credentials: a WARNING, with HTTP 401 since 8.2.3 and 200 before.
    if (typeof body === 'object' && body !== null && 'WARNING' in body) {
      throw new DeviceError(
        'auth_failed',
        password === ''
          ? `${device} has a web password and refused ${what}: set the password on the controller`
          : `${device} refused the user '${parsed.username}' and password for ${what}`,
      )
    }
    if (response.status !== 200) {
      throw deviceErrorForStatus(response, { device, what, nowMs: platform.now() })
    }
    const read = parseJsonText(response.text, { device, what })
    if ((read as { Command?: unknown } | null)?.Command === 'Unknown') {
      throw new DeviceError(
        'bad_response',
        `${device} does not know ${what}${parsed.relay > 1 ? ` (has it a relay ${parsed.relay}? check relay)` : ''}`,
      )
    }
    return read
  }

  /** ON/OFF of the configured relay in an answer to `Power<n>`. */
  function relayState(answer: unknown, what: string): 'on' | 'off' {
    const keys = parsed.relay === 1 ? ['POWER', 'POWER1'] : [`POWER${parsed.relay}`]
    const record =
      typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {}
    const value = keys.map((key) => record[key]).find((found) => found !== undefined)
    if (typeof value === 'string' && /^on$/i.test(value)) return 'on'
    if (typeof value === 'string' && /^off$/i.test(value)) return 'off'
    throw new DeviceError(
      'bad_response',
      `${device} answered ${what} without ${keys.join(' or ')} ON/OFF (got ${describeValue(value)})`,
    )
  }

  async function switchTo(on: boolean) {
    const what = `${relay} ${on ? 'On' : 'Off'}`
    const state = relayState(await command(what), what)
    if (state !== (on ? 'on' : 'off')) {
      throw new DeviceError('bad_response', `${device} answered ${state.toUpperCase()} to ${what}`)
    }
  }

  return {
    config: parsed,
    getStatus: async (): Promise<MinerStatus> =>
      relayState(await join('power', () => command(relay)), relay),
    async getPower() {
      const what = 'Status 8'
      const read = parseDeviceBody(EnergySchema, await join('energy', () => command(what)), {
        device,
        what,
      })
      const power = read.StatusSNS.ENERGY?.Power
      if (power === undefined) return null
      return Array.isArray(power) ? (power[parsed.relay - 1] ?? null) : power
    },
    powerOn: () => switchTo(true),
    powerOff: () => switchTo(false),
    async getDeviceInfo(): Promise<MinerInfo> {
      const what = 'Status 0'
      const read = parseDeviceBody(StatusZeroSchema, await command(what), { device, what })
      return {
        model: read.Status?.DeviceName ?? read.StatusFWR?.Hardware ?? null,
        manufacturer: null,
        serial_number: null,
        mac_address: read.StatusNET?.Mac ?? null,
        hostname: read.StatusNET?.Hostname ?? null,
        firmware_version: read.StatusFWR?.Version ?? null,
      }
    },
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** `tasmota`: a miner on a Tasmota plug (power control, relay status, its energy monitor). */
export const tasmotaDefinition: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: TASMOTA_TYPE,
  label: 'Tasmota plug',
  configSchema: TasmotaConfigSchema,
  secretFields: TASMOTA_SECRET_FIELDS,
  features: TASMOTA_FEATURES,
  create: (config, context) => createTasmotaController(config as TasmotaConfigInput, context),
}
