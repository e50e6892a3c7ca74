import type { AdapterEntity } from '@edge-mining/domain'
import type { Invocation } from '../command-kit'
import { configFromFlags, missingRequired } from '../config-flags'
import { CliError, EXIT, UsageError } from '../errors'
import { renderPairs, renderTable } from '../format'
import { adapterGroup, entityArgName } from '../kinds'
import { emit, setup } from '../output'
import { adapterEntity, requiredType } from './adapters'

const controllers = adapterGroup('miner_controller')

/** A test's verdict: the report (JSON or its message), and exit 1 when it failed. */
function verdict(
  invocation: Invocation,
  json: boolean,
  report: object,
  ok: boolean,
  message: string,
): void {
  const { data } = invocation
  if (json) emit(data, true, report, () => '')
  if (!ok) throw new CliError(message)
  if (!json) data.terminal.logger.success(message)
}

/** `miner-controllers test CONTROLLER`, or `test --type T [config flags]` for an unsaved one. */
export async function testController(invocation: Invocation): Promise<void> {
  const { json, services } = await setup(invocation)
  const { args } = invocation
  const named = args[entityArgName(controllers)]
  let target:
    | string
    | { adapter_type: string; config: Record<string, unknown>; external_service_id: null }
  if (typeof named === 'string') {
    if (args.type !== undefined) throw new UsageError('Give a controller or --type, not both')
    target = adapterEntity(services, controllers, invocation).entity.id
  } else if (args.type !== undefined) {
    const type = requiredType(args)
    const registry = services.adapters.miner_controller.registry
    const config = configFromFlags(registry, type, args)
    missingRequired(registry, type, config)
    target = { adapter_type: type, config, external_service_id: null }
  } else throw new UsageError('Give the controller to test, or --type and its config flags')
  const report = await invocation.data.terminal.spin('Testing the controller…', () =>
    services.actions.testController(target),
  )
  verdict(invocation, json, report, report.success, report.message)
}

export async function controllerFeatures(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const { entity } = adapterEntity(services, controllers, invocation)
  const features = services.actions.supportedFeatures(entity.id)
  emit(data, json, features, () =>
    features.length === 0 ? `${entity.name} offers no features.` : features.join('\n'),
  )
}

export async function testNotifier(invocation: Invocation): Promise<void> {
  const { json, services } = await setup(invocation)
  const { entity } = adapterEntity(services, adapterGroup('notifier'), invocation)
  const report = await services.actions.testNotifier(entity.id)
  verdict(invocation, json, report, report.status === 'success', report.message)
}

/** `external-services status SERVICE`: exit 4 when unauthorized, 5 when disconnected. */
export async function externalServiceStatus(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const { entity } = adapterEntity(services, adapterGroup('external_service'), invocation)
  const status = await data.terminal.spin(`Checking ${entity.name}…`, () =>
    services.actions.externalServiceStatus(entity.id),
  )
  emit(data, json, status, () =>
    renderPairs([
      ['Name', status.name],
      ['Status', status.status],
      ['Checked', status.last_check],
      ['Latency', status.latency_ms === null ? '—' : `${status.latency_ms} ms`],
      ['Message', status.message ?? status.error_message ?? '—'],
    ]),
  )
  if (status.status === 'connected') return
  throw new CliError(
    `${entity.name} is ${status.status}: ${status.error_message ?? 'no reason given'}`,
    {
      exitCode: status.status === 'unauthorized' ? EXIT.authFailed : EXIT.unreachable,
    },
  )
}

export async function linkedEntities(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const { entity } = adapterEntity(services, adapterGroup('external_service'), invocation)
  const linked = services.actions.linkedEntities(entity.id)
  const rows = Object.entries(linked).flatMap(([kind, entities]) =>
    entities.map((linkedEntity: AdapterEntity) => ({ kind, entity: linkedEntity })),
  )
  emit(data, json, linked, () =>
    rows.length === 0
      ? `Nothing uses ${entity.name}.`
      : renderTable(rows, [
          { header: 'Kind', value: (row) => row.kind },
          { header: 'ID', value: (row) => row.entity.id },
          { header: 'Name', value: (row) => row.entity.name },
          { header: 'Type', value: (row) => row.entity.adapter_type },
        ]),
  )
}
