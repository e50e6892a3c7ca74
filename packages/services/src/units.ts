import {
  ConfigurationError,
  type ConfigurationRepositories,
  ConflictError,
  DEFAULT_MIN_OFF_SECONDS,
  DEFAULT_MIN_ON_SECONDS,
  DwellSecondsSchema,
  EntityNotFoundError,
  type OptimizationUnit,
  type Platform,
  UuidSchema,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { checkName, parseInput } from './common'
import type { EventBus } from './events'
import type { PolicyService } from './policies'

const IdList = (what: string) => v.array(UuidSchema, `expected a list of ${what} ids`)
const OptionalId = v.nullish(
  v.pipe(
    v.string('expected a UUID'),
    v.trim(),
    v.transform((id) => id || null),
    v.nullable(UuidSchema),
  ),
)

const UnitFields = {
  name: v.string('expected a string'),
  description: v.nullable(v.string('expected a string')),
  policy_id: OptionalId,
  target_miner_ids: IdList('miner'),
  energy_source_id: OptionalId,
  performance_tracker_id: OptionalId,
  home_loads_profile_id: OptionalId,
  notifier_ids: IdList('notifier'),
  climate_zone_ids: IdList('climate zone'),
  min_on_seconds: DwellSecondsSchema,
  min_off_seconds: DwellSecondsSchema,
}

/** Create: every field optional (a new unit is always disabled, as upstream). */
export const CreateUnitInputSchema = v.object(
  Object.fromEntries(
    Object.entries(UnitFields).map(([key, schema]) => [key, v.optional(schema)]),
  ) as { [K in keyof typeof UnitFields]: v.OptionalSchema<(typeof UnitFields)[K], undefined> },
)

/** Update: fields left out keep their values (fixing upstream's PUT, trap T18); null clears an id. */
export const UpdateUnitInputSchema = CreateUnitInputSchema

type UnitInput = v.InferOutput<typeof CreateUnitInputSchema>

export interface UnitService {
  list(): OptimizationUnit[]
  /** Throws EntityNotFoundError. */
  get(id: string): OptimizationUnit
  create(input: unknown): OptimizationUnit
  update(id: string, input: unknown): OptimizationUnit
  remove(id: string): OptimizationUnit
  /** Strict check + policy check + no miner in another enabled unit (409). */
  enable(id: string): OptimizationUnit
  disable(id: string): OptimizationUnit
  setEnergySource(id: string, sourceId: unknown): OptimizationUnit
  setPolicy(id: string, policyId: unknown): OptimizationUnit
  setHomeLoadsProfile(id: string, profileId: unknown): OptimizationUnit
  setMiners(id: string, minerIds: unknown): OptimizationUnit
  addMiner(id: string, minerId: unknown): OptimizationUnit
  removeMiner(id: string, minerId: string): OptimizationUnit
  setNotifiers(id: string, notifierIds: unknown): OptimizationUnit
  addNotifier(id: string, notifierId: unknown): OptimizationUnit
  removeNotifier(id: string, notifierId: string): OptimizationUnit
  /** The enabled unit (other than `exceptUnitId`) that has this miner, if any. */
  enabledUnitOf(minerId: string, exceptUnitId?: string): OptimizationUnit | null
}

export function createUnitService(options: {
  repositories: ConfigurationRepositories
  policies: PolicyService
  platform: Platform
  events: EventBus
}): UnitService {
  const { repositories, policies, platform, events } = options
  const units = repositories.units
  /** Upstream's `config.updated`, which it never sent for units (MQTT follows it). */
  const published = (unit: OptimizationUnit, action: 'created' | 'updated' | 'removed') => {
    events.publish('config.updated', {
      entity_type: 'optimization_unit',
      entity_id: unit.id,
      action,
    })
    return unit
  }

  function get(id: string): OptimizationUnit {
    const unit = units.get(id)
    if (!unit) throw new EntityNotFoundError('optimization_unit', id)
    return unit
  }

  /** Every referenced id must exist: a 4xx naming the field, never upstream's 500. */
  function checkReferences(unit: OptimizationUnit): void {
    const missing = (field: string, what: string, id: string) =>
      new ConfigurationError(`${field}: no ${what} ${id}`, { field })
    if (unit.policy_id !== null) {
      try {
        policies.get(unit.policy_id)
      } catch (error) {
        if (error instanceof EntityNotFoundError)
          throw missing('policy_id', 'policy', unit.policy_id)
        throw error
      }
    }
    if (unit.energy_source_id !== null && !repositories.energySources.get(unit.energy_source_id)) {
      throw missing('energy_source_id', 'energy source', unit.energy_source_id)
    }
    if (
      unit.performance_tracker_id !== null &&
      !repositories.adapters.mining_performance_tracker.get(unit.performance_tracker_id)
    ) {
      throw missing(
        'performance_tracker_id',
        'mining performance tracker',
        unit.performance_tracker_id,
      )
    }
    unit.target_miner_ids.forEach((minerId, index) => {
      if (!repositories.miners.get(minerId)) {
        throw missing(`target_miner_ids.${index}`, 'miner', minerId)
      }
    })
    unit.notifier_ids.forEach((notifierId, index) => {
      if (!repositories.adapters.notifier.get(notifierId)) {
        throw missing(`notifier_ids.${index}`, 'notifier', notifierId)
      }
    })
  }

  function enabledUnitOf(minerId: string, exceptUnitId?: string): OptimizationUnit | null {
    return (
      units
        .list()
        .find(
          (unit) =>
            unit.is_enabled && unit.id !== exceptUnitId && unit.target_miner_ids.includes(minerId),
        ) ?? null
    )
  }

  /** What an enabled unit must have; answers the first problem, or null. */
  function strictProblem(unit: OptimizationUnit): ConfigurationError | ConflictError | null {
    if (unit.policy_id === null) {
      return new ConfigurationError(`Unit '${unit.name}' has no policy: assign one (policy_id)`, {
        field: 'policy_id',
      })
    }
    if (unit.energy_source_id === null) {
      return new ConfigurationError(
        `Unit '${unit.name}' has no energy source: assign one (energy_source_id)`,
        { field: 'energy_source_id' },
      )
    }
    if (unit.target_miner_ids.length === 0) {
      return new ConfigurationError(
        `Unit '${unit.name}' has no miner: add at least one (target_miner_ids)`,
        { field: 'target_miner_ids' },
      )
    }
    for (const minerId of unit.target_miner_ids) {
      const other = enabledUnitOf(minerId, unit.id)
      if (other) {
        const miner = repositories.miners.get(minerId)
        return new ConflictError(
          `Miner '${miner?.name ?? minerId}' (${minerId}) already belongs to the enabled unit '${other.name}' (${other.id}); a miner belongs to at most one enabled unit`,
          {
            usages: [
              {
                entity: 'optimization_unit',
                id: other.id,
                name: other.name,
                field: 'target_miner_ids',
              },
            ],
          },
        )
      }
    }
    return null
  }

  /** The policy's check, as a refusal naming `policy_id`, or null when it can run. */
  function policyProblem(policyId: string): ConfigurationError | null {
    const check = policies.check(policyId)
    if (check.valid) return null
    return new ConfigurationError(
      `Policy '${check.policy_name}' cannot run: ${check.errors.join('; ')}`,
      { field: 'policy_id' },
    )
  }

  /** Saves a change; an enabled unit must stay runnable (upstream silently disabled it). */
  function save(unit: OptimizationUnit, stored: OptimizationUnit): OptimizationUnit {
    checkReferences(unit)
    if (unit.is_enabled) {
      const problem =
        strictProblem(unit) ??
        // Switching an enabled unit to another policy: that one must pass the check enabling did.
        (unit.policy_id !== null && unit.policy_id !== stored.policy_id
          ? policyProblem(unit.policy_id)
          : null)
      if (problem) {
        problem.message = `${problem.message} (the unit is enabled; disable it to make this change)`
        throw problem
      }
    }
    return published(units.update(unit), 'updated')
  }

  function merged(stored: OptimizationUnit, body: UnitInput): OptimizationUnit {
    const pick = <K extends keyof UnitInput & keyof OptimizationUnit>(key: K) =>
      (body[key] === undefined ? stored[key] : body[key]) as OptimizationUnit[K]
    return {
      ...stored,
      name: checkName(body.name) ?? stored.name,
      description:
        body.description === undefined ? stored.description : body.description?.trim() || null,
      policy_id: pick('policy_id') ?? null,
      target_miner_ids: [...new Set(pick('target_miner_ids'))],
      energy_source_id: pick('energy_source_id') ?? null,
      performance_tracker_id: pick('performance_tracker_id') ?? null,
      home_loads_profile_id: pick('home_loads_profile_id') ?? null,
      notifier_ids: [...new Set(pick('notifier_ids'))],
      climate_zone_ids: [...new Set(pick('climate_zone_ids'))],
      min_on_seconds: pick('min_on_seconds'),
      min_off_seconds: pick('min_off_seconds'),
    }
  }

  const change = (id: string, body: UnitInput) => {
    const stored = get(id)
    return save(merged(stored, body), stored)
  }
  const oneId = (value: unknown, field: string) => parseInput(UuidSchema, value, field)
  const optionalId = (value: unknown, field: string) =>
    value === undefined || value === null || value === '' ? null : oneId(value, field)

  return {
    list: () => units.list(),
    get,
    create(input) {
      const body = parseInput(CreateUnitInputSchema, input)
      const blank: OptimizationUnit = {
        id: platform.randomUUID(),
        name: '',
        description: null,
        is_enabled: false,
        policy_id: null,
        target_miner_ids: [],
        energy_source_id: null,
        performance_tracker_id: null,
        home_loads_profile_id: null,
        notifier_ids: [],
        climate_zone_ids: [],
        min_on_seconds: DEFAULT_MIN_ON_SECONDS,
        min_off_seconds: DEFAULT_MIN_OFF_SECONDS,
      }
      const unit = merged(blank, body)
      checkReferences(unit)
      return published(units.add(unit), 'created')
    },
    update: (id, input) => change(id, parseInput(UpdateUnitInputSchema, input)),
    remove(id) {
      const unit = get(id)
      units.remove(id)
      return published(unit, 'removed')
    },
    enable(id) {
      const unit = get(id)
      checkReferences(unit)
      const problem = strictProblem(unit) ?? policyProblem(unit.policy_id ?? '')
      if (problem) throw problem
      return published(units.update({ ...unit, is_enabled: true }), 'updated')
    },
    disable: (id) => published(units.update({ ...get(id), is_enabled: false }), 'updated'),
    setEnergySource: (id, sourceId) =>
      change(id, { energy_source_id: optionalId(sourceId, 'energy_source_id') }),
    setPolicy: (id, policyId) => change(id, { policy_id: optionalId(policyId, 'policy_id') }),
    setHomeLoadsProfile: (id, profileId) =>
      change(id, { home_loads_profile_id: optionalId(profileId, 'home_loads_profile_id') }),
    setMiners: (id, minerIds) =>
      change(id, { target_miner_ids: parseInput(IdList('miner'), minerIds, 'miner_ids') }),
    addMiner(id, minerId) {
      const unit = get(id)
      const miner = oneId(minerId, 'miner_id')
      if (unit.target_miner_ids.includes(miner)) return unit
      return save({ ...unit, target_miner_ids: [...unit.target_miner_ids, miner] }, unit)
    },
    removeMiner(id, minerId) {
      const unit = get(id)
      return save(
        {
          ...unit,
          target_miner_ids: unit.target_miner_ids.filter((miner) => miner !== minerId),
        },
        unit,
      )
    },
    setNotifiers: (id, notifierIds) =>
      change(id, { notifier_ids: parseInput(IdList('notifier'), notifierIds, 'notifier_ids') }),
    addNotifier(id, notifierId) {
      const unit = get(id)
      const notifier = oneId(notifierId, 'notifier_id')
      if (unit.notifier_ids.includes(notifier)) return unit
      return save({ ...unit, notifier_ids: [...unit.notifier_ids, notifier] }, unit)
    },
    removeNotifier(id, notifierId) {
      const unit = get(id)
      return save(
        { ...unit, notifier_ids: unit.notifier_ids.filter((n) => n !== notifierId) },
        unit,
      )
    },
    enabledUnitOf,
  }
}
