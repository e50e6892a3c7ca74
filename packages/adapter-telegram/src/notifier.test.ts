import { inspect } from 'node:util'
import {
  ConfigurationError,
  DeviceError,
  type Logger,
  type Notification,
  systemPlatform,
} from '@edge-mining/domain'
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from '@edge-mining/message-sinks'
import { afterEach, describe, expect, it } from 'vitest'
import { parseTelegramConfig, telegramNotifierConfigJsonSchema } from './config'
import { createTelegramNotifier, telegramNotifierDefinition } from './notifier'

const TOKEN = FAKE_BOT_TOKEN
const UUID = '0b9f3c1e-7a2d-4c5e-9f10-2a3b4c5d6e7f'
const fakes: TelegramFake[] = []
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()?.close()
})

async function telegram(options: Parameters<typeof startTelegramFake>[0] = {}) {
  const fake = await startTelegramFake({ chatIntervalMs: 0, ...options })
  fakes.push(fake)
  return fake
}

const started: Notification = {
  event: 'miner_started',
  title: 'Miner Started: rig_1',
  message: `Miner rig_1 (${UUID}) was started. (Optimization Unit: Home)\nStart: start rule 'Sun' fired (energy_state.production = 4000 W > 3000)`,
  at: '2026-06-21T10:00:00.000Z',
}

function recordingLogger() {
  const lines: string[] = []
  const at =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      lines.push(`${level}: ${message} ${details.map((detail) => inspect(detail)).join(' ')}`)
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  }
  return { logger, lines }
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

/** Nothing a caller can see of the error holds the token. */
function expectNoToken(error: unknown) {
  expect(String(error)).not.toContain(TOKEN)
  expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(TOKEN)
  expect(JSON.stringify(error)).not.toContain(TOKEN)
  expect(
    JSON.stringify({ message: (error as Error).message, cause: (error as Error).cause }),
  ).not.toContain(TOKEN)
}

describe('telegram notifier', () => {
  it('sends one sendMessage in MarkdownV2: the person reads the title, names and UUIDs as written', async () => {
    const fake = await telegram({ tokens: [TOKEN], chats: ['4242'] })
    const { logger, lines } = recordingLogger()
    const notifier = createTelegramNotifier(
      { bot_token: TOKEN, chat_id: 4242, api_base_url: fake.url },
      { logger },
    )
    await notifier.send(started)
    expect(fake.received()).toEqual([
      expect.objectContaining({
        chat_id: '4242',
        text: `${started.title}\n\n${started.message}`,
        entities: [{ type: 'bold', offset: 0, length: started.title.length }],
        parse_mode: 'MarkdownV2',
        disable_notification: false,
      }),
    ])
    expect(lines).toEqual([`debug: Telegram: 'Miner Started: rig_1' delivered to chat 4242 `])
  })

  it('HTML, silent, in a forum topic, when configured', async () => {
    const fake = await telegram()
    const notifier = createTelegramNotifier({
      bot_token: TOKEN,
      chat_id: '-1001234567890',
      api_base_url: `${fake.url}/`,
      parse_mode: 'HTML',
      disable_notification: true,
      message_thread_id: 7,
    })
    await notifier.send({ ...started, title: 'a <b> & c' })
    expect(fake.received()[0]).toMatchObject({
      chat_id: '-1001234567890',
      text: `a <b> & c\n\n${started.message}`,
      raw_text: expect.stringMatching(/^<b>a &lt;b&gt; &amp; c<\/b>\n\n/),
      parse_mode: 'HTML',
      disable_notification: true,
    })
  })

  it('a message over 4096 characters is accepted, cut cleanly', async () => {
    const fake = await telegram()
    const notifier = createTelegramNotifier({
      bot_token: TOKEN,
      chat_id: 1,
      api_base_url: fake.url,
    })
    await notifier.send({ ...started, message: 'failure. '.repeat(1000) })
    const [message] = fake.received()
    expect(message?.text.length).toBeLessThanOrEqual(4096)
    expect(message?.text.endsWith('failure.\n\n… (truncated)')).toBe(true)
  })

  it('429: rate_limited with parameters.retry_after', async () => {
    const fake = await telegram({ chatIntervalMs: 1000, now: () => 0 })
    const notifier = createTelegramNotifier({
      bot_token: TOKEN,
      chat_id: 1,
      api_base_url: fake.url,
    })
    await notifier.send(started)
    const error = await failure(notifier.send(started))
    expect(error).toMatchObject({
      code: 'rate_limited',
      retry_after_seconds: 1,
      message: 'Telegram rate-limited the bot: Too Many Requests: retry after 1 (429)',
    })
    fake.set({ kind: 'rate_limited', retry_after_seconds: 37 })
    expect((await failure(notifier.send(started))).retry_after_seconds).toBe(37)
    expectNoToken(error)
  })

  it.each([
    [
      'unauthorized',
      { kind: 'unauthorized' },
      'auth_failed',
      'Telegram rejected the bot token: Unauthorized (401) — check bot_token',
    ],
    [
      'blocked',
      { kind: 'forbidden' },
      'auth_failed',
      'Telegram refused the message: Forbidden: bot was blocked by the user (403) — the person blocked the bot: they must unblock it (or send /start) before it can write to them',
    ],
    [
      'chat not found',
      { kind: 'chat_not_found' },
      'bad_response',
      'Telegram refused the message: Bad Request: chat not found (400) — check chat_id: the person must have sent /start to the bot, or the bot must be a member of the group or channel',
    ],
    [
      'a server error',
      { kind: 'server_error' },
      'unreachable',
      'Telegram unavailable: HTTP 500: Internal Server Error',
    ],
    [
      'a proxy error',
      { kind: 'server_error', status: 502 },
      'unreachable',
      'Telegram unavailable: HTTP 502',
    ],
  ] as const)('%s: %s with the description and what to do', async (_name, fault, code, message) => {
    const fake = await telegram({ faults: [fault] })
    const notifier = createTelegramNotifier({
      bot_token: TOKEN,
      chat_id: 1,
      api_base_url: fake.url,
    })
    const error = await failure(notifier.send(started))
    expect({ code: error.code, message: error.message }).toEqual({ code, message })
    expectNoToken(error)
  })

  it('a token the Bot API does not know (404, 401) and an unknown chat, from the real checks', async () => {
    const fake = await telegram({ tokens: [TOKEN], chats: ['1'] })
    const other = '987654321:AAanotherWellFormedTokenValue_xyz'
    const wrong = createTelegramNotifier({ bot_token: other, chat_id: 1, api_base_url: fake.url })
    const error = await failure(wrong.send(started))
    expect(error.code).toBe('auth_failed')
    expect(error.message).not.toContain(other)
    const lost = createTelegramNotifier({ bot_token: TOKEN, chat_id: 2, api_base_url: fake.url })
    expect((await failure(lost.send(started))).message).toMatch(
      /^Telegram refused the message: Bad Request: chat not found \(400\)/,
    )
    // A base URL that is not the Bot API: 404 Not Found.
    const elsewhere = createTelegramNotifier({
      bot_token: TOKEN,
      chat_id: 1,
      api_base_url: `${fake.url}/nope`,
    })
    expect(await failure(elsewhere.send(started))).toMatchObject({
      code: 'auth_failed',
      message:
        'Telegram answered Not Found (404): the bot token is not valid, or api_base_url is not the Bot API',
    })
  })

  it('a group upgraded to a supergroup: bad_response naming the new chat id', async () => {
    const fetch: typeof globalThis.fetch = async () =>
      new Response(
        JSON.stringify({
          ok: false,
          error_code: 400,
          description: 'Bad Request: group chat was upgraded to a supergroup chat',
          parameters: { migrate_to_chat_id: -1009876543210 },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      )
    const notifier = createTelegramNotifier({ bot_token: TOKEN, chat_id: -123 }, { fetch })
    expect((await failure(notifier.send(started))).message).toBe(
      'Telegram refused the message: Bad Request: group chat was upgraded to a supergroup chat (400) — the group became a supergroup: set chat_id to -1009876543210',
    )
  })

  it('down, timed out, or not JSON: unreachable / bad_response, the token nowhere', async () => {
    const fake = await telegram({
      faults: [
        { kind: 'down', times: 1 },
        { kind: 'hang', times: 1 },
      ],
    })
    const notifier = createTelegramNotifier({
      bot_token: TOKEN,
      chat_id: 1,
      api_base_url: fake.url,
      request_timeout_seconds: 0.2,
    })
    const down = await failure(notifier.send(started))
    expect(down.code).toBe('unreachable')
    expect(down.message).toMatch(/^Telegram unreachable: network error \(/)
    expectNoToken(down)
    const slow = await failure(notifier.send(started))
    expect(slow).toMatchObject({
      code: 'unreachable',
      message: 'Telegram did not answer within 0.2 s',
    })
    const closed = await startTelegramFake()
    await closed.close()
    const refused = createTelegramNotifier({
      bot_token: TOKEN,
      chat_id: 1,
      api_base_url: closed.url,
    })
    const error = await failure(refused.send(started))
    expect(error.message).toBe('Telegram unreachable: network error (ECONNREFUSED)')
    expectNoToken(error)
    const html: typeof globalThis.fetch = async () =>
      new Response('<html>ok</html>', { status: 200 })
    const odd = createTelegramNotifier({ bot_token: TOKEN, chat_id: 1 }, { fetch: html })
    expect(await failure(odd.send(started))).toMatchObject({
      code: 'bad_response',
      message: 'Telegram returned an unexpected answer (HTTP 200)',
    })
  })

  it('a description that quotes the token is scrubbed', async () => {
    const fetch: typeof globalThis.fetch = async () =>
      new Response(
        JSON.stringify({
          ok: false,
          error_code: 400,
          description: `Bad Request: bot${TOKEN} weird`,
        }),
        {
          status: 400,
        },
      )
    const notifier = createTelegramNotifier({ bot_token: TOKEN, chat_id: 1 }, { fetch })
    const error = await failure(notifier.send(started))
    expect(error.message).toBe('Telegram refused the message: Bad Request: bot*** weird (400)')
  })

  it('posts to api.telegram.org by default, never following a redirect', async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = []
    const fetch: typeof globalThis.fetch = async (input, init) => {
      seen.push({ url: String(input instanceof Request ? input.url : input), init })
      return new Response(JSON.stringify({ ok: true, result: { message_id: 1 } }), { status: 200 })
    }
    await createTelegramNotifier({ bot_token: TOKEN, chat_id: 1 }, { fetch }).send(started)
    expect(seen[0]?.url).toBe(`https://api.telegram.org/bot${TOKEN}/sendMessage`)
    expect(seen[0]?.init).toMatchObject({ method: 'POST', redirect: 'manual' })
    expect(JSON.parse(String(seen[0]?.init?.body))).toEqual({
      chat_id: '1',
      text: expect.stringMatching(/^\*Miner Started: rig\\_1\*\n\n/),
      parse_mode: 'MarkdownV2',
      link_preview_options: { is_disabled: true },
    })
  })
})

describe('telegram config', () => {
  it("upstream's {bot_token, chat_id} with defaults; the token never printed", () => {
    const config = parseTelegramConfig({ bot_token: ` ${TOKEN} `, chat_id: '@rigs_channel' })
    expect({ ...config }).toEqual({
      bot_token: TOKEN,
      chat_id: '@rigs_channel',
      api_base_url: 'https://api.telegram.org',
      parse_mode: 'MarkdownV2',
      disable_notification: false,
      request_timeout_seconds: 10,
    })
    expect(JSON.stringify(config)).not.toContain(TOKEN)
    expect(inspect(config, { depth: 5 })).not.toContain(TOKEN)
    const notifier = createTelegramNotifier(config)
    expect(notifier.config.bot_token).toBe('***')
    expect(inspect(notifier, { depth: 10, showHidden: true })).not.toContain(TOKEN)
  })

  it.each([
    [{ chat_id: 1 }, 'bot_token', /required/],
    [{ bot_token: 'nope', chat_id: 1 }, 'bot_token', /must look like 123456789:AA/],
    [{ bot_token: `${TOKEN} x`, chat_id: 1 }, 'bot_token', /must look like/],
    [{ bot_token: TOKEN }, 'chat_id', /required/],
    [{ bot_token: TOKEN, chat_id: 'my chat' }, 'chat_id', /numeric chat id/],
    [{ bot_token: TOKEN, chat_id: 1.5 }, 'chat_id', /whole number/],
    [{ bot_token: TOKEN, chat_id: 1, parse_mode: 'Markdown' }, 'parse_mode', /MarkdownV2 or HTML/],
    [{ bot_token: TOKEN, chat_id: 1, api_base_url: 'ftp://x' }, 'api_base_url', /http/],
    [
      { bot_token: TOKEN, chat_id: 1, request_timeout_seconds: 0 },
      'request_timeout_seconds',
      /more than 0/,
    ],
    [{ bot_token: TOKEN, chat_id: 1, token: 'x' }, 'token', /unknown key/],
  ])('%j → %s', (input, field, message) => {
    try {
      parseTelegramConfig(input)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError)
      expect((error as ConfigurationError).field).toBe(field)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).not.toContain(TOKEN)
    }
  })

  it('the JSON Schema marks the token write-only, both fields required', () => {
    expect(telegramNotifierConfigJsonSchema).toMatchObject({
      required: ['bot_token', 'chat_id'],
      properties: { bot_token: { type: 'string', writeOnly: true, format: 'password' } },
    })
  })

  it('the definition: type telegram, the token secret, created on the platform fetch', async () => {
    const fake = await telegram()
    expect(telegramNotifierDefinition).toMatchObject({
      kind: 'notifier',
      type: 'telegram',
      label: 'Telegram',
      secretFields: ['bot_token'],
    })
    const port = telegramNotifierDefinition.create(
      { bot_token: TOKEN, chat_id: '1', api_base_url: fake.url },
      {
        platform: systemPlatform(),
        logger: recordingLogger().logger,
        settings: {} as never,
        externalService: null,
      },
    )
    await port.send(started)
    expect(fake.received()).toHaveLength(1)
  })
})
