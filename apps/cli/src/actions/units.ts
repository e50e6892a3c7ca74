import type { OptimizationUnit } from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import type { Invocation } from '../command-kit'
import { UsageError } from '../errors'
import { inputFromFlags, naming } from '../field-input'
import { UNIT_FIELDS } from '../fields'
import { findEntity, namer, type ReferenceKind, resolveId } from '../find'
import { announceChange, confirmDeletion, emit, setup } from '../output'
import { renderContext, renderUnitDetails, renderUnits } from '../views'

const unitOf = (services: Services, invocation: Invocation): OptimizationUnit =>
  findEntity(services.units.list(), invocation.args.unit, 'optimization_unit')

export async function list(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const units = services.units.list()
  emit(data, json, units, () => renderUnits(units, namer(services)))
}

export async function show(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const unit = unitOf(services, invocation)
  emit(data, json, unit, () => renderUnitDetails(unit, namer(services)))
}

export async function add(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { units } = context.services
  const input = inputFromFlags(context.services, UNIT_FIELDS, invocation)
  announceChange(
    context,
    'optimization_unit',
    naming(UNIT_FIELDS, () => units.create(input)),
    'added',
  )
}

export async function update(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const unit = unitOf(services, invocation)
  const input = inputFromFlags(services, UNIT_FIELDS, invocation)
  if (Object.keys(input).length === 0) {
    throw new UsageError(
      `Nothing to update: give ${UNIT_FIELDS.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
  const updated = naming(UNIT_FIELDS, () => services.units.update(unit.id, input))
  announceChange(context, 'optimization_unit', updated, 'updated')
}

export async function remove(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const unit = unitOf(context.services, invocation)
  await confirmDeletion(invocation, 'optimization_unit', unit)
  announceChange(context, 'optimization_unit', context.services.units.remove(unit.id), 'removed')
}

export async function setEnabled(enabled: boolean, invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { units } = context.services
  const unit = unitOf(context.services, invocation)
  const changed = naming(UNIT_FIELDS, () =>
    enabled ? units.enable(unit.id) : units.disable(unit.id),
  )
  announceChange(context, 'optimization_unit', changed, enabled ? 'enabled' : 'disabled')
}

/** `units add-miner|remove-miner|add-notifier|remove-notifier UNIT ID`. */
export async function membership(
  kind: Extract<ReferenceKind, 'miner' | 'notifier'>,
  adding: boolean,
  invocation: Invocation,
): Promise<void> {
  const context = await setup(invocation)
  const { units } = context.services
  const unit = unitOf(context.services, invocation)
  const id = resolveId(context.services, kind, invocation.args.member)
  const updated = naming(UNIT_FIELDS, () =>
    kind === 'miner'
      ? adding
        ? units.addMiner(unit.id, id)
        : units.removeMiner(unit.id, id)
      : adding
        ? units.addNotifier(unit.id, id)
        : units.removeNotifier(unit.id, id),
  )
  announceChange(context, 'optimization_unit', updated, 'updated')
}

/** The unit's decisional context, read now; the parts that could not be had are listed. */
export async function context(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const unit = unitOf(services, invocation)
  const built = await data.terminal.spin(`Reading the site of ${unit.name}…`, () =>
    services.context.unitContext(unit.id),
  )
  emit(data, json, built, () => renderContext(built))
}
