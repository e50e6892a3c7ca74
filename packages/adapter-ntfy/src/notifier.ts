import { postOnce } from '@edge-mining/adapter-kit'
import {
  type AdapterDefinition,
  DeviceError,
  type Logger,
  type Notification,
  type NotifierPort,
  silentLogger,
} from '@edge-mining/domain'
import {
  NTFY_SECRET_FIELDS,
  type NtfyNotifierConfig,
  NtfyNotifierConfigSchema,
  parseNtfyConfig,
  redactNtfyConfig,
} from './config'
import { headerValue, NTFY_EVENT_PRIORITY, NTFY_EVENT_TAGS, ntfyBody, ntfyTitle } from './format'

export interface NtfyNotifierOptions {
  /** fetch implementation (the platform's). Default the global `fetch`. */
  fetch?: typeof globalThis.fetch
  /** Where a delivered message is noted (debug). Default: nowhere. */
  logger?: Logger
}

export interface NtfyNotifier extends NotifierPort {
  /** The validated config with a token replaced by `***`. */
  readonly config: NtfyNotifierConfig
}

interface NtfyAnswer {
  id?: unknown
  code?: unknown
  error?: unknown
}

function answerOf(text: string): NtfyAnswer | null {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? (parsed as NtfyAnswer) : null
  } catch {
    return null
  }
}

/** The headers of one publish (exported for tests and the README). */
export function ntfyHeaders(
  notification: Pick<Notification, 'event' | 'title'>,
  config: Pick<NtfyNotifierConfig, 'priority' | 'tags' | 'click' | 'access_token'>,
): Record<string, string> {
  const tags = [...(NTFY_EVENT_TAGS[notification.event] ?? []), ...(config.tags ?? [])]
  return {
    'content-type': 'text/plain; charset=utf-8',
    accept: 'application/json',
    title: headerValue(ntfyTitle(notification.title)),
    priority: String(config.priority ?? NTFY_EVENT_PRIORITY[notification.event] ?? 3),
    ...(tags.length > 0 ? { tags: headerValue([...new Set(tags)].join(',')) } : {}),
    ...(config.click === undefined ? {} : { click: headerValue(config.click) }),
    ...(config.access_token === undefined
      ? {}
      : { authorization: `Bearer ${config.access_token}` }),
  }
}

/**
 * An ntfy notifier: `POST {server}/{topic}` with the message as the body and the `Title`,
 * `Priority` and `Tags` headers (priority and tags by event unless configured), `Authorization:
 * Bearer` when an access token is set. `send` resolves on a 2xx carrying ntfy's message JSON and
 * throws DeviceError otherwise: `rate_limited` (429, `retry_after_seconds` from `Retry-After`
 * when the server sends one), `auth_failed` (401 token rejected, 403 topic protected),
 * `bad_response` (other 4xx), `unreachable` (5xx, timeout, network). It never retries; the
 * delivery queue does. Messages name the server's host, never the topic or the token.
 */
export function createNtfyNotifier(
  input: unknown,
  options: NtfyNotifierOptions = {},
): NtfyNotifier {
  const config = parseNtfyConfig(input)
  const logger = options.logger ?? silentLogger
  const host = new URL(config.server).host
  const who = `ntfy at ${host}`
  const token = config.access_token
  const scrub = (text: string) => (token === undefined ? text : text.split(token).join('***'))
  const fail = (
    code: DeviceError['code'],
    message: string,
    extra: { retry_after_seconds?: number | null } = {},
  ) => new DeviceError(code, scrub(message), extra)
  const url = `${config.server}/${config.topic}`
  const timeoutMs = config.request_timeout_seconds * 1000

  async function send(notification: Notification): Promise<void> {
    const outcome = await postOnce({
      fetch: options.fetch,
      url,
      headers: ntfyHeaders(notification, config),
      body: ntfyBody(notification.message),
      timeoutMs,
    })
    if (outcome.kind === 'timeout') {
      throw fail('unreachable', `${who} did not answer within ${config.request_timeout_seconds} s`)
    }
    if (outcome.kind === 'network') {
      throw fail(
        'unreachable',
        `${who} unreachable: network error (${outcome.code ?? 'no response'})`,
      )
    }
    const { status } = outcome
    const answer = answerOf(outcome.text)
    if (status >= 200 && status <= 299) {
      if (typeof answer?.id === 'string') {
        logger.debug(`ntfy: '${scrub(notification.title)}' published as ${answer.id} on ${host}`)
        return
      }
      throw fail(
        'bad_response',
        `${who} returned an unexpected answer (HTTP ${status}, not ntfy's message JSON)`,
      )
    }
    const said =
      typeof answer?.error === 'string'
        ? `${answer.error.slice(0, 200)}${typeof answer.code === 'number' ? ` (${answer.code})` : ''}`
        : `HTTP ${status}`
    if (status === 429) {
      const header = outcome.headers.get('retry-after')
      const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null
      throw fail('rate_limited', `${who} rate-limited the request: ${said}`, {
        retry_after_seconds: seconds,
      })
    }
    if (status === 401) {
      throw fail('auth_failed', `${who} rejected the access token: ${said} — check access_token`)
    }
    if (status === 403) {
      throw fail(
        'auth_failed',
        `${who} refused to publish to the topic: ${said} — the topic is reserved or protected: set an access_token that may write to it`,
      )
    }
    if (status >= 500) throw fail('unreachable', `${who} unavailable: ${said}`)
    if (status === 413)
      throw fail('bad_response', `${who} refused the message as too large: ${said}`)
    throw fail('bad_response', `${who} refused the message: ${said}`)
  }

  return { config: redactNtfyConfig(config), send }
}

/** The `ntfy` notifier type (the access token write-only). */
export const ntfyNotifierDefinition: AdapterDefinition<'notifier'> = {
  kind: 'notifier',
  type: 'ntfy',
  label: 'ntfy',
  configSchema: NtfyNotifierConfigSchema,
  secretFields: NTFY_SECRET_FIELDS,
  create: (config, { platform, logger }) =>
    createNtfyNotifier(config, { fetch: platform.fetch, logger }),
}
