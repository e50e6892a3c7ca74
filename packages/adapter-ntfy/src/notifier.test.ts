import { inspect } from 'node:util'
import {
  ConfigurationError,
  DeviceError,
  type Notification,
  silentLogger,
  systemPlatform,
} from '@edge-mining/domain'
import { type NtfyFake, startNtfyFake } from '@edge-mining/message-sinks'
import { afterEach, describe, expect, it } from 'vitest'
import { ntfyNotifierConfigJsonSchema, parseNtfyConfig } from './config'
import { cutToBytes, headerValue, ntfyBody, TRUNCATED_SUFFIX } from './format'
import { createNtfyNotifier, ntfyHeaders, ntfyNotifierDefinition } from './notifier'

const TOKEN = 'tk_s3cretAccessToken0123456789'
const fakes: NtfyFake[] = []
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()?.close()
})

async function ntfy(options: Parameters<typeof startNtfyFake>[0] = {}) {
  const fake = await startNtfyFake(options)
  fakes.push(fake)
  return fake
}

const failed: Notification = {
  event: 'miner_start_failed',
  title: 'Miner Start Failed: Gärage S19 ⚡',
  message:
    'Attempt to start miner Gärage S19 (0b9f3c1e-7a2d-4c5e-9f10-2a3b4c5d6e7f) failed: unreachable.',
  at: '2026-06-21T10:00:00.000Z',
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

function expectNoToken(error: unknown) {
  expect(String(error)).not.toContain(TOKEN)
  expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(TOKEN)
}

describe('ntfy notifier', () => {
  it('POST {server}/{topic}: the title (RFC 2047 for non-ASCII), priority and tags by event', async () => {
    const fake = await ntfy()
    const notifier = createNtfyNotifier({ server: fake.url, topic: 'edge-rigs' })
    await notifier.send(failed)
    await notifier.send({ ...failed, event: 'miner_started', title: 'Miner Started: Rig' })
    expect(fake.received()).toEqual([
      expect.objectContaining({
        topic: 'edge-rigs',
        title: 'Miner Start Failed: Gärage S19 ⚡',
        message: failed.message,
        priority: 4,
        tags: ['warning'],
        authorized: false,
      }),
      expect.objectContaining({ title: 'Miner Started: Rig', priority: 3, tags: ['zap'] }),
    ])
  })

  it('the access token as Bearer; configured priority, tags and click', async () => {
    const fake = await ntfy({ tokens: [TOKEN], protectedTopics: '*' })
    const notifier = createNtfyNotifier({
      server: fake.url,
      topic: 'private',
      access_token: TOKEN,
      priority: 'urgent',
      tags: 'house, solar',
      click: 'http://edge.local:8001/docs',
    })
    await notifier.send(failed)
    expect(fake.received()[0]).toMatchObject({
      priority: 5,
      tags: ['warning', 'house', 'solar'],
      click: 'http://edge.local:8001/docs',
      authorized: true,
    })
  })

  it('a long message is cut to 4096 bytes at a word and marked truncated', async () => {
    const fake = await ntfy()
    const notifier = createNtfyNotifier({ server: fake.url, topic: 't' })
    await notifier.send({ ...failed, message: 'épée '.repeat(2000) })
    const [received] = fake.received()
    expect(received?.attachment).toBeNull()
    expect(Buffer.byteLength(received?.message ?? '', 'utf8')).toBeLessThanOrEqual(4096)
    expect(received?.message.endsWith(`épée${TRUNCATED_SUFFIX}`)).toBe(true)
  })

  it('429: rate_limited, with Retry-After when the server sends one', async () => {
    const fake = await ntfy({ burst: 1, now: () => 0 })
    const notifier = createNtfyNotifier({ server: fake.url, topic: 't' })
    await notifier.send(failed)
    const error = await failure(notifier.send(failed))
    expect(error).toMatchObject({
      code: 'rate_limited',
      retry_after_seconds: null,
      message: `ntfy at ${new URL(fake.url).host} rate-limited the request: limit reached: too many requests (42901)`,
    })
    fake.set({ kind: 'rate_limited', retry_after_seconds: 30 })
    expect((await failure(notifier.send(failed))).retry_after_seconds).toBe(30)
  })

  it('401 and 403: auth_failed saying what to do; 400: bad_response; 5xx, down, slow: unreachable', async () => {
    const fake = await ntfy({ tokens: ['tk_other'], protectedTopics: ['locked'] })
    const host = new URL(fake.url).host
    const wrongToken = createNtfyNotifier({ server: fake.url, topic: 't', access_token: TOKEN })
    const error = await failure(wrongToken.send(failed))
    expect(error).toMatchObject({
      code: 'auth_failed',
      message: `ntfy at ${host} rejected the access token: unauthorized (40101) — check access_token`,
    })
    expectNoToken(error)
    const locked = createNtfyNotifier({ server: fake.url, topic: 'locked' })
    expect(await failure(locked.send(failed))).toMatchObject({
      code: 'auth_failed',
      message: `ntfy at ${host} refused to publish to the topic: forbidden (40301) — the topic is reserved or protected: set an access_token that may write to it`,
    })
    const open = createNtfyNotifier({
      server: fake.url,
      topic: 't',
      request_timeout_seconds: 0.2,
    })
    fake.set([
      { kind: 'server_error', status: 503, times: 1 },
      { kind: 'down', times: 1 },
      { kind: 'hang', times: 1 },
    ])
    expect(await failure(open.send(failed))).toMatchObject({
      code: 'unreachable',
      message: `ntfy at ${host} unavailable: internal server error (50300)`,
    })
    expect((await failure(open.send(failed))).message).toMatch(/unreachable: network error/)
    expect((await failure(open.send(failed))).message).toBe(
      `ntfy at ${host} did not answer within 0.2 s`,
    )
    const odd: typeof globalThis.fetch = async () =>
      new Response(JSON.stringify({ code: 40007, http: 400, error: 'invalid priority' }), {
        status: 400,
      })
    expect(
      await failure(createNtfyNotifier({ topic: 't' }, { fetch: odd }).send(failed)),
    ).toMatchObject({
      code: 'bad_response',
      message: 'ntfy at ntfy.sh refused the message: invalid priority (40007)',
    })
    const portal: typeof globalThis.fetch = async () =>
      new Response('<html>wifi login</html>', { status: 200 })
    expect(
      (await failure(createNtfyNotifier({ topic: 't' }, { fetch: portal }).send(failed))).code,
    ).toBe('bad_response')
  })

  it('posts to https://ntfy.sh/<topic> by default', async () => {
    const seen: string[] = []
    const fetch: typeof globalThis.fetch = async (input) => {
      seen.push(String(input))
      return new Response(JSON.stringify({ id: 'abc', event: 'message' }), { status: 200 })
    }
    await createNtfyNotifier({ topic: 'mytopic' }, { fetch }).send(failed)
    expect(seen).toEqual(['https://ntfy.sh/mytopic'])
  })
})

describe('ntfy formatting', () => {
  it('headers: ASCII as is, anything else RFC 2047, always one line', () => {
    expect(headerValue('Miner Started:\n Rig')).toBe('Miner Started: Rig')
    expect(headerValue('Gärage')).toBe(`=?UTF-8?B?${Buffer.from('Gärage').toString('base64')}?=`)
    expect(ntfyHeaders({ event: 'device_back', title: 'Miner back: Rig' }, {})).toEqual({
      'content-type': 'text/plain; charset=utf-8',
      accept: 'application/json',
      title: 'Miner back: Rig',
      priority: '3',
      tags: 'white_check_mark',
    })
  })

  it('cuts on character boundaries', () => {
    expect(cutToBytes('aé', 2)).toBe('a')
    expect(cutToBytes('a😀b', 4)).toBe('a')
    expect(ntfyBody(' short \r\n')).toBe('short')
  })
})

describe('ntfy config', () => {
  it('defaults; the token never printed', () => {
    const config = parseNtfyConfig({
      topic: 'rigs',
      access_token: TOKEN,
      priority: '4',
      tags: ['a', ' b '],
    })
    expect({ ...config }).toEqual({
      server: 'https://ntfy.sh',
      topic: 'rigs',
      access_token: TOKEN,
      priority: 4,
      tags: ['a', 'b'],
      request_timeout_seconds: 10,
    })
    expect(JSON.stringify(config)).not.toContain(TOKEN)
    expect(inspect(config)).not.toContain(TOKEN)
    expect(createNtfyNotifier(config).config.access_token).toBe('***')
    expect(parseNtfyConfig({ topic: 'rigs', priority: 'max' }).priority).toBe(5)
  })

  it.each([
    [{}, 'topic', /required/],
    [{ topic: 'a/b' }, 'topic', /letters, digits/],
    [{ topic: 'x'.repeat(65) }, 'topic', /1–64/],
    [{ topic: 't', priority: 6 }, 'priority', /1–5/],
    [{ topic: 't', priority: 'loud' }, 'priority', /1–5/],
    [{ topic: 't', access_token: `${TOKEN} x` }, 'access_token', /printable ASCII/],
    [{ topic: 't', server: 'ntfy.sh' }, 'server', /http/],
    [{ topic: 't', click: 'nope' }, 'click', /URL/],
    [{ topic: 't', tags: ['a,b'] }, 'tags', /commas/],
  ])('%j → %s', (input, field, message) => {
    try {
      parseNtfyConfig(input)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError)
      expect((error as ConfigurationError).field).toBe(field)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).not.toContain(TOKEN)
    }
  })

  it('the definition: type ntfy, the token secret; the JSON Schema marks it write-only', async () => {
    expect(ntfyNotifierDefinition).toMatchObject({
      kind: 'notifier',
      type: 'ntfy',
      secretFields: ['access_token'],
    })
    expect(ntfyNotifierConfigJsonSchema).toMatchObject({
      required: ['topic'],
      properties: { access_token: { writeOnly: true, format: 'password' } },
    })
    const fake = await ntfy()
    const port = ntfyNotifierDefinition.create(
      { server: fake.url, topic: 't' },
      {
        platform: systemPlatform(),
        logger: silentLogger,
        settings: {} as never,
        externalService: null,
      },
    )
    await port.send(failed)
    expect(fake.received()).toHaveLength(1)
  })
})
