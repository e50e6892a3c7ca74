import { afterEach, describe, expect, it } from 'vitest'
import { SinkOptionsError } from '../core/faults'
import { FAKE_BOT_TOKEN, startTelegramFake, type TelegramFake } from './fake'

const open: TelegramFake[] = []
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close()
})

async function fake(options: Parameters<typeof startTelegramFake>[0] = {}) {
  const started = await startTelegramFake(options)
  open.push(started)
  return started
}

async function send(
  fakeUrl: string,
  body: Record<string, unknown>,
  token = FAKE_BOT_TOKEN,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${fakeUrl}/bot${token}/sendMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

describe('Telegram fake', () => {
  it('accepts a message: the {ok, result} envelope, and records what the person reads', async () => {
    let now = Date.parse('2026-06-21T10:00:00.000Z')
    const telegram = await fake({ now: () => now })
    const answer = await send(telegram.url, {
      chat_id: '4242',
      text: '*Miner Started: Rig\\-1*\n\nid 0000\\-1',
      parse_mode: 'MarkdownV2',
    })
    expect(answer).toEqual({
      status: 200,
      json: {
        ok: true,
        result: {
          message_id: 1,
          from: {
            id: 123456789,
            is_bot: true,
            first_name: 'Edge Mining (fake)',
            username: 'edge_mining_fake_bot',
          },
          chat: { id: 4242, type: 'private' },
          date: now / 1000,
          text: 'Miner Started: Rig-1\n\nid 0000-1',
          entities: [{ type: 'bold', offset: 0, length: 20 }],
        },
      },
    })
    now += 1000
    await send(telegram.url, { chat_id: 4242, text: 'plain text.' })
    expect(telegram.received()).toEqual([
      {
        message_id: 1,
        bot_id: '123456789',
        chat_id: '4242',
        text: 'Miner Started: Rig-1\n\nid 0000-1',
        entities: [{ type: 'bold', offset: 0, length: 20 }],
        raw_text: '*Miner Started: Rig\\-1*\n\nid 0000\\-1',
        parse_mode: 'MarkdownV2',
        disable_notification: false,
        at: '2026-06-21T10:00:00.000Z',
      },
      expect.objectContaining({ message_id: 2, text: 'plain text.', parse_mode: null }),
    ])
    expect(telegram.requests()).toEqual([
      {
        at: '2026-06-21T10:00:00.000Z',
        method: 'POST',
        path: '/bot***/sendMessage',
        status: 200,
        fault: null,
      },
      {
        at: '2026-06-21T10:00:01.000Z',
        method: 'POST',
        path: '/bot***/sendMessage',
        status: 200,
        fault: null,
      },
    ])
  })

  it('a second message to a chat within a second: 429 with parameters.retry_after', async () => {
    let now = 0
    const telegram = await fake({ now: () => now })
    expect((await send(telegram.url, { chat_id: 1, text: 'a' })).status).toBe(200)
    now = 200
    expect(await send(telegram.url, { chat_id: 1, text: 'b' })).toEqual({
      status: 429,
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    })
    // Another chat has its own second.
    expect((await send(telegram.url, { chat_id: 2, text: 'c' })).status).toBe(200)
    now = 1000
    expect((await send(telegram.url, { chat_id: 1, text: 'b' })).status).toBe(200)
    expect(telegram.received().map((message) => message.text)).toEqual(['a', 'c', 'b'])
  })

  it('bad escaping, an empty or too long text, an unknown parse mode: 400 with the description', async () => {
    const telegram = await fake({ chatIntervalMs: 0 })
    expect(
      await send(telegram.url, { chat_id: 1, text: 'id 1-2', parse_mode: 'MarkdownV2' }),
    ).toEqual({
      status: 400,
      json: {
        ok: false,
        error_code: 400,
        description:
          "Bad Request: can't parse entities: Character '-' is reserved and must be escaped with the preceding '\\'",
      },
    })
    expect(
      (await send(telegram.url, { chat_id: 1, text: 'a <b', parse_mode: 'HTML' })).json.description,
    ).toMatch(/^Bad Request: can't parse entities: /)
    expect((await send(telegram.url, { chat_id: 1, text: '' })).json.description).toBe(
      'Bad Request: message text is empty',
    )
    expect(
      (await send(telegram.url, { chat_id: 1, text: 'x'.repeat(4097) })).json.description,
    ).toBe('Bad Request: message is too long')
    // 4096 after entity parsing is fine, however long the escaped text.
    expect(
      (await send(telegram.url, { chat_id: 1, text: '\\.'.repeat(4096), parse_mode: 'MarkdownV2' }))
        .status,
    ).toBe(200)
    expect(
      (await send(telegram.url, { chat_id: 1, text: 'a', parse_mode: 'Markdown3' })).json
        .description,
    ).toBe('Bad Request: unsupported parse_mode')
    expect((await send(telegram.url, { text: 'a' })).json.description).toBe(
      'Bad Request: chat_id is empty',
    )
  })

  it('a malformed token is 404 Not Found, an unknown one 401, an unknown chat 400 chat not found', async () => {
    const telegram = await fake({ tokens: [FAKE_BOT_TOKEN], chats: ['42', '@rigs'] })
    expect(await send(telegram.url, { chat_id: 42, text: 'a' }, 'nonsense')).toEqual({
      status: 404,
      json: { ok: false, error_code: 404, description: 'Not Found' },
    })
    expect(
      await send(
        telegram.url,
        { chat_id: 42, text: 'a' },
        '987654321:AAanotherWellFormedTokenValue_xyz',
      ),
    ).toEqual({
      status: 401,
      json: { ok: false, error_code: 401, description: 'Unauthorized' },
    })
    expect(await send(telegram.url, { chat_id: 43, text: 'a' })).toEqual({
      status: 400,
      json: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
    })
    expect((await send(telegram.url, { chat_id: '@rigs', text: 'a' })).json.result).toMatchObject({
      chat: { type: 'channel', username: 'rigs' },
    })
    expect(telegram.requests().map((request) => request.path)).toEqual([
      '/botnonsense/sendMessage'.replace('nonsense', '***'),
      '/bot***/sendMessage',
      '/bot***/sendMessage',
      '/bot***/sendMessage',
    ])
  })

  it('faults on demand: 429 retry_after, 401, blocked, chat not found, 5xx, each `times` long', async () => {
    const telegram = await fake({ chatIntervalMs: 0 })
    telegram.set([
      { kind: 'rate_limited', retry_after_seconds: 7, times: 1 },
      { kind: 'unauthorized', times: 1 },
      { kind: 'forbidden', times: 1 },
      { kind: 'chat_not_found', times: 1 },
      { kind: 'server_error', times: 1 },
      { kind: 'server_error', status: 502, times: 1 },
    ])
    const statuses: unknown[] = []
    for (let index = 0; index < 7; index++) {
      const response = await fetch(`${telegram.url}/bot${FAKE_BOT_TOKEN}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 1, text: `m${index}` }),
      })
      const body = await response.text()
      statuses.push([response.status, body.startsWith('{') ? JSON.parse(body) : 'html'])
    }
    expect(statuses).toEqual([
      [
        429,
        {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 7',
          parameters: { retry_after: 7 },
        },
      ],
      [401, { ok: false, error_code: 401, description: 'Unauthorized' }],
      [403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }],
      [400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }],
      [500, { ok: false, error_code: 500, description: 'Internal Server Error' }],
      [502, 'html'],
      [200, expect.objectContaining({ ok: true })],
    ])
    expect(telegram.received().map((message) => message.text)).toEqual(['m6'])
    expect(telegram.requests().map((request) => request.fault)).toEqual([
      'rate_limited',
      'unauthorized',
      'forbidden',
      'chat_not_found',
      'server_error',
      'server_error',
      null,
    ])
  })

  it('down resets the connection; hang never answers until close; slow answers late', async () => {
    const telegram = await fake()
    telegram.set({ kind: 'down', times: 1 })
    await expect(send(telegram.url, { chat_id: 1, text: 'a' })).rejects.toThrow()
    telegram.set({ kind: 'slow', delay_ms: 150, times: 1 })
    const started = Date.now()
    expect((await send(telegram.url, { chat_id: 1, text: 'b' })).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    telegram.set({ kind: 'hang' })
    const hanging = send(telegram.url, { chat_id: 1, text: 'c' })
    const outcome = hanging.then(
      () => 'answered',
      () => 'closed',
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    await telegram.close()
    expect(await outcome).toBe('closed')
  })

  it('rejects a fault it cannot play and bad options, naming the field', async () => {
    const telegram = await fake()
    expect(() => telegram.set({ kind: 'slow' } as never)).toThrow(SinkOptionsError)
    expect(() => telegram.set([{ kind: 'explode' } as never])).toThrow(/startTelegramFake faults/)
    await expect(startTelegramFake({ tokens: ['nope'] })).rejects.toThrow(
      'startTelegramFake: tokens.0: not a bot token',
    )
  })
})
