import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FaultRule } from './faults.ts'
import { createRequestLog, type RequestLog } from './request-log.ts'

/** What a pool module decides to do with one request; the shell carries it out. */
export type Reply =
  | {
      kind: 'send'
      status: number
      headers: Record<string, string>
      body: string
      /** `short`: a complete message with half the body; `abort`: full length announced, half sent, reset. */
      cut?: 'short' | 'abort'
      delayMs?: number
    }
  /** Keep the connection open without answering until `close()`. */
  | { kind: 'hang' }

export type SimRequest = {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
}

export type Routed = {
  endpoint: string
  /** Short tag of the credential presented, for the request log (never the credential). */
  token?: string
  reply: Reply
}

export type TimerFunctions = {
  setTimeout: (callback: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
}

export type HttpShellOptions = {
  host: string
  port: number
  now: () => number
  timers: TimerFunctions
  handle: (request: SimRequest) => Routed
}

export type HttpShell = {
  url: string
  close(): Promise<void>
  requests(): RequestLog
  resetRequests(): void
}

/** A `node:http` server on loopback that logs each request and carries out the module's reply. */
export async function startHttpShell(options: HttpShellOptions): Promise<HttpShell> {
  const log = createRequestLog()
  const pendingTimers = new Set<unknown>()
  let closed = false

  function send(res: ServerResponse, reply: Extract<Reply, { kind: 'send' }>, done: () => void) {
    if (closed || res.destroyed) return
    const full = Buffer.from(reply.body, 'utf8')
    const half = full.subarray(0, Math.floor(full.length / 2))
    const body = reply.cut === undefined ? full : half
    const declared = reply.cut === 'abort' ? full.length : body.length
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(declared) })
    done()
    if (reply.cut === 'abort') {
      res.write(body, () => res.destroy())
    } else {
      res.end(body)
    }
  }

  const server = createServer((req, res) => {
    const at = options.now()
    const url = new URL(req.url ?? '/', 'http://simulator.invalid')
    let routed: Routed
    try {
      routed = options.handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
      })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      routed = {
        endpoint: 'unknown',
        reply: {
          kind: 'send',
          status: 500,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: `simulator error: ${message}`,
        },
      }
    }
    const entry = log.record({
      at,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      endpoint: routed.endpoint,
      status: null,
      ...(routed.token === undefined ? {} : { token: routed.token }),
    })
    const reply = routed.reply
    // Drain the request body (GETs have none) so keep-alive connections stay usable.
    req.resume()
    if (reply.kind === 'hang') return
    const markSent = () => {
      entry.status = reply.status
    }
    if (reply.delayMs !== undefined && reply.delayMs > 0) {
      const handle = options.timers.setTimeout(() => {
        pendingTimers.delete(handle)
        send(res, reply, markSent)
      }, reply.delayMs)
      pendingTimers.add(handle)
    } else {
      send(res, reply, markSent)
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${hostForUrl}:${address.port}`,
    async close() {
      if (closed) return
      closed = true
      for (const handle of pendingTimers) options.timers.clearTimeout?.(handle)
      pendingTimers.clear()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      // Hanging requests and idle keep-alive sockets would otherwise hold close() forever.
      server.closeAllConnections()
      await stopped
    },
    requests: () => log.snapshot(),
    resetRequests: () => log.reset(),
  }
}

/** What every simulator hands its caller, whatever the pool. */
export type SimulatorControls<TEndpoint extends string, TScenario> = {
  url: string
  close(): Promise<void>
  requests(): RequestLog
  resetRequests(): void
  /** Replaces the whole scenario (data mode, faults with fresh counts, switches). */
  setScenario(scenario: TScenario): void
  /** Appends one fault rule to the current scenario. */
  addFault(rule: FaultRule<TEndpoint>): void
}
