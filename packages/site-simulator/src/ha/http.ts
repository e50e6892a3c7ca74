import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake decides to do with one request; the shell carries it out. */
export type Reply =
  | {
      kind: 'send'
      status: number
      headers: Record<string, string>
      body: string
      /** A complete HTTP message whose body is the first half of `body`. */
      cut?: boolean
      /** Simulated ms to hold the answer back. */
      delayMs?: number
    }
  /** Keep the connection open without answering, until `close()`. */
  | { kind: 'hang' }
  /** Reset the connection without answering (the server is down). */
  | { kind: 'down' }

export interface ShellRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
}

export interface ShellOptions {
  host: string
  port: number
  /** Simulated-time timers for delayed answers. */
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  /** Decides the reply; `sent` is told the status once the answer went out. */
  handle(request: ShellRequest): { reply: Reply; sent?: (status: number) => void }
}

export interface Shell {
  url: string
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1_000_000

/** A `node:http` server on loopback that reads each request's body and carries out the reply. */
export async function startShell(options: ShellOptions): Promise<Shell> {
  const pending = new Set<unknown>()
  let closed = false

  function send(
    res: ServerResponse,
    reply: Extract<Reply, { kind: 'send' }>,
    onSent: (status: number) => void,
  ) {
    if (closed || res.destroyed) return
    const full = Buffer.from(reply.body, 'utf8')
    const body = reply.cut ? full.subarray(0, Math.floor(full.length / 2)) : full
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) })
    res.end(body)
    onSent(reply.status)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://simulator.invalid')
      let decided: { reply: Reply; sent?: (status: number) => void }
      try {
        decided = options.handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        })
      } catch (error) {
        decided = {
          reply: {
            kind: 'send',
            status: 500,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body: `simulator error: ${error instanceof Error ? error.message : String(error)}`,
          },
        }
      }
      const { reply } = decided
      const record = (status: number) => decided.sent?.(status)
      if (reply.kind === 'hang') return
      if (reply.kind === 'down') {
        req.socket.destroy()
        return
      }
      const ready = reply
      const go = () => send(res, ready, record)
      if (ready.delayMs !== undefined && ready.delayMs > 0) {
        const handle = options.setTimeout(() => {
          pending.delete(handle)
          go()
        }, ready.delayMs)
        pending.add(handle)
      } else {
        go()
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
      for (const handle of pending) options.clearTimeout(handle)
      pending.clear()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await stopped
    },
  }
}
