import { ConfigurationError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { setup } from './test-support/fakes'

function arrange() {
  const s = setup()
  const { services } = s
  const hub = services.adapters.external_service.create({
    adapter_type: 'fake_hub',
    config: { url: 'http://hub', token: 'hub-token' },
  })
  const plug = services.adapters.miner_controller.create({
    adapter_type: 'fake_plug',
    config: { host: 'plug-1' },
    external_service_id: hub.id,
  })
  const rigA = services.miners.create({ name: 'Rig A', controller_ids: [plug.id] })
  const rigB = services.miners.create({ name: 'Rig B', controller_ids: [plug.id] })
  return { ...s, hub, plug, rigA, rigB }
}

describe('live adapter instances', () => {
  it('are one per (entity, consumer), each built for its own consumer (trap T4)', () => {
    const { services, world, plug, rigA, rigB } = arrange()
    const forA = services.instances.get('miner_controller', plug.id, { miner: rigA })
    expect(services.instances.get('miner_controller', plug.id, { miner: rigA })).toBe(forA)
    const forB = services.instances.get('miner_controller', plug.id, { miner: rigB })
    expect(forB).not.toBe(forA)
    expect(world.recordOf(forA).miner).toBe(rigA.id)
    expect(world.recordOf(forB).miner).toBe(rigB.id)
    // Without a consumer: a third instance.
    const bare = services.instances.get('miner_controller', plug.id)
    expect(bare).not.toBe(forA)
    expect(world.recordOf(bare).miner).toBeNull()
  })

  it('are rebuilt when the consumer changes, the old one closed', () => {
    const { services, world, plug, rigA } = arrange()
    const before = services.instances.get('miner_controller', plug.id, { miner: rigA })
    const renamed = services.miners.update(rigA.id, { name: 'Rig A2' })
    const after = services.instances.get('miner_controller', plug.id, { miner: renamed })
    expect(after).not.toBe(before)
    expect(world.recordOf(before).closed).toBe(1)
    expect(services.instances.get('miner_controller', plug.id, { miner: renamed })).toBe(after)
  })

  it('are rebuilt with the new client when the linked external service is updated', () => {
    const { services, world, plug, rigA, hub } = arrange()
    const before = services.instances.get('miner_controller', plug.id, { miner: rigA })
    const hubBefore = world.recordOf(before).externalService
    expect(hubBefore).not.toBeNull()
    expect(services.instances.get('external_service', hub.id)).toBe(hubBefore)

    services.adapters.external_service.update(hub.id, { config: { url: 'http://hub-2' } })
    expect(world.recordOf(hubBefore as object).closed).toBe(1)
    const after = services.instances.get('miner_controller', plug.id, { miner: rigA })
    expect(after).not.toBe(before)
    expect(world.recordOf(before).closed).toBe(1)
    const hubAfter = world.recordOf(after).externalService as object
    expect(hubAfter).not.toBe(hubBefore)
    expect(world.recordOf(hubAfter).config.url).toBe('http://hub-2')
  })

  it('are rebuilt when the settings change', () => {
    const { services, world, plug, rigA } = arrange()
    const before = services.instances.get('miner_controller', plug.id, { miner: rigA })
    services.settings.update({ latitude: 45.4642 })
    const after = services.instances.get('miner_controller', plug.id, { miner: rigA })
    expect(after).not.toBe(before)
    expect(world.recordOf(before).closed).toBe(1)
  })

  it('build makes a fresh instance every time and caches nothing', () => {
    const { services, world, plug } = arrange()
    const cached = services.instances.get('miner_controller', plug.id)
    const draft = {
      adapter_type: 'fake_asic',
      config: { host: 'asic-9' },
      external_service_id: null,
    }
    const one = services.instances.build('miner_controller', draft)
    const two = services.instances.build('miner_controller', draft)
    expect(one).not.toBe(two)
    expect(one).not.toBe(cached)
    expect(world.recordOf(one).config).toEqual({ host: 'asic-9', port: 4028 })
    expect(services.instances.get('miner_controller', plug.id)).toBe(cached)
    // The draft is validated like a stored config.
    expect(() =>
      services.instances.build('miner_controller', { ...draft, config: { host: '' } }),
    ).toThrow(ConfigurationError)
    expect(() =>
      services.instances.build('miner_controller', {
        adapter_type: 'fake_plug',
        config: { host: 'p' },
        external_service_id: '00000000-0000-4000-8000-0000000000ff',
      }),
    ).toThrow(/external_service_id: no external service/)
  })

  it('drop closes every instance of an entity; close closes them all', async () => {
    const { services, world, plug, rigA, rigB, hub } = arrange()
    const forA = services.instances.get('miner_controller', plug.id, { miner: rigA })
    const forB = services.instances.get('miner_controller', plug.id, { miner: rigB })
    const client = services.instances.get('external_service', hub.id)
    services.instances.drop('miner_controller', plug.id)
    expect(world.recordOf(forA).closed).toBe(1)
    expect(world.recordOf(forB).closed).toBe(1)
    expect(world.recordOf(client).closed).toBe(0)
    const again = services.instances.get('miner_controller', plug.id, { miner: rigA })
    expect(again).not.toBe(forA)
    await services.close()
    expect(world.recordOf(again).closed).toBe(1)
    expect(world.recordOf(client).closed).toBe(1)
  })

  it('a rebuild that fails does not close the old instance twice', () => {
    const { services, repositories, world, plug } = arrange()
    const before = services.instances.get('miner_controller', plug.id)
    const stored = repositories.adapters.miner_controller.get(plug.id)
    if (!stored) throw new Error('missing')
    // A hand edit leaves an invalid config behind.
    repositories.adapters.miner_controller.update({
      ...stored,
      config: { host: '' },
      updated_at: '2026-06-21T10:01:00.000Z',
    })
    expect(() => services.instances.get('miner_controller', plug.id)).toThrow(ConfigurationError)
    expect(() => services.instances.get('miner_controller', plug.id)).toThrow(ConfigurationError)
    expect(world.recordOf(before).closed).toBe(1)
    repositories.adapters.miner_controller.update({
      ...stored,
      config: { host: 'plug-2' },
      updated_at: '2026-06-21T10:02:00.000Z',
    })
    const after = services.instances.get('miner_controller', plug.id)
    expect(world.recordOf(after).config.host).toBe('plug-2')
    expect(world.recordOf(before).closed).toBe(1)
  })
})
