import {
  type AdapterKind,
  ConfigurationError,
  ConflictError,
  EntityNotFoundError,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import type { EdgeMiningEvent } from './events'
import { type Setup, setup, uuidNumber } from './test-support/fakes'

function thrown(work: () => unknown): Error & Record<string, unknown> {
  try {
    work()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to throw')
}

interface KindCase {
  kind: AdapterKind
  type: string
  label: string
  config: Record<string, unknown>
  /** `config` as stored: defaults applied. */
  parsed: Record<string, unknown>
  /** A key with a default: another value, and the default. */
  defaulted: [key: string, other: unknown, byDefault: unknown]
  secret: string | null
  /** What a create without config gives: the stored config, or the field the error names. */
  withoutConfig: { config: Record<string, unknown> } | { field: string }
  errorClass: typeof ConfigurationError
}

const CASES: KindCase[] = [
  {
    kind: 'mining_performance_tracker',
    type: 'fake_pool',
    label: 'Fake Pool',
    config: { account: 'alice', api_token: 'pool-token-1' },
    parsed: { account: 'alice', api_token: 'pool-token-1', region: 'eu' },
    defaulted: ['region', 'us', 'eu'],
    secret: 'api_token',
    // Upstream: a tracker needs a configuration.
    withoutConfig: { field: 'config' },
    errorClass: TrackerConfigurationError,
  },
  {
    kind: 'miner_controller',
    type: 'fake_asic',
    label: 'Fake fake_asic',
    config: { host: '10.0.0.2', password: 'asic-pass-1' },
    parsed: { host: '10.0.0.2', password: 'asic-pass-1', port: 4028 },
    defaulted: ['port', 80, 4028],
    secret: 'password',
    // {} is validated: the host is required.
    withoutConfig: { field: 'config.host' },
    errorClass: ConfigurationError,
  },
  {
    kind: 'energy_monitor',
    type: 'fake_meter',
    label: 'Fake fake_meter',
    config: { site: 'garage' },
    parsed: { site: 'garage', interval_seconds: 5 },
    defaulted: ['interval_seconds', 30, 5],
    secret: null,
    withoutConfig: { config: { site: 'home', interval_seconds: 5 } },
    errorClass: ConfigurationError,
  },
  {
    kind: 'forecast_provider',
    type: 'dummy_solar',
    label: 'Fake dummy_solar',
    config: { peak_power: 4500 },
    parsed: { peak_power: 4500 },
    defaulted: ['peak_power', 6000, 3000],
    secret: null,
    withoutConfig: { config: { peak_power: 3000 } },
    errorClass: ConfigurationError,
  },
  {
    kind: 'notifier',
    type: 'fake_chat',
    label: 'Fake Chat',
    config: { channel: '#mining', token: 'chat-token-1' },
    parsed: { channel: '#mining', token: 'chat-token-1', silent: false },
    defaulted: ['silent', true, false],
    secret: 'token',
    withoutConfig: { field: 'config.channel' },
    errorClass: ConfigurationError,
  },
  {
    kind: 'external_service',
    type: 'fake_hub',
    label: 'Fake Hub',
    config: { url: 'http://hub.local', token: 'hub-token-1' },
    parsed: { url: 'http://hub.local', token: 'hub-token-1', verify_tls: true },
    defaulted: ['verify_tls', false, true],
    secret: 'token',
    // Upstream: "External service configuration should be set".
    withoutConfig: { field: 'config' },
    errorClass: ConfigurationError,
  },
]

describe.each(CASES)('adapter entity service: $kind', (row) => {
  const make = () => {
    const s = setup()
    return { ...s, entities: s.services.adapters[row.kind] }
  }

  it('creates with the config validated, defaults applied, and the label as name', () => {
    const { entities, platform } = make()
    const entity = entities.create({ adapter_type: row.type, config: row.config })
    expect(entity).toEqual({
      id: uuidNumber(1),
      name: row.label,
      adapter_type: row.type,
      config: row.parsed,
      external_service_id: null,
      created_at: '2026-06-21T10:00:00.000Z',
      updated_at: '2026-06-21T10:00:00.000Z',
    })
    expect(entities.get(entity.id)).toEqual(entity)
    expect(entities.list()).toEqual([entity])
    platform.setNow('2026-06-21T10:05:00.000Z')
    expect(entities.create({ adapter_type: row.type, config: row.config }).created_at).toBe(
      '2026-06-21T10:05:00.000Z',
    )
  })

  it('names the offending config field, and refuses a config that is not an object', () => {
    const { entities } = make()
    const unknown = thrown(() =>
      entities.create({ adapter_type: row.type, config: { ...row.config, colour: 'red' } }),
    )
    expect(unknown).toBeInstanceOf(row.errorClass)
    expect(unknown).toMatchObject({ code: 'invalid_config', field: 'config.colour' })
    for (const config of ['text', [1, 2], 42]) {
      expect(thrown(() => entities.create({ adapter_type: row.type, config }))).toMatchObject({
        field: 'config',
      })
    }
    expect(entities.list()).toEqual([])
  })

  it('trims the name, falls back to the label when blank, refuses more than 200 characters', () => {
    const { entities } = make()
    expect(
      entities.create({ name: '  Garage  ', adapter_type: row.type, config: row.config }).name,
    ).toBe('Garage')
    expect(entities.create({ name: '   ', adapter_type: row.type, config: row.config }).name).toBe(
      row.label,
    )
    expect(
      entities.create({ name: 'x'.repeat(200), adapter_type: row.type, config: row.config }).name,
    ).toHaveLength(200)
    const long = thrown(() =>
      entities.create({ name: 'x'.repeat(201), adapter_type: row.type, config: row.config }),
    )
    expect(long).toBeInstanceOf(row.errorClass)
    expect(long).toMatchObject({ field: 'name' })
    expect(
      thrown(() =>
        entities.create({ name: 7 as never, adapter_type: row.type, config: row.config }),
      ),
    ).toMatchObject({ field: 'name' })
  })

  it('without a config: required for trackers and external services, validated from {} otherwise', () => {
    const { entities } = make()
    for (const config of [undefined, null]) {
      if ('field' in row.withoutConfig) {
        const error = thrown(() => entities.create({ adapter_type: row.type, config }))
        expect(error).toBeInstanceOf(row.errorClass)
        expect(error).toMatchObject({ field: row.withoutConfig.field })
      } else {
        expect(entities.create({ adapter_type: row.type, config }).config).toEqual(
          row.withoutConfig.config,
        )
      }
    }
  })

  it('refuses an unknown or missing adapter type, naming adapter_type', () => {
    const { entities } = make()
    const unknown = thrown(() => entities.create({ adapter_type: 'nope', config: row.config }))
    expect(unknown).toBeInstanceOf(row.errorClass)
    expect(unknown).toMatchObject({ field: 'adapter_type' })
    expect(unknown.message).toContain(row.type)
    // Trackers default to upstream's `dummy`, which this registry does not have.
    expect(thrown(() => entities.create({ config: row.config }))).toMatchObject({
      field: 'adapter_type',
    })
  })

  it('refuses an external service: this adapter type takes none', () => {
    const { entities, services } = make()
    const hub = services.adapters.external_service.create({
      adapter_type: 'fake_hub',
      config: { url: 'http://hub', token: 'hub-token' },
    })
    const error = thrown(() =>
      entities.create({ adapter_type: row.type, config: row.config, external_service_id: hub.id }),
    )
    expect(error).toMatchObject({ field: 'external_service_id' })
    expect(error.message).toContain('use no external service')
    expect(entities.externalServiceTypes(row.type)).toBeNull()
  })

  it('updates: omitted keys kept, null resets a key to its default, name kept unless given', () => {
    const { entities, platform } = make()
    const created = entities.create({ name: 'First', adapter_type: row.type, config: row.config })
    const [key, other] = row.defaulted
    const changed = entities.update(created.id, { config: { [key]: other } })
    expect(changed.config).toEqual({ ...row.parsed, [key]: other })
    expect(changed.name).toBe('First')
    // The clock did not move, yet updated_at strictly increases (live instances key on it).
    expect(Date.parse(changed.updated_at)).toBeGreaterThan(Date.parse(created.updated_at))
    expect(changed.created_at).toBe(created.created_at)

    const reset = entities.update(created.id, { name: ' Second ', config: { [key]: null } })
    expect(reset.config).toEqual({ ...row.parsed, [key]: row.defaulted[2] })
    expect(reset.name).toBe('Second')

    // A config of null or left out keeps the stored one whole.
    platform.setNow('2026-06-21T11:00:00.000Z')
    expect(entities.update(created.id, { config: null }).config).toEqual(reset.config)
    expect(entities.update(created.id, {}).config).toEqual(reset.config)
    expect(entities.get(created.id).updated_at).toBe('2026-06-21T11:00:00.001Z')

    // A bad change names the field and stores nothing.
    expect(thrown(() => entities.update(created.id, { config: { colour: 1 } }))).toMatchObject({
      field: 'config.colour',
    })
    expect(thrown(() => entities.update(created.id, { config: 'x' }))).toMatchObject({
      field: 'config',
    })
    expect(entities.get(created.id).config).toEqual(reset.config)
  })

  it('shows secrets as *** and answers them through secretsOf', () => {
    const { entities } = make()
    const created = entities.create({ adapter_type: row.type, config: row.config })
    const shown = entities.toPublic(created)
    if (row.secret === null) {
      expect(shown.config).toEqual(row.parsed)
      expect(entities.secretsOf(created)).toEqual([])
    } else {
      expect(shown.config).toEqual({ ...row.parsed, [row.secret]: '***' })
      expect(JSON.stringify(shown)).not.toContain(String(row.parsed[row.secret]))
      expect(entities.secretsOf(created)).toEqual([row.parsed[row.secret]])
      // The stored entity is untouched.
      expect(entities.get(created.id).config[row.secret]).toBe(row.parsed[row.secret])
    }
  })

  it('publishes config.updated with upstream payload on create, update and remove', () => {
    const { entities, services } = make()
    const events: EdgeMiningEvent[] = []
    const unsubscribe = services.events.subscribe((event) => events.push(event))
    const created = entities.create({ adapter_type: row.type, config: row.config })
    entities.update(created.id, { name: 'Renamed' })
    entities.remove(created.id)
    unsubscribe()
    expect(events.map((event) => [event.topic, event.payload])).toEqual([
      ['config.updated', { entity_type: row.kind, entity_id: created.id, action: 'created' }],
      ['config.updated', { entity_type: row.kind, entity_id: created.id, action: 'updated' }],
      ['config.updated', { entity_type: row.kind, entity_id: created.id, action: 'removed' }],
    ])
    expect(events[0]?.at).toBe('2026-06-21T10:00:00.000Z')
  })

  it('rebuilds the live instance after an update and closes it on remove', () => {
    const { entities, services, world } = make()
    const created = entities.create({ adapter_type: row.type, config: row.config })
    const first = services.instances.get(row.kind, created.id)
    expect(services.instances.get(row.kind, created.id)).toBe(first)
    expect(world.recordOf(first).config).toEqual(row.parsed)

    const [key, other] = row.defaulted
    entities.update(created.id, { config: { [key]: other } })
    expect(world.recordOf(first).closed).toBe(1)
    const second = services.instances.get(row.kind, created.id)
    expect(second).not.toBe(first)
    expect(world.recordOf(second).config[key]).toEqual(other)

    expect(entities.remove(created.id).id).toBe(created.id)
    expect(world.recordOf(second).closed).toBe(1)
    expect(() => services.instances.get(row.kind, created.id)).toThrow(EntityNotFoundError)
  })

  it('answers not found for an unknown id', () => {
    const { entities } = make()
    const error = thrown(() => entities.get(uuidNumber(99)))
    expect(error).toBeInstanceOf(
      row.kind === 'mining_performance_tracker' ? TrackerNotFoundError : EntityNotFoundError,
    )
    expect(error).toMatchObject({ code: 'not_found', entity: row.kind })
    expect(thrown(() => entities.update(uuidNumber(99), {}))).toMatchObject({ code: 'not_found' })
    expect(thrown(() => entities.remove(uuidNumber(99)))).toMatchObject({ code: 'not_found' })
  })
})

describe.each(CASES.filter((row) => row.secret !== null))(
  'adapter entity service: $kind secrets',
  (row) => {
    it('keeps a secret left out or sent back as ***', () => {
      const s = setup()
      const entities = s.services.adapters[row.kind]
      const secret = row.secret as string
      const created = entities.create({ adapter_type: row.type, config: row.config })
      const stored = row.parsed[secret]
      const [key, other] = row.defaulted
      expect(entities.update(created.id, { config: { [key]: other } }).config[secret]).toBe(stored)
      expect(entities.update(created.id, { config: { [secret]: '***' } }).config[secret]).toBe(
        stored,
      )
      const publicView = entities.toPublic(entities.get(created.id))
      // What a client got back, sent back unchanged, keeps the secret.
      expect(entities.update(created.id, { config: publicView.config }).config).toEqual({
        ...row.parsed,
        [key]: other,
      })
      expect(
        entities.update(created.id, { config: { [secret]: 'brand-new-secret' } }).config[secret],
      ).toBe('brand-new-secret')
    })
  },
)

describe('adapter entity service: the entity kept for an adapter type no longer registered', () => {
  it('masks the keys that look like secrets', () => {
    const { services, repositories } = setup()
    const at = '2026-06-21T10:00:00.000Z'
    const stored = repositories.adapters.notifier.add({
      id: uuidNumber(50),
      name: 'Old pager',
      adapter_type: 'retired_pager',
      config: {
        url: 'http://pager',
        api_key: 'k-123',
        password: 'p-456',
        bot_token: 't-789',
        retries: 3,
      },
      external_service_id: null,
      created_at: at,
      updated_at: at,
    })
    const notifiers = services.adapters.notifier
    expect(notifiers.toPublic(stored).config).toEqual({
      url: 'http://pager',
      api_key: '***',
      password: '***',
      bot_token: '***',
      retries: 3,
    })
    expect(notifiers.secretsOf(stored)).toEqual(['k-123', 'p-456', 't-789'])
  })
})

describe('adapter entity service: external services', () => {
  const hubConfig = { url: 'http://hub.local', token: 'hub-token-1' }

  it('checks external_service_id: must exist, be of an allowed type, and is required when the adapter needs one', () => {
    const { services } = setup()
    const controllers = services.adapters.miner_controller
    const monitors = services.adapters.energy_monitor
    const hub = services.adapters.external_service.create({
      adapter_type: 'fake_hub',
      config: hubConfig,
    })
    const otherHub = services.adapters.external_service.create({
      adapter_type: 'other_hub',
      config: hubConfig,
    })
    const plugConfig = { host: 'plug-1' }

    expect(controllers.externalServiceTypes('fake_plug')).toEqual(['fake_hub'])
    // Optional for a plug.
    expect(
      controllers.create({ adapter_type: 'fake_plug', config: plugConfig }).external_service_id,
    ).toBeNull()
    const linked = controllers.create({
      adapter_type: 'fake_plug',
      config: plugConfig,
      external_service_id: hub.id,
    })
    expect(linked.external_service_id).toBe(hub.id)

    const missing = thrown(() =>
      controllers.create({
        adapter_type: 'fake_plug',
        config: plugConfig,
        external_service_id: uuidNumber(77),
      }),
    )
    expect(missing).toMatchObject({ field: 'external_service_id' })
    expect(missing.message).toContain(`no external service ${uuidNumber(77)}`)

    const wrongType = thrown(() =>
      controllers.create({
        adapter_type: 'fake_plug',
        config: plugConfig,
        external_service_id: otherHub.id,
      }),
    )
    expect(wrongType).toMatchObject({ field: 'external_service_id' })
    expect(wrongType.message).toContain('fake_hub, not other_hub')

    expect(
      thrown(() =>
        controllers.create({
          adapter_type: 'fake_plug',
          config: plugConfig,
          external_service_id: 12 as never,
        }),
      ),
    ).toMatchObject({ field: 'external_service_id' })

    // Required for a hub meter: on create, and an update cannot unlink it.
    const required = thrown(() => monitors.create({ adapter_type: 'hub_meter' }))
    expect(required).toMatchObject({ field: 'external_service_id' })
    expect(required.message).toContain('needs an external service of type fake_hub')
    const meter = monitors.create({ adapter_type: 'hub_meter', external_service_id: hub.id })
    expect(thrown(() => monitors.update(meter.id, { external_service_id: null }))).toMatchObject({
      field: 'external_service_id',
    })
    expect(monitors.update(meter.id, { name: 'Meter' }).external_service_id).toBe(hub.id)
    // An optional link can be removed.
    expect(
      controllers.update(linked.id, { external_service_id: null }).external_service_id,
    ).toBeNull()
  })
})

// ─── Deleting what is still in use ───────────────────────────────────────────

interface UsageCase {
  kind: AdapterKind
  /** Creates the entity and two users; answers them. */
  arrange(s: Setup): {
    id: string
    users: { entity: string; id: string; name: string }[]
    field: string
  }
  /** What a user refers to now (the entity's id, or null once detached). */
  reference(s: Setup, userId: string): unknown
  /** The repository method the detach writes users with (a failure is injected there). */
  writer(s: Setup): { object: Record<string, unknown>; method: string }
}

function unitWith(s: Setup, name: string, fields: Record<string, unknown>) {
  return s.services.units.create({ name, ...fields })
}

const USAGES: UsageCase[] = [
  {
    kind: 'mining_performance_tracker',
    arrange(s) {
      const tracker = s.services.trackers.create({
        adapter_type: 'fake_pool',
        config: { account: 'a', api_token: 'pool-token-1' },
      })
      const units = ['North', 'South'].map((name) =>
        unitWith(s, name, { performance_tracker_id: tracker.id }),
      )
      return {
        id: tracker.id,
        field: 'performance_tracker_id',
        users: units.map((u) => ({ entity: 'optimization_unit', id: u.id, name: u.name })),
      }
    },
    reference: (s, id) => s.services.units.get(id).performance_tracker_id,
    writer: (s) => ({ object: s.repositories.units as never, method: 'update' }),
  },
  {
    kind: 'miner_controller',
    arrange(s) {
      const controller = s.services.adapters.miner_controller.create({
        adapter_type: 'fake_asic',
        config: { host: 'asic-1' },
      })
      const miners = ['Rig A', 'Rig B'].map((name) =>
        s.services.miners.create({ name, controller_ids: [controller.id] }),
      )
      return {
        id: controller.id,
        field: 'features',
        users: miners.map((m) => ({ entity: 'miner', id: m.id, name: m.name })),
      }
    },
    reference: (s, id) => s.services.miners.get(id).controller_ids[0] ?? null,
    writer: (s) => ({ object: s.repositories.miners as never, method: 'update' }),
  },
  {
    kind: 'energy_monitor',
    arrange(s) {
      const monitor = s.services.adapters.energy_monitor.create({ adapter_type: 'fake_meter' })
      const sources = ['Roof', 'Shed'].map((name) =>
        s.services.energySources.create({ name, energy_monitor_id: monitor.id }),
      )
      return {
        id: monitor.id,
        field: 'energy_monitor_id',
        users: sources.map((x) => ({ entity: 'energy_source', id: x.id, name: x.name })),
      }
    },
    reference: (s, id) => s.services.energySources.get(id).energy_monitor_id,
    writer: (s) => ({ object: s.repositories.energySources as never, method: 'update' }),
  },
  {
    kind: 'forecast_provider',
    arrange(s) {
      const provider = s.services.adapters.forecast_provider.create({ adapter_type: 'dummy_solar' })
      const sources = ['Roof', 'Shed'].map((name) =>
        s.services.energySources.create({ name, forecast_provider_id: provider.id }),
      )
      return {
        id: provider.id,
        field: 'forecast_provider_id',
        users: sources.map((x) => ({ entity: 'energy_source', id: x.id, name: x.name })),
      }
    },
    reference: (s, id) => s.services.energySources.get(id).forecast_provider_id,
    writer: (s) => ({ object: s.repositories.energySources as never, method: 'update' }),
  },
  {
    kind: 'notifier',
    arrange(s) {
      const notifier = s.services.adapters.notifier.create({
        adapter_type: 'fake_chat',
        config: { channel: '#m', token: 'chat-token' },
      })
      const units = ['North', 'South'].map((name) =>
        unitWith(s, name, { notifier_ids: [notifier.id] }),
      )
      return {
        id: notifier.id,
        field: 'notifier_ids',
        users: units.map((u) => ({ entity: 'optimization_unit', id: u.id, name: u.name })),
      }
    },
    reference: (s, id) => s.services.units.get(id).notifier_ids[0] ?? null,
    writer: (s) => ({ object: s.repositories.units as never, method: 'update' }),
  },
  {
    kind: 'external_service',
    arrange(s) {
      const hub = s.services.adapters.external_service.create({
        adapter_type: 'fake_hub',
        config: { url: 'http://hub', token: 'hub-token' },
      })
      const plugs = ['Plug A', 'Plug B'].map((name) =>
        s.services.adapters.miner_controller.create({
          name,
          adapter_type: 'fake_plug',
          config: { host: name },
          external_service_id: hub.id,
        }),
      )
      return {
        id: hub.id,
        field: 'external_service_id',
        users: plugs.map((p) => ({ entity: 'miner_controller', id: p.id, name: p.name })),
      }
    },
    reference: (s, id) => s.services.adapters.miner_controller.get(id).external_service_id,
    writer: (s) => ({
      object: s.repositories.adapters.miner_controller as never,
      method: 'update',
    }),
  },
]

describe.each(USAGES)('deleting a $kind still in use', (row) => {
  it('is refused with a ConflictError listing every usage and its field', () => {
    const s = setup()
    const { id, users, field } = row.arrange(s)
    const error = thrown(() => s.services.adapters[row.kind].remove(id))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.code).toBe('conflict')
    expect(error.usages).toEqual(users.map((user) => ({ ...user, field })))
    for (const user of users)
      expect(error.message).toContain(`'${user.name}' (${user.id}, ${field})`)
    expect(error.message).toContain('force=true')
    expect(s.services.adapters[row.kind].get(id).id).toBe(id)
    for (const user of users) expect(row.reference(s, user.id)).toBe(id)
  })

  it('with force detaches every user and deletes it', () => {
    const s = setup()
    const { id, users } = row.arrange(s)
    s.services.adapters[row.kind].remove(id, { force: true })
    expect(() => s.services.adapters[row.kind].get(id)).toThrow(EntityNotFoundError)
    for (const user of users) expect(row.reference(s, user.id)).toBeNull()
  })

  it('with force leaves everything as it was when a write fails midway', () => {
    const s = setup()
    const { id, users } = row.arrange(s)
    const { object, method } = row.writer(s)
    const original = object[method] as (value: unknown) => unknown
    let writes = 0
    object[method] = (value: unknown) => {
      writes += 1
      if (writes === 2) throw new Error('disk full')
      return original(value)
    }
    expect(() => s.services.adapters[row.kind].remove(id, { force: true })).toThrow('disk full')
    object[method] = original
    expect(writes).toBe(2)
    expect(s.services.adapters[row.kind].get(id).id).toBe(id)
    for (const user of users) expect(row.reference(s, user.id)).toBe(id)
  })
})
