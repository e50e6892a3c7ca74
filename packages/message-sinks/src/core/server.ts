import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What a sink decides to do with one request; the shell carries it out. */
export type Reply =
  | {
      kind: 'send'
      status: number
      headers?: Record<string, string>
      body: string
      /** Held back this long (the sink's timers) before it is sent. */
      delayMs?: number
    }
  /** Keeps the connection open without answering, until `close()`. */
  | { kind: 'hang' }
  /** Resets the connection at once: the client sees a network error. */
  | { kind: 'down' }

export interface SinkRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** The raw body (at most {@link MAX_BODY_BYTES}). */
  body: Buffer
}

/** One request as a sink saw it (never a credential: tokens are redacted from paths). */
export interface SinkRequestLogEntry {
  /** ISO-8601 UTC of the sink's clock when it arrived. */
  at: string
  method: string
  /** The path, a bot token in it replaced by `***`. */
  path: string
  /** Status sent; null when none was (hang, down). */
  status: number | null
  /** The fault played, when one was. */
  fault: string | null
}

export interface SinkTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const defaultTimers: SinkTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Bodies above this are answered 413 without being read further. */
export const MAX_BODY_BYTES = 1024 * 1024

export interface Routed {
  reply: Reply
  /** The path as the request log shows it (default: the request's). */
  loggedPath?: string
  fault?: string | null
}

export interface Shell {
  url: string
  close(): Promise<void>
  requests(): SinkRequestLogEntry[]
  clearRequests(): void
}

const text = (status: number, body: string): Reply => ({
  kind: 'send',
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
})

/** A `node:http` server on loopback that reads each body, logs the request and plays the reply. */
export async function startShell(options: {
  host: string
  port: number
  now: () => number
  timers: SinkTimers
  handle: (request: SinkRequest) => Routed
}): Promise<Shell> {
  let log: SinkRequestLogEntry[] = []
  const pending = new Set<unknown>()
  let closed = false

  function play(res: ServerResponse, reply: Reply, entry: SinkRequestLogEntry) {
    if (closed || res.destroyed) return
    if (reply.kind === 'hang') return
    if (reply.kind === 'down') {
      res.socket?.destroy()
      return
    }
    const body = Buffer.from(reply.body, 'utf8')
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) })
    res.end(body)
    entry.status = reply.status
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sink.invalid')
      const at = new Date(options.now()).toISOString()
      let routed: Routed
      if (tooLarge) {
        routed = { reply: text(413, 'request entity too large') }
      } else {
        try {
          routed = options.handle({
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.searchParams,
            headers: req.headers,
            body: Buffer.concat(chunks),
          })
        } catch (error) {
          routed = {
            reply: text(
              500,
              `sink error: ${error instanceof Error ? error.message : String(error)}`,
            ),
          }
        }
      }
      const entry: SinkRequestLogEntry = {
        at,
        method: req.method ?? 'GET',
        path: routed.loggedPath ?? url.pathname,
        status: null,
        fault: routed.fault ?? null,
      }
      log.push(entry)
      const reply = routed.reply
      if (reply.kind === 'send' && reply.delayMs !== undefined && reply.delayMs > 0) {
        const handle = options.timers.setTimeout(() => {
          pending.delete(handle)
          play(res, reply, entry)
        }, reply.delayMs)
        pending.add(handle)
      } else {
        play(res, reply, entry)
      }
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${host}:${address.port}`,
    async close() {
      if (closed) return
      closed = true
      for (const handle of pending) options.timers.clearTimeout(handle)
      pending.clear()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      // Hanging requests and idle keep-alive sockets would otherwise hold close() forever.
      server.closeAllConnections()
      await stopped
    },
    requests: () => log.map((entry) => ({ ...entry })),
    clearRequests() {
      log = []
    },
  }
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    kind: 'send',
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }
}

/** A header's value as one string (the first when repeated), or undefined. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
