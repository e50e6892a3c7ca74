import type { OptimizationUnit } from '@edge-mining/domain'
import type { Invocation } from '../command-kit'
import { UsageError } from '../errors'
import { inputFromFlags, naming } from '../field-input'
import { UNIT_FIELDS } from '../fields'
import { findEntity, namer, type ReferenceKind, resolveId } from '../find'
import { announce, changed, confirmDeletion, emit, setup } from '../output'
import { renderContext, renderUnitDetails, renderUnits } from '../views'

function unitOf(invocation: Invocation): OptimizationUnit {
  const services = invocation.data.services()
  return findEntity(services.units.list(), invocation.args.unit, 'optimization_unit')
}

function announceUnit(invocation: Invocation, unit: OptimizationUnit, verb: string): void {
  const { data, json } = setup(invocation)
  announce(data, json, unit, changed('optimization_unit', unit, verb))
}

export async function list(invocation: Invocation): Promise<void> {
  const { data, json, services } = setup(invocation)
  const units = services.units.list()
  emit(data, json, units, () => renderUnits(units, namer(services)))
}

export async function show(invocation: Invocation): Promise<void> {
  const { data, json, services } = setup(invocation)
  const unit = unitOf(invocation)
  emit(data, json, unit, () => renderUnitDetails(unit, namer(services)))
}

export async function add(invocation: Invocation): Promise<void> {
  const { services } = setup(invocation)
  const input = inputFromFlags(services, UNIT_FIELDS, invocation)
  announceUnit(
    invocation,
    naming(UNIT_FIELDS, () => services.units.create(input)),
    'added',
  )
}

export async function update(invocation: Invocation): Promise<void> {
  const { services } = setup(invocation)
  const unit = unitOf(invocation)
  const input = inputFromFlags(services, UNIT_FIELDS, invocation)
  if (Object.keys(input).length === 0) {
    throw new UsageError(
      `Nothing to update: give ${UNIT_FIELDS.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
  const updated = naming(UNIT_FIELDS, () => services.units.update(unit.id, input))
  announceUnit(invocation, updated, 'updated')
}

export async function remove(invocation: Invocation): Promise<void> {
  const { services } = setup(invocation)
  const unit = unitOf(invocation)
  await confirmDeletion(invocation, 'optimization_unit', unit)
  announceUnit(invocation, services.units.remove(unit.id), 'removed')
}

export async function setEnabled(enabled: boolean, invocation: Invocation): Promise<void> {
  const { services } = setup(invocation)
  const unit = unitOf(invocation)
  const changedUnit = naming(UNIT_FIELDS, () =>
    enabled ? services.units.enable(unit.id) : services.units.disable(unit.id),
  )
  announceUnit(invocation, changedUnit, enabled ? 'enabled' : 'disabled')
}

/** `units add-miner|remove-miner|add-notifier|remove-notifier UNIT ID`. */
export async function membership(
  kind: Extract<ReferenceKind, 'miner' | 'notifier'>,
  adding: boolean,
  invocation: Invocation,
): Promise<void> {
  const { services } = setup(invocation)
  const unit = unitOf(invocation)
  const id = resolveId(services, kind, invocation.args.member)
  const { units } = services
  const updated = naming(UNIT_FIELDS, () =>
    kind === 'miner'
      ? adding
        ? units.addMiner(unit.id, id)
        : units.removeMiner(unit.id, id)
      : adding
        ? units.addNotifier(unit.id, id)
        : units.removeNotifier(unit.id, id),
  )
  announceUnit(invocation, updated, 'updated')
}

/** The unit's decisional context, read now; the parts that could not be had are listed. */
export async function context(invocation: Invocation): Promise<void> {
  const { data, json, services } = setup(invocation)
  const unit = unitOf(invocation)
  const built = await data.terminal.spin(`Reading the site of ${unit.name}…`, () =>
    services.context.unitContext(unit.id),
  )
  emit(data, json, built, () => renderContext(built))
}
