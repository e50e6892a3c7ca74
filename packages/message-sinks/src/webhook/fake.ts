import { createHmac, timingSafeEqual } from 'node:crypto'
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

export type WebhookFault = CommonFault

/** The header a signed webhook carries: `sha256=<hex HMAC-SHA256(secret, raw body)>`. */
export const SIGNATURE_HEADER = 'x-signature'

export interface WebhookFakeOptions extends SinkBaseOptions {
  /**
   * Shared secret: when set, a request without a valid `X-Signature` is answered 401 and not
   * received. Default none (every signature is only checked for the record, `null`).
   */
  secret?: string
  /** Status of an accepted delivery (2xx). Default 200. */
  status?: number
  /** Faults in force from the start (see `set`). */
  faults?: readonly WebhookFault[]
}

/** One delivery the fake accepted. */
export interface WebhookReceived {
  method: string
  path: string
  /** The raw body, as signed. */
  body: string
  /** The body parsed (null when it is not JSON). */
  json: unknown
  /** `X-Event-Id`, or null. */
  event_id: string | null
  /** `X-Edge-Mining-Event`, or null. */
  event: string | null
  content_type: string | null
  /** `X-Signature` as sent, or null. */
  signature: string | null
  /** Whether it matches the secret; null when the fake has no secret. */
  signature_valid: boolean | null
  /** True when an earlier delivery had the same `X-Event-Id` (a retry of a delivered event). */
  duplicate: boolean
  /** ISO-8601 UTC of the fake's clock. */
  at: string
}

export interface WebhookFake {
  /** Base URL: post to it or to any path below it. */
  url: string
  close(): Promise<void>
  received(): WebhookReceived[]
  set(faults: readonly WebhookFault[] | WebhookFault | null): void
  requests(): SinkRequestLogEntry[]
  clear(): void
}

const OptionsSchema = v.strictObject({
  ...SinkBaseOptionsEntries,
  secret: v.optional(v.pipe(v.string(), v.nonEmpty())),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(299)), 200),
  faults: v.optional(v.array(v.unknown()), []),
})

/** `sha256=<hex>` of the body under `secret` — what a receiver compares `X-Signature` with. */
export function webhookSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** Constant-time check of an `X-Signature` value against the body. */
export function verifyWebhookSignature(
  secret: string,
  body: string | Buffer,
  signature: string | null | undefined,
): boolean {
  if (!signature) return false
  const expected = Buffer.from(webhookSignature(secret, body))
  const given = Buffer.from(signature.trim())
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/**
 * A fake webhook receiver on loopback: accepts `POST` (and `PUT`) on any path, records the raw
 * body, its JSON, `X-Event-Id` and whether `X-Signature` matches the secret; 401 for a bad
 * signature when it has a secret; faults on demand (429 with `Retry-After`, 401, 403, 5xx,
 * slow, hang, down).
 */
export async function startWebhookFake(options: WebhookFakeOptions = {}): Promise<WebhookFake> {
  const parsed = parseSinkOptions(OptionsSchema, options, 'startWebhookFake')
  const now = parsed.now ?? Date.now
  const faults = createFaultList<WebhookFault>(CommonFaultSchema, 'startWebhookFake')
  faults.set(parsed.faults as WebhookFault[])
  let received: WebhookReceived[] = []
  const seen = new Set<string>()

  function playFault(fault: WebhookFault): Reply {
    switch (fault.kind) {
      case 'rate_limited':
        return json(
          429,
          { error: 'too many requests' },
          fault.retry_after_seconds === undefined
            ? {}
            : { 'retry-after': String(fault.retry_after_seconds) },
        )
      case 'unauthorized':
        return json(401, { error: 'unauthorized' })
      case 'forbidden':
        return json(403, { error: 'forbidden' })
      case 'server_error':
        return json(fault.status ?? 500, { error: 'internal server error' })
      case 'hang':
        return { kind: 'hang' }
      case 'down':
        return { kind: 'down' }
      case 'slow':
        throw new Error('slow is played around the normal answer')
    }
  }

  function accept(request: SinkRequest): Reply {
    if (request.method !== 'POST' && request.method !== 'PUT') {
      return json(405, { error: 'method not allowed' })
    }
    const body = request.body.toString('utf8')
    const signature = header(request.headers, SIGNATURE_HEADER) ?? null
    const valid =
      parsed.secret === undefined
        ? null
        : verifyWebhookSignature(parsed.secret, request.body, signature)
    if (valid === false) return json(401, { error: 'invalid signature' })
    let parsedBody: unknown = null
    try {
      parsedBody = JSON.parse(body)
    } catch {
      parsedBody = null
    }
    const eventId = header(request.headers, 'x-event-id') ?? null
    const duplicate = eventId !== null && seen.has(eventId)
    if (eventId !== null) seen.add(eventId)
    received.push({
      method: request.method,
      path: request.path,
      body,
      json: parsedBody,
      event_id: eventId,
      event: header(request.headers, 'x-edge-mining-event') ?? null,
      content_type: header(request.headers, 'content-type') ?? null,
      signature,
      signature_valid: valid,
      duplicate,
      at: new Date(now()).toISOString(),
    })
    return json(parsed.status, { ok: true })
  }

  function handle(request: SinkRequest) {
    const fault = faults.take()
    if (fault && fault.kind !== 'slow') return { reply: playFault(fault), fault: fault.kind }
    const reply = accept(request)
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
    received: () => received.map((entry) => ({ ...entry })),
    set: (next) => faults.set(next),
    requests: () => shell.requests(),
    clear() {
      received = []
      seen.clear()
      shell.clearRequests()
    },
  }
}
