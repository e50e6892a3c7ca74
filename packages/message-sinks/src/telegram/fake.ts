import * as v from 'valibot'
import {
  createFaultList,
  parseSinkOptions,
  type TelegramFault,
  TelegramFaultSchema,
} from '../core/faults'
import { type SinkBaseOptions, SinkBaseOptionsEntries } from '../core/options'
import {
  defaultTimers,
  header,
  json,
  type Reply,
  type SinkRequest,
  type SinkRequestLogEntry,
  startShell,
} from '../core/server'
import { EntityParseError, parseText, type TelegramEntity } from './parse'

/** A well-formed bot token the fake accepts by default (any well-formed token is accepted). */
export const FAKE_BOT_TOKEN = '123456789:AAFakeTelegramTokenForTests_0123456789'

/** The Bot API's limit on a message's text, after entity parsing (UTF-16 code units here). */
export const TELEGRAM_MAX_TEXT = 4096

const TOKEN_FORMAT = /^(\d{1,20}):[A-Za-z0-9_-]{20,}$/

export interface TelegramFakeOptions extends SinkBaseOptions {
  /** Bot tokens that are valid (another well-formed one gets 401). Default: any well-formed. */
  tokens?: readonly string[]
  /** Chats the bot can write to (another gets `chat not found`). Default: any. */
  chats?: readonly (string | number)[]
  /**
   * Least time between two accepted messages to one chat, in the fake's ms: a faster one gets
   * 429 with `retry_after` (Telegram: "avoid sending more than one message per second").
   * Default 1000; 0 turns it off.
   */
  chatIntervalMs?: number
  /** Faults in force from the start (see `set`). */
  faults?: readonly TelegramFault[]
}

/** One message the fake accepted: what the person would read. */
export interface TelegramReceived {
  message_id: number
  /** The bot's id (the token's digits before `:`; the token itself is never kept). */
  bot_id: string
  chat_id: string
  /** The text as shown, formatting parsed out. */
  text: string
  entities: TelegramEntity[]
  /** The text as sent, escapes and markup included. */
  raw_text: string
  parse_mode: 'MarkdownV2' | 'HTML' | null
  disable_notification: boolean
  /** ISO-8601 UTC of the fake's clock. */
  at: string
}

export interface TelegramFake {
  /** Base URL: set it as the adapter's `api_base_url`. */
  url: string
  close(): Promise<void>
  /** Every accepted message, oldest first. */
  received(): TelegramReceived[]
  /** Replaces the faults in force (null or [] clears them); validated. */
  set(faults: readonly TelegramFault[] | TelegramFault | null): void
  /** Every request that reached the fake (token redacted from paths), oldest first. */
  requests(): SinkRequestLogEntry[]
  /** Forgets what was received and requested. */
  clear(): void
}

const OptionsSchema = v.strictObject({
  ...SinkBaseOptionsEntries,
  tokens: v.optional(v.array(v.pipe(v.string(), v.regex(TOKEN_FORMAT, 'not a bot token')))),
  chats: v.optional(v.array(v.union([v.string(), v.number()]))),
  chatIntervalMs: v.optional(v.pipe(v.number(), v.minValue(0)), 1000),
  faults: v.optional(v.array(v.unknown()), []),
})

const failure = (status: number, description: string, parameters?: Record<string, unknown>) =>
  json(status, {
    ok: false,
    error_code: status,
    description,
    ...(parameters ? { parameters } : {}),
  })

const notFound = () => failure(404, 'Not Found')

/** Request parameters: query string, then a JSON or urlencoded body. */
function paramsOf(request: SinkRequest): Record<string, unknown> | null {
  const params: Record<string, unknown> = Object.fromEntries(request.query)
  if (request.body.length === 0) return params
  const type = header(request.headers, 'content-type') ?? ''
  const body = request.body.toString('utf8')
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
      return { ...params, ...(parsed as Record<string, unknown>) }
    } catch {
      return null
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body)) }
  }
  return params
}

function chatOf(chatId: string) {
  if (/^@\w+$/.test(chatId))
    return { id: -1001000000001, type: 'channel', username: chatId.slice(1) }
  const id = Number(chatId)
  return { id, type: id > 0 ? 'private' : chatId.startsWith('-100') ? 'supergroup' : 'group' }
}

/**
 * A fake Telegram Bot API (`POST|GET /bot<token>/sendMessage`, `getMe`) on loopback: the
 * `{ok, result}` / `{ok:false, error_code, description, parameters}` envelopes, 404 for a
 * malformed token and 401 for an unknown one, `chat not found`, MarkdownV2 and HTML parsed as
 * Telegram does (a reserved character left unescaped is `can't parse entities`), the 4096
 * character limit, and 429 `retry_after` for a second message to a chat within a second.
 */
export async function startTelegramFake(options: TelegramFakeOptions = {}): Promise<TelegramFake> {
  const parsed = parseSinkOptions(OptionsSchema, options, 'startTelegramFake')
  const now = parsed.now ?? Date.now
  const faults = createFaultList<TelegramFault>(TelegramFaultSchema, 'startTelegramFake')
  faults.set(parsed.faults as TelegramFault[])
  const tokens = parsed.tokens ? new Set(parsed.tokens) : null
  const chats = parsed.chats ? new Set(parsed.chats.map(String)) : null
  const lastAccepted = new Map<string, number>()
  let received: TelegramReceived[] = []
  let nextMessageId = 1

  function playFault(fault: TelegramFault): Reply {
    switch (fault.kind) {
      case 'rate_limited': {
        const seconds = fault.retry_after_seconds ?? 5
        return failure(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds })
      }
      case 'unauthorized':
        return failure(401, 'Unauthorized')
      case 'forbidden':
        return failure(403, 'Forbidden: bot was blocked by the user')
      case 'chat_not_found':
        return failure(400, 'Bad Request: chat not found')
      case 'server_error': {
        const status = fault.status ?? 500
        if (status === 500) return failure(500, 'Internal Server Error')
        return {
          kind: 'send',
          status,
          headers: { 'content-type': 'text/html' },
          body: `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`,
        }
      }
      case 'hang':
        return { kind: 'hang' }
      case 'down':
        return { kind: 'down' }
      case 'slow':
        throw new Error('slow is played around the normal answer')
    }
  }

  function sendMessage(botId: string, params: Record<string, unknown>): Reply {
    const chatId = params.chat_id === undefined ? '' : String(params.chat_id).trim()
    if (chatId === '') return failure(400, 'Bad Request: chat_id is empty')
    if (typeof params.text !== 'string' || params.text === '') {
      return failure(400, 'Bad Request: message text is empty')
    }
    const modeName = params.parse_mode === undefined ? '' : String(params.parse_mode)
    const mode =
      modeName === ''
        ? null
        : modeName.toLowerCase() === 'markdownv2'
          ? 'MarkdownV2'
          : modeName.toLowerCase() === 'html'
            ? 'HTML'
            : undefined
    if (mode === undefined) return failure(400, 'Bad Request: unsupported parse_mode')
    if (chats && !chats.has(chatId)) return failure(400, 'Bad Request: chat not found')
    let shown: ReturnType<typeof parseText>
    try {
      shown = parseText(params.text, mode)
    } catch (error) {
      if (error instanceof EntityParseError) {
        return failure(400, `Bad Request: can't parse entities: ${error.message}`)
      }
      throw error
    }
    if (shown.text.trim() === '') return failure(400, 'Bad Request: message text is empty')
    if (shown.text.length > TELEGRAM_MAX_TEXT) {
      return failure(400, 'Bad Request: message is too long')
    }
    const at = now()
    const last = lastAccepted.get(chatId)
    if (parsed.chatIntervalMs > 0 && last !== undefined && at - last < parsed.chatIntervalMs) {
      const seconds = Math.max(1, Math.ceil((last + parsed.chatIntervalMs - at) / 1000))
      return failure(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds })
    }
    lastAccepted.set(chatId, at)
    const message: TelegramReceived = {
      message_id: nextMessageId++,
      bot_id: botId,
      chat_id: chatId,
      text: shown.text,
      entities: shown.entities,
      raw_text: params.text,
      parse_mode: mode,
      disable_notification:
        params.disable_notification === true || params.disable_notification === 'true',
      at: new Date(at).toISOString(),
    }
    received.push(message)
    return json(200, {
      ok: true,
      result: {
        message_id: message.message_id,
        from: {
          id: Number(botId),
          is_bot: true,
          first_name: 'Edge Mining (fake)',
          username: 'edge_mining_fake_bot',
        },
        chat: chatOf(chatId),
        date: Math.floor(at / 1000),
        text: shown.text,
        ...(shown.entities.length > 0 ? { entities: shown.entities } : {}),
      },
    })
  }

  function handle(request: SinkRequest): {
    reply: Reply
    loggedPath: string
    fault: string | null
  } {
    const match = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(request.path)
    const loggedPath = match
      ? `/bot***/${match[2]}`
      : request.path.replace(/^\/bot[^/]*/, '/bot***')
    const fault = faults.take()
    if (fault && fault.kind !== 'slow')
      return { reply: playFault(fault), loggedPath, fault: fault.kind }
    const delay = fault?.kind === 'slow' ? fault.delay_ms : 0
    const answer = (): Reply => {
      if (!match || !['GET', 'POST'].includes(request.method)) return notFound()
      const token = decodeURIComponent(match[1] as string)
      const format = TOKEN_FORMAT.exec(token)
      if (!format) return notFound()
      if (tokens && !tokens.has(token)) return failure(401, 'Unauthorized')
      const botId = format[1] as string
      const params = paramsOf(request)
      if (params === null) return failure(400, "Bad Request: can't parse JSON")
      switch ((match[2] as string).toLowerCase()) {
        case 'sendmessage':
          return sendMessage(botId, params)
        case 'getme':
          return json(200, {
            ok: true,
            result: {
              id: Number(botId),
              is_bot: true,
              first_name: 'Edge Mining (fake)',
              username: 'edge_mining_fake_bot',
            },
          })
        default:
          return notFound()
      }
    }
    const reply = answer()
    return {
      reply: reply.kind === 'send' && delay > 0 ? { ...reply, delayMs: delay } : reply,
      loggedPath,
      fault: fault?.kind ?? null,
    }
  }

  const shell = await startShell({
    host: parsed.host,
    port: parsed.port,
    now,
    timers: parsed.timers ?? defaultTimers,
    handle,
  })
  return {
    url: shell.url,
    close: () => shell.close(),
    received: () => received.map((message) => ({ ...message, entities: [...message.entities] })),
    set: (next) => faults.set(next),
    requests: () => shell.requests(),
    clear() {
      received = []
      shell.clearRequests()
    },
  }
}
