import {
  createDeviceHttp,
  createInFlight,
  type DeviceResponse,
  deviceBaseUrl,
  deviceErrorForStatus,
  deviceHostField,
  devicePasswordField,
  devicePortField,
  deviceTimeoutSecondsField,
  encodeQuery,
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
import { type DigestChallenge, digestAuthorization, parseDigestChallenge } from './digest'

export const SHELLY_TYPE = 'shelly'

export const ShellyConfigSchema = v.pipe(
  v.strictObject({
    host: deviceHostField('The plug: IP address or host name, e.g. 192.168.1.60'),
    port: devicePortField,
    channel: v.optional(
      v.pipe(
        v.number((issue) => `must be a switch id (0, 1, …), got ${describeValue(issue.input)}`),
        v.integer((issue) => `must be a whole switch id, got ${describeValue(issue.input)}`),
        v.minValue(0, (issue) => `must be 0 or more, got ${describeValue(issue.input)}`),
        v.maxValue(15, (issue) => `must be at most 15, got ${describeValue(issue.input)}`),
        v.description('The switch the miner hangs on (Switch id; 0 on a single plug)'),
      ),
      0,
    ),
    password: devicePasswordField(
      'Password of the device when authentication is on (the user is always admin)',
    ),
    request_timeout_seconds: deviceTimeoutSecondsField(5),
  }),
  hostPortCheck(),
)
export type ShellyConfig = v.InferOutput<typeof ShellyConfigSchema>
export type ShellyConfigInput = v.InferInput<typeof ShellyConfigSchema>
export const SHELLY_SECRET_FIELDS = ['password'] as const

export const SHELLY_FEATURES = [
  'status_monitoring',
  'power_monitoring',
  'power_control',
  'device_info_detection',
] as const satisfies readonly MinerFeatureType[]

const SwitchStatusSchema = v.looseObject({
  id: v.number(),
  output: v.boolean(),
  /** Only on metering models. */
  apower: v.optional(v.pipe(v.number(), v.finite())),
  /** `overtemp`, `overpower`, `overvoltage`…: the relay was forced off. */
  errors: v.optional(v.array(v.string())),
})
const SwitchSetSchema = v.looseObject({ was_on: v.boolean() })
const RpcErrorSchema = v.looseObject({ code: v.number(), message: v.string() })
const DeviceInfoSchema = v.looseObject({
  id: v.string(),
  mac: v.nullish(v.string()),
  model: v.nullish(v.string()),
  gen: v.nullish(v.number()),
  ver: v.nullish(v.string()),
  app: v.nullish(v.string()),
})

/** `AABBCCDDEEFF` → `AA:BB:CC:DD:EE:FF`. */
function macOf(mac: string | null | undefined): string | null {
  if (!mac) return null
  return /^[0-9A-Fa-f]{12}$/.test(mac) ? (mac.toUpperCase().match(/../g)?.join(':') ?? mac) : mac
}

export type ShellyController = Required<
  Pick<MinerControllerPort, 'getStatus' | 'getPower' | 'powerOn' | 'powerOff' | 'getDeviceInfo'>
> & { readonly config: ShellyConfig }

/**
 * A miner on a Shelly Gen2+ plug or relay (Plus, Pro, Gen3, Gen4): the relay's state and
 * `apower` from `Switch.GetStatus`, power control with `Switch.Set`, over the RPC-over-GET
 * endpoints (`/rpc/<Method>?id=…`). With a password, requests carry SHA-256 HTTP digest
 * credentials (user `admin`). Switching off is a hard power cut of the miner.
 */
export function createShellyController(
  config: ShellyConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger'>,
): ShellyController {
  const parsed = parseAdapterConfig(ShellyConfigSchema, config, {
    adapterType: SHELLY_TYPE,
    secretFields: SHELLY_SECRET_FIELDS,
  })
  const { platform } = context
  // The password lives only here and in the digest it signs.
  const password = parsed.password
  const baseUrl = deviceBaseUrl(parsed.host, parsed.port)
  const device = `Shelly at ${baseUrl}`
  const http = createDeviceHttp({
    device,
    baseUrl,
    platform,
    timeoutMs: parsed.request_timeout_seconds * 1000,
    logger: context.logger,
  })
  const join = createInFlight()
  let challenge: DigestChallenge | null = null
  let count = 0

  function credentials(uri: string): Record<string, string> {
    if (challenge === null || password === '') return {}
    count += 1
    return {
      authorization: digestAuthorization({
        challenge,
        username: 'admin',
        password,
        method: 'GET',
        uri,
        count,
        cnonce: platform.randomUUID().replace(/-/g, ''),
      }),
    }
  }

  /** Takes a 401's challenge for the next try, or says why there is nothing to try. */
  function learn(response: DeviceResponse, what: string) {
    if (password === '') {
      return new DeviceError(
        'auth_failed',
        `${device} has authentication on and asked for a password for ${what}: set the device password (user admin) on the controller`,
      )
    }
    const offered = parseDigestChallenge(response.headers.get('www-authenticate'))
    if (offered === null) {
      return new DeviceError(
        'auth_failed',
        `${device} refused ${what} (HTTP 401) without a digest challenge`,
      )
    }
    if (offered.algorithm.toUpperCase() !== 'SHA-256') {
      return new DeviceError(
        'auth_failed',
        `${device} asks for ${offered.algorithm} digest; Shelly Gen2+ uses SHA-256 (is it a Gen1 device?)`,
      )
    }
    challenge = offered
    count = 0
    return null
  }

  /** One RPC over GET; a 401 takes the challenge and tries once more. */
  async function rpc<T extends v.GenericSchema>(
    method: string,
    params: Record<string, string>,
    schema: T,
  ): Promise<v.InferOutput<T>> {
    const uri = `/rpc/${method}?${encodeQuery(params)}`
    const where = { device, what: method }
    for (let attempt = 0; ; attempt += 1) {
      const response = await http.request({ path: uri, headers: credentials(uri), what: method })
      if (response.status === 401) {
        if (attempt > 0) {
          throw new DeviceError(
            'auth_failed',
            `${device} refused the password for ${method} (HTTP 401)`,
          )
        }
        const why = learn(response, method)
        if (why) throw why
        continue
      }
      if (response.status === 200) {
        return parseDeviceBody(schema, parseJsonText(response.text, where), where)
      }
      const error = v.safeParse(RpcErrorSchema, safeJson(response.text))
      if (error.success) {
        const hint = error.output.code === -105 ? ` (check channel: switch ${parsed.channel})` : ''
        throw new DeviceError(
          'bad_response',
          `${device} refused ${method}: ${error.output.message} (code ${error.output.code})${hint}`,
        )
      }
      if (response.status === 404) {
        throw new DeviceError(
          'bad_response',
          `${device} has no RPC API (HTTP 404 for ${method}): is it a Gen1 Shelly? Only Gen2+ is supported`,
        )
      }
      throw deviceErrorForStatus(response, { ...where, nowMs: platform.now() })
    }
  }

  const id = String(parsed.channel)
  const status = () => join('status', () => rpc('Switch.GetStatus', { id }, SwitchStatusSchema))

  async function switchTo(on: boolean) {
    const answer = await rpc('Switch.Set', { id, on: String(on) }, SwitchSetSchema)
    context.logger.debug(
      `${device}: switch ${id} ${on ? 'on' : 'off'} (was ${answer.was_on ? 'on' : 'off'})`,
    )
  }

  return {
    config: parsed,
    async getStatus(): Promise<MinerStatus> {
      const read = await status()
      if (!read.output && (read.errors?.length ?? 0) > 0) return 'error'
      return read.output ? 'on' : 'off'
    },
    getPower: async () => (await status()).apower ?? null,
    powerOn: () => switchTo(true),
    powerOff: () => switchTo(false),
    async getDeviceInfo(): Promise<MinerInfo> {
      // `/shelly` needs no credentials, even with authentication on.
      const what = 'device info'
      const response = await http.request({ path: '/shelly', what })
      if (response.status !== 200) {
        throw deviceErrorForStatus(response, { device, what, nowMs: platform.now() })
      }
      const read = parseDeviceBody(
        DeviceInfoSchema,
        parseJsonText(response.text, { device, what }),
        {
          device,
          what,
        },
      )
      if (read.gen === undefined || read.gen === null) {
        throw new DeviceError(
          'bad_response',
          `${device} is a Gen1 Shelly (no "gen"); only Gen2+ is supported`,
        )
      }
      return {
        model:
          read.app && read.model ? `${read.app} (${read.model})` : (read.model ?? read.app ?? null),
        manufacturer: 'Shelly',
        serial_number: null,
        mac_address: macOf(read.mac),
        hostname: read.id,
        firmware_version: read.ver ?? null,
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

/** `shelly`: a miner on a Shelly Gen2+ plug (power control, relay status, its power meter). */
export const shellyDefinition: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: SHELLY_TYPE,
  label: 'Shelly plug (Gen2+ RPC)',
  configSchema: ShellyConfigSchema,
  secretFields: SHELLY_SECRET_FIELDS,
  features: SHELLY_FEATURES,
  create: (config, context) => createShellyController(config as ShellyConfigInput, context),
}
