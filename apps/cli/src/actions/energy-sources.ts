import type { EnergySource } from '@edge-mining/domain'
import type { Invocation } from '../command-kit'
import { UsageError } from '../errors'
import { inputFromFlags, naming } from '../field-input'
import { ENERGY_SOURCE_FIELDS } from '../fields'
import { findEntity, namer } from '../find'
import { renderTable } from '../format'
import { announce, changed, confirmDeletion, emit, setup } from '../output'
import { renderEnergySourceDetails, renderEnergySources } from '../views'

function sourceOf(invocation: Invocation): EnergySource {
  const services = invocation.data.services()
  return findEntity(services.energySources.list(), invocation.args.source, 'energy_source')
}

function announceSource(invocation: Invocation, source: EnergySource, verb: string): void {
  const { data, json } = setup(invocation)
  announce(data, json, source, changed('energy_source', source, verb))
}

export async function list(invocation: Invocation): Promise<void> {
  const { data, json, services } = setup(invocation)
  const sources = services.energySources.list()
  emit(data, json, sources, () => renderEnergySources(sources))
}

export async function show(invocation: Invocation): Promise<void> {
  const { data, json, services } = setup(invocation)
  const source = sourceOf(invocation)
  emit(data, json, source, () => renderEnergySourceDetails(source, namer(services)))
}

export async function add(invocation: Invocation): Promise<void> {
  const { services } = setup(invocation)
  const input = inputFromFlags(services, ENERGY_SOURCE_FIELDS, invocation)
  const created = naming(ENERGY_SOURCE_FIELDS, () => services.energySources.create(input))
  announceSource(invocation, created, 'added')
}

export async function update(invocation: Invocation): Promise<void> {
  const { services } = setup(invocation)
  const source = sourceOf(invocation)
  const input = inputFromFlags(services, ENERGY_SOURCE_FIELDS, invocation)
  if (Object.keys(input).length === 0) {
    throw new UsageError(
      `Nothing to update: give ${ENERGY_SOURCE_FIELDS.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
  const updated = naming(ENERGY_SOURCE_FIELDS, () =>
    services.energySources.update(source.id, input),
  )
  announceSource(invocation, updated, 'updated')
}

export async function remove(invocation: Invocation): Promise<void> {
  const { services } = setup(invocation)
  const source = sourceOf(invocation)
  await confirmDeletion(invocation, 'energy_source', source)
  const removed = services.energySources.remove(source.id, {
    force: invocation.args.force === true,
  })
  announceSource(invocation, removed, 'removed')
}

export async function types(invocation: Invocation): Promise<void> {
  const { data, json, services } = setup(invocation)
  const names = services.energySources.types()
  emit(data, json, names, () => renderTable(names, [{ header: 'Type', value: (type) => type }]))
}
