import * as v from 'valibot'
import { TimestampSchema, UuidSchema } from '../shared/primitives'

/** Kinds of energy source (upstream's `EnergySourceType` values). */
export const ENERGY_SOURCE_TYPES = ['solar', 'wind', 'grid', 'hydroelectric', 'other'] as const
export const EnergySourceTypeSchema = v.picklist(
  ENERGY_SOURCE_TYPES,
  `expected one of ${ENERGY_SOURCE_TYPES.join(', ')}`,
)
export type EnergySourceType = v.InferOutput<typeof EnergySourceTypeSchema>

const Watts = v.pipe(v.number('expected a number of watts'), v.finite(), v.minValue(0))

/** An energy source as stored and served (upstream's shape). */
export const EnergySourceSchema = v.object({
  id: UuidSchema,
  name: v.string(),
  type: EnergySourceTypeSchema,
  /** W: the peak the source can deliver (a PV array's kWp × 1000). */
  nominal_power_max: v.nullable(Watts),
  /** The battery, if any: nominal capacity in Wh. */
  storage: v.nullable(
    v.object({
      nominal_capacity: v.pipe(v.number('expected Wh'), v.finite(), v.gtValue(0)),
    }),
  ),
  /** The grid connection, if any: contracted power in W. */
  grid: v.nullable(v.object({ contracted_power: Watts })),
  /** W from an external source (a generator). */
  external_source: v.nullable(Watts),
  energy_monitor_id: v.nullable(UuidSchema),
  forecast_provider_id: v.nullable(UuidSchema),
})
export type EnergySource = v.InferOutput<typeof EnergySourceSchema>

const Power = v.pipe(v.number(), v.finite())

/**
 * What an energy monitor reads, in the sign conventions every adapter maps to: battery
 * `current_power` + = charging, − = discharging; grid `current_power` + = importing,
 * − = exporting. A reading that could not be had is null — never 0. `consumption` is the
 * house without the miners.
 */
export const EnergyStateSnapshotSchema = v.object({
  /** W, may be null when the production sensor is unreadable. */
  production: v.nullable(Power),
  consumption: v.nullable(v.object({ current_power: v.nullable(Power) })),
  battery: v.nullable(
    v.object({
      /** % */
      state_of_charge: v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
      /** Wh */
      remaining_capacity: v.nullable(v.pipe(v.number(), v.minValue(0))),
      /** W, + charging */
      current_power: v.nullable(Power),
    }),
  ),
  grid: v.nullable(v.object({ /** W, + importing */ current_power: v.nullable(Power) })),
  /** W */
  external_source: v.nullable(Power),
  /** When it was read. */
  timestamp: TimestampSchema,
})
export type EnergyStateSnapshot = v.InferOutput<typeof EnergyStateSnapshotSchema>

/** One interval of a production forecast: average power and energy over [start, end). */
export const ForecastIntervalSchema = v.object({
  start: TimestampSchema,
  end: TimestampSchema,
  /** W, average over the interval */
  power: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
  /** Wh produced over the interval */
  energy: v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0))),
})
export type ForecastInterval = v.InferOutput<typeof ForecastIntervalSchema>

/** What a forecast provider answers: intervals and, where the provider knows, day totals. */
export const ForecastSnapshotSchema = v.object({
  timestamp: TimestampSchema,
  intervals: v.array(ForecastIntervalSchema),
  /** Wh still to come today, when the provider says. */
  energy_remaining_today: v.nullable(v.pipe(v.number(), v.minValue(0))),
  /** Wh expected tomorrow, when the provider says. */
  energy_tomorrow: v.nullable(v.pipe(v.number(), v.minValue(0))),
})
export type ForecastSnapshot = v.InferOutput<typeof ForecastSnapshotSchema>

/** Reads the site's energy now. Null means "no reading at all"; failures throw DeviceError. */
export interface EnergyMonitorPort {
  getCurrentEnergyState(): Promise<EnergyStateSnapshot | null>
  /**
   * What the last read could not have, by source (e.g. an entity id → "is unavailable"): why
   * parts of the snapshot are null. Optional; the context builder lists them in its `errors`.
   */
  missingReadings?(): Record<string, string>
  close?(): void | Promise<void>
}

/** Forecasts production. Null means "no forecast"; failures throw DeviceError. */
export interface ForecastProviderPort {
  getForecast(): Promise<ForecastSnapshot | null>
  close?(): void | Promise<void>
}

/** Solar forecast providers allowed per source type (upstream §11.1). */
export const FORECAST_TYPES_BY_SOURCE: Record<EnergySourceType, readonly string[]> = {
  solar: ['dummy_solar', 'home_assistant_api'],
  wind: ['home_assistant_api'],
  grid: ['home_assistant_api'],
  hydroelectric: ['home_assistant_api'],
  other: ['home_assistant_api'],
}
