import { parseArgs } from 'node:util'
import {
  type MinerOptions,
  type SiteSimulatorOptions,
  SiteSimulatorOptionsError,
} from './options.ts'
import { type SiteSimulator, startSiteSimulator } from './simulator.ts'

export const CLI_USAGE = `site-simulator — a simulated home site behind a fake Home Assistant REST API

Usage: site-simulator [options]

  --host 127.0.0.1        interface to listen on
  --port 8123             TCP port (0 = ephemeral)
  --token <token>         the long-lived access token HA accepts (default: a fixed fake one)
  --speed 1               simulated seconds per real second (600: a day in 2.4 minutes)
  --start <ISO instant>   simulated start (default: now)
  --seed 1                seed of the weather, the house and the noise
  --cloudiness 0.3        0 = clear sky … 1 = overcast
  --pv-peak-w 6000        the PV array's peak (W)
  --battery-wh 10000      battery capacity (Wh); 0 = no battery
  --house-base-w 300      the house's base load (W)
  --miner <name>:<watts>  a miner on a smart plug (repeat; default garage_s21:3500 and shed_s9:1350)
  --power-unit W          W or kW for the power sensors
  --grid-sign import_positive|export_positive
  --battery-sign charge_positive|discharge_positive
  --latitude 41.9028 --longitude 12.4964 --timezone Europe/Rome`

export interface RunningSiteSimulator {
  simulator: SiteSimulator
  close(): Promise<void>
}

function fail(field: string, message: string): never {
  throw new SiteSimulatorOptionsError(`${field}: ${message}`)
}

function numberArg(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) fail(field, `expected a number, got '${text}'`)
  return value
}

function minerArg(text: string): MinerOptions {
  const match = /^([^:]+):(\d+(?:\.\d+)?)$/.exec(text)
  if (!match) fail('--miner', `expected <name>:<watts> such as garage_s21:3500, got '${text}'`)
  return { name: match[1] ?? '', powerW: Number(match[2]) }
}

/** Parses the arguments, starts the simulator and prints how to use it; null after `--help`. */
export async function runCli(
  argv: string[],
  print: (line: string) => void,
): Promise<RunningSiteSimulator | null> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8123' },
      token: { type: 'string' },
      speed: { type: 'string' },
      start: { type: 'string' },
      seed: { type: 'string' },
      cloudiness: { type: 'string' },
      'pv-peak-w': { type: 'string' },
      'battery-wh': { type: 'string' },
      'house-base-w': { type: 'string' },
      miner: { type: 'string', multiple: true },
      'power-unit': { type: 'string' },
      'grid-sign': { type: 'string' },
      'battery-sign': { type: 'string' },
      latitude: { type: 'string' },
      longitude: { type: 'string' },
      timezone: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help === true) {
    print(CLI_USAGE)
    return null
  }
  const batteryWh = numberArg('--battery-wh', values['battery-wh'])
  const options: SiteSimulatorOptions = {
    host: values.host,
    port: numberArg('--port', values.port) ?? 8123,
    ...(values.token === undefined ? {} : { token: values.token }),
    ...(values.speed === undefined ? {} : { speed: numberArg('--speed', values.speed) }),
    ...(values.start === undefined ? {} : { start: values.start }),
    ...(values.seed === undefined ? {} : { seed: numberArg('--seed', values.seed) }),
    weather: { cloudiness: numberArg('--cloudiness', values.cloudiness) ?? 0.3 },
    pv: { peakW: numberArg('--pv-peak-w', values['pv-peak-w']) ?? 6000 },
    battery: batteryWh === 0 ? null : { capacityWh: batteryWh ?? 10_000 },
    house: { baseW: numberArg('--house-base-w', values['house-base-w']) ?? 300 },
    miners: (values.miner ?? ['garage_s21:3500', 'shed_s9:1350']).map(minerArg),
    sensors: {
      ...(values['power-unit'] === undefined ? {} : { powerUnit: values['power-unit'] as 'W' }),
      ...(values['grid-sign'] === undefined
        ? {}
        : { gridSign: values['grid-sign'] as 'import_positive' }),
      ...(values['battery-sign'] === undefined
        ? {}
        : { batterySign: values['battery-sign'] as 'charge_positive' }),
    },
    location: {
      ...(values.latitude === undefined
        ? {}
        : { latitude: numberArg('--latitude', values.latitude) }),
      ...(values.longitude === undefined
        ? {}
        : { longitude: numberArg('--longitude', values.longitude) }),
      ...(values.timezone === undefined ? {} : { timeZone: values.timezone }),
    },
  }
  const simulator = await startSiteSimulator(options)
  const e = simulator.entities
  print(`Home Assistant (simulated) at ${simulator.url}  — ${simulator.clock.speed}× real time`)
  print(`Token: ${simulator.token}`)
  print('')
  print(`Production                 ${e.pvPower}`)
  print(`House without miners       ${e.houseConsumptionWithoutMiners}`)
  print(`House (everything)         ${e.houseConsumption}`)
  print(`Grid (+ import)            ${e.gridPower}`)
  if (e.batterySoc) print(`Battery SOC / power        ${e.batterySoc} / ${e.batteryPower}`)
  for (const [name, ids] of Object.entries(e.miners)) {
    print(`Miner ${name.padEnd(21)}${ids.switch} (power ${ids.power})`)
  }
  print(`Notify                     ${e.notify.join(', ')}`)
  print('')
  print(`Try: curl -H "Authorization: Bearer $TOKEN" ${simulator.url}/api/states/${e.pvPower}`)
  return { simulator, close: () => simulator.close() }
}
