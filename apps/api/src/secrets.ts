import type { AdapterKind, MinerEntity, OptimizationUnit } from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import type { Context } from 'hono'
import { type ApiEnv, rememberSecrets } from './http'

/**
 * The secret values of the adapter entities named (unknown ids skipped) and of the external
 * services they link to: what a route that reads through them must scrub from its answer.
 */
function secretsOf(services: Services, wanted: Partial<Record<AdapterKind, Iterable<string>>>) {
  const secrets: string[] = []
  const externals = new Set<string>()
  for (const [kind, ids] of Object.entries(wanted) as [AdapterKind, Iterable<string>][]) {
    const service = services.adapters[kind]
    const set = new Set(ids)
    for (const entity of service.list()) {
      if (!set.has(entity.id)) continue
      secrets.push(...service.secretsOf(entity))
      if (entity.external_service_id) externals.add(entity.external_service_id)
    }
  }
  const external = services.adapters.external_service
  for (const entity of external.list()) {
    if (externals.has(entity.id)) secrets.push(...external.secretsOf(entity))
  }
  return secrets
}

/** Remembers the secrets of the controllers serving these miners. */
export function rememberMinerSecrets(
  c: Context<ApiEnv>,
  services: Services,
  miners: readonly MinerEntity[],
): void {
  const controllers = miners.flatMap((miner) => miner.features.map((f) => f.controller_id))
  rememberSecrets(c, secretsOf(services, { miner_controller: controllers }))
}

/**
 * Remembers the secrets of everything a unit reads through: its tracker, notifiers, the
 * monitor and forecast provider of its source, the controllers of its miners.
 */
export function rememberUnitSecrets(
  c: Context<ApiEnv>,
  services: Services,
  unit: OptimizationUnit,
): void {
  const source = services.energySources.list().find((s) => s.id === unit.energy_source_id)
  const ids = (...values: (string | null | undefined)[]) =>
    values.filter((id): id is string => typeof id === 'string')
  rememberSecrets(
    c,
    secretsOf(services, {
      mining_performance_tracker: ids(unit.performance_tracker_id),
      notifier: unit.notifier_ids,
      energy_monitor: ids(source?.energy_monitor_id),
      forecast_provider: ids(source?.forecast_provider_id),
    }),
  )
  const miners = services.miners.list().filter((miner) => unit.target_miner_ids.includes(miner.id))
  rememberMinerSecrets(c, services, miners)
}
