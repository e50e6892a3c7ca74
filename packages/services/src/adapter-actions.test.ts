import { DeviceError, EntityNotFoundError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import type { ControllerTestReport } from './adapter-actions'
import { DEVICE_TIMEOUT_MS } from './miners'
import { ASIC_FEATURES, fails, hang, PLUG_FEATURES, setup, uuidNumber } from './test-support/fakes'

const NOW = '2026-06-21T10:00:00.000Z'

function arrange() {
  const s = setup({ start: NOW })
  const asic = s.services.adapters.miner_controller.create({
    name: 'ASIC API',
    adapter_type: 'fake_asic',
    config: { host: 'asic-1', password: 'asic-pass-1' },
  })
  return { ...s, asic, actions: s.services.actions }
}

describe('adapter actions: testing a miner controller', () => {
  it('reports what a reachable controller read, its latency and its features', async () => {
    const { actions, asic, world, platform } = arrange()
    const device = world.device('asic-1')
    device.status = 'on'
    device.hashrate = () => {
      // The device takes 42 ms to answer.
      platform.setNow('2026-06-21T10:00:00.042Z')
      return { value: 100.12345, unit: 'TH/s' }
    }
    device.power = 3199.6
    device.deviceInfo = {
      model: 'S19',
      manufacturer: 'Bitmain',
      serial_number: null,
      mac_address: null,
      hostname: null,
      firmware_version: 'bos 24',
    }
    const report = await actions.testController(asic.id)
    expect(report).toEqual({
      success: true,
      message:
        'Controller reachable: status on, 100.123 TH/s, 3200 W, model S19, firmware bos 24 (42 ms)',
      latency_ms: 42,
      status: 'on',
      hash_rate: { value: 100.12345, unit: 'TH/s' },
      power: 3199.6,
      device_info: expect.objectContaining({ model: 'S19' }),
      supported_features: [...ASIC_FEATURES],
    } satisfies ControllerTestReport)
    expect(actions.supportedFeatures(asic.id)).toEqual([...ASIC_FEATURES])
  })

  it('reports an unreachable controller, its secret scrubbed from the message', async () => {
    const { actions, asic, world } = arrange()
    world.device('asic-1').statusAnswer = fails(
      new DeviceError('auth_failed', 'login with password asic-pass-1 refused'),
    )
    const report = await actions.testController(asic.id)
    expect(report).toEqual({
      success: false,
      message: 'Controller test failed: login with password *** refused',
      latency_ms: 0,
      status: null,
      hash_rate: null,
      power: null,
      device_info: null,
      supported_features: [...ASIC_FEATURES],
    })
    expect(JSON.stringify(report)).not.toContain('asic-pass-1')
  })

  it('a controller that answers but knows nothing is not reachable', async () => {
    const { actions, asic, world } = arrange()
    world.device('asic-1').statusAnswer = 'unknown'
    const report = await actions.testController(asic.id)
    expect(report).toMatchObject({
      success: false,
      message: 'The controller answered but reported nothing about the miner',
      status: 'unknown',
    })
  })

  it('a controller that never answers fails after the device timeout', async () => {
    const { actions, asic, world, platform } = arrange()
    world.device('asic-1').statusAnswer = hang
    const pending = actions.testController(asic.id)
    await platform.advance(DEVICE_TIMEOUT_MS)
    expect(await pending).toMatchObject({
      success: false,
      message: 'Controller test failed: status: no answer within 10 s',
      latency_ms: DEVICE_TIMEOUT_MS,
    })
  })

  it('tests an unsaved draft on a fresh instance it closes afterwards', async () => {
    const { actions, world, services } = arrange()
    world.device('plug-9').status = 'off'
    const report = await actions.testController({
      adapter_type: 'fake_plug',
      config: { host: 'plug-9' },
      external_service_id: null,
    })
    expect(report).toMatchObject({
      success: true,
      message: 'Controller reachable: status off (0 ms)',
      supported_features: [...PLUG_FEATURES],
    })
    const [record] = world.instances
    expect(record).toMatchObject({ type: 'fake_plug', closed: 1, miner: uuidNumber(0) })
    expect(services.adapters.miner_controller.list()).toHaveLength(1)
  })

  it('reads device info and limits through a throwaway instance', async () => {
    const { actions, asic, world } = arrange()
    world.device('asic-1').deviceInfo = {
      model: 'S21',
      manufacturer: null,
      serial_number: null,
      mac_address: null,
      hostname: null,
      firmware_version: null,
    }
    expect(await actions.controllerInfo(asic.id)).toMatchObject({ model: 'S21' })
    expect(await actions.controllerLimits(asic.id)).toEqual({ max_power: null, max_hashrate: null })
    expect(world.instances.every((record) => record.closed === 1)).toBe(true)
    await expect(actions.controllerInfo(uuidNumber(99))).rejects.toBeInstanceOf(EntityNotFoundError)
  })
})

describe('adapter actions: testing a notifier', () => {
  function withNotifier() {
    const s = arrange()
    const notifier = s.services.adapters.notifier.create({
      adapter_type: 'fake_chat',
      config: { channel: '#mining', token: 'chat-token-1' },
    })
    return { ...s, notifier }
  }

  it("sends upstream's test message and says so", async () => {
    const { actions, notifier, world } = withNotifier()
    expect(await actions.testNotifier(notifier.id)).toEqual({
      status: 'success',
      message: 'Test notification sent successfully',
    })
    expect(world.sent).toEqual([
      {
        channel: '#mining',
        notification: {
          event: 'test',
          title: 'Test Notification',
          message: 'This is a test notification from Edge Mining System',
          at: NOW,
        },
      },
    ])
  })

  it('a failure answers failed with the error code, the secret scrubbed', async () => {
    const { actions, notifier, world } = withNotifier()
    world.notifierError = new DeviceError('auth_failed', 'bot token chat-token-1 was refused')
    expect(await actions.testNotifier(notifier.id)).toEqual({
      status: 'failed',
      message: 'Failed to send test notification: auth_failed: bot token *** was refused',
    })
    world.notifierError = new Error('socket hang up')
    expect(await actions.testNotifier(notifier.id)).toEqual({
      status: 'failed',
      message: 'Failed to send test notification: socket hang up',
    })
    expect(world.sent).toEqual([])
  })

  it('a send that never completes fails after the device timeout', async () => {
    const { actions, notifier, services, platform } = withNotifier()
    const port = services.instances.get('notifier', notifier.id)
    port.send = () => hang()
    const pending = actions.testNotifier(notifier.id)
    await platform.advance(DEVICE_TIMEOUT_MS)
    expect(await pending).toEqual({
      status: 'failed',
      message: 'Failed to send test notification: unreachable: notifier: no answer within 10 s',
    })
  })
})

describe('adapter actions: external services', () => {
  function withHub() {
    const s = arrange()
    const hub = s.services.adapters.external_service.create({
      name: 'Home hub',
      adapter_type: 'fake_hub',
      config: { url: 'http://hub', token: 'hub-token-1' },
    })
    return { ...s, hub }
  }

  it('answers what the service says: connected or unauthorized', async () => {
    const { actions, hub, world } = withHub()
    world.hubs.set('http://hub', 'connected')
    expect(await actions.externalServiceStatus(hub.id)).toEqual({
      name: 'Home hub',
      status: 'connected',
      last_check: NOW,
      latency_ms: 12,
      error_message: null,
      message: 'Hub 1.0',
    })
    world.hubs.set('http://hub', 'unauthorized')
    expect(await actions.externalServiceStatus(hub.id)).toMatchObject({
      status: 'unauthorized',
      error_message: 'the hub refused the token',
    })
  })

  it('a check that throws or never answers is disconnected, the message scrubbed', async () => {
    const { actions, hub, world, platform } = withHub()
    world.hubs.set('http://hub', fails(new Error('401 Unauthorized for Bearer hub-token-1')))
    expect(await actions.externalServiceStatus(hub.id)).toEqual({
      name: 'Home hub',
      status: 'disconnected',
      last_check: NOW,
      latency_ms: null,
      error_message: '401 Unauthorized for Bearer ***',
      message: null,
    })
    world.hubs.set('http://hub', hang)
    const pending = actions.externalServiceStatus(hub.id)
    await platform.advance(DEVICE_TIMEOUT_MS)
    expect(await pending).toMatchObject({
      status: 'disconnected',
      last_check: '2026-06-21T10:00:10.000Z',
      error_message: 'Home hub: no answer within 10 s',
    })
  })

  it('lists the entities linked to a service by kind, secrets masked', () => {
    const { actions, hub, services } = withHub()
    const plug = services.adapters.miner_controller.create({
      adapter_type: 'fake_plug',
      config: { host: 'plug-1', password: 'plug-pass-1' },
      external_service_id: hub.id,
    })
    const meter = services.adapters.energy_monitor.create({
      adapter_type: 'hub_meter',
      external_service_id: hub.id,
    })
    const forecast = services.adapters.forecast_provider.create({
      adapter_type: 'home_assistant_api',
      external_service_id: hub.id,
    })
    services.adapters.miner_controller.create({ adapter_type: 'fake_plug', config: { host: 'p2' } })
    const linked = actions.linkedEntities(hub.id)
    expect(linked).toEqual({
      miner_controllers: [{ ...plug, config: { host: 'plug-1', password: '***', port: 4028 } }],
      energy_monitors: [meter],
      forecast_providers: [forecast],
      notifiers: [],
      mining_performance_trackers: [],
      energy_load_forecast_providers: [],
      energy_load_history_providers: [],
    })
    expect(() => actions.linkedEntities(uuidNumber(99))).toThrow(EntityNotFoundError)
  })
})
