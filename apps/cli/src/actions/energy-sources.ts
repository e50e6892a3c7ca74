import type { EnergySource } from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import type { Invocation } from '../command-kit'
import { UsageError } from '../errors'
import { inputFromFlags, naming } from '../field-input'
import { ENERGY_SOURCE_FIELDS } from '../fields'
import { findEntity, namer } from '../find'
import { renderTable } from '../format'
import { announceChange, confirmDeletion, emit, setup } from '../output'
import { renderEnergySourceDetails, renderEnergySources } from '../views'

const sourceOf = (services: Services, invocation: Invocation): EnergySource =>
  findEntity(services.energySources.list(), invocation.args.source, 'energy_source')

export async function list(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const sources = services.energySources.list()
  emit(data, json, sources, () => renderEnergySources(sources))
}

export async function show(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const source = sourceOf(services, invocation)
  emit(data, json, source, () => renderEnergySourceDetails(source, namer(services)))
}

export async function add(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { energySources } = context.services
  const input = inputFromFlags(context.services, ENERGY_SOURCE_FIELDS, invocation)
  const created = naming(ENERGY_SOURCE_FIELDS, () => energySources.create(input))
  announceChange(context, 'energy_source', created, 'added')
}

export async function update(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const source = sourceOf(services, invocation)
  const input = inputFromFlags(services, ENERGY_SOURCE_FIELDS, invocation)
  if (Object.keys(input).length === 0) {
    throw new UsageError(
      `Nothing to update: give ${ENERGY_SOURCE_FIELDS.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
  const updated = naming(ENERGY_SOURCE_FIELDS, () =>
    services.energySources.update(source.id, input),
  )
  announceChange(context, 'energy_source', updated, 'updated')
}

export async function remove(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const source = sourceOf(context.services, invocation)
  await confirmDeletion(invocation, 'energy_source', source)
  const removed = context.services.energySources.remove(source.id, {
    force: invocation.args.force === true,
  })
  announceChange(context, 'energy_source', removed, 'removed')
}

export async function types(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const names = services.energySources.types()
  emit(data, json, names, () => renderTable(names, [{ header: 'Type', value: (type) => type }]))
}
