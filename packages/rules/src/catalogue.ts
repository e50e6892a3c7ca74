import { DecisionalContextSchema } from '@edge-mining/domain'
import * as v from 'valibot'

export type FieldType = 'number' | 'string' | 'boolean' | 'enum' | 'object' | 'array'

/** One path of the DecisionalContext a rule can name. */
export interface FieldInfo {
  /** Dotted path, e.g. `energy_state.battery.state_of_charge`. */
  path: string
  type: FieldType
  description: string
  /** Allowed values of an `enum` field (compared case-insensitively). */
  enum_values?: readonly string[]
  /** Unit of a number, e.g. `W`, `%`, `s`, `sats`, `TH/s`. */
  unit?: string
  /** True when the value (or one of its parents) may be null or missing: rules see it as unknown. */
  optional: boolean
}

/** The types a leaf can compare; objects and arrays are containers only. */
export const COMPARABLE_TYPES: ReadonlySet<FieldType> = new Set([
  'number',
  'string',
  'boolean',
  'enum',
])

type AnySchema = v.GenericSchema & {
  readonly type: string
  readonly wrapped?: unknown
  readonly entries?: Record<string, unknown>
  readonly options?: readonly unknown[]
  readonly literal?: unknown
}

const WRAPPERS = new Set(['nullish', 'nullable', 'optional', 'undefinedable', 'exact_optional'])

function unwrap(schema: AnySchema): { schema: AnySchema; optional: boolean; description?: string } {
  let current = schema
  let optional = false
  let description = v.getDescription(current)
  while (WRAPPERS.has(current.type) && current.wrapped) {
    optional = true
    current = current.wrapped as AnySchema
    description ??= v.getDescription(current)
  }
  return description === undefined
    ? { schema: current, optional }
    : { schema: current, optional, description }
}

function classify(schema: AnySchema): { type: FieldType; enumValues?: readonly string[] } {
  switch (schema.type) {
    case 'number':
      return { type: 'number' }
    case 'string':
      return { type: 'string' }
    case 'boolean':
      return { type: 'boolean' }
    case 'picklist':
      return { type: 'enum', enumValues: (schema.options ?? []).map(String) }
    case 'literal':
      return { type: 'enum', enumValues: [String(schema.literal)] }
    case 'object':
    case 'strict_object':
    case 'loose_object':
      return { type: 'object' }
    default:
      return { type: 'array' }
  }
}

/** The unit of a `{ value, unit: literal }` object (a HashRate) applies to its `value`. */
function literalUnit(entries: Record<string, unknown>): string | undefined {
  const unit = entries.unit ? unwrap(entries.unit as AnySchema).schema : undefined
  return unit?.type === 'literal' && 'value' in entries ? String(unit.literal) : undefined
}

/** `value` and `unit` of a quantity object (a HashRate) are described by their parent. */
function quantityNote(key: string, parentDescription: string): string {
  if (key === 'value') return `${parentDescription} (number)`
  if (key === 'unit') return `${parentDescription} (unit)`
  return key
}

function walk(
  entries: Record<string, unknown>,
  prefix: string,
  parentOptional: boolean,
  parentDescription: string,
  out: FieldInfo[],
): void {
  const siblingUnit = literalUnit(entries)
  for (const [key, raw] of Object.entries(entries)) {
    const path = prefix ? `${prefix}.${key}` : key
    const { schema, optional, description } = unwrap(raw as AnySchema)
    const { type, enumValues } = classify(schema)
    const metadata = v.getMetadata(raw as AnySchema) as { unit?: unknown }
    const innerMetadata = v.getMetadata(schema) as { unit?: unknown }
    const unit =
      typeof metadata.unit === 'string'
        ? metadata.unit
        : typeof innerMetadata.unit === 'string'
          ? innerMetadata.unit
          : key === 'value'
            ? siblingUnit
            : undefined
    const info: FieldInfo = {
      path,
      type,
      description: description ?? quantityNote(key, parentDescription),
      optional: parentOptional || optional,
    }
    if (enumValues) info.enum_values = enumValues
    if (unit !== undefined) info.unit = unit
    out.push(info)
    if (type === 'object' && schema.entries)
      walk(schema.entries, path, info.optional, info.description, out)
  }
}

function buildCatalogue(): FieldInfo[] {
  const fields: FieldInfo[] = []
  walk((DecisionalContextSchema as unknown as AnySchema).entries ?? {}, '', false, '', fields)
  return fields
}

const CATALOGUE: readonly FieldInfo[] = Object.freeze(buildCatalogue())
const BY_PATH: ReadonlyMap<string, FieldInfo> = new Map(CATALOGUE.map((f) => [f.path, f]))

/**
 * Every path of the DecisionalContext a rule can name, walked from the domain's
 * `DecisionalContextSchema` (so it cannot drift from the context). Objects and arrays are listed
 * for navigation; leaves compare only `number`, `string`, `boolean` and `enum` fields.
 */
export function contextFields(): FieldInfo[] {
  return CATALOGUE.map((field) => ({
    ...field,
    ...(field.enum_values ? { enum_values: [...field.enum_values] } : {}),
  }))
}

export function lookupField(path: string): FieldInfo | undefined {
  return BY_PATH.get(path)
}

/** Levenshtein distance, bounded work: inputs are short field names and operators. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** Up to `limit` candidates closest to `input`, only those reasonably close. */
export function nearest(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const scored: { candidate: string; score: number }[] = []
  const lower = input.toLowerCase()
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase())
    if (distance <= Math.max(2, Math.floor(candidate.length / 3)))
      scored.push({ candidate, score: distance })
  }
  return scored
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((s) => s.candidate)
}

/** `state_of_charge` → `soc`: people abbreviate snake_case names by their initials. */
function initials(segment: string): string {
  return segment
    .split('_')
    .map((word) => word[0] ?? '')
    .join('')
}

/**
 * Nearest valid comparable paths for an unknown one: by edit distance on the whole path, then
 * siblings named by initials or substring (`battery.soc` → `battery.state_of_charge`), then paths
 * ending with the same name (`battery.state_of_charge` → `energy_state.battery.state_of_charge`).
 */
export function suggestFields(path: string, limit = 3): string[] {
  const comparable = CATALOGUE.filter((f) => COMPARABLE_TYPES.has(f.type)).map((f) => f.path)
  const found = new Set(nearest(path, comparable, limit))
  const lower = path.toLowerCase()
  const cut = lower.lastIndexOf('.')
  const parent = cut > 0 ? lower.slice(0, cut) : ''
  const last = lower.slice(cut + 1)
  const add = (match: (candidate: string, candidateLast: string) => boolean) => {
    for (const candidate of comparable) {
      if (found.size >= limit) return
      const candidateLast = candidate.slice(candidate.lastIndexOf('.') + 1)
      if (last !== '' && match(candidate, candidateLast)) found.add(candidate)
    }
  }
  add(
    (candidate, candidateLast) =>
      candidate.startsWith(`${parent}.`) &&
      (initials(candidateLast) === last || candidateLast.includes(last)),
  )
  add((candidate) => candidate.endsWith(`.${lower}`))
  add((_, candidateLast) => last.length >= 4 && editDistance(last, candidateLast) <= 1)
  return [...found]
}
