import type { Fault, FaultKind } from './faults.ts'
import type { Reply } from './server.ts'

export const TEXT_PLAIN = 'text/plain; charset=utf-8'

export function jsonReply(status: number, payload: unknown, headers: Record<string, string> = {}) {
  return {
    kind: 'send',
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  } satisfies Reply
}

export function textReply(status: number, text: string, headers: Record<string, string> = {}) {
  return {
    kind: 'send',
    status,
    headers: { 'content-type': TEXT_PLAIN, ...headers },
    body: text,
  } satisfies Reply
}

function delayed(reply: Reply, delayMs: number | undefined): Reply {
  if (reply.kind === 'hang' || delayMs === undefined || delayMs === 0) return reply
  return { ...reply, delayMs: (reply.delayMs ?? 0) + delayMs }
}

const MAINTENANCE_PAGE =
  '<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>' +
  '<body><h1>Service Temporarily Unavailable</h1><p>Maintenance in progress.</p></body></html>'

export type FaultContext = {
  now: () => number
  /** The pool's normal answer to this request. */
  normal: () => Reply
  /** The pool's 5xx answer. */
  serverError: (status: number) => Reply
  /** Replies for faults only this pool understands (`unknown_user`, `forbidden`, `empty_account`). */
  poolFaults: Partial<Record<FaultKind, (fault: Fault) => Reply>>
}

/** Turns the fault picked for a request (or none) into the reply the shell sends. */
export function replyFor(fault: Fault | null, context: FaultContext): Reply {
  if (fault === null) return context.normal()
  switch (fault.kind) {
    case 'too_many_requests': {
      // Synthetic: neither Ocean nor Braiins documents a 429 or Retry-After.
      const headers: Record<string, string> = {}
      if (fault.retryAfterSeconds !== undefined) {
        headers['retry-after'] =
          fault.retryAfterFormat === 'http-date'
            ? new Date(context.now() + fault.retryAfterSeconds * 1000).toUTCString()
            : String(fault.retryAfterSeconds)
      }
      return delayed(textReply(429, 'Too Many Requests', headers), fault.delayMs)
    }
    case 'server_error':
      return delayed(context.serverError(fault.status ?? 500), fault.delayMs)
    case 'slow':
      return delayed(context.normal(), fault.delayMs)
    case 'hang':
      return { kind: 'hang' }
    case 'truncated': {
      const normal = context.normal()
      if (normal.kind === 'hang') return normal
      return delayed({ ...normal, cut: fault.abort === true ? 'abort' : 'short' }, fault.delayMs)
    }
    case 'non_json':
      return delayed(
        {
          kind: 'send',
          status: fault.status ?? 200,
          headers: { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' },
          body: fault.body ?? MAINTENANCE_PAGE,
        },
        fault.delayMs,
      )
    case 'empty_body':
      return delayed(
        { kind: 'send', status: 200, headers: { 'content-type': 'application/json' }, body: '' },
        fault.delayMs,
      )
    default: {
      const poolReply = context.poolFaults[fault.kind]
      if (poolReply === undefined) {
        throw new Error(`fault kind '${fault.kind}' is not supported by this simulator`)
      }
      return delayed(poolReply(fault), fault.delayMs)
    }
  }
}
