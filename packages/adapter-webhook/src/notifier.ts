import { createHash, createHmac } from 'node:crypto'
import { postOnce } from '@edge-mining/adapter-kit'
import {
  type AdapterDefinition,
  DeviceError,
  type Logger,
  type Notification,
  type NotifierPort,
  silentLogger,
} from '@edge-mining/domain'
import { parseRetryAfter } from '@edge-mining/http-cache'
import {
  parseWebhookConfig,
  redactWebhookConfig,
  WEBHOOK_SECRET_FIELDS,
  type WebhookNotifierConfig,
  WebhookNotifierConfigSchema,
} from './config'

/** The signature header: `sha256=<hex HMAC-SHA256(secret, raw body)>` (GitHub-style). */
export const SIGNATURE_HEADER = 'X-Signature'
/** A stable id of the event: the same on every attempt, so a receiver can drop repeats. */
export const EVENT_ID_HEADER = 'X-Event-Id'
/** The event name (`miner_started`, …), for routing without parsing the body. */
export const EVENT_HEADER = 'X-Edge-Mining-Event'
/** A send (its attempts and the waits between them) stays within this, under the queue's 15 s. */
export const WEBHOOK_SEND_BUDGET_MS = 14_000
/** The wait before the first retry; each next one doubles. */
export const WEBHOOK_RETRY_BASE_MS = 1000

/** The JSON body of one delivery. */
export interface WebhookEvent {
  event: Notification['event']
  title: string
  message: string
  unit: { id: string; name: string } | null
  miner: { id: string; name: string } | null
  decision: Notification['decision'] | null
  at: string
}

export interface WebhookNotifierOptions {
  /** fetch implementation (the platform's). Default the global `fetch`. */
  fetch?: typeof globalThis.fetch
  /** Clock (ms) and timer the retries wait on (the platform's). Default Date.now, setTimeout. */
  now?: () => number
  setTimeout?: (callback: () => void, ms: number) => unknown
  /** Where deliveries and retries are noted (debug). Default: nowhere. */
  logger?: Logger
}

export interface WebhookNotifier extends NotifierPort {
  /** The validated config with a secret replaced by `***`. */
  readonly config: WebhookNotifierConfig
}

/** The body of a notification's delivery, as sent and signed. */
export function webhookBody(notification: Notification): string {
  const event: WebhookEvent = {
    event: notification.event,
    title: notification.title,
    message: notification.message,
    unit: notification.unit ?? null,
    miner: notification.miner ?? null,
    decision: notification.decision ?? null,
    at: notification.at,
  }
  return JSON.stringify(event)
}

/** `sha256=<hex>` — the `X-Signature` of `body` under `secret`. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

/** The `X-Event-Id` of a body: 32 hex digits of its SHA-256. */
export function webhookEventId(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 32)
}

type Attempt = { ok: true } | { ok: false; retry: boolean; error: DeviceError }

/**
 * A webhook notifier: POSTs each notification as JSON (`{event, title, message, unit, miner,
 * decision, at}`) to `url`, with `X-Event-Id`, `X-Edge-Mining-Event` and, when `secret` is set,
 * `X-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`. A 2xx is delivered. A 5xx, a
 * timeout or a network error is retried up to `max_retries` times, 1 s, 2 s, 4 s … apart, while
 * the send stays within 14 s; then `unreachable`. Never retried here: 429 (`rate_limited` with
 * `Retry-After` — the delivery queue waits), 401/403 (`auth_failed`), any other status
 * (`bad_response`; redirects are not followed). Messages name the URL's host only, never its
 * path, query or the secret.
 */
export function createWebhookNotifier(
  input: unknown,
  options: WebhookNotifierOptions = {},
): WebhookNotifier {
  const config = parseWebhookConfig(input)
  const logger = options.logger ?? silentLogger
  const now = options.now ?? Date.now
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      ;(options.setTimeout ?? setTimeout)(resolve, ms)
    })
  const who = `Webhook at ${new URL(config.url).host}`
  const secret = config.secret
  const scrub = (text: string) => (secret === undefined ? text : text.split(secret).join('***'))
  const fail = (code: DeviceError['code'], message: string, retryAfterSeconds?: number | null) =>
    new DeviceError(code, scrub(message), { retry_after_seconds: retryAfterSeconds ?? null })
  const timeoutMs = config.request_timeout_seconds * 1000

  async function attempt(body: string, headers: Record<string, string>): Promise<Attempt> {
    const outcome = await postOnce({
      fetch: options.fetch,
      url: config.url,
      headers,
      body,
      timeoutMs,
    })
    if (outcome.kind === 'timeout') {
      return {
        ok: false,
        retry: true,
        error: fail(
          'unreachable',
          `${who} did not answer within ${config.request_timeout_seconds} s`,
        ),
      }
    }
    if (outcome.kind === 'network') {
      return {
        ok: false,
        retry: true,
        error: fail(
          'unreachable',
          `${who} unreachable: network error (${outcome.code ?? 'no response'})`,
        ),
      }
    }
    const { status } = outcome
    if (status >= 200 && status <= 299) return { ok: true }
    const snippet = outcome.text.replace(/\s+/g, ' ').trim().slice(0, 120)
    const said = `HTTP ${status}${snippet === '' ? '' : `: ${snippet}`}`
    if (status >= 500) {
      return { ok: false, retry: true, error: fail('unreachable', `${who} failed: ${said}`) }
    }
    if (status === 429) {
      const ms = parseRetryAfter(outcome.headers.get('retry-after'), now())
      return {
        ok: false,
        retry: false,
        error: fail(
          'rate_limited',
          `${who} rate-limited the delivery: ${said}`,
          ms === undefined ? null : ms / 1000,
        ),
      }
    }
    if (status === 401 || status === 403) {
      return {
        ok: false,
        retry: false,
        error: fail(
          'auth_failed',
          `${who} refused the delivery: ${said} — check the secret (X-Signature) and what the receiver expects`,
        ),
      }
    }
    if (status >= 300 && status <= 399) {
      return {
        ok: false,
        retry: false,
        error: fail(
          'bad_response',
          `${who} redirected the delivery (HTTP ${status}); redirects are not followed: set url to the final address`,
        ),
      }
    }
    return {
      ok: false,
      retry: false,
      error: fail('bad_response', `${who} refused the delivery: ${said}`),
    }
  }

  async function send(notification: Notification): Promise<void> {
    const body = webhookBody(notification)
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'edge-mining-webhook/0.1',
      [EVENT_HEADER.toLowerCase()]: notification.event,
      [EVENT_ID_HEADER.toLowerCase()]: webhookEventId(body),
      ...(secret === undefined
        ? {}
        : { [SIGNATURE_HEADER.toLowerCase()]: signWebhookBody(secret, body) }),
    }
    const started = now()
    for (let retry = 0; ; retry += 1) {
      const result = await attempt(body, headers)
      if (result.ok) {
        logger.debug(`${who}: '${scrub(notification.title)}' delivered`)
        return
      }
      const backoffMs = WEBHOOK_RETRY_BASE_MS * 2 ** retry
      const fits = now() - started + backoffMs + timeoutMs <= WEBHOOK_SEND_BUDGET_MS
      if (!result.retry || retry >= config.max_retries || !fits) throw result.error
      logger.debug(`${result.error.message} — retrying in ${backoffMs / 1000} s`)
      await wait(backoffMs)
    }
  }

  return { config: redactWebhookConfig(config), send }
}

/** The `webhook` notifier type (the shared secret write-only). */
export const webhookNotifierDefinition: AdapterDefinition<'notifier'> = {
  kind: 'notifier',
  type: 'webhook',
  label: 'Webhook (JSON POST)',
  configSchema: WebhookNotifierConfigSchema,
  secretFields: WEBHOOK_SECRET_FIELDS,
  create: (config, { platform, logger }) =>
    createWebhookNotifier(config, {
      fetch: platform.fetch,
      now: () => platform.now(),
      setTimeout: (callback, ms) => platform.setTimeout(callback, ms),
      logger,
    }),
}
