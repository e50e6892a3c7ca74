import { createHmac } from 'node:crypto'
import { inspect } from 'node:util'
import {
  ConfigurationError,
  DeviceError,
  type Notification,
  silentLogger,
  systemPlatform,
} from '@edge-mining/domain'
import {
  startWebhookFake,
  verifyWebhookSignature,
  type WebhookFake,
} from '@edge-mining/message-sinks'
import { afterEach, describe, expect, it } from 'vitest'
import { parseWebhookConfig, webhookNotifierConfigJsonSchema } from './config'
import {
  createWebhookNotifier,
  signWebhookBody,
  webhookBody,
  webhookEventId,
  webhookNotifierDefinition,
} from './notifier'

const SECRET = 'whsec_0123456789abcdef'
const fakes: WebhookFake[] = []
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()?.close()
})

async function hook(options: Parameters<typeof startWebhookFake>[0] = {}) {
  const fake = await startWebhookFake(options)
  fakes.push(fake)
  return fake
}

const stopped: Notification = {
  event: 'miner_stopped',
  title: 'Miner Stopped: Rig',
  message: 'Miner Rig (0b9f3c1e-7a2d-4c5e-9f10-2a3b4c5d6e7f) was stopped.',
  at: '2026-06-21T18:00:00.000Z',
  unit: { id: '11111111-1111-4111-8111-111111111111', name: 'House' },
  miner: { id: '0b9f3c1e-7a2d-4c5e-9f10-2a3b4c5d6e7f', name: 'Rig' },
  decision: 'stop_mining',
}

/** Retries wait on this clock: each wait moves it on at once, so nothing really sleeps. */
function instantClock() {
  let now = 0
  const waits: number[] = []
  return {
    waits,
    now: () => now,
    setTimeout: (callback: () => void, ms: number) => {
      waits.push(ms)
      now += ms
      setImmediate(callback)
    },
  }
}

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof DeviceError) return error
    throw error
  }
  throw new Error('expected a DeviceError')
}

describe('webhook notifier', () => {
  it('POSTs the JSON event, signed with HMAC-SHA256 of the raw body in X-Signature', async () => {
    const fake = await hook({ secret: SECRET })
    const notifier = createWebhookNotifier({ url: `${fake.url}/hooks/edge?team=1`, secret: SECRET })
    await notifier.send(stopped)
    const [delivery] = fake.received()
    expect(delivery?.json).toEqual({
      event: 'miner_stopped',
      title: 'Miner Stopped: Rig',
      message: stopped.message,
      unit: stopped.unit,
      miner: stopped.miner,
      decision: 'stop_mining',
      at: '2026-06-21T18:00:00.000Z',
    })
    expect(delivery).toMatchObject({
      path: '/hooks/edge',
      content_type: 'application/json',
      event: 'miner_stopped',
      event_id: webhookEventId(delivery?.body ?? ''),
      signature_valid: true,
    })
    const expected = `sha256=${createHmac('sha256', SECRET)
      .update(delivery?.body ?? '')
      .digest('hex')}`
    expect(delivery?.signature).toBe(expected)
    expect(signWebhookBody(SECRET, webhookBody(stopped))).toBe(expected)
    expect(verifyWebhookSignature(SECRET, delivery?.body ?? '', delivery?.signature)).toBe(true)
  })

  it('without a secret: no signature; missing fields are null', async () => {
    const fake = await hook()
    const notifier = createWebhookNotifier({ url: fake.url })
    await notifier.send({
      event: 'test',
      title: 'Test Notification',
      message: 'hi',
      at: stopped.at,
    })
    expect(fake.received()[0]).toMatchObject({
      signature: null,
      json: { event: 'test', unit: null, miner: null, decision: null },
    })
  })

  it('a 5xx is retried with backoff (1 s, 2 s) and then is unreachable; the same event id each time', async () => {
    const fake = await hook({ faults: [{ kind: 'server_error', status: 503 }] })
    const clock = instantClock()
    const notifier = createWebhookNotifier({ url: fake.url }, clock)
    const error = await failure(notifier.send(stopped))
    expect(error).toMatchObject({
      code: 'unreachable',
      message: `Webhook at ${new URL(fake.url).host} failed: HTTP 503: {"error":"internal server error"}`,
    })
    expect(clock.waits).toEqual([1000, 2000])
    expect(fake.requests()).toHaveLength(3)
    fake.set([{ kind: 'server_error', times: 2 }])
    clock.waits.length = 0
    await notifier.send(stopped)
    expect(clock.waits).toEqual([1000, 2000])
    expect(fake.received()).toHaveLength(1)
  })

  it('retries stop where the send would outlast 14 s: with 5 s timeouts, two attempts', async () => {
    const fake = await hook({ faults: [{ kind: 'down' }] })
    let now = 0
    const waits: number[] = []
    // Each attempt "takes" its whole timeout on this clock.
    const fetch: typeof globalThis.fetch = async (input, init) => {
      now += 5000
      return globalThis.fetch(input, init)
    }
    const notifier = createWebhookNotifier(
      { url: fake.url, max_retries: 5 },
      {
        fetch,
        now: () => now,
        setTimeout: (callback, ms) => {
          waits.push(ms)
          now += ms
          setImmediate(callback)
        },
      },
    )
    const error = await failure(notifier.send(stopped))
    expect(error.code).toBe('unreachable')
    expect(error.message).toMatch(/unreachable: network error/)
    expect(waits).toEqual([1000]) // 5 + 1 + 5 = 11 s; another would end at 18 s
    expect(fake.requests()).toHaveLength(2)
  })

  it('429 is not retried here: rate_limited with Retry-After; 401/403 auth_failed; 404 bad_response', async () => {
    const fake = await hook()
    const host = new URL(fake.url).host
    const clock = instantClock()
    const notifier = createWebhookNotifier({ url: fake.url, secret: SECRET }, clock)
    fake.set({ kind: 'rate_limited', retry_after_seconds: 42, times: 1 })
    expect(await failure(notifier.send(stopped))).toMatchObject({
      code: 'rate_limited',
      retry_after_seconds: 42,
      message: `Webhook at ${host} rate-limited the delivery: HTTP 429: {"error":"too many requests"}`,
    })
    fake.set({ kind: 'forbidden', times: 1 })
    const denied = await failure(notifier.send(stopped))
    expect(denied).toMatchObject({
      code: 'auth_failed',
      message: `Webhook at ${host} refused the delivery: HTTP 403: {"error":"forbidden"} — check the secret (X-Signature) and what the receiver expects`,
    })
    expect(inspect(denied, { depth: 10, showHidden: true })).not.toContain(SECRET)
    const missing: typeof globalThis.fetch = async () =>
      new Response('no such hook', { status: 404 })
    expect(
      await failure(
        createWebhookNotifier(
          { url: 'https://hooks.example/x/SECRETPATH' },
          { fetch: missing },
        ).send(stopped),
      ),
    ).toMatchObject({
      code: 'bad_response',
      message: 'Webhook at hooks.example refused the delivery: HTTP 404: no such hook',
    })
    const moved: typeof globalThis.fetch = async () =>
      new Response(null, { status: 301, headers: { location: 'https://elsewhere/' } })
    expect(
      (
        await failure(
          createWebhookNotifier({ url: 'https://hooks.example/x' }, { fetch: moved }).send(stopped),
        )
      ).message,
    ).toBe(
      'Webhook at hooks.example redirected the delivery (HTTP 301); redirects are not followed: set url to the final address',
    )
    expect(clock.waits).toEqual([])
  })

  it('a slow receiver times out (unreachable), and messages never show the path or query', async () => {
    const fake = await hook({ faults: [{ kind: 'hang' }] })
    const notifier = createWebhookNotifier(
      {
        url: `${fake.url}/T000/B000/XXXXsecretpath?token=abc`,
        request_timeout_seconds: 0.2,
        max_retries: 0,
      },
      instantClock(),
    )
    const error = await failure(notifier.send(stopped))
    expect(error.message).toBe(`Webhook at ${new URL(fake.url).host} did not answer within 0.2 s`)
    expect(String(error)).not.toContain('secretpath')
  })
})

describe('webhook config', () => {
  it('defaults; the secret never printed', () => {
    const config = parseWebhookConfig({ url: 'https://hooks.example/edge', secret: SECRET })
    expect({ ...config }).toEqual({
      url: 'https://hooks.example/edge',
      secret: SECRET,
      request_timeout_seconds: 5,
      max_retries: 2,
    })
    expect(JSON.stringify(config)).not.toContain(SECRET)
    expect(inspect(config)).not.toContain(SECRET)
    expect(createWebhookNotifier(config).config.secret).toBe('***')
  })

  it.each([
    [{}, 'url', /required/],
    [{ url: 'ftp://x' }, 'url', /http/],
    [{ url: 'https://user:pw@hooks.example/' }, 'url', /user or password/],
    [{ url: 'https://h.example', secret: '  ' }, 'secret', /blank/],
    [{ url: 'https://h.example', max_retries: 9 }, 'max_retries', /at most 5/],
    [
      { url: 'https://h.example', request_timeout_seconds: 20 },
      'request_timeout_seconds',
      /at most 14/,
    ],
  ])('%j → %s', (input, field, message) => {
    try {
      parseWebhookConfig(input)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError)
      expect((error as ConfigurationError).field).toBe(field)
      expect((error as Error).message).toMatch(message)
    }
  })

  it('the definition: type webhook, the secret write-only, retries on the platform timers', async () => {
    expect(webhookNotifierDefinition).toMatchObject({
      kind: 'notifier',
      type: 'webhook',
      secretFields: ['secret'],
    })
    expect(webhookNotifierConfigJsonSchema).toMatchObject({
      required: ['url'],
      properties: { secret: { writeOnly: true, format: 'password' } },
    })
    const fake = await hook()
    const port = webhookNotifierDefinition.create(
      { url: fake.url },
      {
        platform: systemPlatform(),
        logger: silentLogger,
        settings: {} as never,
        externalService: null,
      },
    )
    await port.send(stopped)
    expect(fake.received()).toHaveLength(1)
  })
})
