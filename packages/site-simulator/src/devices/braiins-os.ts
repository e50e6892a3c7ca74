/**
 * A fake Braiins OS miner: the public REST API `/api/v1` (control-apis.md §2 and §8, Braiins'
 * OpenAPI 1.7.0). Login answers `{token, timeout_s}`; the token goes raw in `Authorization`
 * (no `Bearer`); a session dies after `timeout_s` of inactivity on the simulated clock (each
 * request renews it) and on reboot, then 401. Enums are integers (`status` 2 mining, 3
 * paused); pause/resume answer bare booleans ("already paused"/"already mining") and are
 * idempotent; `/miner/stats` is HTTP 500 while bosminer is not running (stopped, or starting
 * after a start or reboot) and `bosminer_uptime_s` is then 0; `/miner/status` streams and never
 * completes. A hashing miner draws its power on the site; paused or stopped, `pausedW`.
 */
import * as v from 'valibot'
import type { Reply } from '../ha/http.ts'
import { channel, seededRandom, valueNoise } from '../model/random.ts'
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
  tokenFrom,
} from './common.ts'

export const BRAIINS_OS_ENDPOINTS = [
  'login',
  'version',
  'details',
  'stats',
  'constraints',
  'status_stream',
  'pause',
  'resume',
  'start',
  'stop',
  'reboot',
] as const
export type BraiinsOsEndpoint = (typeof BRAIINS_OS_ENDPOINTS)[number]

const seconds = v.pipe(v.number(), v.finite(), v.minValue(0))

const BraiinsOsFakeOptionsSchema = v.strictObject({
  ...PlacementEntries,
  /** The load's name on the site. */
  name: v.optional(v.pipe(v.string(), v.nonEmpty()), 'Braiins OS miner'),
  username: v.optional(v.string(), 'root'),
  /** Factory default: empty (Braiins OS allows it). */
  password: v.optional(v.string(), ''),
  /** How the miner is when the fake starts. */
  initial: v.optional(v.picklist(['mining', 'paused', 'stopped']), 'mining'),
  powerW: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 3250),
  /** W while paused or bosminer is down (control board and fans); 0 by default. */
  pausedW: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)), 0),
  hashrateThs: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 104),
  /** Seconds a resume takes to reach full power and hash rate (quick-ramping `up_s`). */
  rampSeconds: v.optional(seconds, 60),
  /** Seconds bosminer takes to start (after `actions/start` or a reboot): stats are 500. */
  startingSeconds: v.optional(seconds, 45),
  /** Seconds a reboot keeps the miner off the network. */
  rebootSeconds: v.optional(seconds, 90),
  sessionTimeoutSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3600),
  model: v.optional(v.string(), 'Antminer S19J Pro'),
  bosVersion: v.optional(v.string(), '2025-07-15-0-8f3a1c2e-25.07-plus'),
  apiVersion: v.optional(
    v.strictObject({ major: v.number(), minor: v.number(), patch: v.number() }),
    { major: 1, minor: 7, patch: 0 },
  ),
  hostname: v.optional(v.string(), 'miner-garage'),
  macAddress: v.optional(v.string(), '94:e3:6d:fb:89:ad'),
  serialNumber: v.optional(v.nullable(v.string()), 'JYZZA1BBCJAJA0123'),
  /** W the power target may range over (configuration/constraints). */
  powerTarget: v.optional(
    v.strictObject({ min: v.number(), default: v.number(), max: v.number() }),
    { min: 1200, default: 3250, max: 3600 },
  ),
  seed: v.optional(v.pipe(v.number(), v.integer()), 1),
})
export type BraiinsOsFakeOptions = v.InferInput<typeof BraiinsOsFakeOptionsSchema> & DevicePlacement

export type BraiinsOsRequest = DeviceRequestEntry<BraiinsOsEndpoint>

export interface BraiinsOsFakeState {
  /** `running`: bosminer up; `starting` after a start or reboot; `stopped` after `actions/stop`. */
  bosminer: 'running' | 'starting' | 'stopped'
  paused: boolean
  /** Hashing (bosminer running and not paused). */
  mining: boolean
  /** W drawn now. */
  powerW: number
  /** Sessions still alive. */
  sessions: number
  /** Off the network while rebooting. */
  rebooting: boolean
}

export interface BraiinsOsFake {
  /** `http://127.0.0.1:<port>`: the miner's web address (the API is below `/api/v1`). */
  url: string
  readonly name: string
  state(): BraiinsOsFakeState
  /** Every request, oldest first (no credentials, only whether they were right). */
  requests(): BraiinsOsRequest[]
  resetRequests(): void
  /** Adds a fault rule (slow, hang, down, server_error, garbage, truncated, unauthorized). */
  fault(rule: DeviceFaultRule<BraiinsOsEndpoint>): void
  /** Replaces every fault rule; `[]` clears them. */
  setFaults(rules: DeviceFaultRule<BraiinsOsEndpoint>[]): void
  /** Every session dies at once (as after a reboot): the next authenticated request is 401. */
  expireSessions(): void
  /** The miner's password changes: logins with the old one fail from now on. */
  setPassword(password: string): void
  /** Reboots: off the network for `rebootSeconds`, sessions gone, then bosminer starts. */
  reboot(): void
  close(): Promise<void>
}

/** Average of `f` over [from, to] by the midpoint rule (the windows of `real_hashrate`). */
function average(f: (at: number) => number, from: number, to: number, samples = 24): number {
  if (to <= from) return f(to)
  const step = (to - from) / samples
  let sum = 0
  for (let index = 0; index < samples; index += 1) sum += f(from + step * (index + 0.5))
  return sum / samples
}

const WINDOWS: [string, number][] = [
  ['last_5s', 5],
  ['last_15s', 15],
  ['last_30s', 30],
  ['last_1m', 60],
  ['last_5m', 300],
  ['last_15m', 900],
  ['last_30m', 1800],
  ['last_1h', 3600],
  ['last_24h', 86_400],
]

const UNAUTHORIZED = () => text(401, 'Unauthorized')

export async function startBraiinsOsFake(input: BraiinsOsFakeOptions = {}): Promise<BraiinsOsFake> {
  const options = parseOrThrow(BraiinsOsFakeOptionsSchema, input, 'startBraiinsOsFake')
  const clock = placementClock(options)
  const startMs = clock.now()
  const random = seededRandom(channel(options.seed, `braiins-os ${options.name}`))
  const hashNoiseSeed = channel(options.seed, `braiins-os hash ${options.name}`)
  const faults = createDeviceFaultBook(BRAIINS_OS_ENDPOINTS, 'startBraiinsOsFake')
  let password = options.password
  /** token → last use (simulated ms). */
  const sessions = new Map<string, number>()
  const timeoutMs = options.sessionTimeoutSeconds * 1000

  // bosminer: up since `bosminerSince` once `runningFrom` is reached; null when stopped.
  let runningFrom: number | null =
    options.initial === 'stopped' ? null : startMs - options.startingSeconds * 1000 - 60_000
  let paused = options.initial === 'paused'
  let rebootUntil = Number.NEGATIVE_INFINITY
  let lastRestart = runningFrom ?? startMs
  const load = createSwitchedLoad({
    name: options.name,
    powerW: options.powerW,
    idleW: options.pausedW,
    bootSeconds: 0,
    bootW: options.pausedW,
    rampSeconds: options.rampSeconds,
    initial: options.initial === 'mining' ? 'on' : 'idle',
    startMs,
    seed: options.seed,
  })

  const bosminer = (at: number): BraiinsOsFakeState['bosminer'] =>
    runningFrom === null ? 'stopped' : at >= runningFrom ? 'running' : 'starting'

  /** Schedules the load: hashing from when bosminer runs, if not paused. */
  function reschedule(at: number) {
    options.site?.sync()
    if (runningFrom === null || paused) load.set('idle', at)
    else load.set('on', Math.max(at, runningFrom))
  }

  const hashAt = (at: number) =>
    options.hashrateThs * load.fraction(at) * (0.98 + 0.04 * valueNoise(hashNoiseSeed, at, 20_000))

  function login(body: string): Reply {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return text(400, 'Bad Request')
    }
    const credentials = parsed as { username?: unknown; password?: unknown }
    if (typeof credentials?.username !== 'string' || typeof credentials.password !== 'string') {
      return text(400, 'Bad Request')
    }
    if (credentials.username !== options.username || credentials.password !== password) {
      return UNAUTHORIZED()
    }
    const token = tokenFrom(random, 16)
    sessions.set(token, clock.now())
    return json(200, { token, timeout_s: options.sessionTimeoutSeconds })
  }

  function authOf(header: string | undefined, at: number): BraiinsOsRequest['auth'] {
    if (header === undefined) return 'missing'
    const used = sessions.get(header)
    if (used === undefined) return 'invalid'
    if (at - used > timeoutMs) {
      sessions.delete(header)
      return 'invalid'
    }
    sessions.set(header, at)
    return 'ok'
  }

  function details(at: number) {
    const state = bosminer(at)
    const running = state === 'running'
    const status = state === 'running' ? (paused ? 3 : 2) : 1
    const since = running ? (runningFrom ?? at) : lastRestart
    const detailed =
      state === 'stopped'
        ? { stopped: { reason: { unspecified: {} } } }
        : state === 'starting'
          ? { starting: { reason: { none: {} } } }
          : paused
            ? { stopped: { reason: { user_pause: {} } } }
            : { running: { reason: { normal: {} } } }
    return {
      uid: 'lAOJ0RbI6axyOyGf',
      miner_identity: { brand: 1, model: 15, name: options.model, miner_model: options.model },
      platform: 3,
      bos_mode: 4,
      control_board_soc_family: 2,
      bos_version: { current: options.bosVersion, major: options.bosVersion, bos_plus: true },
      hostname: options.hostname,
      mac_address: options.macAddress,
      system_uptime: Math.floor((at - lastRestart) / 1000),
      system_uptime_s: Math.floor((at - lastRestart) / 1000),
      bosminer_uptime_s: running ? Math.floor((at - since) / 1000) : 0,
      sticker_hashrate: { gigahash_per_second: options.hashrateThs * 1000 },
      status,
      detailed_status: {
        status: detailed,
        status_since: { seconds: Math.floor(since / 1000), nanos: 0 },
        status_until: null,
      },
      kernel_version: '3.8.13+',
      serial_number: options.serialNumber,
      psu_info: null,
      is_pic_model: false,
    }
  }

  function stats(at: number) {
    const since = runningFrom ?? at
    const gh = (thsAverage: number) => ({ gigahash_per_second: thsAverage * 1000 })
    const realHashrate: Record<string, { gigahash_per_second: number }> = {}
    for (const [key, windowSeconds] of WINDOWS) {
      realHashrate[key] = gh(average(hashAt, at - windowSeconds * 1000, at))
    }
    realHashrate.since_restart = gh(average(hashAt, since, at))
    const power = Math.round(load.power(at))
    const ths = hashAt(at)
    return {
      pool_stats: {
        accepted_shares: Math.floor((at - since) / 15_000),
        rejected_shares: 0,
        stale_shares: 0,
        last_difficulty: 65_536,
        best_share: 4_252_170,
        best_share_str: '4.25M',
        generated_work: Math.floor((at - since) / 1000) * 1000,
        last_share_time: { seconds: Math.floor(at / 1000) - 3, nanos: 0 },
      },
      miner_stats: {
        real_hashrate: realHashrate,
        nominal_hashrate: gh(options.hashrateThs),
        error_hashrate: { megahash_per_second: 0 },
        found_blocks: 0,
        best_share: 4_252_170,
        best_share_str: '4.25M',
      },
      power_stats: {
        approximated_consumption: { watt: power },
        efficiency: ths > 0 ? { joule_per_terahash: power / ths } : null,
      },
    }
  }

  /** The routes: [method, path] → endpoint. */
  const ROUTES: Record<string, [string, BraiinsOsEndpoint]> = {
    '/api/v1/auth/login': ['POST', 'login'],
    '/api/v1/version': ['GET', 'version'],
    '/api/v1/version/': ['GET', 'version'],
    '/api/v1/miner/details': ['GET', 'details'],
    '/api/v1/miner/stats': ['GET', 'stats'],
    '/api/v1/configuration/constraints': ['GET', 'constraints'],
    '/api/v1/miner/status': ['GET', 'status_stream'],
    '/api/v1/actions/pause': ['PUT', 'pause'],
    '/api/v1/actions/resume': ['PUT', 'resume'],
    '/api/v1/actions/start': ['PUT', 'start'],
    '/api/v1/actions/stop': ['PUT', 'stop'],
    '/api/v1/actions/reboot': ['PUT', 'reboot'],
  }

  function act(endpoint: BraiinsOsEndpoint, at: number, entry: BraiinsOsRequest): Reply {
    entry.action = endpoint
    switch (endpoint) {
      case 'pause': {
        const already = paused
        paused = true
        reschedule(at)
        return json(200, already)
      }
      case 'resume': {
        const already = !paused
        paused = false
        reschedule(at)
        return json(200, already)
      }
      case 'start': {
        const already = runningFrom !== null
        if (!already) {
          runningFrom = at + options.startingSeconds * 1000
          lastRestart = at
          reschedule(at)
        }
        return json(200, already)
      }
      case 'stop': {
        const already = runningFrom === null
        runningFrom = null
        reschedule(at)
        return json(200, already)
      }
      default:
        doReboot(at)
        return { kind: 'send', status: 204, headers: {}, body: '' }
    }
  }

  function doReboot(at: number) {
    sessions.clear()
    rebootUntil = at + options.rebootSeconds * 1000
    lastRestart = rebootUntil
    runningFrom = rebootUntil + options.startingSeconds * 1000
    // Pause is not kept across a reboot: bosminer starts mining.
    paused = false
    options.site?.sync()
    load.set('off', at)
    load.set('idle', rebootUntil)
    load.set('on', runningFrom)
  }

  const server = await startDeviceServer<BraiinsOsEndpoint>({
    host: options.host,
    port: options.port,
    clock,
    route(request, at, entry) {
      if (at < rebootUntil) return { kind: 'down' }
      const route = ROUTES[request.path]
      if (!route) return text(404, 'Not Found')
      const [method, endpoint] = route
      entry.endpoint = endpoint
      if (request.method !== method) return text(405, 'Method Not Allowed')
      const fault = faults.take(endpoint)
      if (fault) entry.fault = fault.kind
      const open = endpoint === 'login' || endpoint === 'version'
      const header = request.headers.authorization
      // A fault that answers before auth does not touch the session.
      if (fault && ['down', 'hang', 'server_error', 'unauthorized'].includes(fault.kind)) {
        entry.auth = open ? 'none' : header === undefined ? 'missing' : 'invalid'
        return faultReply(fault, () => text(500, ''), UNAUTHORIZED)
      }
      const normal = (): Reply => {
        if (endpoint === 'login') return login(request.body)
        if (endpoint === 'version') return json(200, options.apiVersion)
        entry.auth = authOf(typeof header === 'string' ? header : undefined, at)
        if (entry.auth !== 'ok') return UNAUTHORIZED()
        switch (endpoint) {
          case 'details':
            return json(200, details(at))
          case 'stats':
            return bosminer(at) === 'running'
              ? json(200, stats(at))
              : text(500, 'Internal Server Error')
          case 'constraints':
            return json(200, {
              tuner_constraints: {
                power_target: {
                  min: { watt: options.powerTarget.min },
                  default: { watt: options.powerTarget.default },
                  max: { watt: options.powerTarget.max },
                },
              },
              dps_constraints: null,
            })
          case 'status_stream':
            // A stream that never completes (deprecated endpoint): clients must not poll it.
            return { kind: 'hang' }
          default:
            return act(endpoint, at, entry)
        }
      }
      if (open) entry.auth = 'none'
      return fault ? faultReply(fault, normal, UNAUTHORIZED) : normal()
    },
  })
  const handle = joinSite(options, options.name, (at) => load.power(at))

  return {
    url: server.url,
    name: options.name,
    state() {
      const at = clock.now()
      const status = bosminer(at)
      let alive = 0
      for (const used of sessions.values()) if (at - used <= timeoutMs) alive += 1
      return {
        bosminer: status,
        paused,
        mining: status === 'running' && !paused,
        powerW: load.power(at),
        sessions: alive,
        rebooting: at < rebootUntil,
      }
    },
    requests: server.requests,
    resetRequests: server.resetRequests,
    fault: (rule) => faults.add(rule),
    setFaults: (rules) => faults.replace(rules),
    expireSessions() {
      sessions.clear()
    },
    setPassword(next) {
      password = next
    },
    reboot() {
      doReboot(clock.now())
    },
    async close() {
      handle?.remove()
      await server.close()
    },
  }
}
