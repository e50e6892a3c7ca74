import {
  ADAPTER_KINDS,
  type ConfigurationRepositories,
  ConflictError,
  type EntityKind,
  type EntityUsage,
  entityLabel,
} from '@edge-mining/domain'

/**
 * Who refers to an entity (units to policies, miners, sources, trackers and notifiers; miners
 * to controllers; sources to monitors and forecast providers; adapters to external services),
 * and how to detach them. Upstream had no checks and left dangling ids (trap T29).
 */
export interface ReferenceIndex {
  usagesOf(entity: EntityKind, id: string): EntityUsage[]
  /** Removes every reference to the entity (deleting with `force`). Call inside a transaction. */
  detach(entity: EntityKind, id: string, at: string): void
}

export function createReferenceIndex(repositories: ConfigurationRepositories): ReferenceIndex {
  const { units, miners, energySources, adapters } = repositories

  function unitUsages(entity: EntityKind, id: string): EntityUsage[] {
    const usages: EntityUsage[] = []
    for (const unit of units.list()) {
      const use = (field: string) =>
        usages.push({ entity: 'optimization_unit', id: unit.id, name: unit.name, field })
      if (entity === 'policy' && unit.policy_id === id) use('policy_id')
      if (entity === 'energy_source' && unit.energy_source_id === id) use('energy_source_id')
      if (entity === 'mining_performance_tracker' && unit.performance_tracker_id === id) {
        use('performance_tracker_id')
      }
      if (entity === 'miner' && unit.target_miner_ids.includes(id)) use('target_miner_ids')
      if (entity === 'notifier' && unit.notifier_ids.includes(id)) use('notifier_ids')
    }
    return usages
  }

  return {
    usagesOf(entity, id) {
      const usages = unitUsages(entity, id)
      if (entity === 'miner_controller') {
        for (const miner of miners.list()) {
          if (miner.features.some((feature) => feature.controller_id === id)) {
            usages.push({ entity: 'miner', id: miner.id, name: miner.name, field: 'features' })
          }
        }
      }
      if (entity === 'energy_monitor' || entity === 'forecast_provider') {
        const field = entity === 'energy_monitor' ? 'energy_monitor_id' : 'forecast_provider_id'
        for (const source of energySources.list()) {
          if (source[field] === id) {
            usages.push({ entity: 'energy_source', id: source.id, name: source.name, field })
          }
        }
      }
      if (entity === 'external_service') {
        for (const kind of ADAPTER_KINDS) {
          for (const adapter of adapters[kind].list()) {
            if (adapter.external_service_id === id) {
              usages.push({
                entity: kind,
                id: adapter.id,
                name: adapter.name,
                field: 'external_service_id',
              })
            }
          }
        }
      }
      return usages
    },

    detach(entity, id, at) {
      for (const unit of units.list()) {
        const next = {
          ...unit,
          policy_id: entity === 'policy' && unit.policy_id === id ? null : unit.policy_id,
          energy_source_id:
            entity === 'energy_source' && unit.energy_source_id === id
              ? null
              : unit.energy_source_id,
          performance_tracker_id:
            entity === 'mining_performance_tracker' && unit.performance_tracker_id === id
              ? null
              : unit.performance_tracker_id,
          target_miner_ids:
            entity === 'miner'
              ? unit.target_miner_ids.filter((miner) => miner !== id)
              : unit.target_miner_ids,
          notifier_ids:
            entity === 'notifier'
              ? unit.notifier_ids.filter((notifier) => notifier !== id)
              : unit.notifier_ids,
        }
        if (JSON.stringify(next) === JSON.stringify(unit)) continue
        // A unit that lost a required part cannot run: it is disabled rather than left broken.
        const required =
          next.policy_id !== null &&
          next.energy_source_id !== null &&
          next.target_miner_ids.length > 0
        units.update({ ...next, is_enabled: next.is_enabled && required })
      }
      if (entity === 'miner_controller') {
        for (const miner of miners.list()) {
          const features = miner.features.filter((feature) => feature.controller_id !== id)
          if (features.length === miner.features.length) continue
          miners.update({
            ...miner,
            features,
            controller_ids: [...new Set(features.map((feature) => feature.controller_id))],
          })
        }
      }
      if (entity === 'energy_monitor' || entity === 'forecast_provider') {
        const field = entity === 'energy_monitor' ? 'energy_monitor_id' : 'forecast_provider_id'
        for (const source of energySources.list()) {
          if (source[field] === id) energySources.update({ ...source, [field]: null })
        }
      }
      if (entity === 'external_service') {
        for (const kind of ADAPTER_KINDS) {
          for (const adapter of adapters[kind].list()) {
            if (adapter.external_service_id === id) {
              adapters[kind].update({ ...adapter, external_service_id: null, updated_at: at })
            }
          }
        }
      }
    },
  }
}

/** The 409 of a delete refused because `usages` still refer to the entity. */
export function inUseError(
  entity: EntityKind,
  name: string,
  usages: readonly EntityUsage[],
): ConflictError {
  const users = usages
    .map(
      (usage) =>
        `${entityLabel(usage.entity).toLowerCase()} '${usage.name}' (${usage.id}, ${usage.field})`,
    )
    .join(', ')
  return new ConflictError(
    `${entityLabel(entity)} '${name}' is still used by ${users}; detach it first or delete with force=true`,
    { usages },
  )
}
