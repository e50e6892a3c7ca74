import { hostname } from 'node:os'
import type { Logger, Platform, SchedulerLeaseRepository } from '@edge-mining/domain'
import { createScheduler, type SchedulerStats } from '@edge-mining/scheduler'
import type {
  CycleReport,
  DecisionLoop,
  HistoryService,
  SettingsService,
} from '@edge-mining/services'

/** How often the decision log is pruned past its retention. */
const PRUNE_EVERY_MS = 3_600_000

export interface LoopRunner {
  /** Runs a cycle now — joining the one in flight — when this process holds the lease. */
  runNow(): Promise<CycleReport | null>
  /** Stops the schedule, waits for the cycle in flight, gives the lease up. */
  stop(): Promise<void>
  /** True while this process runs the cycles (it holds the lease). */
  isLeader(): boolean
  stats(): SchedulerStats & { leader: boolean; holder: string }
}

/**
 * Starts the decision loop's schedule (the API server does; the CLI never does). A lease row in
 * the database keeps it to one scheduler per database: a second server on the same file serves
 * the API but runs no cycle, and takes over when the first stops (it releases the lease) or
 * dies (the lease expires after three intervals, at least 60 s: longer than the slowest cycle,
 * a read, a command and a re-read). The interval comes from the
 * settings and is re-read at every fire, so a change applies without a restart.
 */
export function startLoopRunner(options: {
  loop: DecisionLoop
  settings: SettingsService
  /** Pruned with the decision log, in the background. Default: none. */
  history?: HistoryService | null
  lease: SchedulerLeaseRepository
  platform: Platform
  logger: Logger
}): LoopRunner {
  const { loop, settings, lease, platform, logger } = options
  // The whole id: the lease is only as exclusive as holders are distinct, and an injected
  // platform's ids need not differ in their first characters.
  const holder = `${hostname()}:${process.pid}:${platform.randomUUID()}`
  const intervalMs = () => settings.get().scheduler_interval_seconds * 1000
  const ttlMs = () => Math.max(60_000, 3 * intervalMs())
  let leader = false
  let lastPrune = Number.NEGATIVE_INFINITY
  let lastInterval = intervalMs()

  function holdLease(): boolean {
    const held = lease.acquire(holder, ttlMs(), platform.now())
    if (held !== leader) {
      leader = held
      if (held) logger.info('This server runs the decision loop (it holds the scheduler lease)')
      else {
        const other = lease.current(platform.now())
        logger.warn(
          `Another process runs the decision loop on this database (${other?.holder ?? 'unknown'}); this one serves the API only and takes over if it stops`,
        )
      }
    }
    return held
  }

  async function cycle(): Promise<CycleReport | null> {
    if (!holdLease()) return null
    const report = await loop.runCycle()
    if (platform.now() - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = platform.now()
      const pruned = loop.prune()
      if (pruned > 0) logger.info(`Decision log: ${pruned} entries past their retention pruned`)
      // In batches, yielding in between; the cycle does not wait for it.
      void options.history
        ?.prune()
        .then(
          (rows) => rows > 0 && logger.info(`History: ${rows} rows past their retention pruned`),
        )
        .catch((error: unknown) =>
          logger.warn(`History pruning failed: ${error instanceof Error ? error.message : error}`),
        )
    }
    return report
  }

  const scheduler = createScheduler({
    run: cycle,
    intervalMs: () => {
      const current = intervalMs()
      if (current !== lastInterval) {
        logger.info(`Decision loop interval now ${current / 1000} s`)
        lastInterval = current
      }
      return current
    },
    timers: platform,
    onError: (error) =>
      logger.error(`Decision loop cycle failed: ${error instanceof Error ? error.message : error}`),
    onSkip: () => logger.warn('Decision loop: a cycle was still running; this fire is skipped'),
  })
  // A settings change made in this process reschedules at once (the CLI's at the next fire).
  const unsubscribe = settings.onChange(() => scheduler.reschedule())
  scheduler.start()

  return {
    runNow: () => scheduler.runNow(),
    async stop() {
      unsubscribe()
      await scheduler.stop()
      if (leader) lease.release(holder)
      leader = false
    },
    isLeader: () => leader,
    stats: () => ({ ...scheduler.stats(), leader, holder }),
  }
}
