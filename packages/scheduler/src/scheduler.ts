/** Timers and clock the scheduler runs on (the runtime's platform; tests pass fake ones). */
export interface SchedulerTimers {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface SchedulerOptions<T> {
  /** The work of one run. */
  run: () => Promise<T>
  /** The interval in ms, read at every fire (a change applies from the next one; see `reschedule`). */
  intervalMs: () => number
  timers: SchedulerTimers
  /** Told about a run that threw (the schedule goes on). Default: nothing. */
  onError?: (error: unknown) => void
  /** Told about a fire skipped because the previous run was still going. Default: nothing. */
  onSkip?: () => void
}

export interface SchedulerStats {
  running: boolean
  /** Runs started (by the timer or runNow). */
  runs: number
  /** Fires skipped because a run was in flight. */
  skipped: number
  failures: number
  /** Epoch ms of the last start, and how long the last finished run took. */
  last_started_at: number | null
  last_duration_ms: number | null
  /** Epoch ms of the next fire, null when stopped. */
  next_fire_at: number | null
}

export interface Scheduler<T> {
  /** Starts firing: the first run right away, then every interval. Idempotent. */
  start(): void
  /** Stops firing and resolves once the run in flight (if any) is over. */
  stop(): Promise<void>
  /** Runs now, or joins the run in flight; resolves with its result. */
  runNow(): Promise<T>
  /** Re-reads the interval: the next fire moves to the last fire + the new interval. */
  reschedule(): void
  stats(): SchedulerStats
}

/**
 * A tiny interval scheduler. Fires at a fixed rate (last fire + interval, never drifting with
 * the run's length); a fire that finds a run in flight is skipped and counted, nothing queued —
 * upstream's APScheduler `max_instances=1` without its misfire surprises.
 */
export function createScheduler<T>(options: SchedulerOptions<T>): Scheduler<T> {
  const { timers } = options
  let inFlight: Promise<T> | null = null
  let handle: unknown = null
  let started = false
  let lastFire: number | null = null
  let nextFire: number | null = null
  const counts = { runs: 0, skipped: 0, failures: 0 }
  let lastStartedAt: number | null = null
  let lastDuration: number | null = null

  const interval = () => Math.max(1, Math.floor(options.intervalMs()))

  function launch(): Promise<T> {
    const startedAt = timers.now()
    counts.runs += 1
    lastStartedAt = startedAt
    // Started synchronously (a throw becomes a rejection), so runNow's caller sees it begun.
    const running = new Promise<T>((resolve) => resolve(options.run())).finally(() => {
      lastDuration = Math.max(0, timers.now() - startedAt)
      inFlight = null
    })
    inFlight = running
    return running
  }

  function arm(at: number) {
    if (handle !== null) timers.clearTimeout(handle)
    nextFire = at
    handle = timers.setTimeout(fire, Math.max(0, at - timers.now()))
  }

  function fire() {
    handle = null
    if (!started) return
    lastFire = timers.now()
    if (inFlight) {
      counts.skipped += 1
      options.onSkip?.()
    } else {
      launch().catch((error: unknown) => {
        counts.failures += 1
        options.onError?.(error)
      })
    }
    arm(lastFire + interval())
  }

  return {
    start() {
      if (started) return
      started = true
      arm(timers.now())
    },
    async stop() {
      started = false
      nextFire = null
      if (handle !== null) timers.clearTimeout(handle)
      handle = null
      await inFlight?.catch(() => undefined)
    },
    runNow: () => inFlight ?? launch(),
    reschedule() {
      if (!started || lastFire === null) return
      arm(Math.max(timers.now(), lastFire + interval()))
    },
    stats: () => ({
      running: inFlight !== null,
      runs: counts.runs,
      skipped: counts.skipped,
      failures: counts.failures,
      last_started_at: lastStartedAt,
      last_duration_ms: lastDuration,
      next_fire_at: started ? nextFire : null,
    }),
  }
}
