import { DeviceError, type Notification } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { createMemoryLoopRepositories } from './memory-loop'
import {
  createNotificationCenter,
  DEFAULT_NOTIFICATION_COOLDOWN_MS,
  NOTIFY_TIMEOUT_MS,
} from './notifications'
import { setup, uuidNumber } from './test-support/fakes'

const T0 = '2026-06-21T10:00:00.000Z'
const MINUTE = 60_000

function arrange(cooldownMs?: number) {
  const s = setup({ start: T0 })
  const { services, platform, logger } = s
  const notifier = (channel: string) =>
    services.adapters.notifier.create({
      adapter_type: 'fake_chat',
      config: { channel, token: 'chat-token' },
    })
  const chat = notifier('#rigs')
  const pager = notifier('#pager')
  const decisions = createMemoryLoopRepositories().decisions
  const center = createNotificationCenter({
    instances: services.instances,
    decisions,
    platform,
    logger,
    ...(cooldownMs === undefined ? {} : { cooldownMs }),
  })
  const house = { unit: { id: uuidNumber(100), name: 'House', notifier_ids: [chat.id, pager.id] } }
  const shed = { unit: { id: uuidNumber(101), name: 'Shed', notifier_ids: [chat.id] } }
  const message = (title: string): Notification => ({
    event: 'device_unreachable',
    title,
    message: `${title}!`,
    at: new Date(platform.now()).toISOString(),
    unit: null,
    miner: { id: uuidNumber(200), name: 'Rig' },
    decision: null,
  })
  const sent = () => s.world.sent.map((entry) => `${entry.channel} ${entry.notification.title}`)
  const undelivered = () => decisions.query({ limit: 100 }).reverse()
  return { ...s, chat, pager, decisions, center, house, shed, message, sent, undelivered }
}

describe('notification center', () => {
  it("tells each of the unit's notifiers; the same subject is quiet for 15 min, per unit", async () => {
    const a = arrange()
    expect(DEFAULT_NOTIFICATION_COOLDOWN_MS).toBe(15 * MINUTE)
    expect(a.center.notify(a.house, 'rig:device', a.message('Rig unreachable'))).toBe(true)
    await a.center.drain()
    expect(a.sent()).toEqual(['#rigs Rig unreachable', '#pager Rig unreachable'])

    await a.platform.advance(14 * MINUTE)
    expect(a.center.notify(a.house, 'rig:device', a.message('Rig unreachable'))).toBe(false)
    // Another subject, or the same subject of another unit, has its own cool-down.
    expect(a.center.notify(a.house, 'energy:lost', a.message('Meter offline'))).toBe(true)
    expect(a.center.notify(a.shed, 'rig:device', a.message('Shed rig unreachable'))).toBe(true)
    await a.center.drain()
    expect(a.sent()).toHaveLength(5)

    await a.platform.advance(MINUTE) // 15 min after the first
    expect(a.center.notify(a.house, 'rig:device', a.message('Rig still unreachable'))).toBe(true)
    await a.center.drain()
    expect(a.sent().slice(5)).toEqual([
      '#rigs Rig still unreachable',
      '#pager Rig still unreachable',
    ])
  })

  it('a suppressed notification does not restart the cool-down', async () => {
    const a = arrange(10 * MINUTE)
    a.center.notify(a.house, 'subject', a.message('first'))
    await a.platform.advance(9 * MINUTE)
    expect(a.center.notify(a.house, 'subject', a.message('quiet'))).toBe(false)
    await a.platform.advance(MINUTE)
    expect(a.center.notify(a.house, 'subject', a.message('second'))).toBe(true)
    await a.center.drain()
    expect(a.sent().filter((line) => line.startsWith('#rigs'))).toEqual([
      '#rigs first',
      '#rigs second',
    ])
  })

  it('always() ignores the cool-down and does not arm it', async () => {
    const a = arrange()
    a.center.always(a.shed, a.message('Miner Started: Rig'))
    a.center.always(a.shed, a.message('Miner Started: Rig'))
    expect(a.center.notify(a.shed, 'Miner Started: Rig', a.message('told'))).toBe(true)
    await a.center.drain()
    expect(a.sent()).toEqual(['#rigs Miner Started: Rig', '#rigs Miner Started: Rig', '#rigs told'])
  })

  it('a notifier that fails: an undelivered entry with the code; the others still deliver', async () => {
    const a = arrange()
    a.world.channelFaults.set(
      '#pager',
      new DeviceError('rate_limited', 'Too Many Requests: retry after 30'),
    )
    a.center.always(a.house, a.message('Miner Stopped: Rig'))
    await a.center.drain()
    expect(a.sent()).toEqual(['#rigs Miner Stopped: Rig'])
    const [entry, ...rest] = a.undelivered()
    expect(rest).toEqual([])
    expect(entry).toMatchObject({
      at: T0,
      kind: 'notification',
      unit_id: a.house.unit.id,
      unit_name: 'House',
      miner_id: uuidNumber(200),
      miner_name: 'Rig',
      action: 'none',
      outcome: 'undelivered',
      reason:
        "Notification 'Miner Stopped: Rig' not delivered: rate_limited: Too Many Requests: retry after 30",
      details: { event: 'device_unreachable' },
    })
    expect(a.logger.lines).toContain(
      `warn: Notifier ${a.pager.id} did not deliver 'Miner Stopped: Rig': rate_limited: Too Many Requests: retry after 30`,
    )
  })

  it('a notifier that never answers is undelivered after 15 s; drain waits for it', async () => {
    const a = arrange()
    a.world.channelFaults.set('#pager', 'hang')
    a.center.always(a.house, a.message('Miner Started: Rig'))
    let drained = false
    const draining = a.center.drain().then(() => {
      drained = true
    })
    await a.platform.advance(NOTIFY_TIMEOUT_MS - 1)
    expect(drained).toBe(false)
    expect(a.undelivered()).toEqual([])
    await a.platform.advance(1)
    await draining
    expect(a.sent()).toEqual(['#rigs Miner Started: Rig'])
    expect(a.undelivered().map((entry) => entry.reason)).toEqual([
      "Notification 'Miner Started: Rig' not delivered: unreachable: notifier: no answer within 15 s",
    ])
  })

  it('a notifier that no longer exists is undelivered, not thrown at the caller', async () => {
    const a = arrange()
    const gone = uuidNumber(999)
    const target = { unit: { ...a.shed.unit, notifier_ids: [gone, a.chat.id] } }
    expect(() => a.center.always(target, a.message('hello'))).not.toThrow()
    await a.center.drain()
    expect(a.sent()).toEqual(['#rigs hello'])
    expect(a.undelivered()[0]?.reason).toBe(
      `Notification 'hello' not delivered: not_found: Notifier not found: ${gone}`,
    )
  })

  it('a decision log that cannot be written is logged, never thrown', async () => {
    const a = arrange()
    a.world.notifierError = new Error('down')
    a.decisions.append = () => {
      throw new Error('database is locked')
    }
    a.center.always(a.shed, a.message('hello'))
    await expect(a.center.drain()).resolves.toBeUndefined()
    expect(a.logger.lines).toContain(
      'error: Cannot record an undelivered notification: database is locked',
    )
  })
})
