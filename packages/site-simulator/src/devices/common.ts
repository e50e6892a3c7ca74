/**
 * What the fake devices share: their clock (the site's, or their own), their place in the
 * site's energy model, the HTTP shell, per-request faults and the request log.
 */
import * as v from 'valibot'
import { createSimClock, type SimClock } from '../clock.ts'
import { type Reply, type ShellRequest, startShell } from '../ha/http.ts'
import { channel, seedFromText, valueNoise } from '../model/random.ts'
import type { LoadHandle } from '../model/site.ts'
import { parseOrThrow } from '../options.ts'
import type { SiteSimulator } from '../simulator.ts'

const delayMs = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)))

/** Faults of one request, as the HA fake's (`ha/faults.ts`), for a device. */
export const DeviceFaultSchema = v.variant('kind', [
  /** The normal answer, `delayMs` (simulated) late. */
  v.strictObject({
    kind: v.literal('slow'),
    delayMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  /** Never answers; the connection stays open until the client gives up or `close()`. */
  v.strictObject({ kind: v.literal('hang') }),
  /** The device is off the network: the connection is reset without an answer. */
  v.strictObject({ kind: v.literal('down') }),
  /** A 5xx from the device's web server. */
  v.strictObject({
    kind: v.literal('server_error'),
    status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(599))),
    delayMs,
  }),
  /** A 200 whose body is not what the API sends (a captive portal by default). */
  v.strictObject({
    kind: v.literal('garbage'),
    status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(299))),
    body: v.optional(v.string()),
    contentType: v.optional(v.string()),
    delayMs,
  }),
  /** The normal answer cut in half. */
  v.strictObject({ kind: v.literal('truncated'), delayMs }),
  /** 401 whatever the credentials. */
  v.strictObject({ kind: v.literal('unauthorized'), delayMs }),
])
export type DeviceFault = v.InferOutput<typeof DeviceFaultSchema>

/** One fault rule: which endpoints (names per fake, `*` all), how many times, what. */
export interface DeviceFaultRule<E extends string = string> {
  endpoint?: E | '*' | E[]
  /** Only the next N matching requests; omitted → until replaced or cleared. */
  times?: number
  fault: DeviceFault
}

function faultRuleSchema(endpoints: readonly string[]) {
  const name = v.picklist(endpoints, `must be one of ${endpoints.join(', ')} or *`)
  return v.strictObject({
    endpoint: v.optional(v.union([v.literal('*'), name, v.array(name)])),
    times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    fault: DeviceFaultSchema,
  })
}

export function createDeviceFaultBook<E extends string>(endpoints: readonly E[], what: string) {
  const schema = faultRuleSchema(endpoints)
  let entries: { rule: DeviceFaultRule<E>; remaining: number }[] = []
  const entry = (rule: DeviceFaultRule<E>, where: string) => {
    const parsed = parseOrThrow(schema, rule, `${what}.${where}`) as DeviceFaultRule<E>
    return { rule: parsed, remaining: parsed.times ?? Number.POSITIVE_INFINITY }
  }
  return {
    take(endpoint: E): DeviceFault | null {
      const found = entries.find((candidate) => {
        if (candidate.remaining <= 0) return false
        const target = candidate.rule.endpoint ?? '*'
        return (
          target === '*' ||
          (Array.isArray(target) ? target.includes(endpoint) : target === endpoint)
        )
      })
      if (!found) return null
      found.remaining -= 1
      return found.rule.fault
    },
    add(rule: DeviceFaultRule<E>) {
      entries.push(entry(rule, 'fault'))
    },
    replace(rules: readonly DeviceFaultRule<E>[]) {
      entries = rules.map((rule, index) => entry(rule, `setFaults.${index}`))
    },
    pending: () => entries.filter((e) => e.remaining > 0).map((e) => ({ ...e.rule })),
  }
}

/** One request as the fake saw it (never a password or token, only whether it was right). */
export interface DeviceRequestEntry<E extends string = string> {
  /** Simulated ms when it arrived. */
  at: number
  method: string
  path: string
  endpoint: E | 'unknown'
  /** `none`: the endpoint needs no credentials. */
  auth: 'ok' | 'missing' | 'invalid' | 'none'
  /** The fault applied, if any. */
  fault: DeviceFault['kind'] | null
  /** Status sent; null while pending, for a hang or a reset. */
  status: number | null
  /** What the request did, when it changed something (`pause`, `Switch.Set on`…). */
  action: string | null
}

export const TEXT = 'text/plain; charset=utf-8'
export const HTML = 'text/html; charset=utf-8'
export const JSON_TYPE = 'application/json'

export type SendReply = Extract<Reply, { kind: 'send' }>

export function json(status: number, payload: unknown, headers: Record<string, string> = {}) {
  return {
    kind: 'send',
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: JSON.stringify(payload),
  } satisfies SendReply
}

export function text(status: number, body: string, headers: Record<string, string> = {}) {
  return {
    kind: 'send',
    status,
    headers: { 'content-type': TEXT, ...headers },
    body,
  } satisfies SendReply
}

const CAPTIVE_PORTAL =
  '<!DOCTYPE html><html><head><title>Sign in to the network</title></head>' +
  '<body><h1>Welcome</h1><p>Please accept the terms to continue.</p></body></html>'

/** What a fault makes of the normal reply (null: the fault does not apply before routing). */
export function faultReply(
  fault: DeviceFault,
  normal: () => Reply,
  unauthorized: () => Reply,
): Reply {
  const late = (reply: Reply, ms: number | undefined): Reply =>
    reply.kind === 'send' && ms ? { ...reply, delayMs: ms } : reply
  switch (fault.kind) {
    case 'down':
      return { kind: 'down' }
    case 'hang':
      return { kind: 'hang' }
    case 'server_error':
      return late(text(fault.status ?? 500, 'Internal Server Error'), fault.delayMs)
    case 'unauthorized':
      return late(unauthorized(), fault.delayMs)
    case 'garbage':
      return late(
        {
          kind: 'send',
          status: fault.status ?? 200,
          headers: { 'content-type': fault.contentType ?? HTML },
          body: fault.body ?? CAPTIVE_PORTAL,
        },
        fault.delayMs,
      )
    case 'slow':
      return late(normal(), fault.delayMs)
    case 'truncated': {
      const reply = normal()
      return reply.kind === 'send' ? ({ ...late(reply, fault.delayMs), cut: true } as Reply) : reply
    }
  }
}

/** Where a fake device lives: on a simulated site (its clock and energy model), or alone. */
export interface DevicePlacement {
  /** The site whose energy model the device draws from, on the site's clock. */
  site?: SiteSimulator | undefined
  /** Without a site: an injected clock (tests) … */
  now?: (() => number) | undefined
  setTimeout?: ((callback: () => void, ms: number) => unknown) | undefined
  clearTimeout?: ((handle: unknown) => void) | undefined
  /** … or one `speed` times faster than real time from `start` (ms). */
  speed?: number | undefined
  start?: number | undefined
  host?: string | undefined
  /** 0 (default): any free port. */
  port?: number | undefined
}

const fn = <T>(what: string) =>
  v.custom<T>((value) => typeof value === 'function', `${what} must be a function`)

export const PlacementEntries = {
  site: v.optional(
    v.custom<SiteSimulator>(
      (value) =>
        typeof value === 'object' && value !== null && 'addLoad' in value && 'clock' in value,
      'site must be a SiteSimulator (startSiteSimulator)',
    ),
  ),
  now: v.optional(fn<() => number>('now')),
  setTimeout: v.optional(fn<(callback: () => void, ms: number) => unknown>('setTimeout')),
  clearTimeout: v.optional(fn<(handle: unknown) => void>('clearTimeout')),
  speed: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0))),
  start: v.optional(v.pipe(v.number(), v.finite())),
  host: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535)), 0),
}

/** The device's clock: the site's when placed on one, else its own. */
export function placementClock(options: DevicePlacement): SimClock {
  if (options.site) return options.site.clock
  return createSimClock({
    now: options.now,
    setTimeout: options.setTimeout,
    clearTimeout: options.clearTimeout,
    speed: options.speed,
    start: options.start,
  })
}

/**
 * A load whose draw follows a timeline of states set in time order (a later `set` drops what
 * was scheduled after it): `off` 0 W, `idle` `idleW`, `on` `bootW` for `bootSeconds`, then a
 * linear ramp to `powerW` (±1 % noise) over `rampSeconds`. `fraction(at)` is how far up the
 * ramp it is (0–1), which the fakes scale hash rate with.
 */
export function createSwitchedLoad(options: {
  name: string
  powerW: number
  idleW: number
  bootSeconds: number
  bootW: number
  rampSeconds: number
  initial: 'off' | 'idle' | 'on'
  startMs: number
  seed: number
}) {
  type State = 'off' | 'idle' | 'on'
  const events: { at: number; state: State }[] = [
    // Created in a state: in it forever (a miner created on has been at full power for days).
    { at: Number.NEGATIVE_INFINITY, state: options.initial },
  ]
  const seed = channel(options.seed, `device ${seedFromText(options.name)}`)
  const eventAt = (at: number) => {
    for (let index = events.length - 1; index >= 0; index -= 1) {
      const event = events[index]
      if (event && event.at <= at) return event
    }
    return events[0] ?? { at: Number.NEGATIVE_INFINITY, state: 'off' as State }
  }
  const fraction = (at: number): number => {
    const event = eventAt(at)
    if (event.state !== 'on') return 0
    const seconds = (at - event.at) / 1000 - options.bootSeconds
    if (seconds < 0) return 0
    return options.rampSeconds === 0 ? 1 : Math.min(1, seconds / options.rampSeconds)
  }
  return {
    state: (at: number): State => eventAt(at).state,
    /** Since when the current state holds. */
    since: (at: number): number => eventAt(at).at,
    set(state: State, at: number) {
      while (events.length > 1 && (events[events.length - 1]?.at ?? 0) > at) events.pop()
      const last = events[events.length - 1]
      if (last?.state === state) return false
      events.push({ at, state })
      return true
    },
    fraction,
    power(at: number): number {
      const event = eventAt(at)
      if (event.state === 'off') return 0
      if (event.state === 'idle') return options.idleW
      if ((at - event.at) / 1000 < options.bootSeconds) return options.bootW
      const full = options.powerW * (0.99 + 0.02 * valueNoise(seed, at, 30_000))
      return options.bootW + (full - options.bootW) * fraction(at)
    },
  }
}
export type SwitchedLoad = ReturnType<typeof createSwitchedLoad>

const DAY_MS = 86_400_000

/**
 * Wh integrated from `power(at)` at `stepMs` resolution, as a plug's meter counts them. Ask
 * with instants that never go back.
 */
export function createEnergyMeter(power: (at: number) => number, startMs: number, stepMs = 10_000) {
  let last = startMs
  let totalWh = 0
  /** Total at the start of each (UTC) day the meter crossed. */
  const dayStarts = new Map<number, number>()
  const totalAt = (at: number): number => {
    while (last + stepMs <= at) {
      const day = Math.floor(last / DAY_MS)
      totalWh += (power(last + stepMs / 2) * stepMs) / 3_600_000
      last += stepMs
      if (Math.floor(last / DAY_MS) !== day) dayStarts.set(Math.floor(last / DAY_MS), totalWh)
    }
    return totalWh + (power((last + at) / 2) * Math.max(0, at - last)) / 3_600_000
  }
  return {
    /** Wh since the start, up to `at`. */
    totalWh: totalAt,
    /** Wh since the start of `at`'s (UTC) day, or since the start if that was later. */
    todayWh: (at: number) => totalAt(at) - (dayStarts.get(Math.floor(at / DAY_MS)) ?? 0),
  }
}

/** Puts the device's draw on the site (a `miner` load), or nowhere when it runs alone. */
export function joinSite(
  options: DevicePlacement,
  name: string,
  power: (at: number) => number,
): LoadHandle | null {
  if (!options.site) return null
  return options.site.addLoad({ name, kind: 'miner', power })
}

export interface DeviceServer<E extends string> {
  url: string
  requests(): DeviceRequestEntry<E>[]
  resetRequests(): void
  close(): Promise<void>
}

/**
 * The HTTP shell of a fake device: `route` decides each request (it is told the request, the
 * simulated instant and the log entry to fill in); the log keeps every request.
 */
export async function startDeviceServer<E extends string>(options: {
  host: string
  port: number
  clock: SimClock
  route(request: ShellRequest, at: number, entry: DeviceRequestEntry<E>): Reply
}): Promise<DeviceServer<E>> {
  const log: DeviceRequestEntry<E>[] = []
  const shell = await startShell({
    host: options.host,
    port: options.port,
    setTimeout: (callback, ms) => options.clock.setTimeout(callback, ms),
    clearTimeout: (handle) => options.clock.clearTimeout(handle),
    handle(request) {
      const at = options.clock.now()
      const entry: DeviceRequestEntry<E> = {
        at,
        method: request.method,
        path: request.path,
        endpoint: 'unknown',
        auth: 'none',
        fault: null,
        status: null,
        action: null,
      }
      log.push(entry)
      const reply = options.route(request, at, entry)
      return {
        reply,
        sent: (status) => {
          entry.status = status
        },
      }
    },
  })
  return {
    url: shell.url,
    requests: () => log.map((entry) => ({ ...entry })),
    resetRequests() {
      log.length = 0
    },
    close: () => shell.close(),
  }
}

/** A token of `length` characters from [A-Za-z0-9], from a seeded stream. */
export function tokenFrom(random: () => number, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let token = ''
  for (let index = 0; index < length; index += 1) {
    token += alphabet[Math.floor(random() * alphabet.length)]
  }
  return token
}
