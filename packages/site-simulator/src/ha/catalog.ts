import type { SiteModel, StepReading } from '../model/site.ts'
import { expectedPvEnergy, expectedPvPower, sunAzimuth, sunElevation } from '../model/solar.ts'
import {
  type EnergyUnit,
  formatEnergy,
  formatNumber,
  formatPower,
  type PowerUnit,
} from './format.ts'

const HOUR_MS = 3_600_000

/**
 * One sensor the fake HA keeps: what it is called, its attributes, how often its integration
 * writes it, and its value from the model at a step. A value of null writes `unknown`.
 */
export interface SensorSpec {
  entity_id: string
  friendly_name: string
  unit_of_measurement?: string
  device_class?: string
  state_class?: 'measurement' | 'total' | 'total_increasing'
  /** Extra attributes written with every value, from the same step. */
  attributes?: (reading: StepReading) => Record<string, unknown>
  /** Seconds between writes (HA integrations poll; values between writes do not exist). */
  updateSeconds: number
  value(reading: StepReading): string | null
}

export interface SensorConventions {
  powerUnit: PowerUnit
  energyUnit: EnergyUnit
  /** `import_positive`: + importing (Edge Mining's own convention). */
  gridSign: 'import_positive' | 'export_positive'
  /** `charge_positive`: + charging (Edge Mining's own convention). */
  batterySign: 'charge_positive' | 'discharge_positive'
  /** Seconds between writes of the power sensors. */
  updateSeconds: number
}

/** The entity ids of the site's sensors (what a user picks in the adapter configs). */
export const SITE_ENTITIES = {
  pvPower: 'sensor.pv_power',
  houseConsumption: 'sensor.house_consumption',
  houseConsumptionWithoutMiners: 'sensor.house_consumption_without_miners',
  gridPower: 'sensor.grid_power',
  batterySoc: 'sensor.battery_soc',
  batteryPower: 'sensor.battery_power',
  batteryStoredEnergy: 'sensor.battery_stored_energy',
  pvEnergyToday: 'sensor.pv_energy_today',
  sun: 'sun.sun',
} as const

/** Forecast.Solar's sensors (its integration's entity ids with the default names). */
export const FORECAST_ENTITIES = {
  powerNow: 'sensor.power_production_now',
  powerNextHour: 'sensor.power_production_next_hour',
  powerNext12Hours: 'sensor.power_production_next_12hours',
  powerNext24Hours: 'sensor.power_production_next_24hours',
  energyCurrentHour: 'sensor.energy_current_hour',
  energyNextHour: 'sensor.energy_next_hour',
  energyToday: 'sensor.energy_production_today',
  energyTomorrow: 'sensor.energy_production_tomorrow',
  energyRemainingToday: 'sensor.energy_production_today_remaining',
} as const

function powerSensor(
  entity_id: string,
  friendly_name: string,
  conventions: SensorConventions,
  watts: (reading: StepReading) => number | null,
  unit: PowerUnit = conventions.powerUnit,
): SensorSpec {
  return {
    entity_id,
    friendly_name,
    unit_of_measurement: unit,
    device_class: 'power',
    state_class: 'measurement',
    updateSeconds: conventions.updateSeconds,
    value: (reading) => {
      const value = watts(reading)
      return value === null ? null : formatPower(value, unit)
    },
  }
}

/** The site's own sensors: PV, house, grid, battery, the day's PV energy, and `sun.sun`. */
export function siteSensors(model: SiteModel, conventions: SensorConventions): SensorSpec[] {
  const gridSign = conventions.gridSign === 'import_positive' ? 1 : -1
  const batterySign = conventions.batterySign === 'charge_positive' ? 1 : -1
  const sensors: SensorSpec[] = [
    powerSensor(SITE_ENTITIES.pvPower, 'PV power', conventions, (r) => r.pv),
    powerSensor(
      SITE_ENTITIES.houseConsumption,
      'House consumption',
      conventions,
      (r) => r.consumption,
    ),
    powerSensor(
      SITE_ENTITIES.houseConsumptionWithoutMiners,
      'House consumption without miners',
      conventions,
      (r) => r.consumption - r.miners,
    ),
    powerSensor(SITE_ENTITIES.gridPower, 'Grid power', conventions, (r) => gridSign * r.grid),
  ]
  if (model.battery) {
    sensors.push(
      {
        entity_id: SITE_ENTITIES.batterySoc,
        friendly_name: 'Battery state of charge',
        unit_of_measurement: '%',
        device_class: 'battery',
        state_class: 'measurement',
        updateSeconds: Math.max(conventions.updateSeconds, 30),
        value: (r) => (r.soc === null ? null : formatNumber(r.soc, 1)),
      },
      powerSensor(
        SITE_ENTITIES.batteryPower,
        'Battery power',
        conventions,
        (r) => batterySign * r.battery,
      ),
      {
        entity_id: SITE_ENTITIES.batteryStoredEnergy,
        friendly_name: 'Battery stored energy',
        unit_of_measurement: conventions.energyUnit,
        device_class: 'energy_storage',
        state_class: 'measurement',
        updateSeconds: Math.max(conventions.updateSeconds, 30),
        value: (r) =>
          r.storedWh === null ? null : formatEnergy(r.storedWh, conventions.energyUnit),
      },
    )
  }
  // The day's PV energy, integrated step by step and reset at local midnight.
  let day = ''
  let todayWh = 0
  sensors.push({
    entity_id: SITE_ENTITIES.pvEnergyToday,
    friendly_name: 'PV energy today',
    unit_of_measurement: conventions.energyUnit,
    device_class: 'energy',
    state_class: 'total_increasing',
    updateSeconds: 60,
    value: () => formatEnergy(todayWh, conventions.energyUnit),
  })
  model.onStep((reading) => {
    const date = model.localTime(reading.at - 1).date
    if (date !== day) {
      day = date
      todayWh = 0
    }
    todayWh += (reading.pv * model.stepMs) / HOUR_MS
  })
  sensors.push({
    entity_id: SITE_ENTITIES.sun,
    friendly_name: 'Sun',
    updateSeconds: 60,
    attributes: (r) => sunAttributes(model, r.at),
    value: (r) => (sunElevation(r.at, model.location) > -0.833 ? 'above_horizon' : 'below_horizon'),
  })
  return sensors
}

/** Attributes of `sun.sun` at an instant (written with its state). */
export function sunAttributes(model: SiteModel, at: number): Record<string, unknown> {
  const elevation = sunElevation(at, model.location)
  const later = sunElevation(at + 60_000, model.location)
  return {
    elevation: Math.round(elevation * 100) / 100,
    azimuth: Math.round(sunAzimuth(at, model.location) * 100) / 100,
    rising: later > elevation,
  }
}

/**
 * Forecast.Solar's nine sensors, from the model's expected (mean-cloud) production: powers in W,
 * energies in kWh (as the integration reports them), refreshed every 5 minutes.
 */
export function forecastSensors(model: SiteModel): SensorSpec[] {
  const peak = model.pvPeakW
  const expected = (at: number) => expectedPvPower(peak, model.location, model.weather(), at)
  const energy = (from: number, to: number) =>
    expectedPvEnergy(peak, model.location, model.weather(), from, to)
  const hourStart = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS
  const dayBounds = (at: number) => {
    const start = model.localTime(at).dayStartMs
    const next = model.localTime(start + 26 * HOUR_MS).dayStartMs
    const after = model.localTime(next + 26 * HOUR_MS).dayStartMs
    return { start, next, after }
  }
  const power = (entity_id: string, name: string, offsetMs: number): SensorSpec => ({
    entity_id,
    friendly_name: name,
    unit_of_measurement: 'W',
    device_class: 'power',
    updateSeconds: 300,
    value: (r) => formatNumber(expected(r.at + offsetMs), 0),
  })
  const kwh = (entity_id: string, name: string, wh: (at: number) => number): SensorSpec => ({
    entity_id,
    friendly_name: name,
    unit_of_measurement: 'kWh',
    device_class: 'energy',
    updateSeconds: 300,
    value: (r) => formatNumber(wh(r.at) / 1000, 3),
  })
  return [
    power(FORECAST_ENTITIES.powerNow, 'Estimated power production - now', 0),
    power(FORECAST_ENTITIES.powerNextHour, 'Estimated power production - next hour', HOUR_MS),
    power(
      FORECAST_ENTITIES.powerNext12Hours,
      'Estimated power production - next 12 hours',
      12 * HOUR_MS,
    ),
    power(
      FORECAST_ENTITIES.powerNext24Hours,
      'Estimated power production - next 24 hours',
      24 * HOUR_MS,
    ),
    kwh(FORECAST_ENTITIES.energyCurrentHour, 'Estimated energy production - this hour', (at) =>
      energy(hourStart(at), hourStart(at) + HOUR_MS),
    ),
    kwh(FORECAST_ENTITIES.energyNextHour, 'Estimated energy production - next hour', (at) =>
      energy(hourStart(at) + HOUR_MS, hourStart(at) + 2 * HOUR_MS),
    ),
    kwh(FORECAST_ENTITIES.energyToday, 'Estimated energy production - today', (at) => {
      const { start, next } = dayBounds(at)
      return energy(start, next)
    }),
    kwh(
      FORECAST_ENTITIES.energyRemainingToday,
      'Estimated energy production - remaining today',
      (at) => energy(at, dayBounds(at).next),
    ),
    kwh(FORECAST_ENTITIES.energyTomorrow, 'Estimated energy production - tomorrow', (at) => {
      const { next, after } = dayBounds(at)
      return energy(next, after)
    }),
  ]
}
