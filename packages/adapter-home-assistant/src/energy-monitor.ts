import {
  type AdapterContext,
  type AdapterDefinition,
  DeviceError,
  type EnergyMonitorPort,
  type EnergyStateSnapshot,
  parseAdapterConfig,
} from '@edge-mining/domain'
import * as v from 'valibot'
import type { HomeAssistantClient } from './client'
import {
  energyUnitField,
  entityField,
  maxAgeField,
  optionalEntityField,
  powerUnitField,
} from './config'
import { HOME_ASSISTANT_SERVICE_TYPE, requireClient } from './external-service'
import { createProblemLog, readAll } from './problems'
import { type Dimension, type Reading, readNumber } from './units'

/** Upstream's `EnergyMonitorHomeAssistantConfig` (upstream-loop.md §11.5), every field honoured. */
export const HomeAssistantEnergyMonitorConfigSchema = v.strictObject({
  entity_production: optionalEntityField('Production (PV) power sensor, e.g. sensor.pv_power'),
  entity_consumption: entityField(
    'House consumption WITHOUT the miners, e.g. a template sensor sensor.house_consumption_without_miners',
  ),
  entity_grid: optionalEntityField('Grid power sensor'),
  entity_battery_soc: optionalEntityField('Battery state-of-charge sensor (%)'),
  entity_battery_power: optionalEntityField('Battery power sensor'),
  entity_battery_remaining_capacity: optionalEntityField('Battery stored-energy sensor'),
  unit_production: powerUnitField('Unit of the production sensor'),
  unit_consumption: powerUnitField('Unit of the consumption sensor'),
  unit_grid: powerUnitField('Unit of the grid sensor'),
  unit_battery_power: powerUnitField('Unit of the battery power sensor'),
  unit_battery_remaining_capacity: energyUnitField(
    'Unit of the battery stored-energy sensor',
    'Wh',
  ),
  grid_positive_export: v.optional(
    v.pipe(
      v.boolean('must be true or false'),
      v.description(
        'true when the grid sensor reads + while exporting (it is negated to + import)',
      ),
    ),
    false,
  ),
  battery_positive_charge: v.optional(
    v.pipe(
      v.boolean('must be true or false'),
      v.description(
        'true when the battery sensor reads + while charging; false when + means discharging',
      ),
    ),
    true,
  ),
  max_age_seconds: maxAgeField(120),
})
export type HomeAssistantEnergyMonitorConfig = v.InferOutput<
  typeof HomeAssistantEnergyMonitorConfigSchema
>
export type HomeAssistantEnergyMonitorConfigInput = v.InferInput<
  typeof HomeAssistantEnergyMonitorConfigSchema
>

/** W an inverter may report as negative production at night (its own standby draw), read as 0. */
const STANDBY_TOLERANCE_W = 100

type Part =
  | 'production'
  | 'consumption'
  | 'grid'
  | 'battery_soc'
  | 'battery_power'
  | 'battery_remaining_capacity'

interface Wanted {
  part: Part
  entity: string
  dimension: Dimension
  unit: string
}

/** Applies the sign conventions and the physical bounds of each part. */
function adjust(part: Part, reading: Reading, config: HomeAssistantEnergyMonitorConfig): Reading {
  if (reading.value === null) return reading
  const value = reading.value
  switch (part) {
    case 'production':
      if (value < -STANDBY_TOLERANCE_W) {
        return {
          value: null,
          problem: `reads ${value} W: production cannot be negative (wrong entity or sign?)`,
        }
      }
      return { value: Math.max(0, value), problem: null }
    case 'consumption':
      if (value < 0)
        return { value: null, problem: `reads ${value} W: consumption cannot be negative` }
      return reading
    case 'grid':
      return { value: config.grid_positive_export ? -value : value, problem: null }
    case 'battery_power':
      return { value: config.battery_positive_charge ? value : -value, problem: null }
    case 'battery_remaining_capacity':
      if (value < 0)
        return { value: null, problem: `reads ${value} Wh: stored energy cannot be negative` }
      return reading
    default:
      return reading
  }
}

/** Whole W and Wh (so a surplus reads 715 W, not 715.4000000000001 W); SOC to 0.1 %. */
const round = (part: Part, value: number | null) => {
  if (value === null) return null
  return part === 'battery_soc' ? Math.round(value * 10) / 10 : Math.round(value)
}

export interface HomeAssistantEnergyMonitor extends EnergyMonitorPort {
  readonly config: HomeAssistantEnergyMonitorConfig
  getCurrentEnergyState(): Promise<EnergyStateSnapshot>
  /** Entity → why its reading is missing, as of the last read (the context lists them). */
  missingReadings(): Record<string, string>
}

/**
 * Reads every configured entity in parallel, converts units, applies the sign conventions and
 * answers a snapshot in which each unreadable part is null (never 0). If HA itself cannot be
 * asked (down, wrong token, garbage) it throws the client's DeviceError; if no configured entity
 * gives a reading at all it throws `bad_response` naming each entity and why. A reading that
 * goes missing or comes back is logged once, not every cycle.
 */
export function createHomeAssistantEnergyMonitor(
  config: HomeAssistantEnergyMonitorConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger' | 'externalService'>,
): HomeAssistantEnergyMonitor {
  const parsed = parseAdapterConfig(HomeAssistantEnergyMonitorConfigSchema, config, {
    adapterType: HOME_ASSISTANT_SERVICE_TYPE,
  })
  const client: HomeAssistantClient = requireClient(context, 'home_assistant_api energy monitor')
  const wanted: Wanted[] = (
    [
      ['production', parsed.entity_production, 'power', parsed.unit_production],
      ['consumption', parsed.entity_consumption, 'power', parsed.unit_consumption],
      ['grid', parsed.entity_grid, 'power', parsed.unit_grid],
      ['battery_soc', parsed.entity_battery_soc, 'percent', '%'],
      ['battery_power', parsed.entity_battery_power, 'power', parsed.unit_battery_power],
      [
        'battery_remaining_capacity',
        parsed.entity_battery_remaining_capacity,
        'energy',
        parsed.unit_battery_remaining_capacity,
      ],
    ] as const
  )
    .filter(([, entity]) => entity !== '')
    .map(([part, entity, dimension, unit]) => ({ part, entity, dimension, unit }))
  const hasBattery = wanted.some((w) => w.part.startsWith('battery_'))
  const problems = createProblemLog(context.logger, 'Energy monitor')

  return {
    config: parsed,
    missingReadings: () => problems.current(),
    async getCurrentEnergyState(): Promise<EnergyStateSnapshot> {
      const nowMs = context.platform.now()
      const entities = [...new Set(wanted.map((w) => w.entity))]
      const states = await readAll(client, entities)
      const values: Partial<Record<Part, number | null>> = {}
      const seen: Record<string, string> = {}
      for (const item of wanted) {
        const reading = adjust(
          item.part,
          readNumber(states.get(item.entity) ?? null, {
            dimension: item.dimension,
            configuredUnit: item.unit,
            maxAgeMs: parsed.max_age_seconds * 1000,
            nowMs,
          }),
          parsed,
        )
        values[item.part] = reading.value
        if (reading.problem !== null) seen[item.entity] = reading.problem
      }
      problems.update(seen)
      if (wanted.every((item) => values[item.part] === null)) {
        throw new DeviceError(
          'bad_response',
          `Home Assistant: no configured entity has a reading — ${Object.entries(seen)
            .map(([entity, why]) => `${entity} ${why}`)
            .join('; ')}`,
        )
      }
      const value = (part: Part) => round(part, values[part] ?? null)
      return {
        production: value('production'),
        consumption: { current_power: value('consumption') },
        battery: hasBattery
          ? {
              state_of_charge: value('battery_soc'),
              remaining_capacity: value('battery_remaining_capacity'),
              current_power: value('battery_power'),
            }
          : null,
        grid: parsed.entity_grid === '' ? null : { current_power: value('grid') },
        external_source: null,
        timestamp: new Date(nowMs).toISOString(),
      }
    },
  }
}

/** The `home_assistant_api` energy monitor. */
export const homeAssistantEnergyMonitorDefinition: AdapterDefinition<'energy_monitor'> = {
  kind: 'energy_monitor',
  type: HOME_ASSISTANT_SERVICE_TYPE,
  label: 'Home Assistant (REST API)',
  configSchema: HomeAssistantEnergyMonitorConfigSchema,
  secretFields: [],
  externalServiceTypes: [HOME_ASSISTANT_SERVICE_TYPE],
  requiresExternalService: true,
  create: (config, context) =>
    createHomeAssistantEnergyMonitor(config as HomeAssistantEnergyMonitorConfigInput, context),
}
