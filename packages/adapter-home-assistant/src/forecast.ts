import {
  type AdapterContext,
  type AdapterDefinition,
  type ForecastInterval,
  type ForecastProviderPort,
  type ForecastSnapshot,
  parseAdapterConfig,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { energyUnitField, maxAgeField, optionalEntityField, powerUnitField } from './config'
import { HOME_ASSISTANT_SERVICE_TYPE, requireClient } from './external-service'
import { createProblemLog, readAll } from './problems'
import { type Dimension, readNumber } from './units'

/**
 * Upstream's `ForecastProviderHomeAssistantConfig`: nine optional entities, each with a unit —
 * e.g. Forecast.Solar's `sensor.power_production_now`, `…_next_hour`, `…_next_12hours`,
 * `…_next_24hours`, `sensor.energy_current_hour`, `sensor.energy_next_hour`,
 * `sensor.energy_production_today`, `…_tomorrow`, `…_today_remaining` (or Solcast's).
 */
export const HomeAssistantForecastConfigSchema = v.strictObject({
  entity_forecast_power_actual_h: optionalEntityField(
    'Power forecast for now, e.g. sensor.power_production_now',
  ),
  entity_forecast_power_next_1h: optionalEntityField(
    'Power forecast in one hour, e.g. sensor.power_production_next_hour',
  ),
  entity_forecast_power_next_12h: optionalEntityField(
    'Power forecast in 12 hours, e.g. sensor.power_production_next_12hours',
  ),
  entity_forecast_power_next_24h: optionalEntityField(
    'Power forecast in 24 hours, e.g. sensor.power_production_next_24hours',
  ),
  entity_forecast_energy_actual_h: optionalEntityField(
    'Energy forecast for this hour, e.g. sensor.energy_current_hour',
  ),
  entity_forecast_energy_next_1h: optionalEntityField(
    'Energy forecast for the next hour, e.g. sensor.energy_next_hour',
  ),
  entity_forecast_energy_today: optionalEntityField(
    "Energy forecast for today (accepted for upstream's configs; the context has no use for it)",
  ),
  entity_forecast_energy_tomorrow: optionalEntityField(
    'Energy forecast for tomorrow, e.g. sensor.energy_production_tomorrow',
  ),
  entity_forecast_energy_remaining_today: optionalEntityField(
    'Energy still to come today, e.g. sensor.energy_production_today_remaining',
  ),
  unit_forecast_power_actual_h: powerUnitField('Unit of the power-now forecast'),
  unit_forecast_power_next_1h: powerUnitField('Unit of the next-hour power forecast'),
  unit_forecast_power_next_12h: powerUnitField('Unit of the 12-hour power forecast'),
  unit_forecast_power_next_24h: powerUnitField('Unit of the 24-hour power forecast'),
  unit_forecast_energy_actual_h: energyUnitField('Unit of the this-hour energy forecast'),
  unit_forecast_energy_next_1h: energyUnitField('Unit of the next-hour energy forecast'),
  unit_forecast_energy_today: energyUnitField('Unit of the today energy forecast'),
  unit_forecast_energy_tomorrow: energyUnitField('Unit of the tomorrow energy forecast'),
  unit_forecast_energy_remaining_today: energyUnitField(
    'Unit of the remaining-today energy forecast',
  ),
  max_age_seconds: maxAgeField(10_800),
})
export type HomeAssistantForecastConfig = v.InferOutput<typeof HomeAssistantForecastConfigSchema>
export type HomeAssistantForecastConfigInput = v.InferInput<
  typeof HomeAssistantForecastConfigSchema
>

const HOUR_MS = 3_600_000
const HALF_HOUR_MS = HOUR_MS / 2

type Key =
  | 'power_actual_h'
  | 'power_next_1h'
  | 'power_next_12h'
  | 'power_next_24h'
  | 'energy_actual_h'
  | 'energy_next_1h'
  | 'energy_tomorrow'
  | 'energy_remaining_today'

const KEYS: readonly Key[] = [
  'power_actual_h',
  'power_next_1h',
  'power_next_12h',
  'power_next_24h',
  'energy_actual_h',
  'energy_next_1h',
  'energy_tomorrow',
  'energy_remaining_today',
]

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Reads the configured forecast entities in parallel into the context's `forecast` part. A
 * power forecast for an instant t (now, +1 h, +12 h, +24 h) stands for [t − 30 min, t + 30 min)
 * (now: [now, now + 30 min)), so `next_hour_power` averages "now" and "in one hour"; the hour
 * energies fill the current and next clock hours. Unreadable entities are left out (never 0);
 * with none readable the answer is null ("no forecast"). HA down throws the client's error.
 */
export function createHomeAssistantForecast(
  config: HomeAssistantForecastConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger' | 'externalService'>,
): ForecastProviderPort & { readonly config: HomeAssistantForecastConfig } {
  const parsed = parseAdapterConfig(HomeAssistantForecastConfigSchema, config, {
    adapterType: HOME_ASSISTANT_SERVICE_TYPE,
  })
  const client = requireClient(context, 'home_assistant_api forecast provider')
  const problems = createProblemLog(context.logger, 'Forecast provider')
  const wanted = KEYS.map((key) => ({
    key,
    entity: parsed[`entity_forecast_${key}`],
    unit: parsed[`unit_forecast_${key}`],
    dimension: (key.startsWith('power') ? 'power' : 'energy') as Dimension,
  })).filter((item) => item.entity !== '')

  return {
    config: parsed,
    async getForecast(): Promise<ForecastSnapshot | null> {
      if (wanted.length === 0) return null
      const nowMs = context.platform.now()
      const entities = [...new Set(wanted.map((item) => item.entity))]
      const states = await readAll(client, entities)
      const values: Partial<Record<Key, number>> = {}
      const seen: Record<string, string> = {}
      for (const item of wanted) {
        const reading = readNumber(states.get(item.entity) ?? null, {
          dimension: item.dimension,
          configuredUnit: item.unit,
          maxAgeMs: parsed.max_age_seconds * 1000,
          nowMs,
        })
        if (reading.value !== null && reading.value < 0) {
          seen[item.entity] = `reads ${reading.value}: a forecast cannot be negative`
        } else if (reading.value !== null) values[item.key] = Math.round(reading.value)
        else seen[item.entity] = reading.problem
      }
      problems.update(seen)
      if (Object.keys(values).length === 0) return null
      const intervals: ForecastInterval[] = []
      const power = (key: Key, from: number, to: number) => {
        const value = values[key]
        if (value !== undefined)
          intervals.push({ start: iso(from), end: iso(to), power: value, energy: null })
      }
      power('power_actual_h', nowMs, nowMs + HALF_HOUR_MS)
      power('power_next_1h', nowMs + HALF_HOUR_MS, nowMs + HOUR_MS + HALF_HOUR_MS)
      power(
        'power_next_12h',
        nowMs + 12 * HOUR_MS - HALF_HOUR_MS,
        nowMs + 12 * HOUR_MS + HALF_HOUR_MS,
      )
      power(
        'power_next_24h',
        nowMs + 24 * HOUR_MS - HALF_HOUR_MS,
        nowMs + 24 * HOUR_MS + HALF_HOUR_MS,
      )
      const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS
      const energy = (key: Key, from: number) => {
        const value = values[key]
        if (value !== undefined)
          intervals.push({ start: iso(from), end: iso(from + HOUR_MS), power: null, energy: value })
      }
      energy('energy_actual_h', hour)
      energy('energy_next_1h', hour + HOUR_MS)
      intervals.sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      return {
        timestamp: iso(nowMs),
        intervals,
        energy_remaining_today: values.energy_remaining_today ?? null,
        energy_tomorrow: values.energy_tomorrow ?? null,
      }
    },
  }
}

/** The `home_assistant_api` forecast provider. */
export const homeAssistantForecastDefinition: AdapterDefinition<'forecast_provider'> = {
  kind: 'forecast_provider',
  type: HOME_ASSISTANT_SERVICE_TYPE,
  label: 'Home Assistant (forecast sensors)',
  configSchema: HomeAssistantForecastConfigSchema,
  secretFields: [],
  externalServiceTypes: [HOME_ASSISTANT_SERVICE_TYPE],
  requiresExternalService: true,
  create: (config, context) =>
    createHomeAssistantForecast(config as HomeAssistantForecastConfigInput, context),
}
