import type { AdapterEntity } from '@edge-mining/domain'
import type { AdapterEntityService, Services } from '@edge-mining/services'
import type { Invocation } from '../command-kit'
import { configFields } from '../config-fields'
import { configFromFlags, missingRequired, nameTheConfigFlag } from '../config-flags'
import { UsageError } from '../errors'
import { NONE, nameTheFlag } from '../field-input'
import type { FieldSpec } from '../fields'
import { findEntity, resolveId } from '../find'
import { renderAdapterEntities, renderAdapterEntityDetails, renderTable } from '../format'
import { type AdapterGroup, entityArgName } from '../kinds'
import { announceChange, confirmDeletion, emit, setup } from '../output'

/** The `--external-service` flag, as a field (so errors about it name the flag). */
const EXTERNAL_SERVICE: FieldSpec = {
  key: 'external_service_id',
  flag: 'external-service',
  label: 'External service',
  type: 'reference',
  refers: 'external_service',
}

/** The group's service and the entity the invocation's positional names. */
export function adapterEntity(
  services: Services,
  group: AdapterGroup,
  invocation: Invocation,
): { service: AdapterEntityService; entity: AdapterEntity } {
  const service = services.adapters[group.kind]
  const entity = findEntity(service.list(), invocation.args[entityArgName(group)], group.kind)
  return { service, entity }
}

/** The adapter's label; a type no longer registered (its package removed) says so. */
export const adapterLabel = (service: AdapterEntityService, type: string) =>
  service.registry.has(type) ? service.registry.get(type).label : 'not registered'

/** `--external-service ID|none` → the id, null, or undefined when not given. */
function externalServiceOf(services: Services, args: Record<string, unknown>) {
  const raw = args['external-service']
  if (typeof raw !== 'string') return undefined
  if (raw.trim().toLowerCase() === NONE) return null
  return resolveId(services, 'external_service', raw, EXTERNAL_SERVICE)
}

/** A service error about the config or the external service, naming the flag. */
function naming(error: unknown, service: AdapterEntityService, type: string): unknown {
  return nameTheFlag(nameTheConfigFlag(error, service.registry, type), [EXTERNAL_SERVICE])
}

export async function list(group: AdapterGroup, invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const service = services.adapters[group.kind]
  const all = service.list().map(service.toPublic)
  emit(data, json, all, () =>
    renderAdapterEntities(
      all,
      (type) => adapterLabel(service, type),
      `No ${group.label.toLowerCase()}s configured.`,
    ),
  )
}

export async function show(group: AdapterGroup, invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const { service, entity } = adapterEntity(services, group, invocation)
  const shown = service.toPublic(entity)
  emit(data, json, shown, () =>
    renderAdapterEntityDetails(shown, adapterLabel(service, shown.adapter_type)),
  )
}

/** `--type`, which citty does not enforce for enum arguments. */
export function requiredType(args: Record<string, unknown>): string {
  if (typeof args.type !== 'string') throw new UsageError('Missing required argument: --type')
  return args.type
}

export async function add(group: AdapterGroup, invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const { args } = invocation
  const service = services.adapters[group.kind]
  const type = requiredType(args)
  const config = configFromFlags(service.registry, type, args)
  missingRequired(service.registry, type, config)
  let created: AdapterEntity
  try {
    created = service.create({
      name: typeof args.name === 'string' ? args.name : undefined,
      adapter_type: type,
      config,
      external_service_id: externalServiceOf(services, args),
    })
  } catch (error) {
    throw naming(error, service, type)
  }
  const shown = service.toPublic(created)
  announceChange(context, group.kind, shown, 'added')
}

export async function update(group: AdapterGroup, invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const { args } = invocation
  const { service, entity } = adapterEntity(services, group, invocation)
  const changes = configFromFlags(service.registry, entity.adapter_type, args)
  const name = typeof args.name === 'string' ? args.name : undefined
  const externalService = externalServiceOf(services, args)
  if (name === undefined && externalService === undefined && Object.keys(changes).length === 0) {
    throw new UsageError('Nothing to update: give --name, --external-service and/or config flags')
  }
  let updated: AdapterEntity
  try {
    updated = service.update(entity.id, {
      name,
      // The service merges: fields left out are kept, secrets included.
      config: Object.keys(changes).length === 0 ? undefined : changes,
      external_service_id: externalService,
    })
  } catch (error) {
    throw naming(error, service, entity.adapter_type)
  }
  const shown = service.toPublic(updated)
  announceChange(context, group.kind, shown, 'updated')
}

export async function remove(group: AdapterGroup, invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const { service, entity } = adapterEntity(services, group, invocation)
  await confirmDeletion(invocation, group.kind, entity)
  const removed = service.toPublic(
    service.remove(entity.id, { force: invocation.args.force === true }),
  )
  announceChange(context, group.kind, removed, 'removed')
}

export async function types(group: AdapterGroup, invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const registry = services.adapters[group.kind].registry
  const names = registry.types()
  emit(data, json, names, () =>
    names.length === 0
      ? `No ${group.label.toLowerCase()} types are registered.`
      : renderTable(names, [
          { header: 'Type', value: (type) => type },
          { header: 'Label', value: (type) => registry.get(type).label },
        ]),
  )
}

/** The JSON Schema of a type's config (JSON), or its fields as the flags set them. */
export async function schema(group: AdapterGroup, invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const registry = services.adapters[group.kind].registry
  const type = invocation.args.type
  if (typeof type !== 'string' || !registry.has(type)) {
    throw new UsageError(
      `Unknown ${group.label.toLowerCase()} type ${JSON.stringify(type)}: expected one of ${registry.types().join(', ') || '(none registered)'}`,
    )
  }
  const fields = configFields(registry, type)
  emit(data, json, registry.configJsonSchema(type), () =>
    fields.length === 0
      ? `${type} takes no settings.`
      : renderTable(fields, [
          { header: 'Flag', value: (field) => `--${field.flag}` },
          { header: 'Type', value: (field) => field.choices?.join('|') ?? field.type },
          {
            header: 'Required',
            value: (field) => (field.required && field.default === undefined ? 'yes' : ''),
          },
          {
            header: 'Default',
            value: (field) => (field.default === undefined ? '' : String(field.default)),
          },
          { header: 'Secret', value: (field) => (field.secret ? 'yes' : '') },
          { header: 'Description', value: (field) => field.description ?? '' },
        ]),
  )
}
