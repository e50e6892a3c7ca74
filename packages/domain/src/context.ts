import * as v from 'valibot'
import { MinerStatusSchema } from './enums'
import { InvalidValueError } from './errors'
import type { MiningPerformanceSnapshot } from './value-objects'
import { HashRateSchema, MiningPerformanceSnapshotSchema, parseWith } from './value-objects'

/**
 * The DecisionalContext: everything a rule can read, as one snake_case tree so a rule path
 * (`energy_state.battery.state_of_charge`) is also a JSON path and a TypeScript path. Every
 * part is optional; a missing part is *unknown* to the rule engine, never zero. Descriptions and
 * units are attached as valibot metadata so the rule engine's field catalogue reads them here.
 */

type Unit = 'W' | 'Wh' | '%' | '°C' | 's' | 'TH/s' | 'sats' | 'RPM'

function number(description: string, unit?: Unit) {
  return v.nullish(
    v.pipe(v.number(), v.finite(), v.description(description), v.metadata(unit ? { unit } : {})),
  )
}

function integer(description: string, minimum: number, maximum: number, unit?: Unit) {
  return v.pipe(
    v.number(),
    v.integer(),
    v.minValue(minimum),
    v.maxValue(maximum),
    v.description(description),
    v.metadata(unit ? { unit } : {}),
  )
}

function part<const TEntries extends v.ObjectEntries>(description: string, entries: TEntries) {
  return v.nullish(v.pipe(v.object(entries), v.description(description)))
}

export const BatteryStateSchema = v.object({
  state_of_charge: number('Battery state of charge', '%'),
  remaining_capacity: number('Energy left in the battery', 'Wh'),
  current_power: number('Battery power: positive while charging, negative while discharging', 'W'),
  charging_power: number('Charging power, max(current_power, 0)', 'W'),
  discharging_power: number('Discharging power, max(-current_power, 0)', 'W'),
})

export const GridStateSchema = v.object({
  current_power: number('Grid power: positive when importing, negative when exporting', 'W'),
  importing_power: number('Power drawn from the grid, max(current_power, 0)', 'W'),
  exporting_power: number('Power sent to the grid, max(-current_power, 0)', 'W'),
})

export const EnergyStateSchema = v.object({
  production: number('Current production of the energy source (e.g. solar)', 'W'),
  consumption: part('Home consumption', {
    current_power: number('Current home consumption', 'W'),
  }),
  battery: v.nullish(v.pipe(BatteryStateSchema, v.description('Battery state'))),
  grid: v.nullish(v.pipe(GridStateSchema, v.description('Grid connection state'))),
  external_source: number('Power from an external source (e.g. a generator)', 'W'),
})

export const ForecastSchema = v.object({
  next_hour_power: number('Forecast average production in the next hour', 'W'),
  avg_next_4_hours_power: number('Forecast average production over the next 4 hours', 'W'),
  next_hour_energy: number('Forecast energy produced in the next hour', 'Wh'),
})

export const MinerSchema = v.object({
  name: v.nullish(v.pipe(v.string(), v.description('Miner name'))),
  model: v.nullish(v.pipe(v.string(), v.description('Miner model'))),
  hash_rate_max: v.nullish(v.pipe(HashRateSchema, v.description('Nominal maximum hash rate'))),
  power_consumption_max: number('Nominal maximum power draw', 'W'),
  active: v.nullish(v.pipe(v.boolean(), v.description('Whether the miner is enabled'))),
})

export const MinerStateSchema = v.object({
  status: v.nullish(v.pipe(MinerStatusSchema, v.description('Runtime status of the miner'))),
  hash_rate: v.nullish(v.pipe(HashRateSchema, v.description('Hash rate reported by the miner'))),
  power_consumption: number('Power drawn by the miner', 'W'),
  inlet_temperature: number('Inlet air temperature', '°C'),
  outlet_temperature: number('Outlet air temperature', '°C'),
  blocks_found: v.nullish(v.pipe(v.number(), v.integer(), v.description('Blocks found'))),
  system_uptime: number('Miner uptime', 's'),
  max_chip_temperature: number('Hottest chip temperature', '°C'),
  max_board_temperature: number('Hottest board temperature', '°C'),
  avg_chip_temperature: number('Average chip temperature', '°C'),
  avg_board_temperature: number('Average board temperature', '°C'),
})

export const TimestampContextSchema = v.object({
  iso: v.pipe(v.string(), v.description('The evaluation instant, ISO-8601 UTC')),
  time_zone: v.pipe(v.string(), v.description('IANA time zone of the calendar fields below')),
  year: integer('Year', 1970, 9999),
  month: integer('Month, 1 = January', 1, 12),
  day: integer('Day of the month', 1, 31),
  hour: integer('Hour of the day, 0–23', 0, 23),
  minute: integer('Minute, 0–59', 0, 59),
  weekday: integer('Day of the week, 0 = Monday … 6 = Sunday', 0, 6),
})

export const DecisionalContextSchema = v.object({
  mining_performance: v.nullish(
    v.pipe(MiningPerformanceSnapshotSchema, v.description('Pool-side mining performance snapshot')),
  ),
  energy_state: v.nullish(v.pipe(EnergyStateSchema, v.description('Live energy readings'))),
  forecast: v.nullish(v.pipe(ForecastSchema, v.description('Production forecast'))),
  home_load_forecast: number('Forecast home consumption for the next hour', 'W'),
  miner: v.nullish(v.pipe(MinerSchema, v.description('Static miner configuration'))),
  miner_state: v.nullish(v.pipe(MinerStateSchema, v.description('Runtime state of the miner'))),
  timestamp: v.nullish(
    v.pipe(TimestampContextSchema, v.description('When the decision is evaluated')),
  ),
})
export type DecisionalContext = v.InferOutput<typeof DecisionalContextSchema>
export type TimestampContext = v.InferOutput<typeof TimestampContextSchema>
export type BatteryState = v.InferOutput<typeof BatteryStateSchema>
export type GridState = v.InferOutput<typeof GridStateSchema>
export type EnergyState = v.InferOutput<typeof EnergyStateSchema>
export type Forecast = v.InferOutput<typeof ForecastSchema>
export type Miner = v.InferOutput<typeof MinerSchema>
export type MinerState = v.InferOutput<typeof MinerStateSchema>

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const

/**
 * Calendar fields of `instant` in `timeZone` (IANA name, default UTC). Upstream used the
 * server's naive local time and exposed `weekday` as a method that never matched; here
 * `weekday` is a number, 0 = Monday.
 */
export function timestampContext(instant: Date | string, timeZone = 'UTC'): TimestampContext {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  if (Number.isNaN(date.getTime()))
    throw new InvalidValueError('timestamp', instant, 'a valid date')
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    })
  } catch {
    throw new InvalidValueError('time_zone', timeZone, 'an IANA time zone such as "Europe/Rome"')
  }
  const fields = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]))
  return {
    iso: date.toISOString(),
    time_zone: timeZone,
    year: Number(fields.year),
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    weekday: WEEKDAYS.indexOf(fields.weekday as (typeof WEEKDAYS)[number]),
  }
}

/** What a caller supplies; derived fields (charging/importing power, calendar) are computed. */
export interface DecisionalContextInput {
  mining_performance?: MiningPerformanceSnapshot | null
  energy_state?: {
    production?: number | null
    consumption?: { current_power?: number | null } | null
    battery?: {
      state_of_charge?: number | null
      remaining_capacity?: number | null
      current_power?: number | null
    } | null
    grid?: { current_power?: number | null } | null
    external_source?: number | null
  } | null
  forecast?: DecisionalContext['forecast']
  home_load_forecast?: number | null
  miner?: DecisionalContext['miner']
  miner_state?: DecisionalContext['miner_state']
  /** The evaluation instant; default now. */
  timestamp?: Date | string
}

const positivePart = (power: number | null | undefined) =>
  power == null ? null : Math.max(power, 0)
const negativePart = (power: number | null | undefined) =>
  power == null ? null : Math.max(-power, 0)

/**
 * Builds a validated DecisionalContext, computing battery charging/discharging power, grid
 * importing/exporting power and the calendar fields of `timestamp` in `options.timeZone`.
 */
export function createDecisionalContext(
  input: DecisionalContextInput,
  options: { timeZone?: string; now?: () => Date } = {},
): DecisionalContext {
  const energy = input.energy_state
  const battery = energy?.battery
  const grid = energy?.grid
  const instant = input.timestamp ?? (options.now ?? (() => new Date()))()
  return parseWith(
    DecisionalContextSchema,
    {
      mining_performance: input.mining_performance ?? null,
      energy_state: energy
        ? {
            production: energy.production ?? null,
            consumption: energy.consumption ?? null,
            battery: battery
              ? {
                  state_of_charge: battery.state_of_charge ?? null,
                  remaining_capacity: battery.remaining_capacity ?? null,
                  current_power: battery.current_power ?? null,
                  charging_power: positivePart(battery.current_power),
                  discharging_power: negativePart(battery.current_power),
                }
              : null,
            grid: grid
              ? {
                  current_power: grid.current_power ?? null,
                  importing_power: positivePart(grid.current_power),
                  exporting_power: negativePart(grid.current_power),
                }
              : null,
            external_source: energy.external_source ?? null,
          }
        : null,
      forecast: input.forecast ?? null,
      home_load_forecast: input.home_load_forecast ?? null,
      miner: input.miner ?? null,
      miner_state: input.miner_state ?? null,
      timestamp: timestampContext(instant, options.timeZone),
    },
    'context',
  )
}
