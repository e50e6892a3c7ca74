/**
 * Units as Home Assistant sensors report them, and what one entity's state is worth as a
 * reading. Upstream understood only W/kW and Wh/kWh and treated anything else as W (the UI
 * offers MW: trap T21), and turned an unreadable entity into 0 (trap T11). Here every unit of
 * the dimension is converted, a unit of another dimension is refused, and an entity that is
 * `unavailable`, `unknown`, not a number, too old or missing is a *missing* reading with a
 * reason — never 0.
 */
import type { HaState } from './client'

export const POWER_UNITS = ['W', 'kW', 'MW'] as const
export const ENERGY_UNITS = ['Wh', 'kWh', 'MWh'] as const
export type PowerUnit = (typeof POWER_UNITS)[number]
export type EnergyUnit = (typeof ENERGY_UNITS)[number]

const FACTORS: Record<string, number> = {
  w: 1,
  kw: 1000,
  mw: 1_000_000,
  wh: 1,
  kwh: 1000,
  mwh: 1_000_000,
}

/** `kw`, `KW`, ` kW ` → `kW`; null when it is not a unit of that list. */
export function normaliseUnit<const U extends readonly string[]>(
  text: string,
  units: U,
): U[number] | null {
  const wanted = text.trim().toLowerCase()
  return units.find((unit) => unit.toLowerCase() === wanted) ?? null
}

export type Dimension = 'power' | 'energy' | 'percent'

/** One reading: a number in W / Wh / %, or missing with a reason a person understands. */
export type Reading = { value: number; problem: null } | { value: null; problem: string }

const missing = (problem: string): Reading => ({ value: null, problem })

const DIMENSION_UNITS: Record<Dimension, readonly string[]> = {
  power: POWER_UNITS,
  energy: ENERGY_UNITS,
  percent: ['%'],
}

function shown(text: string): string {
  const cut = text.length > 24 ? `${text.slice(0, 24)}…` : text
  return JSON.stringify(cut)
}

/** When HA last wrote the entity: `last_reported` (HA 2024.3+), else `last_updated`. */
export function lastWrittenMs(state: HaState): number | null {
  const text = state.last_reported ?? state.last_updated
  if (typeof text !== 'string') return null
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : null
}

export interface ReadOptions {
  dimension: Dimension
  /** Used when the entity reports no `unit_of_measurement`. */
  configuredUnit: string
  /** Older than this (ms) is missing; 0 = never too old. */
  maxAgeMs: number
  nowMs: number
}

/**
 * What an entity's state is worth: HA sends strings, so `Number()` and refuse NaN; the entity's
 * own `unit_of_measurement` wins over the configured one (HA knows what it measures), and a unit
 * of another dimension (V for a power) is refused rather than guessed.
 */
export function readNumber(state: HaState | null, options: ReadOptions): Reading {
  if (state === null) return missing('is not an entity of this Home Assistant')
  const raw = state.state
  if (raw === 'unavailable') return missing('is unavailable (its device or integration is offline)')
  if (raw === 'unknown') return missing('has no value yet (unknown)')
  const value = raw.trim() === '' ? Number.NaN : Number(raw)
  if (!Number.isFinite(value)) return missing(`reads ${shown(raw)}, not a number`)
  const units = DIMENSION_UNITS[options.dimension]
  const reported = state.attributes.unit_of_measurement
  let unit: string
  if (typeof reported === 'string' && reported.trim() !== '') {
    const known = normaliseUnit(reported, units)
    if (known === null) {
      return missing(
        `reports ${shown(reported)}, not a unit of ${options.dimension === 'percent' ? 'charge (%)' : `${options.dimension} (${units.join(', ')})`}`,
      )
    }
    unit = known
  } else {
    unit = options.configuredUnit
  }
  if (options.maxAgeMs > 0) {
    const written = lastWrittenMs(state)
    if (written !== null && options.nowMs - written > options.maxAgeMs) {
      return missing(
        `is stale (not updated for more than ${Math.round(options.maxAgeMs / 1000)} s)`,
      )
    }
  }
  if (options.dimension === 'percent') {
    if (value < 0 || value > 100) return missing(`reads ${value} %, outside 0–100`)
    return { value, problem: null }
  }
  return { value: value * (FACTORS[unit.toLowerCase()] ?? 1), problem: null }
}
