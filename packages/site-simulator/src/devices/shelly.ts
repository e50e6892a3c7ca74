/**
 * A fake Shelly Gen2+ plug (control-apis.md §5.1 and §8; Shelly's Gen2 "Switch" and
 * "Authentication" docs): RPC over `GET /rpc/<Method>?…` and JSON-RPC `POST /rpc`.
 * `Switch.Set` answers `{"was_on":…}`, `Switch.GetStatus` reports `output` and `apower` (0 W
 * when off) with voltage, current and `aenergy`; `/shelly` and `Shelly.GetDeviceInfo` need no
 * credentials. With a password, every other call needs RFC 7616 HTTP Digest with SHA-256: user
 * `admin`, realm the device id, a 401 with the challenge first. RPC errors are
 * `{"code":-105,"message":…}`. The plug powers a miner: its draw (boot, then a ramp) is a load
 * on the site while the relay is on.
 */
import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import * as v from 'valibot'
import type { Reply } from '../ha/http.ts'
import { channel, seededRandom } from '../model/random.ts'
import { parseOrThrow } from '../options.ts'
import {
  createDeviceFaultBook,
  createEnergyMeter,
  createSwitchedLoad,
  type DeviceFaultRule,
  type DevicePlacement,
  type DeviceRequestEntry,
  faultReply,
  joinSite,
  json,
  PlacementEntries,
  placementClock,
  startDeviceServer,
  text,
} from './common.ts'

export const SHELLY_ENDPOINTS = [
  'shelly',
  'device_info',
  'switch_get_status',
  'switch_set',
  'switch_toggle',
] as const
export type ShellyEndpoint = (typeof SHELLY_ENDPOINTS)[number]

const METHODS: Record<string, ShellyEndpoint> = {
  'Shelly.GetDeviceInfo': 'device_info',
  'Switch.GetStatus': 'switch_get_status',
  'Switch.Set': 'switch_set',
  'Switch.Toggle': 'switch_toggle',
}

const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0))

const ShellyFakeOptionsSchema = v.strictObject({
  ...PlacementEntries,
  /** The device id: also the digest realm and the `src` of JSON-RPC answers. */
  deviceId: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[a-z0-9]+-[0-9a-f]{12}$/, 'must be like shellyplusplugs-aabbccddeeff'),
    ),
    'shellyplusplugs-aabbccddeeff',
  ),
  model: v.optional(v.string(), 'SNPL-00112EU'),
  app: v.optional(v.string(), 'PlusPlugS'),
  gen: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2)), 2),
  ver: v.optional(v.string(), '1.4.4'),
  /** Authentication on when set (user `admin`). */
  password: v.optional(v.nullable(v.pipe(v.string(), v.nonEmpty())), null),
  /** How many switch channels (ids 0…n−1). */
  switches: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4)), 1),
  /** What the plug powers (its load on the site). Channel 0 carries it. */
  load: v.optional(
    v.strictObject({
      name: v.optional(v.pipe(v.string(), v.nonEmpty()), 'Miner on a Shelly plug'),
      powerW: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 1400),
      bootSeconds: v.optional(nonNegative, 20),
      bootW: v.optional(nonNegative, 50),
      rampSeconds: v.optional(nonNegative, 60),
    }),
    {},
  ),
  initiallyOn: v.optional(v.boolean(), false),
  voltage: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 230.4),
  /** Seconds a digest nonce stays valid; later the device answers 401 with a fresh one. */
  nonceLifetimeSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 300),
  seed: v.optional(v.pipe(v.number(), v.integer()), 1),
})
export type ShellyFakeOptions = v.InferInput<typeof ShellyFakeOptionsSchema> & DevicePlacement
export type ShellyRequest = DeviceRequestEntry<ShellyEndpoint>

export interface ShellyFake {
  url: string
  /** The load's name on the site. */
  readonly name: string
  state(): { on: boolean; powerW: number; authEnabled: boolean }
  requests(): ShellyRequest[]
  resetRequests(): void
  fault(rule: DeviceFaultRule<ShellyEndpoint>): void
  setFaults(rules: DeviceFaultRule<ShellyEndpoint>[]): void
  /** Sets (a string) or removes (null) the password, as the Shelly app does. */
  setPassword(password: string | null): void
  /** Presses the button: the relay flips without an RPC. */
  press(): void
  close(): Promise<void>
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** `Digest a="b", c=d` → { a: 'b', c: 'd' }, or null when it is not a Digest header. */
function digestParams(header: string | undefined): Record<string, string> | null {
  if (!header || !/^Digest\s/i.test(header)) return null
  const params: Record<string, string> = {}
  for (const match of header.slice(7).matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g)) {
    const [, key = '', quoted, bare] = match
    params[key.toLowerCase()] = quoted ?? bare ?? ''
  }
  return params
}

/** Same path and the same parameters (in any order, either encoding of a space). */
function sameTarget(uri: string, path: string, query: URLSearchParams): boolean {
  let parsed: URL
  try {
    parsed = new URL(uri, 'http://shelly.invalid')
  } catch {
    return false
  }
  const sorted = (params: URLSearchParams) => [...params.entries()].sort().join('&')
  return parsed.pathname === path && sorted(parsed.searchParams) === sorted(query)
}

export async function startShellyFake(input: ShellyFakeOptions = {}): Promise<ShellyFake> {
  const options = parseOrThrow(ShellyFakeOptionsSchema, input, 'startShellyFake')
  const clock = placementClock(options)
  const startMs = clock.now()
  const faults = createDeviceFaultBook(SHELLY_ENDPOINTS, 'startShellyFake')
  const random = seededRandom(channel(options.seed, `shelly ${options.deviceId}`))
  let password = options.password
  /** Issued nonces → when (simulated ms). */
  const nonces = new Map<string, number>()
  const mac = (options.deviceId.split('-')[1] ?? '').toUpperCase()
  const loadName = options.load.name
  const load = createSwitchedLoad({
    name: loadName,
    powerW: options.load.powerW,
    idleW: 0,
    bootSeconds: options.load.bootSeconds,
    bootW: options.load.bootW,
    rampSeconds: options.load.rampSeconds,
    initial: options.initiallyOn ? 'on' : 'off',
    startMs,
    seed: options.seed,
  })
  /** Channels other than 0 switch nothing but themselves. */
  const others = new Map<number, boolean>()
  const meter = createEnergyMeter((at) => load.power(at), startMs)
  const isOn = (id: number, at: number) =>
    id === 0 ? load.state(at) === 'on' : others.get(id) === true

  function setOutput(id: number, on: boolean, at: number) {
    const was = isOn(id, at)
    if (id === 0) {
      options.site?.sync()
      load.set(on ? 'on' : 'off', at)
    } else others.set(id, on)
    return was
  }

  function challenge(at: number): Reply {
    const nonce = `${Math.floor(at / 1000).toString(16)}${Math.floor(random() * 0xffff)
      .toString(16)
      .padStart(4, '0')}`
    nonces.set(nonce, at)
    if (nonces.size > 64) nonces.delete(nonces.keys().next().value ?? '')
    return {
      kind: 'send',
      status: 401,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'www-authenticate': `Digest qop="auth", realm="${options.deviceId}", nonce="${nonce}", algorithm=SHA-256`,
      },
      body: '401 Unauthorized',
    }
  }

  function authOf(
    headers: IncomingHttpHeaders,
    method: string,
    path: string,
    query: URLSearchParams,
    at: number,
  ): ShellyRequest['auth'] {
    const header = headers.authorization
    const params = digestParams(typeof header === 'string' ? header : undefined)
    if (!params) return 'missing'
    const issued = nonces.get(params.nonce ?? '')
    const fresh = issued !== undefined && at - issued <= options.nonceLifetimeSeconds * 1000
    if (
      !fresh ||
      password === null ||
      params.username !== 'admin' ||
      params.realm !== options.deviceId ||
      (params.algorithm ?? 'MD5').toUpperCase() !== 'SHA-256' ||
      params.qop !== 'auth' ||
      !params.nc ||
      !params.cnonce ||
      !params.uri ||
      !sameTarget(params.uri, path, query)
    ) {
      return 'invalid'
    }
    const ha1 = sha256(`admin:${options.deviceId}:${password}`)
    const ha2 = sha256(`${method}:${params.uri}`)
    const expected = sha256(
      `${ha1}:${params.nonce}:${params.nc}:${params.cnonce}:${params.qop}:${ha2}`,
    )
    return expected === params.response ? 'ok' : 'invalid'
  }

  const deviceInfo = () => ({
    name: null,
    id: options.deviceId,
    mac,
    slot: 0,
    model: options.model,
    gen: options.gen,
    fw_id: `20241011-114455/${options.ver}-g6d2a586`,
    ver: options.ver,
    app: options.app,
    auth_en: password !== null,
    auth_domain: password === null ? null : options.deviceId,
  })

  function switchStatus(id: number, at: number) {
    const on = isOn(id, at)
    const watts = id === 0 ? load.power(at) : 0
    const minute = Math.floor(at / 60_000) * 60
    const totalWh = id === 0 ? meter.totalWh(at) : 0
    return {
      id,
      source: 'http',
      output: on,
      apower: Math.round(watts * 10) / 10,
      voltage: options.voltage,
      freq: 50,
      current: Math.round((watts / options.voltage) * 1000) / 1000,
      pf: on ? 0.99 : 0,
      aenergy: {
        total: Math.round(totalWh * 1000) / 1000,
        by_minute: [0, 0, 0],
        minute_ts: minute,
      },
      ret_aenergy: { total: 0, by_minute: [0, 0, 0], minute_ts: minute },
      temperature: { tC: 38.5 + watts / 200, tF: Math.round((38.5 + watts / 200) * 1.8 + 32) },
    }
  }

  type RpcAnswer = { result: unknown } | { error: { code: number; message: string } }

  /** Runs one RPC method with its params (strings from a query, JSON values from a body). */
  function rpc(
    endpoint: ShellyEndpoint,
    params: Record<string, unknown>,
    at: number,
    entry: ShellyRequest,
  ): RpcAnswer {
    if (endpoint === 'device_info') return { result: deviceInfo() }
    if (params.id === undefined) {
      return { error: { code: -103, message: "Missing required argument 'id'!" } }
    }
    const id = Number(params.id)
    if (!Number.isInteger(id) || id < 0 || id >= options.switches) {
      return {
        error: { code: -105, message: `Argument 'id', value ${String(params.id)} not found!` },
      }
    }
    if (endpoint === 'switch_get_status') return { result: switchStatus(id, at) }
    if (endpoint === 'switch_toggle') {
      entry.action = `Switch.Toggle ${id}`
      return { result: { was_on: setOutput(id, !isOn(id, at), at) } }
    }
    const on =
      params.on === true || params.on === 'true'
        ? true
        : params.on === false || params.on === 'false'
          ? false
          : null
    if (on === null) {
      return { error: { code: -103, message: "Missing required argument 'on'!" } }
    }
    entry.action = `Switch.Set ${id} ${on ? 'on' : 'off'}`
    return { result: { was_on: setOutput(id, on, at) } }
  }

  const server = await startDeviceServer<ShellyEndpoint>({
    host: options.host,
    port: options.port,
    clock,
    route(request, at, entry) {
      let endpoint: ShellyEndpoint | undefined
      let params: Record<string, unknown> = {}
      let rpcId: unknown = null
      if (request.path === '/shelly') endpoint = 'shelly'
      else if (request.path.startsWith('/rpc/')) {
        const method = request.path.slice('/rpc/'.length)
        endpoint = METHODS[method]
        if (!endpoint) return json(404, { code: 404, message: `No handler for ${method}` })
        params = Object.fromEntries(request.query.entries())
      } else if (request.path === '/rpc' && request.method === 'POST') {
        let body: { id?: unknown; method?: unknown; params?: unknown }
        try {
          body = JSON.parse(request.body) as typeof body
        } catch {
          return json(400, { code: -32700, message: 'Parse error' })
        }
        rpcId = body.id ?? null
        endpoint = typeof body.method === 'string' ? METHODS[body.method] : undefined
        if (!endpoint) {
          return json(200, {
            id: rpcId,
            src: options.deviceId,
            error: { code: 404, message: `No handler for ${String(body.method)}` },
          })
        }
        params =
          typeof body.params === 'object' && body.params !== null
            ? (body.params as Record<string, unknown>)
            : {}
      } else {
        return text(404, 'Not Found')
      }
      entry.endpoint = endpoint
      const fault = faults.take(endpoint)
      if (fault) entry.fault = fault.kind
      const open = endpoint === 'shelly' || endpoint === 'device_info'
      const normal = (): Reply => {
        if (!open && password !== null) {
          entry.auth = authOf(request.headers, request.method, request.path, request.query, at)
          if (entry.auth !== 'ok') return challenge(at)
        }
        if (endpoint === 'shelly') return json(200, deviceInfo())
        const answer = rpc(endpoint as ShellyEndpoint, params, at, entry)
        if (request.path === '/rpc')
          return json(200, { id: rpcId, src: options.deviceId, ...answer })
        return 'result' in answer ? json(200, answer.result) : json(500, answer.error)
      }
      return fault ? faultReply(fault, normal, () => challenge(at)) : normal()
    },
  })
  const handle = joinSite(options, loadName, (at) => load.power(at))

  return {
    url: server.url,
    name: loadName,
    state() {
      const at = clock.now()
      return { on: isOn(0, at), powerW: load.power(at), authEnabled: password !== null }
    },
    requests: server.requests,
    resetRequests: server.resetRequests,
    fault: (rule) => faults.add(rule),
    setFaults: (rules) => faults.replace(rules),
    setPassword(next) {
      password = next
      nonces.clear()
    },
    press() {
      const at = clock.now()
      setOutput(0, !isOn(0, at), at)
    },
    async close() {
      handle?.remove()
      await server.close()
    },
  }
}
