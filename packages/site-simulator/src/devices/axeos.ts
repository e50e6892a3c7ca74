/**
 * A fake Bitaxe running AxeOS (ESP-Miner; control-apis.md §4 and §8, `http_server.c`,
 * `system_api_json.c`). `GET /api/system/info` reports power in W, hash rate in GH/s and
 * temperatures; from v2.14.0 `POST /api/system/pause` / `resume` stop and restart the ASIC and
 * `miningPaused` says which — not persisted, so a restart mines again. Older firmware has no
 * such routes: ESP-IDF's router finds its `/*` GET handler for the path but no POST one and
 * answers 405; ≤ v2.9 also sends `bestDiff` as a string like "4.29G". A request whose
 * `Origin` is not a private address is refused with text 401 (`is_network_allowed`; the fake
 * itself is on loopback, so only the Origin is checked). A restart replies, then the device is
 * off the network for `restartSeconds`.
 */
import * as v from 'valibot'
import type { Reply } from '../ha/http.ts'
import { channel, valueNoise } from '../model/random.ts'
import { parseOrThrow } from '../options.ts'
import {
  createDeviceFaultBook,
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

export const AXEOS_ENDPOINTS = ['info', 'pause', 'resume', 'restart'] as const
export type AxeOsEndpoint = (typeof AXEOS_ENDPOINTS)[number]

const VERSION_PATTERN = /^v?(\d+)\.(\d+)\.(\d+)/

const AxeOsFakeOptionsSchema = v.strictObject({
  ...PlacementEntries,
  name: v.optional(v.pipe(v.string(), v.nonEmpty()), 'Bitaxe'),
  /** AxeOS firmware version: `v2.14.0` and later can pause. */
  version: v.optional(
    v.pipe(v.string(), v.regex(VERSION_PATTERN, 'must be a version such as v2.14.2')),
    'v2.14.2',
  ),
  paused: v.optional(v.boolean(), false),
  powerW: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 15),
  /** W while paused (the ESP32 and fan); 0 by default. */
  pausedW: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)), 0),
  hashrateGhs: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 1150),
  /** Seconds from resume (or boot) to full hash rate. */
  rampSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)), 10),
  restartSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)), 5),
  asicModel: v.optional(v.string(), 'BM1370'),
  boardVersion: v.optional(v.string(), '601'),
  hostname: v.optional(v.string(), 'bitaxe'),
  macAddr: v.optional(v.string(), 'AA:BB:CC:DD:EE:FF'),
  stratumUser: v.optional(v.string(), 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh.bitaxe'),
  seed: v.optional(v.pipe(v.number(), v.integer()), 1),
})
export type AxeOsFakeOptions = v.InferInput<typeof AxeOsFakeOptionsSchema> & DevicePlacement
export type AxeOsRequest = DeviceRequestEntry<AxeOsEndpoint>

export interface AxeOsFakeState {
  version: string
  /** Whether this firmware has pause/resume (≥ 2.14). */
  canPause: boolean
  paused: boolean
  restarting: boolean
  powerW: number
}

export interface AxeOsFake {
  url: string
  readonly name: string
  state(): AxeOsFakeState
  requests(): AxeOsRequest[]
  resetRequests(): void
  fault(rule: DeviceFaultRule<AxeOsEndpoint>): void
  setFaults(rules: DeviceFaultRule<AxeOsEndpoint>[]): void
  /** Flashes another firmware (the device restarts, mining, as after an OTA update). */
  setFirmware(version: string): void
  close(): Promise<void>
}

function parseVersion(version: string): [number, number, number] {
  const match = VERSION_PATTERN.exec(version)
  return [Number(match?.[1] ?? 0), Number(match?.[2] ?? 0), Number(match?.[3] ?? 0)]
}

const atLeast = (version: string, major: number, minor: number) => {
  const [a, b] = parseVersion(version)
  return a > major || (a === major && b >= minor)
}

/** 4290000000 → "4.29G", as ESP-Miner ≤ 2.9 formats difficulties. */
function suffixed(value: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ]
  for (const [scale, suffix] of units) {
    if (value >= scale) return `${Math.round((value / scale) * 100) / 100}${suffix}`
  }
  return String(value)
}

/** RFC 1918 (and the fake's own loopback); anything else is the outside world. */
function privateHost(origin: string): boolean {
  let host: string
  try {
    host = new URL(origin).hostname
  } catch {
    return false
  }
  if (host.endsWith('.local') || host === 'localhost' || host.startsWith('127.')) return true
  const parts = host.split('.').map(Number)
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part))) return false
  const [a = 0, b = 0] = parts
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
}

const UNAUTHORIZED = () => text(401, 'Unauthorized')
/** What ESP-IDF's httpd answers for a method no handler of the URI takes. */
const METHOD_NOT_ALLOWED = () => text(405, 'Request method for this URI is not handled by server')

export async function startAxeOsFake(input: AxeOsFakeOptions = {}): Promise<AxeOsFake> {
  const options = parseOrThrow(AxeOsFakeOptionsSchema, input, 'startAxeOsFake')
  const clock = placementClock(options)
  const startMs = clock.now()
  const faults = createDeviceFaultBook(AXEOS_ENDPOINTS, 'startAxeOsFake')
  const noiseSeed = channel(options.seed, `axeos ${options.name}`)
  let version = options.version
  let paused = options.paused && atLeast(version, 2, 14)
  let restartUntil = Number.NEGATIVE_INFINITY
  let bootedAt = startMs - 3_600_000
  const load = createSwitchedLoad({
    name: options.name,
    powerW: options.powerW,
    idleW: options.pausedW,
    bootSeconds: 0,
    bootW: options.pausedW,
    rampSeconds: options.rampSeconds,
    initial: paused ? 'idle' : 'on',
    startMs,
    seed: options.seed,
  })

  const hashAt = (at: number) =>
    options.hashrateGhs * load.fraction(at) * (0.97 + 0.06 * valueNoise(noiseSeed, at, 15_000))

  function restart(at: number) {
    options.site?.sync()
    restartUntil = at + 1000 + options.restartSeconds * 1000
    bootedAt = restartUntil
    paused = false // mining_paused is not persisted
    load.set('off', at + 1000)
    load.set('on', restartUntil)
  }

  function info(at: number) {
    const modern = atLeast(version, 2, 14)
    const sinceNine = atLeast(version, 2, 9)
    const ghs = hashAt(at)
    const power = load.power(at)
    const chip = 38 + 22 * (power / options.powerW)
    const bestDiff = 4_290_000_000
    const bestSessionDiff = 98_765_432
    const body: Record<string, unknown> = {
      power: Math.round(power * 100) / 100,
      voltage: 5062.5,
      current: Math.round((power / 5.0625) * 1000 * 10) / 10,
      temp: Math.round(chip * 10) / 10,
      temp2: 0,
      vrTemp: Math.round((chip - 9) * 10) / 10,
      hashRate: Math.round(ghs * 10) / 10,
      ...(modern
        ? {
            hashRate_1m: Math.round(ghs * 10) / 10,
            hashRate_10m: Math.round(ghs * 10) / 10,
            hashRate_1h: Math.round(ghs * 10) / 10,
          }
        : {}),
      ...(sinceNine ? { expectedHashrate: options.hashrateGhs } : {}),
      // About one share every 12 s since boot: a function of time, not of how often it is read.
      sharesAccepted: Math.max(0, Math.floor((at - bootedAt) / 12_000)),
      sharesRejected: 4,
      bestDiff: modern ? bestDiff : suffixed(bestDiff),
      bestSessionDiff: modern ? bestSessionDiff : suffixed(bestSessionDiff),
      uptimeSeconds: Math.max(0, Math.floor((at - bootedAt) / 1000)),
      fanspeed: paused ? 35 : 55,
      fanrpm: paused ? 2600 : 4100,
      coreVoltage: 1150,
      coreVoltageActual: paused ? 0 : 1148,
      frequency: 525,
      overheat_mode: 0,
      ASICModel: options.asicModel,
      boardVersion: options.boardVersion,
      version,
      axeOSVersion: version,
      hostname: options.hostname,
      macAddr: options.macAddr,
      ipv4: '192.168.1.50',
      wifiRSSI: -54,
      stratumURL: 'mine.ocean.xyz',
      stratumPort: 3334,
      stratumUser: options.stratumUser,
      stratumPassword: '*****',
    }
    if (modern) body.miningPaused = paused
    return body
  }

  const ROUTES: Record<string, [string, AxeOsEndpoint]> = {
    '/api/system/info': ['GET', 'info'],
    '/api/system/pause': ['POST', 'pause'],
    '/api/system/resume': ['POST', 'resume'],
    '/api/system/restart': ['POST', 'restart'],
  }

  const server = await startDeviceServer<AxeOsEndpoint>({
    host: options.host,
    port: options.port,
    clock,
    route(request, at, entry) {
      if (at < restartUntil && at >= restartUntil - options.restartSeconds * 1000) {
        return { kind: 'down' }
      }
      const origin = request.headers.origin
      if (typeof origin === 'string' && !privateHost(origin)) {
        entry.auth = 'invalid'
        return UNAUTHORIZED()
      }
      const route = ROUTES[request.path]
      const modern = atLeast(version, 2, 14)
      if (!route || ((route[1] === 'pause' || route[1] === 'resume') && !modern)) {
        // `/*` serves the web UI for any GET; no handler takes other methods.
        if (request.method === 'GET') return text(200, '<!doctype html><title>AxeOS</title>')
        return METHOD_NOT_ALLOWED()
      }
      const [method, endpoint] = route
      entry.endpoint = endpoint
      if (request.method !== method) return METHOD_NOT_ALLOWED()
      const fault = faults.take(endpoint)
      if (fault) entry.fault = fault.kind
      const normal = (): Reply => {
        switch (endpoint) {
          case 'info':
            return json(200, info(at))
          case 'pause':
          case 'resume': {
            entry.action = endpoint
            options.site?.sync()
            paused = endpoint === 'pause'
            load.set(paused ? 'idle' : 'on', at)
            return json(200, { message: paused ? 'Mining paused' : 'Mining resumed' })
          }
          default:
            entry.action = 'restart'
            restart(at)
            return modern
              ? json(200, { message: 'System will restart shortly.' })
              : text(200, 'System will restart shortly.')
        }
      }
      return fault ? faultReply(fault, normal, UNAUTHORIZED) : normal()
    },
  })
  const handle = joinSite(options, options.name, (at) => load.power(at))

  return {
    url: server.url,
    name: options.name,
    state() {
      const at = clock.now()
      return {
        version,
        canPause: atLeast(version, 2, 14),
        paused,
        restarting: at < restartUntil,
        powerW: load.power(at),
      }
    },
    requests: server.requests,
    resetRequests: server.resetRequests,
    fault: (rule) => faults.add(rule),
    setFaults: (rules) => faults.replace(rules),
    setFirmware(next) {
      if (!VERSION_PATTERN.test(next)) throw new Error(`setFirmware: '${next}' is not a version`)
      version = next
      restart(clock.now())
    },
    async close() {
      handle?.remove()
      await server.close()
    },
  }
}
