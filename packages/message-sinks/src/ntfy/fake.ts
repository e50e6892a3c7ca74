import * as v from 'valibot'
import {
  type CommonFault,
  CommonFaultSchema,
  createFaultList,
  parseSinkOptions,
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

/** ntfy's faults: the common ones (`rate_limited` is its 42901, `unauthorized` 40101, `forbidden` 40301). */
export type NtfyFault = CommonFault

/** Topic names ntfy accepts. */
export const NTFY_TOPIC = /^[-_A-Za-z0-9]{1,64}$/

/** Messages above this many bytes become an attachment (ntfy's default `message-size-limit`). */
export const NTFY_MAX_MESSAGE_BYTES = 4096

export interface NtfyFakeOptions extends SinkBaseOptions {
  /** Access tokens that are valid (`Authorization: Bearer tk_…`); another presented one gets 401. */
  tokens?: readonly string[]
  /** Topics that need a valid token (403 without one); `'*'`: every topic. Default none. */
  protectedTopics?: readonly string[] | '*'
  /** Requests a visitor may make at once (ntfy: 60). */
  burst?: number
  /** One more request is allowed per this many ms of the fake's clock (ntfy: 5000). */
  refillMs?: number
  /** Faults in force from the start (see `set`). */
  faults?: readonly NtfyFault[]
}

/** One message the fake accepted: what a subscriber's phone would show. */
export interface NtfyReceived {
  id: string
  topic: string
  title: string | null
  message: string
  /** 1 (min) … 5 (max); 3 is the default. */
  priority: number
  tags: string[]
  click: string | null
  markdown: boolean
  /** Set when the body was over 4096 bytes: ntfy turns it into an attachment. */
  attachment: { name: string; size: number } | null
  /** Whether a valid access token came with it. */
  authorized: boolean
  /** ISO-8601 UTC of the fake's clock. */
  at: string
}

export interface NtfyFake {
  /** Base URL: set it as the adapter's `server`. */
  url: string
  close(): Promise<void>
  /** Every accepted message, oldest first. */
  received(): NtfyReceived[]
  /** Replaces the faults in force (null or [] clears them); validated. */
  set(faults: readonly NtfyFault[] | NtfyFault | null): void
  requests(): SinkRequestLogEntry[]
  clear(): void
}

const OptionsSchema = v.strictObject({
  ...SinkBaseOptionsEntries,
  tokens: v.optional(v.array(v.pipe(v.string(), v.nonEmpty()))),
  protectedTopics: v.optional(v.union([v.literal('*'), v.array(v.string())])),
  burst: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 60),
  refillMs: v.optional(v.pipe(v.number(), v.gtValue(0)), 5000),
  faults: v.optional(v.array(v.unknown()), []),
})

const LINK = 'https://ntfy.sh/docs/publish/'

const failure = (code: number, error: string, link?: string, headers?: Record<string, string>) =>
  json(
    Math.floor(code / 100),
    { code, http: Math.floor(code / 100), error, ...(link ? { link } : {}) },
    headers,
  )

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) decoded, as ntfy does for headers. */
export function decodeHeaderValue(value: string): string {
  return value
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g,
      (_all, _charset: string, encoding: string, data: string) => {
        if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8')
        const bytes = data
          .replace(/_/g, ' ')
          .replace(/=([0-9A-Fa-f]{2})/g, (_hex, code: string) => `%${code}`)
        try {
          return decodeURIComponent(bytes)
        } catch {
          return data
        }
      },
    )
    .trimEnd()
}

const PRIORITIES: Record<string, number> = {
  '1': 1,
  min: 1,
  '2': 2,
  low: 2,
  '3': 3,
  default: 3,
  '4': 4,
  high: 4,
  '5': 5,
  max: 5,
  urgent: 5,
}

/** A parameter as ntfy reads it: the first header of `names` present, else the query alias. */
function param(request: SinkRequest, names: readonly string[], query: readonly string[]) {
  for (const name of names) {
    const value = header(request.headers, name)
    if (value !== undefined) return decodeHeaderValue(value)
  }
  for (const name of query) {
    const value = request.query.get(name)
    if (value !== null) return value
  }
  return undefined
}

const randomId = (counter: number) =>
  `m${counter.toString(36).padStart(4, '0')}${Math.random().toString(36).slice(2, 7)}`

/**
 * A fake ntfy server on loopback: `POST|PUT /<topic>` with the message as the body and the
 * `Title`/`Priority`/`Tags`/`Click`/`Markdown` headers (any alias, `X-` or not, RFC 2047
 * decoded) or their query aliases, and the JSON publish `POST /`. Answers the stored message
 * JSON; 429 `{"code":42901,…}` once the visitor's bucket (60, +1 per 5 s) is empty; 401 40101
 * for an unknown token, 403 40301 for a protected topic without one; 400 40007 for a bad priority.
 */
export async function startNtfyFake(options: NtfyFakeOptions = {}): Promise<NtfyFake> {
  const parsed = parseSinkOptions(OptionsSchema, options, 'startNtfyFake')
  const now = parsed.now ?? Date.now
  const faults = createFaultList<NtfyFault>(CommonFaultSchema, 'startNtfyFake')
  faults.set(parsed.faults as NtfyFault[])
  const tokens = new Set(parsed.tokens ?? [])
  let received: NtfyReceived[] = []
  let counter = 0
  let bucket = parsed.burst
  let refilledAt = now()

  function takeToken(): boolean {
    const at = now()
    const refills = Math.floor((at - refilledAt) / parsed.refillMs)
    if (refills > 0) {
      bucket = Math.min(parsed.burst, bucket + refills)
      refilledAt = bucket === parsed.burst ? at : refilledAt + refills * parsed.refillMs
    }
    if (bucket <= 0) return false
    bucket -= 1
    return true
  }

  const isProtected = (topic: string) =>
    parsed.protectedTopics === '*' || (parsed.protectedTopics ?? []).includes(topic)

  function playFault(fault: NtfyFault): Reply {
    switch (fault.kind) {
      case 'rate_limited':
        return failure(
          42901,
          'limit reached: too many requests',
          `${LINK}#limitations`,
          fault.retry_after_seconds === undefined
            ? {}
            : { 'retry-after': String(fault.retry_after_seconds) },
        )
      case 'unauthorized':
        return failure(40101, 'unauthorized', `${LINK}#authentication`)
      case 'forbidden':
        return failure(40301, 'forbidden', `${LINK}#authentication`)
      case 'server_error': {
        const status = fault.status ?? 500
        return json(status, { code: status * 100, http: status, error: 'internal server error' })
      }
      case 'hang':
        return { kind: 'hang' }
      case 'down':
        return { kind: 'down' }
      case 'slow':
        throw new Error('slow is played around the normal answer')
    }
  }

  /** The token presented (Bearer, or Basic with an empty user), or null. */
  function presented(request: SinkRequest): string | null {
    const value = header(request.headers, 'authorization') ?? request.query.get('auth')
    if (!value) return null
    const bearer = /^Bearer\s+(.+)$/i.exec(value)
    if (bearer) return (bearer[1] as string).trim()
    const basic = /^Basic\s+(.+)$/i.exec(value)
    if (basic) {
      const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8')
      return decoded.slice(decoded.indexOf(':') + 1)
    }
    return value
  }

  function publish(request: SinkRequest): Reply {
    let topic = request.path.slice(1)
    let message = request.body.toString('utf8')
    let title = param(request, ['x-title', 'title', 't'], ['title', 't'])
    let priorityText = param(
      request,
      ['x-priority', 'priority', 'prio', 'p'],
      ['priority', 'prio', 'p'],
    )
    let tagsText = param(request, ['x-tags', 'tags', 'tag', 'ta'], ['tags', 'tag', 'ta'])
    let click = param(request, ['x-click', 'click'], ['click'])
    let markdown = /^(yes|true|1)$/i.test(
      param(request, ['x-markdown', 'markdown', 'md'], ['markdown', 'md']) ?? '',
    )
    if ((header(request.headers, 'content-type') ?? '').includes('text/markdown')) markdown = true
    if (topic === '') {
      // JSON publish: POST / {"topic", "message", "title", "priority", "tags", …}
      let body: Record<string, unknown>
      try {
        body = JSON.parse(message) as Record<string, unknown>
      } catch {
        return failure(40024, 'invalid request: request body must be message JSON', LINK)
      }
      topic = typeof body.topic === 'string' ? body.topic : ''
      message = typeof body.message === 'string' ? body.message : ''
      title = typeof body.title === 'string' ? body.title : undefined
      priorityText = body.priority === undefined ? undefined : String(body.priority)
      tagsText = Array.isArray(body.tags) ? body.tags.map(String).join(',') : undefined
      click = typeof body.click === 'string' ? body.click : undefined
      markdown = body.markdown === true
    }
    if (!NTFY_TOPIC.test(topic)) return failure(40401, 'page not found')
    const token = presented(request)
    const authorized = token !== null && tokens.has(token)
    if (token !== null && !authorized)
      return failure(40101, 'unauthorized', `${LINK}#authentication`)
    if (isProtected(topic) && !authorized)
      return failure(40301, 'forbidden', `${LINK}#authentication`)
    if (!takeToken())
      return failure(42901, 'limit reached: too many requests', `${LINK}#limitations`)
    const priority =
      priorityText === undefined || priorityText === '' ? 3 : PRIORITIES[priorityText.toLowerCase()]
    if (priority === undefined) {
      return failure(40007, 'invalid priority', `${LINK}#message-priority`)
    }
    const tags = (tagsText ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean)
    const size = Buffer.byteLength(message, 'utf8')
    const attachment = size > NTFY_MAX_MESSAGE_BYTES ? { name: 'attachment.txt', size } : null
    const at = now()
    counter += 1
    const entry: NtfyReceived = {
      id: randomId(counter),
      topic,
      title: title ?? null,
      message: attachment
        ? 'You received a file: attachment.txt'
        : message === ''
          ? 'triggered'
          : message,
      priority,
      tags,
      click: click ?? null,
      markdown,
      attachment,
      authorized,
      at: new Date(at).toISOString(),
    }
    received.push(entry)
    const time = Math.floor(at / 1000)
    return json(200, {
      id: entry.id,
      time,
      expires: time + 43_200,
      event: 'message',
      topic,
      ...(entry.title === null ? {} : { title: entry.title }),
      message: entry.message,
      ...(priority === 3 ? {} : { priority }),
      ...(tags.length === 0 ? {} : { tags }),
      ...(entry.click === null ? {} : { click: entry.click }),
      ...(attachment ? { attachment: { name: attachment.name, size: attachment.size } } : {}),
    })
  }

  function handle(request: SinkRequest) {
    const fault = faults.take()
    if (fault && fault.kind !== 'slow') return { reply: playFault(fault), fault: fault.kind }
    let reply: Reply
    if (request.method === 'GET' && request.path === '/v1/health') {
      reply = json(200, { healthy: true })
    } else if (request.method === 'POST' || request.method === 'PUT') {
      reply = publish(request)
    } else {
      reply = failure(40401, 'page not found')
    }
    const delay = fault?.kind === 'slow' ? fault.delay_ms : 0
    return {
      reply: reply.kind === 'send' && delay > 0 ? { ...reply, delayMs: delay } : reply,
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
    received: () => received.map((entry) => ({ ...entry, tags: [...entry.tags] })),
    set: (next) => faults.set(next),
    requests: () => shell.requests(),
    clear() {
      received = []
      shell.clearRequests()
    },
  }
}
