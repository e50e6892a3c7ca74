import { describe, expect, it } from 'vitest'
import { createEventBus, type EdgeMiningEvent } from './events'
import { createFakePlatform, createRecordingLogger, setup } from './test-support/fakes'

describe('event bus', () => {
  it('delivers to every listener; a throwing one is logged and the others still run', () => {
    const platform = createFakePlatform('2026-06-21T10:00:00.000Z')
    const logger = createRecordingLogger()
    const bus = createEventBus({ now: () => platform.now(), logger })
    const seen: EdgeMiningEvent[] = []
    bus.subscribe(() => {
      throw new Error('listener broke')
    })
    const unsubscribe = bus.subscribe((event) => seen.push(event))
    expect(bus.listenerCount()).toBe(2)
    bus.publish('energy.state', { production: 4200 })
    expect(seen).toEqual([
      { topic: 'energy.state', payload: { production: 4200 }, at: '2026-06-21T10:00:00.000Z' },
    ])
    expect(logger.lines).toEqual(['warn: Event listener failed on energy.state: listener broke'])
    unsubscribe()
    bus.publish('energy.state', {})
    expect(seen).toHaveLength(1)
    expect(bus.listenerCount()).toBe(1)
  })
})

describe('logging', () => {
  it('an adapter whose close fails is logged, and no secret is ever logged', () => {
    const { services, logger, world } = setup()
    const notifier = services.adapters.notifier.create({
      adapter_type: 'fake_chat',
      config: { channel: '#m', token: 'chat-token-1' },
    })
    const port = services.instances.get('notifier', notifier.id)
    expect(world.recordOf(port).kind).toBe('notifier')
    port.close = () => {
      throw new Error('already closed')
    }
    services.adapters.notifier.update(notifier.id, { config: { token: 'chat-token-2' } })
    expect(logger.lines).toEqual(['warn: Closing an adapter failed: already closed'])
    expect(logger.lines.join('\n')).not.toMatch(/chat-token/)
  })
})
