// Helpers for this package's tests: a raw loopback HTTP GET and a fake clock with manual timers.
import { get, type IncomingHttpHeaders } from 'node:http'
import { afterEach } from 'vitest'

export type RawResponse = { status: number; headers: IncomingHttpHeaders; body: string }

/** GET over a fresh connection; rejects when the server resets it. */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('aborted', () => reject(new Error('response aborted')))
      res.on('end', () => {
        if (!res.complete) {
          reject(new Error('response incomplete'))
          return
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    request.on('error', reject)
  })
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await httpGet(url, headers)
  return { ...response, json: JSON.parse(response.body) as unknown }
}

/** A settable clock and a timer queue that only runs when told to. */
export function createFakeClock(startMs: number) {
  let current = startMs
  const timers: Array<{ callback: () => void; ms: number; id: number }> = []
  let nextId = 1
  return {
    now: () => current,
    set: (ms: number) => {
      current = ms
    },
    advance: (ms: number) => {
      current += ms
    },
    setTimeout: (callback: () => void, ms: number) => {
      const id = nextId++
      timers.push({ callback, ms, id })
      return id
    },
    clearTimeout: (handle: unknown) => {
      const index = timers.findIndex((timer) => timer.id === handle)
      if (index >= 0) timers.splice(index, 1)
    },
    /** Delays of the timers waiting to run. */
    pendingDelays: () => timers.map((timer) => timer.ms),
    runTimers: () => {
      for (const timer of timers.splice(0)) timer.callback()
    },
  }
}

/** Resolves once `predicate` holds, polling the event loop (no wall-clock sleeps). */
export async function until(predicate: () => boolean, attempts = 1000): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (predicate()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error('condition not reached')
}

/** `typeof` of each field, to compare JSON shapes field by field. */
export function typesOf(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [
      key,
      value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value,
    ]),
  )
}

type FakeTimerOptions = {
  now: () => number
  setTimeout: (callback: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

/**
 * A `start(options)` for a test file: each simulator runs on its own fake clock starting at
 * `t0` (options may override it) and is closed after every test.
 */
export function startsOnFakeClock<TOptions extends object, TSim extends { close(): Promise<void> }>(
  startSimulator: (options: TOptions & FakeTimerOptions) => Promise<TSim>,
  t0: number,
) {
  const open: TSim[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((sim) => sim.close()))
  })
  return async (options: TOptions = {} as TOptions) => {
    const clock = createFakeClock(t0)
    const sim = await startSimulator({
      now: clock.now,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      ...options,
    })
    open.push(sim)
    return { sim, clock }
  }
}
