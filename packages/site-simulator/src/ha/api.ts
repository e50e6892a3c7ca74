/**
 * The fake Home Assistant REST API (control-apis.md §1.1 and §8, HA core's
 * `components/api/__init__.py`): routing, auth, faults and the exact bodies — text/plain
 * `401: Unauthorized`, JSON `{"message": "Entity not found."}`, text `400: Bad Request` for an
 * unknown service, the changed states of a service call.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { HaEndpoint, HaFault } from './faults.ts'
import type { Reply, ShellRequest } from './http.ts'
import type { HaState } from './states.ts'

export const TEXT = 'text/plain; charset=utf-8'
export const JSON_TYPE = 'application/json'

export function json(status: number, payload: unknown): Extract<Reply, { kind: 'send' }> {
  return {
    kind: 'send',
    status,
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify(payload),
  }
}

export function text(status: number, body: string): Extract<Reply, { kind: 'send' }> {
  return { kind: 'send', status, headers: { 'content-type': TEXT }, body }
}

/** aiohttp's default error bodies. */
export const UNAUTHORIZED = () => text(401, '401: Unauthorized')
export const NOT_FOUND = () => text(404, '404: Not Found')
export const METHOD_NOT_ALLOWED = () => text(405, '405: Method Not Allowed')
export const BAD_REQUEST = () => text(400, '400: Bad Request')

const CAPTIVE_PORTAL =
  '<!DOCTYPE html><html><head><title>Sign in to the network</title></head>' +
  '<body><h1>Welcome</h1><p>Please accept the terms to continue.</p></body></html>'

function serverError(status: number): Extract<Reply, { kind: 'send' }> {
  if (status === 500) return text(500, '500 Internal Server Error\n\nServer got itself in trouble')
  const reason = status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Error'
  return {
    kind: 'send',
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  }
}

/** What the backend of the fake answers for (everything but HTTP and faults). */
export interface HaBackend {
  token(): string
  /** Brings the model and the state machine up to now. */
  sync(): void
  config(): Record<string, unknown>
  states(): HaState[]
  state(entityId: string): HaState | null
  services(): unknown[]
  /** `null` when the domain/service does not exist. */
  callService(
    domain: string,
    service: string,
    data: Record<string, unknown> | null,
  ): { ok: true; changed: HaState[] } | { ok: false; reply: Reply } | null
  fault(endpoint: HaEndpoint, entities: readonly string[]): HaFault | null
}

export interface Routed {
  endpoint: HaEndpoint | 'unknown'
  entity: string | null
  auth: 'ok' | 'missing' | 'invalid'
  fault: HaFault['kind'] | null
  reply: Reply
}

function authOf(headers: IncomingHttpHeaders, token: string): Routed['auth'] {
  const header = headers.authorization
  if (header === undefined) return 'missing'
  const match = /^Bearer (.+)$/.exec(header)
  return match && match[1] === token ? 'ok' : 'invalid'
}

function entityIdsOf(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return []
  const ids = (data as { entity_id?: unknown }).entity_id
  if (typeof ids === 'string') return ids.split(',').map((id) => id.trim())
  if (Array.isArray(ids)) return ids.filter((id): id is string => typeof id === 'string')
  return []
}

/** Routes one request: unknown path, wrong method, fault, auth, then the endpoint. */
export function route(request: ShellRequest, backend: HaBackend): Routed {
  const { method, path } = request
  let endpoint: HaEndpoint | null = null
  let entity: string | null = null
  let allowed: string
  let serviceParts: [string, string] | null = null
  if (path === '/api/') {
    endpoint = 'api'
    allowed = 'GET'
  } else if (path === '/api/config') {
    endpoint = 'config'
    allowed = 'GET'
  } else if (path === '/api/states') {
    endpoint = 'states'
    allowed = 'GET'
  } else if (path.startsWith('/api/states/') && path.length > '/api/states/'.length) {
    endpoint = 'state'
    entity = decodeURIComponent(path.slice('/api/states/'.length))
    allowed = 'GET'
  } else if (path === '/api/services') {
    endpoint = 'services'
    allowed = 'GET'
  } else {
    const match = /^\/api\/services\/([^/]+)\/([^/]+)$/.exec(path)
    if (!match) {
      const auth = authOf(request.headers, backend.token())
      return { endpoint: 'unknown', entity: null, auth, fault: null, reply: NOT_FOUND() }
    }
    endpoint = 'call_service'
    allowed = 'POST'
    serviceParts = [decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? '')]
  }
  const auth = authOf(request.headers, backend.token())
  if (method !== allowed)
    return { endpoint, entity, auth, fault: null, reply: METHOD_NOT_ALLOWED() }

  let data: Record<string, unknown> | null = null
  let invalidJson = false
  if (endpoint === 'call_service' && request.body !== '') {
    try {
      data = JSON.parse(request.body) as Record<string, unknown>
    } catch {
      invalidJson = true
    }
  }
  const entities = entity ? [entity] : entityIdsOf(data)
  const fault = backend.fault(endpoint, entities)
  const routed = (reply: Reply): Routed => ({
    endpoint: endpoint ?? 'unknown',
    entity: entity ?? entities[0] ?? null,
    auth,
    fault: fault?.kind ?? null,
    reply,
  })
  const delay = (reply: Reply, ms: number | undefined): Reply =>
    reply.kind === 'send' && ms ? { ...reply, delayMs: ms } : reply

  if (fault?.kind === 'down') return routed({ kind: 'down' })
  if (fault?.kind === 'hang') return routed({ kind: 'hang' })
  if (fault?.kind === 'server_error')
    return routed(delay(serverError(fault.status ?? 500), fault.delayMs))
  if (fault?.kind === 'unauthorized') return routed(delay(UNAUTHORIZED(), fault.delayMs))
  if (auth !== 'ok') return routed(UNAUTHORIZED())
  if (fault?.kind === 'garbage') {
    return routed(
      delay(
        {
          kind: 'send',
          status: fault.status ?? 200,
          headers: { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' },
          body: fault.body ?? CAPTIVE_PORTAL,
        },
        fault.delayMs,
      ),
    )
  }

  backend.sync()
  let reply: Reply
  switch (endpoint) {
    case 'api':
      reply = json(200, { message: 'API running.' })
      break
    case 'config':
      reply = json(200, backend.config())
      break
    case 'states':
      reply = json(200, backend.states())
      break
    case 'state': {
      const state = backend.state(entity ?? '')
      reply = state ? json(200, state) : json(404, { message: 'Entity not found.' })
      break
    }
    case 'services':
      reply = json(200, backend.services())
      break
    case 'call_service': {
      if (invalidJson) {
        reply = json(400, { message: 'Data should be valid JSON.' })
        break
      }
      const [domain, service] = serviceParts ?? ['', '']
      if (request.query.has('return_response')) {
        // None of the fake's services returns a response: HA refuses the flag for those.
        reply = BAD_REQUEST()
        break
      }
      if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
        reply = BAD_REQUEST()
        break
      }
      const result = backend.callService(domain, service, data)
      if (result === null) reply = BAD_REQUEST()
      else if (!result.ok) reply = result.reply
      else reply = json(200, result.changed)
      break
    }
  }
  if (fault?.kind === 'slow') reply = delay(reply, fault.delayMs)
  if (fault?.kind === 'truncated' && reply.kind === 'send') {
    reply = { ...delay(reply, fault.delayMs), cut: true } as Reply
  }
  return routed(reply)
}
