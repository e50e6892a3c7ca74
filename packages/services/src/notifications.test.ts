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
  /** Every attempt at each notifier, as `<channel> <title> @<seconds since T0>`. */
  const attempts: string[] = []
  for (const [entity, channel] of [
    [chat, '#rigs'],
    [pager, '#pager'],
  ] as const) {
    const port = services.instances.get('notifier', entity.id)
    const send = port.send.bind(port)
    port.send = (notification) => {
      attempts.push(`${channel} ${notification.title} @${(platform.now() - Date.parse(T0)) / 1000}`)
      return send(notification)
    }
  }
  return { ...s, chat, pager, decisions, center, house, shed, message, sent, undelivered, attempts }
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

  it('a notifier that refuses (auth_failed): recorded at once, never retried; the others deliver', async () => {
    const a = arrange()
    a.world.channelFaults.set(
      '#pager',
      new DeviceError('auth_failed', 'Forbidden: bot was blocked by the user (403)'),
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
        "Notification 'Miner Stopped: Rig' not delivered: auth_failed: Forbidden: bot was blocked by the user (403)",
      details: {
        event: 'device_unreachable',
        notifier_id: a.pager.id,
        code: 'auth_failed',
        attempts: 1,
      },
    })
    expect(a.logger.lines).toContain(
      `warn: Notifier ${a.pager.id} did not deliver 'Miner Stopped: Rig': auth_failed: Forbidden: bot was blocked by the user (403)`,
    )
    expect(a.attempts).toEqual(['#rigs Miner Stopped: Rig @0', '#pager Miner Stopped: Rig @0'])
    a.world.channelFaults.set(
      '#pager',
      new DeviceError('bad_response', 'Bad Request: chat not found (400)'),
    )
    a.center.always(a.house, a.message('Miner Started: Rig'))
    await a.center.drain()
    expect(a.undelivered().map((record) => record.details)).toEqual([
      expect.objectContaining({ code: 'auth_failed' }),
      expect.objectContaining({ code: 'bad_response', attempts: 1 }),
    ])
    expect(a.platform.pendingTimers()).toBe(0)
  })

  it('a notifier that never answers: each attempt times out after 15 s, retried 5, 10, 20, 40 s later, then recorded', async () => {
    const a = arrange()
    a.world.channelFaults.set('#pager', 'hang')
    a.center.always(a.house, a.message('Miner Started: Rig'))
    let drained = false
    const draining = a.center.drain().then(() => {
      drained = true
    })
    // 5 attempts of 15 s, and 5 + 10 + 20 + 40 s between them: 150 s in all.
    expect(NOTIFY_TIMEOUT_MS).toBe(15_000)
    await a.platform.advance(5 * NOTIFY_TIMEOUT_MS + 75_000 - 1)
    expect(drained).toBe(false)
    expect(a.undelivered()).toEqual([])
    expect(a.center.queues()).toEqual([
      { notifier_id: a.chat.id, waiting: 0, sending: false, next_attempt_at: null },
      { notifier_id: a.pager.id, waiting: 1, sending: true, next_attempt_at: null },
    ])
    await a.platform.advance(1)
    await draining
    expect(a.sent()).toEqual(['#rigs Miner Started: Rig'])
    expect(a.undelivered().map((entry) => [entry.at, entry.reason])).toEqual([
      [
        '2026-06-21T10:02:30.000Z',
        "Notification 'Miner Started: Rig' not delivered after 5 attempts: unreachable: notifier: no answer within 15 s",
      ],
    ])
    expect(
      a.logger.lines.filter((line) => line.startsWith(`info: Notifier ${a.pager.id}`)),
    ).toEqual(
      [1, 2, 3, 4].map(
        (attempt) =>
          `info: Notifier ${a.pager.id} did not deliver 'Miner Started: Rig' yet (attempt ${attempt} of 5): unreachable: notifier: no answer within 15 s — retrying in ${5 * 2 ** (attempt - 1)} s`,
      ),
    )
  })

  it('429: the whole queue waits retry_after_seconds, across cycles, and then delivers in order', async () => {
    const a = arrange()
    const limited = new DeviceError('rate_limited', 'Too Many Requests: retry after 30 (429)', {
      retry_after_seconds: 30,
    })
    a.world.channelFaults.set('#pager', limited)
    a.center.always(a.shed, a.message('Shed only'))
    a.center.always(a.house, a.message('first'))
    await a.center.settled()
    expect(a.center.queues()).toContainEqual({
      notifier_id: a.pager.id,
      waiting: 1,
      sending: false,
      next_attempt_at: '2026-06-21T10:00:30.000Z',
    })
    // Five seconds later (another cycle) the next message queues behind: nothing is sent early.
    await a.platform.advance(5_000)
    a.center.always(a.house, a.message('second'))
    await a.platform.advance(24_000)
    a.world.channelFaults.delete('#pager')
    expect(a.attempts.filter((line) => line.startsWith('#pager'))).toEqual(['#pager first @0'])
    await a.platform.advance(1_000)
    await a.center.drain()
    expect(a.attempts.filter((line) => line.startsWith('#pager'))).toEqual([
      '#pager first @0',
      '#pager first @30',
      '#pager second @30',
    ])
    expect(a.sent()).toEqual([
      '#rigs Shed only',
      '#rigs first',
      '#rigs second',
      '#pager first',
      '#pager second',
    ])
    expect(a.undelivered()).toEqual([])
    expect(a.logger.lines).toContain(
      `info: Notifier ${a.pager.id} did not deliver 'first' yet (attempt 1 of 5): rate_limited: Too Many Requests: retry after 30 (429) — retrying in 30 s`,
    )
  })

  it('a 429 without retry_after backs off 5, 10, 20, 40 s; after 5 attempts it is recorded and the next waits its turn', async () => {
    const a = arrange()
    a.world.channelFaults.set('#pager', new DeviceError('rate_limited', 'limit reached (42901)'))
    a.center.always(a.house, a.message('one'))
    a.center.always(a.house, a.message('two'))
    await a.platform.advance(75_000)
    await a.center.settled()
    expect(a.attempts.filter((line) => line.startsWith('#pager'))).toEqual([
      '#pager one @0',
      '#pager one @5',
      '#pager one @15',
      '#pager one @35',
      '#pager one @75',
    ])
    expect(a.undelivered().map((entry) => [entry.reason, entry.details])).toEqual([
      [
        "Notification 'one' not delivered after 5 attempts: rate_limited: limit reached (42901)",
        { event: 'device_unreachable', notifier_id: a.pager.id, code: 'rate_limited', attempts: 5 },
      ],
    ])
    // The service's limit still holds for 'two': it goes after the last wait, not at once.
    a.world.channelFaults.delete('#pager')
    await a.platform.advance(79_999)
    expect(a.sent().filter((line) => line.startsWith('#pager'))).toEqual([])
    await a.platform.advance(1)
    await a.center.drain()
    expect(a.sent().filter((line) => line.startsWith('#pager'))).toEqual(['#pager two'])
  })

  it('a notifier back after a failure delivers everything queued meanwhile, in order', async () => {
    const a = arrange()
    a.world.channelFaults.set(
      '#pager',
      new DeviceError('unreachable', 'network error (ECONNREFUSED)'),
    )
    for (const title of ['a', 'b', 'c']) a.center.always(a.house, a.message(title))
    await a.platform.advance(10_000) // attempts at 0 and 5 s; the next at 15 s
    a.world.channelFaults.delete('#pager')
    await a.platform.advance(5_000)
    await a.center.drain()
    expect(a.sent().filter((line) => line.startsWith('#pager'))).toEqual([
      '#pager a',
      '#pager b',
      '#pager c',
    ])
    expect(a.undelivered()).toEqual([])
  })

  it('a full queue drops its oldest waiting message, recorded; the one in flight is kept', async () => {
    const s = arrange()
    const center = createNotificationCenter({
      instances: s.services.instances,
      decisions: s.decisions,
      platform: s.platform,
      logger: s.logger,
      queueLimit: 2,
    })
    s.world.channelFaults.set('#rigs', new DeviceError('unreachable', 'down'))
    for (const title of ['a', 'b', 'c', 'd']) center.always(s.shed, s.message(title))
    await center.settled()
    expect(center.queues()).toEqual([
      expect.objectContaining({ notifier_id: s.chat.id, waiting: 2 }),
    ])
    // 'a' was in flight when 'c' and 'd' came: 'b' and then 'c' made room.
    const dropped = (title: string, attempts: number) => [
      `Notification '${title}' not delivered: dropped, 2 notifications were waiting for this notifier`,
      { event: 'device_unreachable', notifier_id: s.chat.id, code: 'queue_full', attempts },
    ]
    expect(s.undelivered().map((entry) => [entry.reason, entry.details])).toEqual([
      dropped('b', 0),
      dropped('c', 0),
    ])
    // Now 'a' waits for its retry (not in flight): it is the oldest and goes first.
    center.always(s.shed, s.message('e'))
    expect(s.undelivered().map((entry) => [entry.reason, entry.details])[2]).toEqual(
      dropped('a', 1),
    )
    s.world.channelFaults.delete('#rigs')
    await s.platform.advance(5_000)
    await center.drain()
    expect(s.sent()).toEqual(['#rigs d', '#rigs e'])
  })

  it('a service asking to wait over an hour: what is queued is recorded at once, not held', async () => {
    const a = arrange()
    a.world.channelFaults.set(
      '#pager',
      new DeviceError('rate_limited', 'daily quota reached', { retry_after_seconds: 86_400 }),
    )
    a.center.always(a.house, a.message('one'))
    await a.center.drain()
    a.center.always(a.house, a.message('two'))
    await a.center.drain()
    expect(a.undelivered().map((entry) => entry.reason)).toEqual([
      "Notification 'one' not delivered: the notifier asked to wait until 2026-06-22T10:00:00.000Z, over an hour",
      "Notification 'two' not delivered: the notifier asked to wait until 2026-06-22T10:00:00.000Z, over an hour",
    ])
    expect(a.platform.pendingTimers()).toBe(0)
  })

  it('close(): what can go now is sent, what waits is recorded, nothing afterwards is sent', async () => {
    const a = arrange()
    a.world.channelFaults.set('#pager', new DeviceError('unreachable', 'down'))
    a.center.always(a.house, a.message('before'))
    await a.center.settled() // #pager waits 5 s for its retry
    await a.center.close()
    expect(a.sent()).toEqual(['#rigs before'])
    a.center.always(a.house, a.message('after'))
    await a.center.drain()
    expect(a.sent()).toEqual(['#rigs before'])
    expect(a.undelivered().map((entry) => entry.reason)).toEqual([
      "Notification 'before' not delivered: Edge Mining stopped before it could be sent (the notifier asked to wait until 2026-06-21T10:00:05.000Z)",
      "Notification 'after' not delivered: Edge Mining has stopped",
      "Notification 'after' not delivered: Edge Mining has stopped",
    ])
    expect(a.platform.pendingTimers()).toBe(0)
  })

  it('never blocks the caller: notify and always return before any notifier answers', async () => {
    const a = arrange()
    a.world.channelFaults.set('#rigs', 'hang')
    a.world.channelFaults.set('#pager', 'hang')
    const started = a.platform.now()
    for (let index = 0; index < 50; index++) a.center.always(a.house, a.message(`m${index}`))
    expect(a.platform.now()).toBe(started)
    expect(a.center.queues().map((queue) => queue.waiting)).toEqual([50, 50])
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
