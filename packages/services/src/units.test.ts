import {
  ConfigurationError,
  ConflictError,
  EntityNotFoundError,
  InvalidValueError,
} from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import type { EdgeMiningEvent } from './events'
import { setup, uuidNumber } from './test-support/fakes'

function thrown(work: () => unknown): Error & Record<string, unknown> {
  try {
    work()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to throw')
}

const START = { field: 'energy_state.production', operator: 'gt', value: 3000 }
const STOP = { field: 'energy_state.production', operator: 'lt', value: 500 }

function arrange() {
  const s = setup()
  const { services } = s
  const policy = services.policies.create({ name: 'Solar' })
  services.policies.addRule(policy.id, 'start', { name: 'Sun', conditions: START })
  services.policies.addRule(policy.id, 'stop', { name: 'Dusk', conditions: STOP })
  const source = services.energySources.create({ name: 'Roof' })
  const tracker = services.trackers.create({
    adapter_type: 'fake_pool',
    config: { account: 'alice', api_token: 'pool-token-1' },
  })
  const notifier = services.adapters.notifier.create({
    adapter_type: 'fake_chat',
    config: { channel: '#m', token: 'chat-token' },
  })
  const rigA = services.miners.create({ name: 'Rig A' })
  const rigB = services.miners.create({ name: 'Rig B' })
  /** A unit with everything an enabled unit needs. */
  const runnable = (name: string, minerIds = [rigA.id]) =>
    services.units.create({
      name,
      policy_id: policy.id,
      energy_source_id: source.id,
      target_miner_ids: minerIds,
    })
  return { ...s, units: services.units, policy, source, tracker, notifier, rigA, rigB, runnable }
}

describe('units: create', () => {
  it('starts disabled with min on/off of 300 s and upstream defaults', () => {
    const { units, policy, source, tracker, notifier, rigA, rigB } = arrange()
    const bare = units.create({})
    expect(bare).toEqual({
      id: expect.any(String),
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
      min_on_seconds: 300,
      min_off_seconds: 300,
    })
    const full = units.create({
      name: ' House ',
      description: '  ',
      policy_id: policy.id,
      energy_source_id: source.id,
      performance_tracker_id: tracker.id,
      target_miner_ids: [rigA.id, rigB.id, rigA.id],
      notifier_ids: [notifier.id],
      min_on_seconds: 600,
      min_off_seconds: 0,
      is_enabled: true,
    })
    expect(full).toMatchObject({
      name: 'House',
      description: null,
      is_enabled: false,
      target_miner_ids: [rigA.id, rigB.id],
      min_on_seconds: 600,
      min_off_seconds: 0,
    })
    expect(units.get(full.id)).toEqual(full)
  })

  it('checks every referenced id, naming the field', () => {
    const { units, rigA, notifier } = arrange()
    const missing = uuidNumber(99)
    const cases: [Record<string, unknown>, string][] = [
      [{ policy_id: missing }, 'policy_id'],
      [{ energy_source_id: missing }, 'energy_source_id'],
      [{ performance_tracker_id: missing }, 'performance_tracker_id'],
      [{ target_miner_ids: [rigA.id, missing] }, 'target_miner_ids.1'],
      [{ notifier_ids: [missing, notifier.id] }, 'notifier_ids.0'],
    ]
    for (const [body, field] of cases) {
      const error = thrown(() => units.create(body))
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error.field).toBe(field)
      expect(error.message).toContain(missing)
    }
    // Malformed ids and values are refused before any lookup.
    const shapes: [Record<string, unknown>, string][] = [
      [{ target_miner_ids: [rigA.id, 'rig-b'] }, 'target_miner_ids.1'],
      [{ policy_id: 'solar' }, 'policy_id'],
      [{ min_on_seconds: -1 }, 'min_on_seconds'],
      [{ min_off_seconds: 1.5 }, 'min_off_seconds'],
      [{ min_on_seconds: 86_401 }, 'min_on_seconds'],
      [{ name: 5 }, 'name'],
    ]
    for (const [body, field] of shapes) {
      const error = thrown(() => units.create(body))
      expect(error).toBeInstanceOf(InvalidValueError)
      expect(error.field).toBe(field)
    }
    expect(units.list()).toEqual([])
  })
})

describe('units: update (PUT keeps what it omits, trap T18)', () => {
  it('keeps omitted fields, null or "" clears an id, lists replace', () => {
    const { units, policy, source, tracker, notifier, rigA, rigB } = arrange()
    const unit = units.create({
      name: 'House',
      description: 'Main',
      policy_id: policy.id,
      energy_source_id: source.id,
      performance_tracker_id: tracker.id,
      target_miner_ids: [rigA.id],
      notifier_ids: [notifier.id],
    })
    expect(units.update(unit.id, { name: 'House 2' })).toEqual({ ...unit, name: 'House 2' })
    expect(units.update(unit.id, { description: null }).description).toBeNull()
    const cleared = units.update(unit.id, { performance_tracker_id: null, energy_source_id: '' })
    expect(cleared).toMatchObject({
      performance_tracker_id: null,
      energy_source_id: null,
      policy_id: policy.id,
      target_miner_ids: [rigA.id],
      notifier_ids: [notifier.id],
      name: 'House 2',
    })
    expect(units.update(unit.id, { target_miner_ids: [rigB.id], notifier_ids: [] })).toMatchObject({
      target_miner_ids: [rigB.id],
      notifier_ids: [],
    })
    expect(thrown(() => units.update(unit.id, { policy_id: uuidNumber(99) }))).toMatchObject({
      field: 'policy_id',
    })
    expect(units.get(unit.id).policy_id).toBe(policy.id)
    expect(thrown(() => units.update(uuidNumber(98), {}))).toBeInstanceOf(EntityNotFoundError)
  })
})

describe('units: enable and disable', () => {
  it('needs a policy, an energy source and a miner', () => {
    const { units, policy, source, rigA } = arrange()
    const unit = units.create({ name: 'House' })
    const steps: [Record<string, unknown>, string][] = [
      [{}, 'policy_id'],
      [{ policy_id: policy.id }, 'energy_source_id'],
      [{ energy_source_id: source.id }, 'target_miner_ids'],
    ]
    for (const [change, field] of steps) {
      units.update(unit.id, change)
      const error = thrown(() => units.enable(unit.id))
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error.field).toBe(field)
      expect(units.get(unit.id).is_enabled).toBe(false)
    }
    units.update(unit.id, { target_miner_ids: [rigA.id] })
    expect(units.enable(unit.id).is_enabled).toBe(true)
    expect(units.disable(unit.id).is_enabled).toBe(false)
  })

  it('runs the policy check', () => {
    const { units, services, source, rigA } = arrange()
    const halfPolicy = services.policies.create({ name: 'Start only' })
    services.policies.addRule(halfPolicy.id, 'start', { name: 'Sun', conditions: START })
    const unit = units.create({
      name: 'House',
      policy_id: halfPolicy.id,
      energy_source_id: source.id,
      target_miner_ids: [rigA.id],
    })
    const error = thrown(() => units.enable(unit.id))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error.field).toBe('policy_id')
    expect(error.message).toBe(
      "Policy 'Start only' cannot run: The policy has no stop rule: add at least one rule that stops mining",
    )
    expect(units.get(unit.id).is_enabled).toBe(false)
  })

  it('refuses a miner already in another enabled unit (a miner belongs to at most one)', () => {
    const { units, runnable, rigA, rigB } = arrange()
    const first = runnable('First', [rigA.id])
    units.enable(first.id)
    const second = runnable('Second', [rigB.id, rigA.id])
    const error = thrown(() => units.enable(second.id))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.usages).toEqual([
      { entity: 'optimization_unit', id: first.id, name: 'First', field: 'target_miner_ids' },
    ])
    expect(error.message).toContain("Miner 'Rig A'")
    expect(units.enabledUnitOf(rigA.id)?.id).toBe(first.id)
    expect(units.enabledUnitOf(rigA.id, first.id)).toBeNull()
    expect(units.enabledUnitOf(rigB.id)).toBeNull()
    // Once the first is disabled, the second may run.
    units.disable(first.id)
    expect(units.enable(second.id).is_enabled).toBe(true)
  })

  it('refuses a change that would leave an enabled unit unable to run', () => {
    const { units, runnable, rigA, rigB } = arrange()
    const unit = units.enable(runnable('House', [rigA.id]).id)
    const refusals: [() => unknown, string][] = [
      [() => units.update(unit.id, { policy_id: null }), 'policy_id'],
      [() => units.setEnergySource(unit.id, null), 'energy_source_id'],
      [() => units.removeMiner(unit.id, rigA.id), 'target_miner_ids'],
      [() => units.setMiners(unit.id, []), 'target_miner_ids'],
    ]
    for (const [change, field] of refusals) {
      const error = thrown(change)
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error.field).toBe(field)
      expect(error.message).toContain('disable it to make this change')
    }
    expect(units.get(unit.id)).toEqual(unit)

    const other = units.enable(runnable('Shed', [rigB.id]).id)
    expect(thrown(() => units.addMiner(unit.id, rigB.id))).toBeInstanceOf(ConflictError)
    expect(units.get(unit.id).target_miner_ids).toEqual([rigA.id])
    // Changes that keep it runnable are fine.
    expect(units.update(unit.id, { name: 'Main house', min_on_seconds: 120 })).toMatchObject({
      is_enabled: true,
      name: 'Main house',
      min_on_seconds: 120,
    })
    expect(units.disable(other.id).is_enabled).toBe(false)
  })
})

describe('units: assignment helpers', () => {
  it('set, add (idempotent) and remove miners and notifiers; assign source, policy, profile', () => {
    const { units, services, rigA, rigB, notifier, source, policy } = arrange()
    const unit = units.create({ name: 'House' })
    expect(units.setMiners(unit.id, [rigB.id, rigA.id, rigB.id]).target_miner_ids).toEqual([
      rigB.id,
      rigA.id,
    ])
    expect(units.removeMiner(unit.id, rigB.id).target_miner_ids).toEqual([rigA.id])
    const added = units.addMiner(unit.id, rigB.id)
    expect(added.target_miner_ids).toEqual([rigA.id, rigB.id])
    expect(units.addMiner(unit.id, rigB.id)).toEqual(added)
    expect(thrown(() => units.addMiner(unit.id, 'rig'))).toMatchObject({ field: 'miner_id' })
    expect(thrown(() => units.addMiner(unit.id, uuidNumber(99)))).toMatchObject({
      field: 'target_miner_ids.2',
    })
    expect(thrown(() => units.setMiners(unit.id, rigA.id))).toMatchObject({ field: 'miner_ids' })

    const second = services.adapters.notifier.create({
      adapter_type: 'fake_chat',
      config: { channel: '#b', token: 'chat-token' },
    })
    expect(units.setNotifiers(unit.id, [notifier.id]).notifier_ids).toEqual([notifier.id])
    expect(units.addNotifier(unit.id, second.id).notifier_ids).toEqual([notifier.id, second.id])
    expect(units.addNotifier(unit.id, second.id).notifier_ids).toEqual([notifier.id, second.id])
    expect(units.removeNotifier(unit.id, notifier.id).notifier_ids).toEqual([second.id])
    expect(thrown(() => units.addNotifier(unit.id, uuidNumber(99)))).toMatchObject({
      field: 'notifier_ids.1',
    })

    expect(units.setEnergySource(unit.id, source.id).energy_source_id).toBe(source.id)
    expect(units.setEnergySource(unit.id, '').energy_source_id).toBeNull()
    expect(units.setPolicy(unit.id, policy.id).policy_id).toBe(policy.id)
    expect(thrown(() => units.setPolicy(unit.id, uuidNumber(99)))).toMatchObject({
      field: 'policy_id',
    })
    expect(thrown(() => units.setPolicy(unit.id, 'solar'))).toMatchObject({ field: 'policy_id' })
    // Home-load profiles are not stored here: any UUID is kept (as upstream), absent clears.
    expect(units.setHomeLoadsProfile(unit.id, uuidNumber(70)).home_loads_profile_id).toBe(
      uuidNumber(70),
    )
    expect(units.setHomeLoadsProfile(unit.id, undefined).home_loads_profile_id).toBeNull()
  })

  it('deleting a miner with force takes it out of units; a unit left without miners is disabled', () => {
    const { units, services, runnable, rigA, rigB } = arrange()
    const alone = units.enable(runnable('Alone', [rigA.id]).id)
    const pair = units.enable(runnable('Pair', [rigB.id]).id)
    units.disable(pair.id)
    const rigC = services.miners.create({ name: 'Rig C' })
    units.setMiners(pair.id, [rigB.id, rigC.id])
    units.enable(pair.id)

    services.miners.remove(rigA.id, { force: true })
    expect(units.get(alone.id)).toMatchObject({ target_miner_ids: [], is_enabled: false })
    services.miners.remove(rigB.id, { force: true })
    expect(units.get(pair.id)).toMatchObject({ target_miner_ids: [rigC.id], is_enabled: true })
  })

  it('publishes config.updated on create, every change and remove (upstream sent none for units)', () => {
    const { services, units, policy, source, rigA } = arrange()
    const events: EdgeMiningEvent[] = []
    services.events.subscribe((event) => events.push(event))
    const unit = units.create({ name: 'House' })
    units.update(unit.id, { name: 'Home' })
    units.setMiners(unit.id, [rigA.id])
    units.setEnergySource(unit.id, source.id)
    units.setPolicy(unit.id, policy.id)
    units.enable(unit.id)
    units.disable(unit.id)
    units.remove(unit.id)
    const payload = (action: string) => ({
      entity_type: 'optimization_unit',
      entity_id: unit.id,
      action,
    })
    expect(events.map((event) => [event.topic, event.payload])).toEqual([
      ['config.updated', payload('created')],
      ...Array.from({ length: 6 }, () => ['config.updated', payload('updated')]),
      ['config.updated', payload('removed')],
    ])
  })

  it('publishes nothing for a change it refuses', () => {
    const { services, units } = arrange()
    const unit = units.create({ name: 'House' })
    const events: EdgeMiningEvent[] = []
    services.events.subscribe((event) => events.push(event))
    expect(thrown(() => units.enable(unit.id))).toBeInstanceOf(ConfigurationError)
    expect(thrown(() => units.update(unit.id, { policy_id: uuidNumber(99) }))).toBeInstanceOf(
      ConfigurationError,
    )
    expect(events).toEqual([])
  })

  it('remove deletes the unit', () => {
    const { units } = arrange()
    const unit = units.create({ name: 'House' })
    expect(units.remove(unit.id)).toEqual(unit)
    expect(thrown(() => units.get(unit.id))).toBeInstanceOf(EntityNotFoundError)
  })
})
