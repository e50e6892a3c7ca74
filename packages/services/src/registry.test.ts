import { ConfigurationError, TrackerConfigurationError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { createAdapterRegistry } from './registry'
import {
  ASIC_FEATURES,
  controllerDefinition,
  createFakePlatform,
  createWorld,
  testDefinitions,
  trackerDefinition,
} from './test-support/fakes'

const world = createWorld()
const registry = createAdapterRegistry(testDefinitions(world, createFakePlatform()))

function thrown(work: () => unknown): unknown {
  try {
    work()
  } catch (error) {
    return error
  }
  throw new Error('expected it to throw')
}

describe('adapter registry', () => {
  it('lists the types of each kind in registration order', () => {
    expect(registry.forKind('mining_performance_tracker').types()).toEqual([
      'fake_pool',
      'other_pool',
    ])
    expect(registry.forKind('miner_controller').types()).toEqual(['fake_asic', 'fake_plug'])
    expect(registry.forKind('forecast_provider').types()).toEqual([
      'dummy_solar',
      'home_assistant_api',
      'fake_weather',
    ])
    expect(registry.forKind('notifier').types()).toEqual(['fake_chat'])
    expect(registry.forKind('miner_controller').has('fake_plug')).toBe(true)
    expect(registry.forKind('miner_controller').has('fake_pool')).toBe(false)
    expect(registry.definitions()).toHaveLength(12)
  })

  it('refuses an unknown type with a ConfigurationError on adapter_type naming the known types', () => {
    const error = thrown(() => registry.forKind('miner_controller').get('antminer'))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({ code: 'invalid_config', field: 'adapter_type' })
    expect((error as Error).message).toContain('"antminer"')
    expect((error as Error).message).toContain('fake_asic, fake_plug')

    const tracker = thrown(() =>
      registry.forKind('mining_performance_tracker').parseConfig('x', {}),
    )
    expect(tracker).toBeInstanceOf(TrackerConfigurationError)
    expect((tracker as Error).message).toContain('fake_pool, other_pool')

    const empty = createAdapterRegistry([])
    expect((thrown(() => empty.forKind('notifier').get('x')) as Error).message).toContain(
      'none is registered',
    )
  })

  it('throws when a type is registered twice for one kind, not across kinds', () => {
    expect(() =>
      createAdapterRegistry([trackerDefinition(world, 'twin'), trackerDefinition(world, 'twin')]),
    ).toThrow(/twin is registered twice for mining_performance_tracker/)
    const acrossKinds = createAdapterRegistry([
      trackerDefinition(world, 'twin'),
      controllerDefinition(world, 'twin', ASIC_FEATURES),
    ])
    expect(acrossKinds.forKind('miner_controller').types()).toEqual(['twin'])
  })

  it('validates a config with defaults applied and names the offending field', () => {
    const trackers = registry.forKind('mining_performance_tracker')
    expect(
      trackers.parseConfig('fake_pool', { account: ' alice ', api_token: 'abcdefgh' }),
    ).toEqual({ account: 'alice', api_token: 'abcdefgh', region: 'eu' })
    const unknownKey = thrown(() =>
      trackers.parseConfig('fake_pool', { account: 'a', api_token: 'abcdefgh', x: 1 }, 'config'),
    )
    expect(unknownKey).toMatchObject({ field: 'config.x' })
    expect((unknownKey as Error).message).toContain('unknown key')
    const missing = thrown(() => trackers.parseConfig('fake_pool', { api_token: 'abcdefgh' }))
    expect(missing).toMatchObject({ field: 'account' })
    // A secret that fails validation is never echoed.
    const secret = thrown(() =>
      trackers.parseConfig('fake_pool', { account: 'a', api_token: 'hunter2' }, 'config'),
    )
    expect(secret).toMatchObject({ field: 'config.api_token' })
    expect((secret as Error).message).not.toContain('hunter2')
  })

  it('describes a config as JSON Schema with secret fields write-only, as a copy', () => {
    const trackers = registry.forKind('mining_performance_tracker')
    const schema = trackers.configJsonSchema('fake_pool') as {
      type: string
      properties: Record<string, Record<string, unknown>>
      required?: string[]
    }
    expect(schema.type).toBe('object')
    expect(schema.properties.api_token).toMatchObject({ writeOnly: true, format: 'password' })
    expect(schema.properties.account?.writeOnly).toBeUndefined()
    expect(schema.properties.region).toMatchObject({ enum: ['eu', 'us'], default: 'eu' })
    expect(schema.required).toEqual(['account', 'api_token'])

    // Mutating what was returned changes nothing the next caller sees.
    schema.properties.api_token = { type: 'number' }
    delete schema.properties.account
    const again = trackers.configJsonSchema('fake_pool') as typeof schema
    expect(again.properties.api_token).toMatchObject({ writeOnly: true, format: 'password' })
    expect(again.properties.account).toBeDefined()

    expect(() => trackers.configJsonSchema('nope')).toThrow(TrackerConfigurationError)
  })
})
