import {
  ConfigurationError,
  ConflictError,
  DeviceError,
  EntityNotFoundError,
  InvalidValueError,
  MinerNotActiveError,
  type MinerStateSnapshot,
  UnsupportedFeatureError,
} from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import type { EdgeMiningEvent } from './events'
import { DEVICE_TIMEOUT_MS } from './miners'
import { ASIC_FEATURES, fails, hang, PLUG_FEATURES, setup, uuidNumber } from './test-support/fakes'

function thrown(work: () => unknown): Error & Record<string, unknown> {
  try {
    work()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to throw')
}

async function rejected(work: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await work
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to reject')
}

function arrange() {
  const s = setup()
  const asic = s.services.adapters.miner_controller.create({
    name: 'ASIC API',
    adapter_type: 'fake_asic',
    config: { host: 'asic-1', password: 'asic-pass' },
  })
  const plug = s.services.adapters.miner_controller.create({
    name: 'Smart plug',
    adapter_type: 'fake_plug',
    config: { host: 'plug-1' },
  })
  return { ...s, asic, plug, miners: s.services.miners }
}

describe('miners: create and update', () => {
  it('creates with upstream defaults, the name trimmed, hash rates converted to TH/s', () => {
    const { miners } = arrange()
    const plain = miners.create({ name: '  Garage S9  ' })
    expect(plain).toEqual({
      id: uuidNumber(3),
      name: 'Garage S9',
      model: null,
      hash_rate_max: null,
      power_consumption_max: null,
      active: true,
      features: [],
      controller_ids: [],
      pool_worker_name: null,
    })
    expect(miners.create({}).name).toBe('')
    // 14 000 GH/s = 14 TH/s; 0.25 PH/s = 250 TH/s; a plain number is TH/s; no unit is TH/s.
    expect(miners.create({ hash_rate_max: { value: 14_000, unit: 'GH/s' } }).hash_rate_max).toEqual(
      {
        value: 14,
        unit: 'TH/s',
      },
    )
    expect(miners.create({ hash_rate_max: { value: 0.25, unit: 'PH/s' } }).hash_rate_max).toEqual({
      value: 250,
      unit: 'TH/s',
    })
    expect(miners.create({ hash_rate_max: 110 }).hash_rate_max).toEqual({
      value: 110,
      unit: 'TH/s',
    })
    expect(miners.create({ hash_rate_max: { value: 95 } }).hash_rate_max).toEqual({
      value: 95,
      unit: 'TH/s',
    })
    expect(miners.create({ pool_worker_name: '  ' }).pool_worker_name).toBeNull()
    expect(miners.create({ pool_worker_name: ' rig1 ' }).pool_worker_name).toBe('rig1')
  })

  it('names the offending field of a bad body', () => {
    const { miners } = arrange()
    const unit = thrown(() => miners.create({ hash_rate_max: { value: 14, unit: 'XH/s' } }))
    expect(unit).toBeInstanceOf(InvalidValueError)
    expect(String(unit.field)).toMatch(/^hash_rate_max/)
    expect(thrown(() => miners.create({ power_consumption_max: -5 }))).toMatchObject({
      field: 'power_consumption_max',
    })
    expect(thrown(() => miners.create({ active: 'yes' }))).toMatchObject({ field: 'active' })
    expect(thrown(() => miners.create({ name: 'x'.repeat(201) }))).toMatchObject({ field: 'name' })
    const controller = thrown(() => miners.create({ controller_ids: [uuidNumber(90)] }))
    expect(controller).toBeInstanceOf(ConfigurationError)
    expect(controller).toMatchObject({ field: 'controller_ids.0' })
    expect(thrown(() => miners.create({ controller_ids: ['nope'] }))).toMatchObject({
      field: 'controller_ids.0',
    })
    expect(miners.list()).toEqual([])
  })

  it('updates only what is given; null clears an optional field', () => {
    const { miners } = arrange()
    const miner = miners.create({
      name: 'Rig',
      model: 'S19',
      hash_rate_max: 95,
      power_consumption_max: 3250,
      pool_worker_name: 'rig1',
    })
    const renamed = miners.update(miner.id, { name: 'Rig 2' })
    expect(renamed).toEqual({ ...miner, name: 'Rig 2' })
    const faster = miners.update(miner.id, { hash_rate_max: { value: 110_000, unit: 'GH/s' } })
    expect(faster.hash_rate_max).toEqual({ value: 110, unit: 'TH/s' })
    expect(faster.model).toBe('S19')
    const cleared = miners.update(miner.id, {
      model: null,
      hash_rate_max: null,
      power_consumption_max: null,
      pool_worker_name: null,
    })
    expect(cleared).toEqual({
      ...miner,
      name: 'Rig 2',
      model: null,
      hash_rate_max: null,
      power_consumption_max: null,
      pool_worker_name: null,
    })
    expect(miners.setActive(miner.id, false).active).toBe(false)
    expect(thrown(() => miners.update(uuidNumber(99), {}))).toBeInstanceOf(EntityNotFoundError)
  })
})

describe('miners: controllers and features', () => {
  it("set-controller adds exactly the adapter's features at priority 50; twice changes nothing", () => {
    const { miners, asic, plug } = arrange()
    const miner = miners.create({ name: 'Rig' })
    const linked = miners.setController(miner.id, asic.id)
    expect(linked.features).toEqual(
      ASIC_FEATURES.map((feature_type) => ({
        feature_type,
        controller_id: asic.id,
        priority: 50,
        enabled: true,
      })),
    )
    expect(linked.controller_ids).toEqual([asic.id])
    expect(miners.setController(miner.id, asic.id)).toEqual(linked)

    const both = miners.setController(miner.id, plug.id)
    expect(both.features).toHaveLength(ASIC_FEATURES.length + PLUG_FEATURES.length)
    expect(both.controller_ids).toEqual([asic.id, plug.id])

    const unlinked = miners.unlinkController(miner.id, asic.id)
    expect(unlinked.features.map((f) => [f.feature_type, f.controller_id])).toEqual(
      PLUG_FEATURES.map((type) => [type, plug.id]),
    )
    expect(unlinked.controller_ids).toEqual([plug.id])
    expect(thrown(() => miners.unlinkController(miner.id, asic.id))).toBeInstanceOf(
      EntityNotFoundError,
    )
    expect(thrown(() => miners.setController(miner.id, uuidNumber(99)))).toMatchObject({
      code: 'not_found',
      entity: 'miner_controller',
    })
  })

  it('enables, disables and reprioritises one feature; bad values name the field', () => {
    const { miners, asic } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id] })
    const find = (m: typeof miner, type: string) =>
      m.features.find((feature) => feature.feature_type === type)

    const disabled = miners.setFeatureEnabled(miner.id, asic.id, 'mining_control', false)
    expect(find(disabled, 'mining_control')?.enabled).toBe(false)
    expect(find(disabled, 'status_monitoring')?.enabled).toBe(true)
    expect(
      find(miners.setFeatureEnabled(miner.id, asic.id, 'mining_control', true), 'mining_control')
        ?.enabled,
    ).toBe(true)

    for (const priority of [1, 100]) {
      const changed = miners.setFeaturePriority(miner.id, asic.id, 'power_monitoring', priority)
      expect(find(changed, 'power_monitoring')?.priority).toBe(priority)
    }
    for (const priority of [0, 101, 50.5, '60', null]) {
      const error = thrown(() =>
        miners.setFeaturePriority(miner.id, asic.id, 'power_monitoring', priority),
      )
      expect(error).toBeInstanceOf(InvalidValueError)
      expect(error).toMatchObject({ field: 'priority' })
    }
    expect(find(miners.get(miner.id), 'power_monitoring')?.priority).toBe(100)

    const type = thrown(() => miners.setFeatureEnabled(miner.id, asic.id, 'laser_control', true))
    expect(type).toBeInstanceOf(InvalidValueError)
    expect(type).toMatchObject({ field: 'feature_type' })
    // A feature this controller does not offer.
    expect(
      thrown(() => miners.setFeatureEnabled(miner.id, asic.id, 'power_control', true)),
    ).toBeInstanceOf(EntityNotFoundError)
  })
})

describe('miners: reading the state', () => {
  it('reads every feature in parallel and lists failed or silent readings, keeping the rest', async () => {
    const { miners, asic, world, platform } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id] })
    const device = world.device('asic-1')
    device.status = 'on'
    device.hashrate = { value: 98.5, unit: 'TH/s' }
    device.power = hang
    device.inletTemperature = hang
    device.deviceInfo = fails(new Error('not read by readState'))

    let state: MinerStateSnapshot | null = null
    const reading = miners.readState(miner).then((value) => {
      state = value
    })
    await platform.advance(DEVICE_TIMEOUT_MS - 1)
    expect(state).toBeNull()
    // Both silent readings time out together: they were asked at the same time.
    await platform.advance(1)
    await reading
    expect(state).toMatchObject({
      status: 'on',
      hash_rate: { value: 98.5, unit: 'TH/s' },
      power_consumption: null,
      inlet_temperature: null,
      blocks_found: null,
      timestamp: '2026-06-21T10:00:10.000Z',
    })
    const errors = (state as unknown as MinerStateSnapshot).errors
    expect(errors.map((e) => [e.feature, e.code]).sort()).toEqual([
      ['inlet_temperature_monitoring', 'unreachable'],
      ['power_monitoring', 'unreachable'],
    ])
    expect(errors[0]?.message).toMatch(
      /^Rig (power|inlet_temperature)_monitoring: no answer within 10 s$/,
    )
    expect(platform.pendingTimers()).toBe(0)
  })

  it('lists a reading that fails with its code and message', async () => {
    const { miners, asic, world } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id] })
    const device = world.device('asic-1')
    device.status = 'off'
    device.power = fails(new DeviceError('bad_response', 'power sensor said "n/a"'))
    device.hashrate = fails(new Error('socket closed'))
    const state = await miners.readState(miner)
    expect(state.status).toBe('off')
    expect(state.errors).toEqual(
      expect.arrayContaining([
        { feature: 'power_monitoring', code: 'bad_response', message: 'power sensor said "n/a"' },
        { feature: 'hashrate_monitoring', code: 'error', message: 'socket closed' },
      ]),
    )
    expect(state.errors).toHaveLength(2)
  })

  it('a miner without controllers reads as unknown with no errors', async () => {
    const { miners } = arrange()
    const state = await miners.status(miners.create({ name: 'Bare' }).id)
    expect(state.status).toBe('unknown')
    expect(state.errors).toEqual([])
  })

  it('priorities choose which controller serves a feature', async () => {
    const { miners, asic, plug, world } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id, plug.id] })
    world.device('asic-1').power = 3100
    world.device('asic-1').status = 'on'
    world.device('plug-1').power = 3250
    world.device('plug-1').status = 'off'
    // A tie goes to the controller attached first.
    expect(await miners.status(miner.id)).toMatchObject({ power_consumption: 3100, status: 'on' })
    miners.setFeaturePriority(miner.id, plug.id, 'power_monitoring', 80)
    expect(await miners.status(miner.id)).toMatchObject({ power_consumption: 3250, status: 'on' })
    miners.setFeatureEnabled(miner.id, asic.id, 'status_monitoring', false)
    expect(await miners.status(miner.id)).toMatchObject({ status: 'off' })
    expect(miners.featurePort(miners.get(miner.id), 'status_monitoring')?.controllerId).toBe(
      plug.id,
    )
    expect(miners.featurePort(miners.get(miner.id), 'max_power_detection')).toBeNull()
  })

  it('reads device info and limits through their features', async () => {
    const { miners, asic, world } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id] })
    world.device('asic-1').deviceInfo = {
      model: 'S19',
      manufacturer: 'Bitmain',
      serial_number: null,
      mac_address: null,
      hostname: 'rig',
      firmware_version: '2024.1',
    }
    expect(await miners.info(miner.id)).toMatchObject({ model: 'S19', hostname: 'rig' })
    // The ASIC controller offers no max-power or max-hashrate detection.
    expect(await miners.limits(miner.id)).toEqual({ max_power: null, max_hashrate: null })
    expect(await miners.info(miners.create({ name: 'Bare' }).id)).toBeNull()
  })
})

describe('miners: config.updated', () => {
  it('is published on create, every change and remove (upstream sent none for miners)', () => {
    const { miners, asic, services } = arrange()
    const events: EdgeMiningEvent[] = []
    services.events.subscribe((event) => events.push(event))
    const miner = miners.create({ name: 'Rig' })
    miners.update(miner.id, { name: 'Rig 2' })
    miners.setActive(miner.id, false)
    miners.setController(miner.id, asic.id)
    miners.unlinkController(miner.id, asic.id)
    miners.remove(miner.id)
    const payload = (action: string) => ({ entity_type: 'miner', entity_id: miner.id, action })
    expect(events.map((event) => [event.topic, event.payload])).toEqual([
      ['config.updated', payload('created')],
      ['config.updated', payload('updated')],
      ['config.updated', payload('updated')],
      ['config.updated', payload('updated')],
      ['config.updated', payload('updated')],
      ['config.updated', payload('removed')],
    ])
  })

  it('is not published for a refused create or a read', async () => {
    const { miners, asic, services } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id] })
    const events: EdgeMiningEvent[] = []
    services.events.subscribe((event) => events.push(event))
    expect(thrown(() => miners.create({ power_consumption_max: -5 }))).toBeInstanceOf(
      InvalidValueError,
    )
    await miners.status(miner.id)
    expect(events).toEqual([])
  })
})

describe('miners: start and stop', () => {
  it('starts through mining control, re-reads the status and publishes miner.state', async () => {
    const { miners, asic, world, services } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id] })
    const events: EdgeMiningEvent[] = []
    services.events.subscribe((event) => events.push(event))
    const result = await miners.act(miner.id, 'start')
    expect(result).toEqual({
      miner_id: miner.id,
      action: 'start',
      control: 'mining_control',
      status_before: 'off',
      status_after: 'on',
      message: `Miner ${miner.id} (Rig) started.`,
    })
    expect(world.device('asic-1').calls).toContain('startMining')
    expect(events.map((event) => [event.topic, event.payload])).toEqual([
      [
        'miner.state',
        { miner_id: miner.id, miner_name: 'Rig', old_status: 'off', new_status: 'on' },
      ],
    ])
    const stopped = await miners.act(miner.id, 'stop')
    expect(stopped).toMatchObject({ control: 'mining_control', status_after: 'off' })
    expect(stopped.message).toBe(`Miner ${miner.id} (Rig) stopped.`)
  })

  it('falls back to power control for a plug-only miner, or when mining control is off (T2)', async () => {
    const { miners, asic, plug, world } = arrange()
    const plugged = miners.create({ name: 'Plugged', controller_ids: [plug.id] })
    expect(await miners.act(plugged.id, 'start')).toMatchObject({
      control: 'power_control',
      status_before: 'off',
      status_after: 'on',
    })
    expect(await miners.act(plugged.id, 'stop')).toMatchObject({
      control: 'power_control',
      status_after: 'off',
    })
    expect(world.device('plug-1').calls.filter((call) => call.startsWith('power'))).toEqual([
      'powerOn',
      'powerOff',
    ])

    const both = miners.create({ name: 'Both', controller_ids: [asic.id, plug.id] })
    miners.setFeatureEnabled(both.id, asic.id, 'mining_control', false)
    expect(await miners.act(both.id, 'start')).toMatchObject({ control: 'power_control' })
    expect(world.device('asic-1').calls).not.toContain('startMining')
  })

  it('refuses an inactive miner and a miner that nothing can control, touching no device', async () => {
    const { miners, asic, plug, world } = arrange()
    const idle = miners.create({ name: 'Idle', controller_ids: [asic.id], active: false })
    const notActive = await rejected(miners.act(idle.id, 'start'))
    expect(notActive).toBeInstanceOf(MinerNotActiveError)
    expect(notActive).toMatchObject({ code: 'not_active', miner_id: idle.id })
    expect(world.device('asic-1').calls).toEqual([])

    const bare = miners.create({ name: 'Bare' })
    const unsupported = await rejected(miners.act(bare.id, 'start'))
    expect(unsupported).toBeInstanceOf(UnsupportedFeatureError)
    expect(unsupported.code).toBe('unsupported')

    const plugged = miners.create({ name: 'Plugged', controller_ids: [plug.id] })
    miners.setFeatureEnabled(plugged.id, plug.id, 'power_control', false)
    expect(await rejected(miners.act(plugged.id, 'stop'))).toBeInstanceOf(UnsupportedFeatureError)
    expect(world.device('plug-1').calls.filter((call) => call.startsWith('power'))).toEqual([])
  })

  it('passes a device failure through, and times out a command that never answers', async () => {
    const { miners, asic, world, platform, services } = arrange()
    const miner = miners.create({ name: 'Rig', controller_ids: [asic.id] })
    const events: EdgeMiningEvent[] = []
    services.events.subscribe((event) => events.push(event))
    const device = world.device('asic-1')
    device.commandError = new DeviceError('auth_failed', 'wrong password')
    const failure = await rejected(miners.act(miner.id, 'start'))
    expect(failure).toBeInstanceOf(DeviceError)
    expect(failure.code).toBe('auth_failed')

    device.commandError = undefined
    device.commandHangs = true
    const slow = rejected(miners.act(miner.id, 'start'))
    await platform.advance(DEVICE_TIMEOUT_MS)
    const timeout = await slow
    expect(timeout).toBeInstanceOf(DeviceError)
    expect(timeout).toMatchObject({
      code: 'unreachable',
      message: 'Rig start: no answer within 10 s',
    })
    expect(events).toEqual([])
    expect(device.status).toBe('off')
  })
})

describe('miners: remove', () => {
  it('is refused while a unit lists the miner; force takes it out of the unit', () => {
    const { miners, services } = arrange()
    const miner = miners.create({ name: 'Rig' })
    const other = miners.create({ name: 'Other' })
    const unit = services.units.create({ name: 'Roof', target_miner_ids: [miner.id, other.id] })
    const error = thrown(() => miners.remove(miner.id))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.usages).toEqual([
      { entity: 'optimization_unit', id: unit.id, name: 'Roof', field: 'target_miner_ids' },
    ])
    expect(miners.get(miner.id).id).toBe(miner.id)
    expect(miners.remove(miner.id, { force: true }).id).toBe(miner.id)
    expect(() => miners.get(miner.id)).toThrow(EntityNotFoundError)
    expect(services.units.get(unit.id).target_miner_ids).toEqual([other.id])
    // Nothing refers to it any more.
    expect(miners.remove(other.id, { force: true }).id).toBe(other.id)
    expect(miners.remove(miners.create({ name: 'Free' }).id).name).toBe('Free')
  })

  it('closes the controller instances built for the miner (removed or unlinked)', async () => {
    const { miners, asic, plug, world } = arrange()
    const created = miners.create({ name: 'Rig', controller_ids: [asic.id, plug.id] })
    // The plug serves the power reading, so both controllers get an instance for this miner.
    const miner = miners.setFeaturePriority(created.id, plug.id, 'power_monitoring', 80)
    await miners.status(miner.id)
    const forMiner = () => world.instances.filter((record) => record.miner === miner.id)
    expect(forMiner().map((record) => [record.type, record.closed])).toEqual([
      ['fake_asic', 0],
      ['fake_plug', 0],
    ])
    miners.unlinkController(miner.id, plug.id)
    expect(forMiner().find((record) => record.type === 'fake_plug')?.closed).toBe(1)
    miners.remove(miner.id)
    expect(forMiner().every((record) => record.closed >= 1)).toBe(true)
  })
})
