import * as v from 'valibot'
import { ENERGY_UNITS, normaliseUnit, POWER_UNITS } from './units'

/** HA's entity id format: `<domain>.<object_id>`, lower-case letters, digits and `_`. */
export const ENTITY_ID_PATTERN = /^[a-z0-9_]+\.[a-z0-9_]+$/

const entityMessage = 'must be an entity id such as sensor.pv_power (lower case, domain.object_id)'

/** A required entity id; `domains` limits its domain (e.g. switch, light, fan). */
export function entityField(description: string, domains?: readonly string[]) {
  return v.pipe(
    v.string('must be an entity id'),
    v.description(description),
    v.trim(),
    v.nonEmpty('is required: the entity id from Home Assistant (Settings → Entities)'),
    v.regex(ENTITY_ID_PATTERN, entityMessage),
    v.check(
      (id) => domains === undefined || domains.includes(id.slice(0, id.indexOf('.'))),
      `must be a ${domains?.join(', ') ?? ''} entity`,
    ),
  )
}

/** An optional entity id: `""` (upstream's default) means "not configured". */
export function optionalEntityField(description: string) {
  return v.optional(
    v.pipe(
      v.string('must be an entity id, or "" for none'),
      v.description(`${description} ("" = none)`),
      v.trim(),
      v.check((id) => id === '' || ENTITY_ID_PATTERN.test(id), entityMessage),
    ),
    '',
  )
}

function unitField<const U extends readonly string[]>(
  units: U,
  fallback: U[number],
  description: string,
) {
  return v.optional(
    v.pipe(
      v.string(`must be one of ${units.join(', ')}`),
      v.description(
        `${description}: ${units.join(', ')} (any case); the entity's own unit_of_measurement wins when it reports one`,
      ),
      v.transform((text) => normaliseUnit(text, units) ?? text),
      v.picklist(units, `must be one of ${units.join(', ')}`),
    ),
    fallback,
  )
}

export const powerUnitField = (description: string, fallback: (typeof POWER_UNITS)[number] = 'W') =>
  unitField(POWER_UNITS, fallback, description)
export const energyUnitField = (
  description: string,
  fallback: (typeof ENERGY_UNITS)[number] = 'kWh',
) => unitField(ENERGY_UNITS, fallback, description)

/** `max_age_seconds`: a reading older than this is missing; 0 never. */
export const maxAgeField = (fallback: number) =>
  v.optional(
    v.pipe(
      v.number('must be a number of seconds'),
      v.description(
        'A reading whose entity HA has not written for longer (last_reported, else last_updated) is missing; 0 = no limit',
      ),
      v.integer('must be a whole number of seconds'),
      v.minValue(0, 'must be 0 or more'),
      v.maxValue(86_400, 'must be at most 86400 (a day)'),
    ),
    fallback,
  )
