/**
 * "Done when" of the notifications issue, over the real composition: openRuntime on a temp
 * database with the shipped adapters (dummy_solar, dummy miners, the telegram notifier) and the
 * fake Telegram Bot API. A person adds a Telegram notifier, tests it, and over a simulated day
 * receives one message per real event — starts, stops, a failed start, a device lost and back —
 * nothing per cycle, nothing lost while the fake throttles (429 with retry_after) or is down.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createDummyMinerController,
  DUMMY_MINER_FEATURES,
  DummyMinerControllerConfigSchema,
} from '@edge-mining/adapter-dummy'
import {
  type AnyAdapterDefinition,
  type DecisionRecord,
  DeviceError,
  type MinerControllerPort,
  type Platform,
} from '@edge-mining/domain'
import {
  FAKE_BOT_TOKEN,
  startNtfyFake,
  startTelegramFake,
  type TelegramFake,
} from '@edge-mining/message-sinks'
import { DEFAULT_NOTIFICATION_COOLDOWN_MS } from '@edge-mining/services'
import { afterEach, expect, it } from 'vitest'
import { shippedAdapterDefinitions } from './adapters'
import { openRuntime, type Runtime } from './runtime'

const DAY_START = Date.parse('2026-06-21T00:00:00.000Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

/**
 * A clock that moves only when told. After every timer it fires it waits until no notification
 * is in flight (`settle`), so a real HTTP exchange with the fake is never overtaken by simulated
 * time (its 15 s timeout would otherwise fire while the answer is on its way).
 */
function drivenPlatform(startMs: number, settle: () => Promise<void>) {
  let now = startMs
  let next = 1
  const timers = new Map<number, { at: number; callback: () => void }>()
  const platform: Platform & { advanceTo(ms: number): Promise<void> } = {
    now: () => now,
    setTimeout(callback, ms) {
      const handle = next++
      timers.set(handle, { at: now + Math.max(0, ms), callback })
      return handle
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    fetch: (input, init) => globalThis.fetch(input, init),
    randomUUID: () => crypto.randomUUID(),
    async advanceTo(target) {
      await settle()
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= target)
          .sort(([ha, a], [hb, b]) => a.at - b.at || ha - hb)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].callback()
        await settle()
      }
      now = target
    },
  }
  return platform
}

/** What the test scripts on its miners: a device that stops answering, starts that fail. */
interface Script {
  /** Simulated ms during which the named miner's controller answers nothing. */
  lost: { miner: string; from: number; until: number } | null
  /** The named miner's next N start commands fail. */
  failingStarts: { miner: string; left: number } | null
}

/** `flaky_dummy`: the shipped dummy miner, plus the test's script of outages and failures. */
function flakyDummy(script: Script): AnyAdapterDefinition {
  return {
    kind: 'miner_controller',
    type: 'flaky_dummy',
    label: 'Dummy miner with scripted faults',
    configSchema: DummyMinerControllerConfigSchema,
    secretFields: [],
    features: DUMMY_MINER_FEATURES,
    create(config, context) {
      const inner = createDummyMinerController(config, context) as MinerControllerPort
      const name = context.miner?.name ?? ''
      const lost = () => {
        const at = context.platform.now()
        return script.lost?.miner === name && at >= script.lost.from && at < script.lost.until
      }
      const port: Record<string, unknown> = {}
      for (const [method, impl] of Object.entries(inner)) {
        if (typeof impl !== 'function') continue
        port[method] = async (...args: unknown[]) => {
          if (lost()) throw new DeviceError('unreachable', 'no route to host')
          if (method === 'startMining' && script.failingStarts?.miner === name) {
            if (script.failingStarts.left > 0) {
              script.failingStarts.left -= 1
              throw new DeviceError('unreachable', 'start refused: fan failure')
            }
          }
          return (impl as (...values: unknown[]) => unknown).apply(inner, args)
        }
      }
      return port as MinerControllerPort
    },
  }
}

/** The whole decision log, oldest first. */
function wholeLog(runtime: Runtime): DecisionRecord[] {
  const all: DecisionRecord[] = []
  for (;;) {
    const page = runtime.loop.decisions({ after_id: all.at(-1)?.id ?? 0, limit: 1000 })
    all.push(...page)
    if (page.length < 1000) return all
  }
}

async function arrange() {
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-notify-'))
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }))
  let runtime: Runtime | undefined
  const flush = () => new Promise((resolve) => setImmediate(resolve))
  const platform = drivenPlatform(DAY_START, async () => {
    await flush()
    await runtime?.loop.notifications.settled()
  })
  const telegram: TelegramFake = await startTelegramFake({
    tokens: [FAKE_BOT_TOKEN],
    chats: ['4242'],
    now: () => platform.now(),
  })
  cleanups.push(() => telegram.close())
  const script: Script = { lost: null, failingStarts: null }
  runtime = openRuntime({
    env: {
      DB_PATH: join(folder, 'edgemining.db'),
      POLICIES_DIR: join(folder, 'policies'),
      LOG_LEVEL: 'silent',
    },
    platform,
    adapters: (resources) => [...shippedAdapterDefinitions(resources), flakyDummy(script)],
  })
  const opened = runtime
  cleanups.push(() => opened.close())
  return { runtime: opened, platform, telegram, script }
}

it('a Telegram (or ntfy) notifier added through the services: test delivers, the token is never shown', async () => {
  const { runtime, telegram } = await arrange()
  const { services } = runtime
  expect(services.adapters.notifier.registry.types()).toEqual(
    expect.arrayContaining(['dummy', 'telegram', 'ntfy', 'webhook']),
  )
  expect(services.adapters.notifier.registry.configJsonSchema('telegram')).toMatchObject({
    required: ['bot_token', 'chat_id'],
    properties: { bot_token: { writeOnly: true, format: 'password' } },
  })
  const phone = services.adapters.notifier.create({
    name: 'My phone',
    adapter_type: 'telegram',
    config: { bot_token: FAKE_BOT_TOKEN, chat_id: 4242, api_base_url: telegram.url },
  })
  expect(services.adapters.notifier.toPublic(phone).config).toMatchObject({
    bot_token: '***',
    chat_id: '4242',
  })
  expect(await services.actions.testNotifier(phone.id)).toEqual({
    status: 'success',
    message: 'Test notification sent successfully',
  })
  expect(telegram.received().map((message) => message.text)).toEqual([
    'Test Notification\n\nThis is a test notification from Edge Mining System',
  ])

  // ntfy the same way: an access token kept write-only, the test message on the phone.
  const ntfy = await startNtfyFake({ tokens: ['tk_phone0123456789'], protectedTopics: '*' })
  try {
    const topic = services.adapters.notifier.create({
      name: 'ntfy',
      adapter_type: 'ntfy',
      config: { server: ntfy.url, topic: 'edge-rigs', access_token: 'tk_phone0123456789' },
    })
    expect(services.adapters.notifier.toPublic(topic).config.access_token).toBe('***')
    expect((await services.actions.testNotifier(topic.id)).status).toBe('success')
    expect(ntfy.received()).toMatchObject([
      {
        topic: 'edge-rigs',
        title: 'Test Notification',
        message: 'This is a test notification from Edge Mining System',
        authorized: true,
      },
    ])
  } finally {
    await ntfy.close()
  }

  // What goes wrong is said plainly, once, with Telegram's own words and never the token.
  for (const [fault, message] of [
    [
      { kind: 'chat_not_found' },
      'Failed to send test notification: bad_response: Telegram refused the message: Bad Request: chat not found (400) — check chat_id: the person must have sent /start to the bot, or the bot must be a member of the group or channel',
    ],
    [
      { kind: 'forbidden' },
      'Failed to send test notification: auth_failed: Telegram refused the message: Forbidden: bot was blocked by the user (403) — the person blocked the bot: they must unblock it (or send /start) before it can write to them',
    ],
    [
      { kind: 'unauthorized' },
      'Failed to send test notification: auth_failed: Telegram rejected the bot token: Unauthorized (401) — check bot_token',
    ],
  ] as const) {
    telegram.set({ ...fault, times: 1 })
    const before = telegram.requests().length
    const report = await services.actions.testNotifier(phone.id)
    expect(report).toEqual({ status: 'failed', message })
    expect(JSON.stringify(report)).not.toContain(FAKE_BOT_TOKEN)
    expect(telegram.requests().length - before).toBe(1) // the test is one send: no retry
  }
})

it('over a simulated day the person receives one message per real event: none per cycle, none lost while throttled', {
  timeout: 180_000,
}, async () => {
  const { runtime, platform, telegram, script } = await arrange()
  const { services } = runtime
  services.settings.update({
    timezone: 'Europe/Rome',
    latitude: 41.9028,
    longitude: 12.4964,
    scheduler_interval_seconds: 60,
  })
  const phone = services.adapters.notifier.create({
    name: 'My phone',
    adapter_type: 'telegram',
    config: { bot_token: FAKE_BOT_TOKEN, chat_id: '4242', api_base_url: telegram.url },
  })
  expect((await services.actions.testNotifier(phone.id)).status).toBe('success')

  const monitor = services.adapters.energy_monitor.create({
    name: 'Roof (simulated)',
    adapter_type: 'dummy_solar',
    config: { cloudiness: 0.35, seed: 21, base_load_power: 450 },
  })
  const source = services.energySources.create({
    name: 'Roof, 9 kWp',
    type: 'solar',
    nominal_power_max: 9000,
    grid: { contracted_power: 6000 },
    energy_monitor_id: monitor.id,
  })
  // Names and ids full of what MarkdownV2 reserves: they must reach the person as written.
  const minerNamed = (name: string, power: number) =>
    services.miners.create({
      name,
      hash_rate_max: { value: 100, unit: 'TH/s' },
      power_consumption_max: power,
      controller_ids: [
        services.adapters.miner_controller.create({
          name: `${name} (simulated)`,
          adapter_type: 'flaky_dummy',
          config: { transition_seconds: 30, seed: 7 },
        }).id,
      ],
    })
  const garage = minerNamed('Garage S19-pro (#1)', 3000)
  const shed = minerNamed('Shed_S9.2 [old]', 1350)
  const policy = services.policies.create({ name: 'Sun' })
  services.policies.addRule(policy.id, 'start', {
    name: 'Bright',
    conditions: { field: 'energy_state.production', operator: 'gt', value: 4000 },
  })
  services.policies.addRule(policy.id, 'stop', {
    name: 'Dim',
    conditions: { field: 'energy_state.production', operator: 'lt', value: 2000 },
  })
  const unit = services.units.enable(
    services.units.create({
      name: 'Home',
      policy_id: policy.id,
      energy_source_id: source.id,
      target_miner_ids: [garage.id, shed.id],
      notifier_ids: [phone.id],
    }).id,
  )
  // The garage miner's first three starts fail; the shed miner drops off the network at noon.
  script.failingStarts = { miner: garage.name, left: 3 }
  script.lost = {
    miner: shed.name,
    from: DAY_START + 10 * HOUR,
    until: DAY_START + 10 * HOUR + 20 * MINUTE,
  }
  // Telegram throttles the first message (retry after 2 min) and is then down for one request;
  // besides, it answers 429 retry_after to a second message to the chat within a second.
  telegram.clear()
  telegram.set([
    { kind: 'rate_limited', retry_after_seconds: 120, times: 1 },
    { kind: 'down', times: 1 },
  ])

  let cycles = 0
  for (let at = DAY_START; at < DAY_START + 24 * HOUR; at += MINUTE) {
    await platform.advanceTo(at)
    await runtime.loop.runCycle()
    cycles += 1
  }
  await platform.advanceTo(DAY_START + 24 * HOUR + 10 * MINUTE)
  await runtime.loop.notifications.drain()

  const log = wholeLog(runtime)
  const name = (id: string | null) => (id === garage.id ? garage.name : shed.name)
  // What the person should have been told, from what the loop recorded: every executed start
  // and stop, a failing start once per cool-down, the device's loss and return once each.
  const expected: { at: string; title: string }[] = []
  const lastFailureTold = new Map<string, number>()
  for (const record of log) {
    if (record.kind !== 'action' || record.unit_id !== unit.id) continue
    const miner = name(record.miner_id)
    if (record.outcome === 'executed') {
      expected.push({
        at: record.at,
        title: `Miner ${record.action === 'start' ? 'Started' : 'Stopped'}: ${miner}`,
      })
    } else if (record.outcome === 'failed') {
      const key = `${record.miner_id}:${record.action}`
      const last = lastFailureTold.get(key)
      const atMs = Date.parse(record.at)
      if (last !== undefined && atMs - last < DEFAULT_NOTIFICATION_COOLDOWN_MS) continue
      lastFailureTold.set(key, atMs)
      expected.push({
        at: record.at,
        title: `Miner ${record.action === 'start' ? 'Start' : 'Stop'} Failed: ${miner}`,
      })
    }
  }
  const lostAt = new Date(DAY_START + 10 * HOUR).toISOString()
  const backAt = new Date(DAY_START + 10 * HOUR + 20 * MINUTE).toISOString()
  expected.push({ at: lostAt, title: `Miner unreachable: ${shed.name}` })
  expected.push({ at: backAt, title: `Miner back: ${shed.name}` })
  expected.sort((a, b) => a.at.localeCompare(b.at))

  const received = telegram.received()
  const titles = received.map((message) => message.text.split('\n\n')[0])
  // One message per real event, in the order they happened: a real day of starts and stops.
  expect(titles).toEqual(expected.map((event) => event.title))
  const executed = log.filter((record) => record.kind === 'action' && record.outcome === 'executed')
  expect(executed.filter((record) => record.action === 'start').length).toBeGreaterThanOrEqual(2)
  expect(executed.filter((record) => record.action === 'stop').length).toBeGreaterThanOrEqual(2)
  expect(log.filter((record) => record.outcome === 'failed')).toHaveLength(3)
  expect(titles.filter((title) => title?.startsWith('Miner Start Failed'))).toEqual([
    `Miner Start Failed: ${garage.name}`,
  ])
  // Nothing per cycle: a day of 1440 cycles is a handful of messages.
  expect(cycles).toBe(1440)
  expect(received.length).toBeLessThan(40)
  // Nothing lost, though Telegram throttled and was down: no undelivered entry, every request
  // that failed was tried again.
  expect(log.filter((record) => record.outcome === 'undelivered')).toEqual([])
  const requests = telegram.requests()
  expect(requests.filter((request) => request.status === 429).length).toBeGreaterThanOrEqual(2)
  expect(requests.filter((request) => request.fault === 'down')).toHaveLength(1)
  expect(requests.filter((request) => request.status === 200)).toHaveLength(received.length)
  // The person reads names and UUIDs as written (MarkdownV2 escaped right, or the fake's parser
  // would have answered 400 and the message been recorded undelivered).
  const started = received.find((message) =>
    message.text.startsWith(`Miner Started: ${garage.name}`),
  )
  expect(started?.text).toContain(
    `Miner ${garage.name} (${garage.id}) was started. (Optimization Unit: Home)`,
  )
  expect(started?.entities[0]).toEqual({
    type: 'bold',
    offset: 0,
    length: `Miner Started: ${garage.name}`.length,
  })
  // The first messages waited out the 120 s asked for, and no two went to the chat within a second.
  const times = received.map((message) => Date.parse(message.at))
  expect(times.slice(1).every((time, index) => time - (times[index] as number) >= 1000)).toBe(true)
  expect(runtime.loop.notifications.queues()).toEqual([
    { notifier_id: phone.id, waiting: 0, sending: false, next_attempt_at: null },
  ])
})
