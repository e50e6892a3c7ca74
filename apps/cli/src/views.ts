import type {
  EnergySource,
  MinerEntity,
  MinerFeature,
  MinerInfo,
  MinerLimits,
  MinerStateSnapshot,
  OptimizationUnit,
  SystemSettings,
} from '@edge-mining/domain'
import type { PolicyView, RuleView, UnitContext } from '@edge-mining/services'
import { formatHashrate, formatSats, renderPairs, renderTable } from './format'

/** How views name a referenced entity: `Name (id)`, or the bare id when it is gone. */
export type NameOf = (id: string | null) => string

const NONE = '—'
const watts = (value: number | null | undefined) =>
  value === null || value === undefined ? NONE : `${Math.round(value).toLocaleString('en-US')} W`
const number = (value: number | null | undefined, unit: string) =>
  value === null || value === undefined
    ? NONE
    : `${Math.round(value * 100) / 100}${unit ? ` ${unit}` : ''}`
const yesNo = (value: boolean) => (value ? 'yes' : 'no')

export function renderMiners(miners: readonly MinerEntity[]): string {
  if (miners.length === 0) return 'No miners configured.'
  return renderTable(miners, [
    { header: 'ID', value: (miner) => miner.id },
    { header: 'Name', value: (miner) => miner.name },
    { header: 'Model', value: (miner) => miner.model ?? NONE },
    { header: 'Active', value: (miner) => yesNo(miner.active) },
    {
      header: 'Max hash rate',
      value: (miner) => formatHashrate(miner.hash_rate_max),
      align: 'right',
    },
    { header: 'Max power', value: (miner) => watts(miner.power_consumption_max), align: 'right' },
    {
      header: 'Controllers',
      value: (miner) => String(miner.controller_ids.length),
      align: 'right',
    },
  ])
}

export function renderMinerDetails(miner: MinerEntity, nameOf: NameOf): string {
  return renderPairs([
    ['Name', miner.name],
    ['ID', miner.id],
    ['Model', miner.model ?? NONE],
    ['Active', yesNo(miner.active)],
    ['Max hash rate', formatHashrate(miner.hash_rate_max)],
    ['Max power', watts(miner.power_consumption_max)],
    ['Pool worker', miner.pool_worker_name ?? NONE],
    ['Controllers', miner.controller_ids.map(nameOf).join(', ') || NONE],
  ])
}

/** A miner's features; `serving` marks the one each feature type is taken from. */
export function renderFeatures(
  features: readonly MinerFeature[],
  serving: (feature: MinerFeature) => boolean,
  nameOf: NameOf,
): string {
  if (features.length === 0) return 'No features: attach a controller with set-controller.'
  return renderTable(features, [
    { header: 'Feature', value: (feature) => feature.feature_type },
    { header: 'Controller', value: (feature) => nameOf(feature.controller_id) },
    { header: 'Priority', value: (feature) => String(feature.priority), align: 'right' },
    { header: 'Enabled', value: (feature) => yesNo(feature.enabled) },
    { header: 'Serving', value: (feature) => (serving(feature) ? '*' : '') },
  ])
}

export function renderMinerState(state: MinerStateSnapshot): string {
  const lines = [
    renderPairs([
      ['Status', state.status],
      ['Hash rate', formatHashrate(state.hash_rate)],
      ['Power', watts(state.power_consumption)],
      ['Inlet temperature', number(state.inlet_temperature, '°C')],
      ['Outlet temperature', number(state.outlet_temperature, '°C')],
      ['Hottest chip', number(state.max_chip_temperature, '°C')],
      ['Hashboards', String(state.hashboards.length)],
      ['Uptime', number(state.system_uptime, 's')],
      ['Read at', state.timestamp],
    ]),
  ]
  for (const error of state.errors)
    lines.push(`! ${error.feature}: ${error.code}: ${error.message}`)
  return lines.join('\n')
}

export function renderMinerInfo(info: MinerInfo | null): string {
  if (!info) return 'No controller of this miner reports device information.'
  return renderPairs([
    ['Model', info.model ?? NONE],
    ['Manufacturer', info.manufacturer ?? NONE],
    ['Serial number', info.serial_number ?? NONE],
    ['MAC address', info.mac_address ?? NONE],
    ['Host name', info.hostname ?? NONE],
    ['Firmware', info.firmware_version ?? NONE],
  ])
}

export function renderMinerLimits(limits: MinerLimits): string {
  return renderPairs([
    ['Max power', watts(limits.max_power)],
    ['Max hash rate', formatHashrate(limits.max_hashrate)],
  ])
}

export function renderEnergySources(sources: readonly EnergySource[]): string {
  if (sources.length === 0) return 'No energy sources configured.'
  return renderTable(sources, [
    { header: 'ID', value: (source) => source.id },
    { header: 'Name', value: (source) => source.name },
    { header: 'Type', value: (source) => source.type },
    { header: 'Peak', value: (source) => watts(source.nominal_power_max), align: 'right' },
    { header: 'Monitor', value: (source) => (source.energy_monitor_id ? 'yes' : 'no') },
    { header: 'Forecast', value: (source) => (source.forecast_provider_id ? 'yes' : 'no') },
  ])
}

export function renderEnergySourceDetails(source: EnergySource, nameOf: NameOf): string {
  return renderPairs([
    ['Name', source.name],
    ['ID', source.id],
    ['Type', source.type],
    ['Nominal peak power', watts(source.nominal_power_max)],
    [
      'Battery capacity',
      source.storage ? `${source.storage.nominal_capacity.toLocaleString('en-US')} Wh` : NONE,
    ],
    ['Grid contracted power', watts(source.grid?.contracted_power)],
    ['External source', watts(source.external_source)],
    ['Energy monitor', nameOf(source.energy_monitor_id)],
    ['Forecast provider', nameOf(source.forecast_provider_id)],
  ])
}

export function renderPolicies(policies: readonly PolicyView[]): string {
  if (policies.length === 0) return 'No policies.'
  return renderTable(policies, [
    { header: 'ID', value: (policy) => policy.id },
    { header: 'Name', value: (policy) => policy.name },
    { header: 'Valid', value: (policy) => yesNo(policy.valid) },
    { header: 'Start rules', value: (policy) => String(policy.start_rules.length), align: 'right' },
    { header: 'Stop rules', value: (policy) => String(policy.stop_rules.length), align: 'right' },
  ])
}

export function renderRules(rules: readonly (RuleView & { rule_type?: string })[]): string {
  if (rules.length === 0) return 'No rules.'
  return renderTable(rules, [
    ...(rules.some((rule) => rule.rule_type)
      ? [
          {
            header: 'Type',
            value: (rule: RuleView & { rule_type?: string }) => rule.rule_type ?? '',
          },
        ]
      : []),
    { header: 'Priority', value: (rule) => String(rule.priority), align: 'right' },
    { header: 'Name', value: (rule) => rule.name },
    { header: 'Enabled', value: (rule) => yesNo(rule.enabled) },
    { header: 'For', value: (rule) => (rule.for_seconds ? `${rule.for_seconds} s` : '') },
    { header: 'ID', value: (rule) => rule.id },
  ])
}

export function renderPolicyDetails(policy: PolicyView): string {
  const lines = [
    renderPairs([
      ['Name', policy.name],
      ['ID', policy.id],
      ['Description', policy.description ?? NONE],
      ['Valid', yesNo(policy.valid)],
      ['Modified', policy.modified_at],
    ]),
    '',
    'Start rules',
    renderRules(policy.start_rules),
    '',
    'Stop rules',
    renderRules(policy.stop_rules),
  ]
  for (const issue of policy.issues) {
    lines.push(
      `! ${issue.severity}: ${issue.message}${issue.line === null ? '' : ` (line ${issue.line})`}`,
    )
  }
  return lines.join('\n')
}

export function renderUnits(units: readonly OptimizationUnit[], nameOf: NameOf): string {
  if (units.length === 0) return 'No optimization units configured.'
  return renderTable(units, [
    { header: 'ID', value: (unit) => unit.id },
    { header: 'Name', value: (unit) => unit.name },
    { header: 'Enabled', value: (unit) => yesNo(unit.is_enabled) },
    { header: 'Policy', value: (unit) => nameOf(unit.policy_id) },
    { header: 'Miners', value: (unit) => String(unit.target_miner_ids.length), align: 'right' },
  ])
}

export function renderUnitDetails(unit: OptimizationUnit, nameOf: NameOf): string {
  return renderPairs([
    ['Name', unit.name],
    ['ID', unit.id],
    ['Description', unit.description ?? NONE],
    ['Enabled', yesNo(unit.is_enabled)],
    ['Policy', nameOf(unit.policy_id)],
    ['Energy source', nameOf(unit.energy_source_id)],
    ['Miners', unit.target_miner_ids.map(nameOf).join(', ') || NONE],
    ['Tracker', nameOf(unit.performance_tracker_id)],
    ['Notifiers', unit.notifier_ids.map(nameOf).join(', ') || NONE],
    ['Minimum on', `${unit.min_on_seconds} s`],
    ['Minimum off', `${unit.min_off_seconds} s`],
  ])
}

export function renderSettings(settings: SystemSettings): string {
  return renderPairs([
    ['Time zone', settings.timezone],
    ['Latitude', String(settings.latitude)],
    ['Longitude', String(settings.longitude)],
    ['Loop interval', `${settings.scheduler_interval_seconds} s`],
  ])
}

/** A signed power as words: `charging 200 W`, `exporting 2,000 W` (sign conventions of DESIGN.md). */
function flow(power: number | null | undefined, positive: string, negative: string): string {
  if (power === null || power === undefined) return NONE
  return `${power < 0 ? negative : positive} ${watts(Math.abs(power))}`
}

const two = (value: number) => String(value).padStart(2, '0')

/** `2026-12-01 21:23 Europe/Rome`: the instant as rules see it. */
function localTime(timestamp: NonNullable<UnitContext['timestamp']>): string {
  const { year, month, day, hour, minute, time_zone } = timestamp
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)} ${time_zone}`
}

/** The decisional context at a glance; every missing part says why. */
export function renderContext(context: UnitContext): string {
  const energy = context.energy_state
  const battery = energy?.battery
  const grid = energy?.grid
  const pool = context.mining_performance
  const lines = [
    renderPairs([
      [
        'Energy source',
        context.energy_source
          ? `${context.energy_source.name ?? NONE} (${context.energy_source.type ?? NONE})`
          : NONE,
      ],
      ['Production', energy ? watts(energy.production) : NONE],
      ['Consumption', energy ? watts(energy.consumption?.current_power) : NONE],
      [
        'Battery',
        battery
          ? `${number(battery.state_of_charge, '%')}, ${flow(battery.current_power, 'charging', 'discharging')}`
          : NONE,
      ],
      ['Grid', grid ? flow(grid.current_power, 'importing', 'exporting') : NONE],
      ['Forecast next hour', watts(context.forecast?.next_hour_power)],
      [
        'Miner',
        context.miner
          ? `${context.miner.name ?? NONE}: ${context.miner_state?.status ?? NONE}, ${formatHashrate(context.miner_state?.hash_rate)}, ${watts(context.miner_state?.power_consumption)}`
          : NONE,
      ],
      [
        'Pool',
        pool
          ? `${formatHashrate(pool.current_hashrate)}, unpaid ${formatSats(pool.pool_stats?.unpaid_balance)}`
          : NONE,
      ],
      [
        'Sun',
        context.sun
          ? `elevation ${number(context.sun.elevation, '°')}${context.sun.is_daylight ? ', daylight' : ''}`
          : NONE,
      ],
      ['Time', context.timestamp ? localTime(context.timestamp) : NONE],
    ]),
  ]
  for (const error of context.errors) lines.push(`! ${error.part}: ${error.code}: ${error.message}`)
  return lines.join('\n')
}
