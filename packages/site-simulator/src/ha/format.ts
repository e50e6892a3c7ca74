export type PowerUnit = 'W' | 'kW'
export type EnergyUnit = 'Wh' | 'kWh'

/** A number as HA sensors print it: fixed decimals, no trailing zeros, never `-0`. */
export function formatNumber(value: number, decimals: number): string {
  const factor = 10 ** decimals
  const rounded = Math.round(value * factor) / factor
  return String(Object.is(rounded, -0) ? 0 : rounded)
}

/** W in the sensor's unit: `1834.2` W or `1.834` kW. */
export function formatPower(watts: number, unit: PowerUnit): string {
  return unit === 'kW' ? formatNumber(watts / 1000, 3) : formatNumber(watts, 1)
}

/** Wh in the sensor's unit: `1834` Wh or `1.834` kWh. */
export function formatEnergy(wattHours: number, unit: EnergyUnit): string {
  return unit === 'kWh' ? formatNumber(wattHours / 1000, 3) : formatNumber(wattHours, 0)
}

/** `garage S21` → `garage_s21`: an HA object id. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  return slug || 'unnamed'
}

/** HA's entity id format: `<domain>.<object_id>`, lower-case letters, digits and `_`. */
export const ENTITY_ID_PATTERN = /^[a-z0-9_]+\.[a-z0-9_]+$/
