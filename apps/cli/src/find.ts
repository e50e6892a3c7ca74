import {
  ADAPTER_KINDS,
  type AdapterKind,
  type EntityKind,
  EntityNotFoundError,
  entityLabel,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import { CliError, UsageError } from './errors'

export interface Named {
  id: string
  name: string
}

/** Entity kinds a command can name by reference. */
export type ReferenceKind = AdapterKind | 'miner' | 'energy_source' | 'optimization_unit' | 'policy'

const isAdapterKind = (kind: EntityKind): kind is AdapterKind =>
  (ADAPTER_KINDS as readonly string[]).includes(kind)

/** Every stored entity of a kind, as a reference can name it. */
export function entitiesOf(services: Services, kind: ReferenceKind): Named[] {
  if (isAdapterKind(kind)) return services.adapters[kind].list()
  if (kind === 'miner') return services.miners.list()
  if (kind === 'energy_source') return services.energySources.list()
  if (kind === 'optimization_unit') return services.units.list()
  return services.policies.list()
}

export interface FindOptions {
  /** The flag the reference came from: named in the messages. */
  flag?: string
}

function notFound(kind: EntityKind, wanted: string, flag: string | undefined): Error {
  if (flag) {
    return new EntityNotFoundError(
      kind,
      wanted,
      `--${flag}: ${entityLabel(kind)} not found: ${wanted}`,
    )
  }
  return kind === 'mining_performance_tracker'
    ? new TrackerNotFoundError(wanted)
    : new EntityNotFoundError(kind, wanted)
}

/**
 * The entity `reference` names: its id, a unique id prefix, or its exact name
 * (case-insensitive). Ambiguity and absence are errors naming the reference.
 */
export function findEntity<T extends Named>(
  all: readonly T[],
  reference: unknown,
  kind: EntityKind,
  options: FindOptions = {},
): T {
  const label = entityLabel(kind).toLowerCase()
  if (typeof reference !== 'string' || reference.trim() === '') {
    throw new UsageError(
      `${options.flag ? `--${options.flag}: ` : ''}Missing ${label}: give its id (or a unique id prefix, or its name)`,
    )
  }
  const wanted = reference.trim()
  const exact = all.find((entity) => entity.id === wanted)
  if (exact) return exact
  const lower = wanted.toLowerCase()
  const matches = all.filter(
    (entity) => entity.id.startsWith(lower) || entity.name.toLowerCase() === lower,
  )
  const [only] = matches
  if (matches.length === 1 && only) return only
  if (matches.length > 1) {
    throw new CliError(
      `${options.flag ? `--${options.flag}: ` : ''}"${wanted}" matches ${matches.length} ${label}s (${matches.map((entity) => entity.id).join(', ')}); give more of the id`,
    )
  }
  throw notFound(kind, wanted, options.flag)
}

/** The id of the `kind` entity `reference` names (see findEntity). */
export function resolveId(
  services: Services,
  kind: ReferenceKind,
  reference: unknown,
  options: FindOptions = {},
): string {
  return findEntity(entitiesOf(services, kind), reference, kind, options).id
}

const REFERENCE_KINDS: readonly ReferenceKind[] = [
  ...ADAPTER_KINDS,
  'miner',
  'energy_source',
  'optimization_unit',
  'policy',
]

/** `Name (id)` of any stored entity, for views; a missing one shows its bare id, `—` for none. */
export function namer(services: Services): (id: string | null) => string {
  let names: Map<string, string> | undefined
  return (id) => {
    if (id === null) return '—'
    names ??= new Map(
      REFERENCE_KINDS.flatMap((kind) =>
        entitiesOf(services, kind).map((entity) => [entity.id, entity.name] as const),
      ),
    )
    const name = names.get(id)
    return name === undefined ? `${id} (missing)` : `${name} (${id})`
  }
}
