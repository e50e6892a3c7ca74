/**
 * A fake Tasmota plug (control-apis.md §5.2 and §8; tasmota.github.io Commands): commands over
 * `GET /cm?cmnd=…` — `Power On|Off|Toggle|1|0` answers `{"POWER":"ON"}` (`POWER<n>` for relay
 * n of a multi-relay device), `Power` alone queries, `Status 8` (and `Status 10`) the energy
 * monitor's `StatusSNS.ENERGY` (`Power` in W, `Today`/`Total` in kWh), `Status 0` the device,
 * unknown commands `{"Command":"Unknown"}`. With a web password the credentials ride in the
 * query (`user=admin&password=…`); without them `{"WARNING":"Need user=<username>&password=
 * <password>"}` — HTTP 401 since 8.2.3, 200 before. The plug's relay 1 powers a miner, a load
 * on the site while on.
 */
import * as v from 'valibot'
import type { Reply } from '../ha/http.ts'
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

export const TASMOTA_ENDPOINTS = ['power', 'status', 'unknown_command'] as const
export type TasmotaEndpoint = (typeof TASMOTA_ENDPOINTS)[number]

const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0))
const VERSION_PATTERN = /^(\d+)\.(\d+)\.(\d+)/

const TasmotaFakeOptionsSchema = v.strictObject({
  ...PlacementEntries,
  /** Tasmota version: before 8.2.3 a missing password is answered with HTTP 200. */
  version: v.optional(
    v.pipe(v.string(), v.regex(VERSION_PATTERN, 'must be like 14.2.0')),
    '14.2.0',
  ),
  /** The web admin password (user `admin`); none when null. */
  password: v.optional(v.nullable(v.pipe(v.string(), v.nonEmpty())), null),
  relays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(8)), 1),
  deviceName: v.optional(v.string(), 'Miner plug'),
  hostname: v.optional(v.string(), 'tasmota-1A2B3C-0123'),
  mac: v.optional(v.string(), '24:A1:60:1A:2B:3C'),
  hardware: v.optional(v.string(), 'ESP8266EX'),
  /** What relay 1 powers (its load on the site). */
  load: v.optional(
    v.strictObject({
      name: v.optional(v.pipe(v.string(), v.nonEmpty()), 'Miner on a Tasmota plug'),
      powerW: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 1400),
      bootSeconds: v.optional(nonNegative, 20),
      bootW: v.optional(nonNegative, 50),
      rampSeconds: v.optional(nonNegative, 60),
    }),
    {},
  ),
  initiallyOn: v.optional(v.boolean(), false),
  voltage: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0)), 230),
  seed: v.optional(v.pipe(v.number(), v.integer()), 1),
})
export type TasmotaFakeOptions = v.InferInput<typeof TasmotaFakeOptionsSchema> & DevicePlacement
export type TasmotaRequest = DeviceRequestEntry<TasmotaEndpoint> & {
  /** The command as sent (the password is never kept). */
  command: string | null
}

export interface TasmotaFake {
  url: string
  readonly name: string
  state(): { on: boolean; powerW: number }
  requests(): TasmotaRequest[]
  resetRequests(): void
  fault(rule: DeviceFaultRule<TasmotaEndpoint>): void
  setFaults(rules: DeviceFaultRule<TasmotaEndpoint>[]): void
  setPassword(password: string | null): void
  /** Presses the button: relay 1 flips without a command. */
  press(): void
  close(): Promise<void>
}

/** Tasmota's local time format (no zone): `2026-06-21T12:00:00`. */
function tasmotaTime(at: number): string {
  return new Date(at).toISOString().slice(0, 19)
}

export async function startTasmotaFake(input: TasmotaFakeOptions = {}): Promise<TasmotaFake> {
  const options = parseOrThrow(TasmotaFakeOptionsSchema, input, 'startTasmotaFake')
  const clock = placementClock(options)
  const startMs = clock.now()
  const faults = createDeviceFaultBook(TASMOTA_ENDPOINTS, 'startTasmotaFake')
  let password = options.password
  const [major = 0, minor = 0, patch = 0] = (VERSION_PATTERN.exec(options.version) ?? [])
    .slice(1)
    .map(Number)
  const warns401 = major > 8 || (major === 8 && (minor > 2 || (minor === 2 && patch >= 3)))
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
  const others = new Map<number, boolean>()
  const meter = createEnergyMeter((at) => load.power(at), startMs)
  const isOn = (relay: number, at: number) =>
    relay === 1 ? load.state(at) === 'on' : others.get(relay) === true

  function setRelay(relay: number, on: boolean, at: number) {
    if (relay === 1) {
      options.site?.sync()
      load.set(on ? 'on' : 'off', at)
    } else others.set(relay, on)
  }

  /** `POWER` on a single-relay device, `POWER<n>` otherwise (Tasmota drops the index then). */
  const powerKey = (relay: number) => (options.relays === 1 ? 'POWER' : `POWER${relay}`)

  function energy(at: number) {
    const watts = Math.round(load.power(at))
    const totalKWh = meter.totalWh(at) / 1000
    const todayKWh = meter.todayWh(at) / 1000
    const current = Math.round((watts / options.voltage) * 1000) / 1000
    const powers = Array.from({ length: options.relays }, (_, index) => (index === 0 ? watts : 0))
    return {
      TotalStartTime: tasmotaTime(startMs),
      Total: Math.round(totalKWh * 1000) / 1000,
      Yesterday: 0,
      Today: Math.round(todayKWh * 1000) / 1000,
      Power: options.relays === 1 ? watts : powers,
      ApparentPower: Math.round(watts * 1.01),
      ReactivePower: Math.round(watts * 0.14),
      Factor: watts > 0 ? 0.99 : 0,
      Voltage: options.voltage,
      Current: current,
    }
  }

  function status(argument: string, at: number): unknown {
    switch (argument) {
      case '8':
      case '10':
        return { StatusSNS: { Time: tasmotaTime(at), ENERGY: energy(at) } }
      case '11':
        return {
          StatusSTS: {
            Time: tasmotaTime(at),
            Uptime: `0T${new Date(at - startMs).toISOString().slice(11, 19)}`,
            ...Object.fromEntries(
              Array.from({ length: options.relays }, (_, index) => [
                powerKey(index + 1),
                isOn(index + 1, at) ? 'ON' : 'OFF',
              ]),
            ),
          },
        }
      default:
        return {
          Status: {
            Module: 0,
            DeviceName: options.deviceName,
            FriendlyName: [options.deviceName],
            Topic: options.hostname,
            Power: isOn(1, at) ? 1 : 0,
          },
          StatusFWR: {
            Version: `${options.version}(tasmota)`,
            BuildDateTime: '2024-08-12T10:00:00',
            Core: '2_7_7',
            Hardware: options.hardware,
          },
          StatusNET: { Hostname: options.hostname, IPAddress: '192.168.1.60', Mac: options.mac },
          StatusSNS: { Time: tasmotaTime(at), ENERGY: energy(at) },
        }
    }
  }

  const ON = new Set(['on', '1', 'true'])
  const OFF = new Set(['off', '0', 'false'])

  function run(command: string, at: number, entry: TasmotaRequest): Reply {
    const [name = '', ...rest] = command.trim().split(/\s+/)
    const argument = rest.join(' ')
    const power = /^power(\d?)$/i.exec(name)
    if (power) {
      const relay = power[1] ? Number(power[1]) : 1
      if (relay < 1 || relay > options.relays) return json(200, { Command: 'Unknown' })
      const wanted = argument.toLowerCase()
      if (wanted !== '') {
        const on = ON.has(wanted)
          ? true
          : OFF.has(wanted)
            ? false
            : wanted === 'toggle'
              ? !isOn(relay, at)
              : null
        if (on === null) return json(200, { Command: 'Unknown' })
        entry.action = `Power${relay} ${on ? 'On' : 'Off'}`
        setRelay(relay, on, at)
      }
      return json(200, { [powerKey(relay)]: isOn(relay, at) ? 'ON' : 'OFF' })
    }
    if (/^status$/i.test(name)) return json(200, status(argument, at))
    return json(200, { Command: 'Unknown' })
  }

  const warning = () =>
    json(warns401 ? 401 : 200, { WARNING: 'Need user=<username>&password=<password>' })

  const server = await startDeviceServer<TasmotaEndpoint>({
    host: options.host,
    port: options.port,
    clock,
    route(request, at, base) {
      const entry = base as TasmotaRequest
      entry.command = null
      if (request.path !== '/cm') return text(404, 'Not Found')
      const command = request.query.get('cmnd') ?? ''
      entry.command = command
      const name = command.trim().split(/\s+/)[0] ?? ''
      entry.endpoint = /^power\d?$/i.test(name)
        ? 'power'
        : /^status$/i.test(name)
          ? 'status'
          : 'unknown_command'
      const fault = faults.take(entry.endpoint)
      if (fault) entry.fault = fault.kind
      const normal = (): Reply => {
        if (password !== null) {
          const user = request.query.get('user')
          const given = request.query.get('password')
          entry.auth =
            given === null ? 'missing' : user === 'admin' && given === password ? 'ok' : 'invalid'
          if (entry.auth !== 'ok') return warning()
        }
        return run(command, at, entry)
      }
      return fault ? faultReply(fault, normal, warning) : normal()
    },
  })
  const handle = joinSite(options, loadName, (at) => load.power(at))

  return {
    url: server.url,
    name: loadName,
    state() {
      const at = clock.now()
      return { on: isOn(1, at), powerW: load.power(at) }
    },
    requests: () => server.requests() as TasmotaRequest[],
    resetRequests: server.resetRequests,
    fault: (rule) => faults.add(rule),
    setFaults: (rules) => faults.replace(rules),
    setPassword(next) {
      password = next
    },
    press() {
      const at = clock.now()
      setRelay(1, !isOn(1, at), at)
    },
    async close() {
      handle?.remove()
      await server.close()
    },
  }
}
