import type { AdapterKind } from '@edge-mining/domain'

/**
 * One command group per adapter kind, all generated from this table: the same subcommands,
 * config flags and wizard (from each adapter's JSON Schema), the words the messages and menus
 * use, plus the kind's own extra commands.
 */
export interface AdapterGroup {
  /** The command group, e.g. `energy-monitors`. */
  command: string
  kind: AdapterKind
  /** "Energy monitor": how messages name one. */
  label: string
  /** "energy monitors": how usage messages name several (`ocean trackers need …`). */
  plural: string
  /** The menu's word for one, e.g. "Tracker" (upstream's "Add Tracker", "Choose a Tracker"). */
  menuNoun: string
  /** The menu title, e.g. "MINING PERFORMANCE TRACKER". */
  menuTitle: string
  /** Placeholder of the entity argument in usage, e.g. `TRACKER`. */
  hint: string
  description: string
}

export const ADAPTER_GROUPS = [
  {
    command: 'trackers',
    kind: 'mining_performance_tracker',
    label: 'Mining performance tracker',
    plural: 'trackers',
    menuNoun: 'Tracker',
    menuTitle: 'MINING PERFORMANCE TRACKER',
    hint: 'TRACKER',
    description: 'Mining performance trackers: configure them and read their pool data',
  },
  {
    command: 'energy-monitors',
    kind: 'energy_monitor',
    label: 'Energy monitor',
    plural: 'energy monitors',
    menuNoun: 'Energy Monitor',
    menuTitle: 'ENERGY MONITOR',
    hint: 'MONITOR',
    description: "Energy monitors: what reads a source's production, battery and grid",
  },
  {
    command: 'miner-controllers',
    kind: 'miner_controller',
    label: 'Miner controller',
    plural: 'miner controllers',
    menuNoun: 'Miner Controller',
    menuTitle: 'MINER CONTROLLER',
    hint: 'CONTROLLER',
    description: 'Miner controllers: how a miner is read and started or stopped',
  },
  {
    command: 'forecast-providers',
    kind: 'forecast_provider',
    label: 'Forecast provider',
    plural: 'forecast providers',
    menuNoun: 'Forecast Provider',
    menuTitle: 'FORECAST PROVIDER',
    hint: 'PROVIDER',
    description: "Forecast providers: a source's expected production",
  },
  {
    command: 'notifiers',
    kind: 'notifier',
    label: 'Notifier',
    plural: 'notifiers',
    menuNoun: 'Notifier',
    menuTitle: 'NOTIFIER',
    hint: 'NOTIFIER',
    description: "Notifiers: where a unit's decisions are announced",
  },
  {
    command: 'external-services',
    kind: 'external_service',
    label: 'External service',
    plural: 'external services',
    menuNoun: 'External Service',
    menuTitle: 'EXTERNAL SERVICE',
    hint: 'SERVICE',
    description: 'External services other adapters connect through (e.g. Home Assistant)',
  },
] as const satisfies readonly AdapterGroup[]

export type AdapterGroupName = (typeof ADAPTER_GROUPS)[number]['command']

export function adapterGroup(kind: AdapterKind): AdapterGroup {
  const group = ADAPTER_GROUPS.find((candidate) => candidate.kind === kind)
  if (!group) throw new Error(`No command group for ${kind}`)
  return group
}

/** Name of the entity positional of a group's commands (`tracker` → "TRACKER" in usage). */
export const entityArgName = (group: AdapterGroup): string => group.hint.toLowerCase()
