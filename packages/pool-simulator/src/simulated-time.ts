/**
 * Simulated time for clients under test against the simulators over real loopback HTTP:
 * pacing and TTL waits advance a fake clock instead of sleeping.
 */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/**
 * A fake clock whose timers fire only while no HTTP exchange is in flight: time jumps to the
 * next timer as soon as the system is idle, so a request is always logged by the simulator at
 * the simulated instant it was sent. `fetch` is a wrapper of the global fetch that reads the
 * whole body before answering (so "in flight" covers it) and records the request headers.
 */
export function createSimulatedTime(startMs: number) {
  let current = startMs
  let inFlight = 0
  let nextId = 1
  const timers: Array<{ at: number; id: number; fn: () => void }> = []
  const sentHeaders: Array<Record<string, string>> = []

  const fetch: typeof globalThis.fetch = async (input, init) => {
    sentHeaders.push(Object.fromEntries(new Headers(init?.headers).entries()))
    inFlight++
    try {
      const response = await globalThis.fetch(input, init)
      const body = await response.arrayBuffer()
      return new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      })
    } finally {
      inFlight--
    }
  }

  /** Runs timers (advancing the clock) until `promise` settles. */
  async function run<T>(promise: Promise<T>): Promise<T> {
    let settled = false
    promise.then(
      () => {
        settled = true
      },
      () => {
        settled = true
      },
    )
    for (let turn = 0; !settled; turn++) {
      if (turn > 5_000_000) throw new Error('simulated time: nothing settles')
      await new Promise((resolve) => setImmediate(resolve))
      if (settled || inFlight > 0 || timers.length === 0) continue
      timers.sort((a, b) => a.at - b.at || a.id - b.id)
      const timer = timers.shift()
      if (timer === undefined) continue
      current = Math.max(current, timer.at)
      timer.fn()
    }
    return promise
  }

  return {
    now: () => current,
    advance(ms: number) {
      current += ms
    },
    setTimeout(fn: () => void, ms: number) {
      const id = nextId++
      timers.push({ at: current + Math.max(0, ms), id, fn })
      return id
    },
    fetch,
    run,
    /** Headers of every request sent through `fetch`, lower-cased names. */
    sentHeaders: () => [...sentHeaders],
  }
}
