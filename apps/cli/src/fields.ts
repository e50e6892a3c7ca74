import {
  DEFAULT_MIN_OFF_SECONDS,
  DEFAULT_MIN_ON_SECONDS,
  ENERGY_SOURCE_TYPES,
} from '@edge-mining/domain'
import type { ArgsDef } from 'citty'
import type { ReferenceKind } from './find'

/**
 * A fixed field of an entity that is not an adapter (miners, energy sources, units, settings):
 * one description drives its `--flag`, its parsing, the menu's question and the naming of the
 * flag in a service's error.
 */
export interface FieldSpec {
  /** Key of the service's input; a dotted key nests (`storage.nominal_capacity`). */
  key: string
  flag: string
  /** The menu's question and the flag's description. */
  label: string
  type: 'text' | 'number' | 'integer' | 'choice' | 'reference' | 'references'
  /** What a number means, for messages: "a number of TH/s". */
  expected?: string
  /** `choice`: the allowed values. */
  choices?: readonly string[]
  /** `reference(s)`: the kind of entity named. */
  refers?: ReferenceKind
  /** Asked by the menu when adding (the rest keep their defaults unless updating). */
  ask?: boolean
  /** What the service uses when it is not given, shown in the menu's brackets when adding. */
  default?: string
}

export const MINER_FIELDS: readonly FieldSpec[] = [
  { key: 'name', flag: 'name', label: 'Name of the miner', type: 'text', ask: true },
  { key: 'model', flag: 'model', label: 'Model', type: 'text', ask: true },
  {
    key: 'hash_rate_max',
    flag: 'hash-rate-max',
    label: 'Maximum hash rate (TH/s)',
    type: 'number',
    expected: 'a number of TH/s',
    ask: true,
  },
  {
    key: 'power_consumption_max',
    flag: 'power-consumption-max',
    label: 'Maximum power consumption (W)',
    type: 'number',
    expected: 'a number of watts',
    ask: true,
  },
  {
    key: 'pool_worker_name',
    flag: 'pool-worker-name',
    label: 'Pool worker name (as the pool reports it)',
    type: 'text',
    ask: true,
  },
]

export const ENERGY_SOURCE_FIELDS: readonly FieldSpec[] = [
  { key: 'name', flag: 'name', label: 'Name of the energy source', type: 'text', ask: true },
  {
    key: 'type',
    flag: 'type',
    label: 'Type',
    type: 'choice',
    choices: ENERGY_SOURCE_TYPES,
    ask: true,
    default: 'solar',
  },
  {
    key: 'nominal_power_max',
    flag: 'nominal-power-max',
    label: 'Nominal peak power (W)',
    type: 'number',
    expected: 'a number of watts',
    ask: true,
  },
  {
    key: 'storage.nominal_capacity',
    flag: 'storage-capacity',
    label: 'Battery capacity (Wh, none for no battery)',
    type: 'number',
    expected: 'a capacity in Wh',
    ask: true,
  },
  {
    key: 'grid.contracted_power',
    flag: 'grid-contracted-power',
    label: 'Grid contracted power (W, none for no grid)',
    type: 'number',
    expected: 'a number of watts',
    ask: true,
  },
  {
    key: 'external_source',
    flag: 'external-source',
    label: 'External source power (W)',
    type: 'number',
    expected: 'a number of watts',
  },
  {
    key: 'energy_monitor_id',
    flag: 'energy-monitor',
    label: 'Energy monitor',
    type: 'reference',
    refers: 'energy_monitor',
    ask: true,
  },
  {
    key: 'forecast_provider_id',
    flag: 'forecast-provider',
    label: 'Forecast provider',
    type: 'reference',
    refers: 'forecast_provider',
    ask: true,
  },
]

export const UNIT_FIELDS: readonly FieldSpec[] = [
  { key: 'name', flag: 'name', label: 'Name of the unit', type: 'text', ask: true },
  { key: 'description', flag: 'description', label: 'Description', type: 'text', ask: true },
  {
    key: 'energy_source_id',
    flag: 'energy-source',
    label: 'Energy source',
    type: 'reference',
    refers: 'energy_source',
    ask: true,
  },
  {
    key: 'policy_id',
    flag: 'policy',
    label: 'Policy',
    type: 'reference',
    refers: 'policy',
    ask: true,
  },
  {
    key: 'target_miner_ids',
    flag: 'miner',
    label: 'Miners',
    type: 'references',
    refers: 'miner',
    ask: true,
  },
  {
    key: 'performance_tracker_id',
    flag: 'tracker',
    label: 'Mining performance tracker',
    type: 'reference',
    refers: 'mining_performance_tracker',
    ask: true,
  },
  {
    key: 'notifier_ids',
    flag: 'notifier',
    label: 'Notifiers',
    type: 'references',
    refers: 'notifier',
    ask: true,
  },
  {
    key: 'min_on_seconds',
    flag: 'min-on-seconds',
    label: 'Minimum time on before stopping (s)',
    type: 'integer',
    expected: 'a whole number of seconds',
    ask: true,
    default: String(DEFAULT_MIN_ON_SECONDS),
  },
  {
    key: 'min_off_seconds',
    flag: 'min-off-seconds',
    label: 'Minimum time off before starting (s)',
    type: 'integer',
    expected: 'a whole number of seconds',
    ask: true,
    default: String(DEFAULT_MIN_OFF_SECONDS),
  },
]

export const SETTINGS_FIELDS: readonly FieldSpec[] = [
  {
    key: 'timezone',
    flag: 'timezone',
    label: 'Time zone (IANA, e.g. Europe/Rome)',
    type: 'text',
    ask: true,
  },
  {
    key: 'latitude',
    flag: 'latitude',
    label: 'Latitude (degrees)',
    type: 'number',
    expected: 'a number of degrees',
    ask: true,
  },
  {
    key: 'longitude',
    flag: 'longitude',
    label: 'Longitude (degrees)',
    type: 'number',
    expected: 'a number of degrees',
    ask: true,
  },
  {
    key: 'scheduler_interval_seconds',
    flag: 'scheduler-interval-seconds',
    label: 'Decision loop interval (s)',
    type: 'integer',
    expected: 'a whole number of seconds',
    ask: true,
  },
]

function flagDescription(field: FieldSpec, updating: boolean): string {
  const clears = updating && field.key !== 'name' && field.type !== 'text' ? '; none clears it' : ''
  if (field.type === 'choice') return `${field.label}: ${field.choices?.join(', ')}`
  if (field.type === 'reference') return `${field.label}: id, id prefix or name${clears}`
  if (field.type === 'references') {
    return `${field.label}: id, id prefix or name; repeat the flag for several${updating ? ' (replaces the list)' : ''}`
  }
  return `${field.label}${clears}`
}

/** One string flag per field (`updating`: the descriptions say how to clear a value). */
export function fieldArgs(fields: readonly FieldSpec[], updating = false): ArgsDef {
  const args: ArgsDef = {}
  for (const field of fields) {
    args[field.flag] = {
      type: 'string',
      description: flagDescription(field, updating),
      valueHint: field.type === 'reference' || field.type === 'references' ? 'ID' : 'value',
    }
  }
  return args
}
