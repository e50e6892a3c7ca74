import * as v from 'valibot'
import type { ForecastSnapshot } from '../energy/energy'
import { EnergySourceTypeSchema } from '../energy/energy'
import { MinerStatusSchema } from '../miner/miner'
import { WorkerStateSchema } from '../performance/enums'
import type { MiningPerformanceSnapshot } from '../performance/value-objects'
import { MiningPerformanceSnapshotSchema } from '../performance/value-objects'
import { InvalidValueError } from '../shared/errors'
import { HashRateSchema, parseWith, type Unit } from '../shared/primitives'

/**
 * The DecisionalContext: everything a rule can read, as one snake_case tree so a rule path
 * (`energy_state.battery.state_of_charge`) is also a JSON path and a TypeScript path. Every
 * part is optional; a missing part is *unknown* to the rule engine, never zero. Descriptions and
 * units are attached as valibot metadata so the rule engine's field catalogue reads them here.
 */

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
  surplus_power: number(
    'Production minus home consumption (which excludes the miners): the power miners may use; negative when the home draws more than the source gives',
    'W',
  ),
})

export const ForecastSchema = v.object({
  next_hour_power: number('Forecast average production in the next hour', 'W'),
  avg_next_4_hours_power: number('Forecast average production over the next 4 hours', 'W'),
  next_hour_energy: number('Forecast energy produced in the next hour', 'Wh'),
  energy_remaining_today: number('Forecast energy still to be produced today', 'Wh'),
  energy_tomorrow: number('Forecast energy produced tomorrow', 'Wh'),
})

export const EnergySourceContextSchema = v.object({
  id: v.nullish(v.pipe(v.string(), v.description('Energy source id'))),
  name: v.nullish(v.pipe(v.string(), v.description('Energy source name'))),
  type: v.nullish(v.pipe(EnergySourceTypeSchema, v.description('Kind of energy source'))),
  nominal_power_max: number('Peak power the source can deliver', 'W'),
  storage_capacity: number('Nominal battery capacity', 'Wh'),
  grid_contracted_power: number('Contracted grid power', 'W'),
})

export const SunSchema = v.object({
  sunrise: v.nullish(
    v.pipe(v.string(), v.description("Today's sunrise, ISO-8601 UTC (null in polar day or night)")),
  ),
  sunset: v.nullish(
    v.pipe(v.string(), v.description("Today's sunset, ISO-8601 UTC (null in polar day or night)")),
  ),
  solar_noon: v.nullish(v.pipe(v.string(), v.description("Today's solar noon, ISO-8601 UTC"))),
  elevation: number('Sun elevation above the horizon (negative below)', '°'),
  azimuth: number('Sun azimuth, degrees clockwise from north', '°'),
  is_daylight: v.nullish(v.pipe(v.boolean(), v.description('The sun is above the horizon'))),
  seconds_until_sunrise: number('Time until the next sunrise', 's'),
  seconds_until_sunset: number('Time until the next sunset', 's'),
  seconds_since_sunrise: number("Time since today's sunrise (null before it)", 's'),
})

export const PoolWorkerSchema = v.object({
  worker_name: v.nullish(v.pipe(v.string(), v.description('Worker name at the pool'))),
  hashrate: v.nullish(
    v.pipe(HashRateSchema, v.description('Hash rate the pool sees for this worker')),
  ),
  state: v.nullish(v.pipe(WorkerStateSchema, v.description('Worker state at the pool'))),
  last_share_at: v.nullish(
    v.pipe(v.string(), v.description("Worker's newest accepted share, ISO-8601 UTC")),
  ),
  seconds_since_last_share: number("Time since the worker's newest accepted share", 's'),
  hashrate_ratio: number("Pool's hash rate for the worker ÷ the miner's own (1 = on par)"),
})

export const MinerSchema = v.object({
  id: v.nullish(v.pipe(v.string(), v.description('Miner id'))),
  name: v.nullish(v.pipe(v.string(), v.description('Miner name'))),
  model: v.nullish(v.pipe(v.string(), v.description('Miner model'))),
  hash_rate_max: v.nullish(v.pipe(HashRateSchema, v.description('Nominal maximum hash rate'))),
  power_consumption_max: number('Nominal maximum power draw', 'W'),
  active: v.nullish(v.pipe(v.boolean(), v.description('Whether the miner is enabled'))),
  pool_worker_name: v.nullish(v.pipe(v.string(), v.description('Worker name the miner mines as'))),
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
  energy_source: v.nullish(
    v.pipe(EnergySourceContextSchema, v.description("The unit's energy source")),
  ),
  mining_performance: v.nullish(
    v.pipe(MiningPerformanceSnapshotSchema, v.description('Pool-side mining performance snapshot')),
  ),
  energy_state: v.nullish(v.pipe(EnergyStateSchema, v.description('Live energy readings'))),
  forecast: v.nullish(v.pipe(ForecastSchema, v.description('Production forecast'))),
  home_load_forecast: number('Forecast home consumption for the next hour', 'W'),
  miner: v.nullish(v.pipe(MinerSchema, v.description('Static miner configuration'))),
  miner_state: v.nullish(v.pipe(MinerStateSchema, v.description('Runtime state of the miner'))),
  pool_worker: v.nullish(
    v.pipe(PoolWorkerSchema, v.description("The pool's view of this miner's worker")),
  ),
  sun: v.nullish(v.pipe(SunSchema, v.description('The sun at the site, now'))),
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
export type Sun = v.InferOutput<typeof SunSchema>
export type PoolWorker = v.InferOutput<typeof PoolWorkerSchema>
export type EnergySourceContext = v.InferOutput<typeof EnergySourceContextSchema>

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
  energy_source?: DecisionalContext['energy_source']
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
  pool_worker?: DecisionalContext['pool_worker']
  sun?: DecisionalContext['sun']
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
      energy_source: input.energy_source ?? null,
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
            surplus_power:
              energy.production == null || energy.consumption?.current_power == null
                ? null
                : energy.production - energy.consumption.current_power,
          }
        : null,
      forecast: input.forecast ?? null,
      home_load_forecast: input.home_load_forecast ?? null,
      miner: input.miner ?? null,
      miner_state: input.miner_state ?? null,
      pool_worker: input.pool_worker ?? null,
      sun: input.sun ?? null,
      timestamp: timestampContext(instant, options.timeZone),
    },
    'context',
  )
}

const HOUR_MS = 3_600_000

function overlapMs(start: number, end: number, from: number, to: number): number {
  return Math.max(0, Math.min(end, to) - Math.max(start, from))
}

/**
 * The forecast part of a context at `nowMs`: average power and energy over the next hour and
 * the next 4 hours, weighting each interval by how much of the window it covers (an interval
 * without power counts as unknown, not zero). Null fields where the forecast does not reach.
 */
export function forecastContext(
  snapshot: ForecastSnapshot,
  nowMs: number,
): NonNullable<DecisionalContext['forecast']> {
  const window = (hours: number) => {
    const to = nowMs + hours * HOUR_MS
    let covered = 0
    let weighted = 0
    let energy = 0
    let energyCovered = 0
    for (const interval of snapshot.intervals) {
      const start = Date.parse(interval.start)
      const end = Date.parse(interval.end)
      const overlap = overlapMs(start, end, nowMs, to)
      if (overlap <= 0 || end <= start) continue
      if (interval.power !== null) {
        covered += overlap
        weighted += interval.power * overlap
      }
      if (interval.energy !== null) {
        energyCovered += overlap
        energy += (interval.energy * overlap) / (end - start)
      }
    }
    const span = hours * HOUR_MS
    // At least half of the window must be forecast to answer; otherwise it is unknown.
    return {
      power: covered >= span / 2 ? Math.round(weighted / covered) : null,
      energy: energyCovered >= span / 2 ? Math.round((energy * span) / energyCovered) : null,
    }
  }
  const nextHour = window(1)
  const next4 = window(4)
  return {
    next_hour_power: nextHour.power,
    avg_next_4_hours_power: next4.power,
    next_hour_energy: nextHour.energy,
    energy_remaining_today: snapshot.energy_remaining_today,
    energy_tomorrow: snapshot.energy_tomorrow,
  }
}
