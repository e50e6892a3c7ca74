import {
  hashRate,
  type MiningPerformanceTrackerPort,
  MiningPoolRateLimitedError,
  payoutSchedule,
  type TrackerConfigurationError,
  TrackerNotFoundError,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  createAdapterRegistry,
  createMemoryTrackerRepository,
  createTrackerService,
  dummyAdapter,
  type TrackerAdapterDefinition,
} from './index'

const TOKEN = 'tok-ABC123-super-secret'

/** A pool-like adapter with a secret field, recording what it was created with. */
function secretAdapter(created: Array<Record<string, unknown>>): TrackerAdapterDefinition {
  return {
    type: 'braiins_pool',
    label: 'Secret pool',
    configSchema: v.strictObject({
      api_token: v.pipe(v.string(), v.nonEmpty()),
      api_base_url: v.optional(v.string(), 'https://pool.example'),
    }),
    secretFields: ['api_token'],
    create(config) {
      created.push(config)
      return {
        getCurrentHashrate: async (options) => {
          options?.onFreshness?.({
            source: 'profile',
            stale: false,
            age_seconds: 0,
            from_cache: false,
          })
          return hashRate(101.234)
        },
        getPoolStats: async () => null,
        getWorkerStats: async () => [],
        getRecentRewards: async () => [],
        getPayoutSchedule: async () => payoutSchedule({ frequency: 'daily' }),
      }
    },
  }
}

function setup() {
  let clock = Date.UTC(2026, 10, 26, 12, 0, 0)
  let ids = 0
  const created: Array<Record<string, unknown>> = []
  const service = createTrackerService({
    repository: createMemoryTrackerRepository(),
    registry: createAdapterRegistry([dummyAdapter, secretAdapter(created)]),
    now: () => clock,
    randomUUID: () => `00000000-0000-4000-8000-00000000000${++ids}`,
  })
  return { service, created, tick: (ms: number) => (clock += ms) }
}

describe('tracker service', () => {
  it('creates, lists, renames and removes trackers', async () => {
    const { service, tick } = setup()
    const tracker = await service.create({
      name: '  Home  ',
      adapter_type: 'dummy',
      config: { seed: 3 },
    })
    expect(tracker).toMatchObject({
      name: 'Home',
      adapter_type: 'dummy',
      config: { seed: 3, message: 'This is a dummy performance tracker' },
      external_service_id: null,
      created_at: '2026-11-26T12:00:00.000Z',
    })
    tick(1000)
    const renamed = await service.update(tracker.id, { name: 'Garage' })
    expect(renamed.config).toEqual(tracker.config)
    expect(renamed.updated_at).toBe('2026-11-26T12:00:01.000Z')
    expect((await service.list()).map((t) => t.name)).toEqual(['Garage'])
    expect(await service.remove(tracker.id)).toMatchObject({ name: 'Garage' })
    await expect(service.get(tracker.id)).rejects.toBeInstanceOf(TrackerNotFoundError)
  })

  it('rejects bad input naming the field', async () => {
    const { service } = setup()
    const rejection = (input: Parameters<typeof service.create>[0]) =>
      service.create(input).then(
        () => null,
        (error: TrackerConfigurationError) => error.field,
      )
    expect(await rejection({ adapter_type: 'slush', config: {} })).toBe('adapter_type')
    expect(await rejection({ adapter_type: 'dummy' })).toBe('config')
    expect(await rejection({ adapter_type: 'dummy', config: { colour: 'red' } })).toBe('colour')
    expect(await rejection({ adapter_type: 'braiins_pool', config: { api_token: '' } })).toBe(
      'api_token',
    )
    expect(await rejection({ adapter_type: 'dummy', config: {}, name: 42 as never })).toBe('name')
    expect(await rejection({ adapter_type: 'dummy', config: {}, external_service_id: 'x' })).toBe(
      'external_service_id',
    )
    await expect(service.update('missing', { name: 'x' })).rejects.toBeInstanceOf(
      TrackerNotFoundError,
    )
  })

  it('keeps secrets write-only: masked in the public view, kept when an update omits them', async () => {
    const { service } = setup()
    const tracker = await service.create({
      adapter_type: 'braiins_pool',
      config: { api_token: TOKEN },
    })
    expect(JSON.stringify(service.toPublic(tracker))).not.toContain(TOKEN)
    expect(service.toPublic(tracker).config.api_token).toBe('***')

    const moved = await service.update(tracker.id, {
      config: { api_base_url: 'http://127.0.0.1:9' },
    })
    expect(moved.config).toEqual({ api_token: TOKEN, api_base_url: 'http://127.0.0.1:9' })
    const echoed = await service.update(tracker.id, { config: { api_token: '***' } })
    expect(echoed.config.api_token).toBe(TOKEN)
    const rotated = await service.update(tracker.id, { config: { api_token: 'new-token' } })
    expect(rotated.config.api_token).toBe('new-token')
  })

  it('keeps one live adapter per tracker and drops it on update', async () => {
    const { service, created } = setup()
    const tracker = await service.create({
      adapter_type: 'braiins_pool',
      config: { api_token: TOKEN },
    })
    const first = await service.adapter(tracker.id)
    expect(await service.adapter(tracker.id)).toBe(first)
    await service.update(tracker.id, { name: 'renamed' })
    expect(await service.adapter(tracker.id)).not.toBe(first)
    expect(created).toHaveLength(2)
  })

  it('tests connectivity by asking for the current hash rate', async () => {
    const { service } = setup()
    const tracker = await service.create({
      adapter_type: 'braiins_pool',
      config: { api_token: TOKEN },
    })
    expect(await service.test(tracker.id)).toEqual({
      status: 'success',
      message: 'Tracker reachable: 101.234 TH/s',
      latency_ms: 0,
      current_hashrate: { value: 101.234, unit: 'TH/s' },
      from_cache: false,
      data_age_seconds: 0,
    })
  })
})

describe('snapshot builder', () => {
  it('keeps the parts that worked, lists the failure and sums up freshness', async () => {
    const { service } = setup()
    const registry = createAdapterRegistry([
      {
        ...dummyAdapter,
        create: (): MiningPerformanceTrackerPort => ({
          getCurrentHashrate: async (options) => {
            options?.onFreshness?.({ source: 'user_hashrate', stale: true, age_seconds: 420 })
            return hashRate(90)
          },
          getPoolStats: async () => {
            throw new MiningPoolRateLimitedError('Ocean rate-limited', { retry_after_seconds: 30 })
          },
          getWorkerStats: async () => [],
          getRecentRewards: async () => [],
          getPayoutSchedule: async (options) => {
            options?.onFreshness?.({ source: 'config', stale: false, age_seconds: 5 })
            return payoutSchedule({ frequency: 'per_block', threshold: 1_048_576 })
          },
        }),
      },
    ])
    const flaky = createTrackerService({
      repository: createMemoryTrackerRepository(),
      registry,
      now: () => Date.UTC(2026, 10, 26, 12, 0, 0),
    })
    const tracker = await flaky.create({ adapter_type: 'dummy', config: {} })
    const snapshot = await flaky.buildSnapshot(tracker.id)
    expect(snapshot.current_hashrate).toEqual({ value: 90, unit: 'TH/s' })
    expect(snapshot.pool_stats).toBeNull()
    expect(snapshot.payout_schedule?.frequency).toBe('per_block')
    expect(snapshot.errors).toEqual([
      { part: 'pool_stats', code: 'rate_limited', message: 'Ocean rate-limited' },
    ])
    expect(snapshot.data_age_seconds).toBe(420)
    expect(snapshot.stale).toBe(true)
    expect(snapshot.timestamp).toBe('2026-11-26T12:00:00.000Z')
    await expect(service.buildSnapshot('nope')).rejects.toBeInstanceOf(TrackerNotFoundError)
  })

  it('builds a full snapshot from the dummy tracker', async () => {
    const { service } = setup()
    const tracker = await service.create({ adapter_type: 'dummy', config: { seed: 9 } })
    const snapshot = await service.buildSnapshot(tracker.id)
    expect(snapshot.errors).toEqual([])
    expect(snapshot.workers_total).toBe(2)
    expect(snapshot.hashrate_ratio_24h).toBeGreaterThan(0)
  })
})
