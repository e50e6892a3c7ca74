import {
  type DecisionLogRepository,
  isEdgeMiningError,
  type Logger,
  type Notification,
  type Platform,
} from '@edge-mining/domain'
import { isoAt, messageOf, withTimeout } from './common'
import type { AdapterInstances } from './instances'

/** How long a notifier may take to accept one message; longer is a failed (unreachable) attempt. */
export const NOTIFY_TIMEOUT_MS = 15_000
/** Default quiet time per (unit, subject) after a notification (upstream had none, trap T13). */
export const DEFAULT_NOTIFICATION_COOLDOWN_MS = 15 * 60_000
/** Attempts per message before it is recorded undelivered (upstream: one, and lost in a log). */
export const NOTIFY_MAX_ATTEMPTS = 5
/** Messages waiting per notifier; a new one beyond drops the oldest waiting (recorded). */
export const NOTIFY_QUEUE_LIMIT = 100
/** Wait before the first retry (unreachable, or a 429 that says no wait); doubles each time. */
export const NOTIFY_BACKOFF_MS = 5_000
/** Longest backoff wait (a service's own `retry_after` is honoured as it is). */
export const NOTIFY_MAX_BACKOFF_MS = 5 * 60_000
/** A wait longer than this (a service asking for hours) is not waited for: recorded at once. */
export const NOTIFY_MAX_WAIT_MS = 60 * 60_000

export interface NotificationTarget {
  unit: { id: string; name: string; notifier_ids: readonly string[] }
}

/** What one notifier's queue holds (`queues()`, for diagnostics and tests). */
export interface NotifierQueueStatus {
  notifier_id: string
  /** Messages not yet delivered or given up on, the one being sent included. */
  waiting: number
  /** A send is in flight. */
  sending: boolean
  /** When the next attempt may go (a rate limit or a backoff), or null when it may go now. */
  next_attempt_at: string | null
}

/**
 * Tells a unit's notifiers what happened, on transitions only: each subject (a miner's switch,
 * its device, the unit's energy) is told once and then kept quiet for the cool-down, so a
 * persistent fault is one message, not one per cycle (trap T13).
 *
 * Delivery never blocks or slows the caller: each notifier has an in-process FIFO queue
 * (bounded; when full the oldest waiting message is dropped and recorded). A message is sent
 * with a 15 s timeout; `rate_limited` and `unreachable` are retried — after the service's
 * `retry_after_seconds`, else 5 s, 10 s, 20 s … — up to 5 attempts, and the whole queue waits
 * meanwhile, so a notifier's rate limit holds across cycles and the order is kept; any other
 * failure (`auth_failed`, `bad_response`, a notifier that is gone) is not retried. Whatever
 * is not delivered in the end is an `undelivered` entry in the decision log: no silent loss,
 * no endless retry. Timers are the platform's.
 */
export interface NotificationCenter {
  /** Queues unless `subject` was told within the cool-down; answers whether it was queued. */
  notify(target: NotificationTarget, subject: string, notification: Notification): boolean
  /** Queues regardless of the cool-down (a miner started or stopped: each is a real event). */
  always(target: NotificationTarget, notification: Notification): void
  /** Resolves when every queue is empty: each message delivered or recorded (tests, shutdown). */
  drain(): Promise<void>
  /**
   * Resolves when no send is in flight; queues waiting out a rate limit or a backoff keep their
   * messages (a test that drives the clock waits on this before moving it).
   */
  settled(): Promise<void>
  /** Every notifier's queue, in the order they were first used. */
  queues(): NotifierQueueStatus[]
  /**
   * Stops retrying: what can go at once is still sent (once), what would have to wait — or
   * fails now — is recorded undelivered; later notifications are recorded at once. Resolves
   * when every queue is empty.
   */
  close(): Promise<void>
}

export interface NotificationCenterOptions {
  instances: AdapterInstances
  decisions: DecisionLogRepository
  platform: Platform
  logger: Logger
  /** Quiet time per (unit, subject). Default {@link DEFAULT_NOTIFICATION_COOLDOWN_MS}. */
  cooldownMs?: number
  /** Default {@link NOTIFY_MAX_ATTEMPTS}. */
  maxAttempts?: number
  /** Default {@link NOTIFY_QUEUE_LIMIT}. */
  queueLimit?: number
  /** Default {@link NOTIFY_BACKOFF_MS}. */
  backoffMs?: number
}

interface Job {
  target: NotificationTarget
  notification: Notification
  attempts: number
}

interface Queue {
  notifierId: string
  jobs: Job[]
  /** No attempt before this (platform ms). */
  notBefore: number
  /** The wake-up of a queue waiting out a rate limit or a backoff. */
  timer: unknown | null
  /** The pump while it works (sending); null when idle or waiting for its timer. */
  active: Promise<void> | null
  sending: Job | null
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`

export function createNotificationCenter(options: NotificationCenterOptions): NotificationCenter {
  const { instances, decisions, platform, logger } = options
  const cooldownMs = options.cooldownMs ?? DEFAULT_NOTIFICATION_COOLDOWN_MS
  const maxAttempts = Math.max(1, options.maxAttempts ?? NOTIFY_MAX_ATTEMPTS)
  const queueLimit = Math.max(1, options.queueLimit ?? NOTIFY_QUEUE_LIMIT)
  const backoffMs = options.backoffMs ?? NOTIFY_BACKOFF_MS
  const lastSent = new Map<string, number>()
  const queues = new Map<string, Queue>()
  const waiters = new Set<() => void>()
  let closing = false
  let closed = false

  function wake() {
    for (const resolve of [...waiters]) resolve()
    waiters.clear()
  }

  function record(
    queue: Queue,
    job: Job,
    failure: string,
    details: { code: string | null; attempts: number },
  ) {
    const { target, notification } = job
    const tries = details.attempts > 1 ? ` after ${details.attempts} attempts` : ''
    try {
      decisions.append({
        at: isoAt(platform.now()),
        kind: 'notification',
        unit_id: target.unit.id,
        unit_name: target.unit.name,
        miner_id: notification.miner?.id ?? null,
        miner_name: notification.miner?.name ?? null,
        policy_id: null,
        policy_name: null,
        rule_id: null,
        rule_name: null,
        rule_type: null,
        decision: notification.decision ?? null,
        action: 'none',
        outcome: 'undelivered',
        status_before: null,
        status_after: null,
        reason: `Notification '${notification.title}' not delivered${tries}: ${failure}`,
        trace: null,
        details: {
          event: notification.event,
          notifier_id: queue.notifierId,
          code: details.code,
          attempts: details.attempts,
        },
      })
    } catch (error) {
      logger.error(`Cannot record an undelivered notification: ${messageOf(error)}`)
    }
  }

  /** Records every message of the queue not in flight as undelivered, with `why`. */
  function abandon(queue: Queue, why: string, code: string) {
    const left = queue.jobs.splice(0)
    for (const job of left) record(queue, job, why, { code, attempts: job.attempts })
    if (left.length > 0) {
      logger.warn(
        `Notifier ${queue.notifierId}: ${left.length} notification(s) not delivered: ${why}`,
      )
    }
  }

  function kick(queue: Queue) {
    if (queue.active) return
    if (queue.timer !== null) {
      if (!closing) return
      platform.clearTimeout(queue.timer)
      queue.timer = null
    }
    const run = pump(queue).finally(() => {
      queue.active = null
      wake()
    })
    queue.active = run
  }

  async function pump(queue: Queue): Promise<void> {
    while (queue.jobs.length > 0) {
      const wait = queue.notBefore - platform.now()
      if (wait > 0) {
        const until = isoAt(queue.notBefore)
        if (closing) {
          abandon(
            queue,
            `Edge Mining stopped before it could be sent (the notifier asked to wait until ${until})`,
            'shutdown',
          )
          return
        }
        if (wait > NOTIFY_MAX_WAIT_MS) {
          abandon(queue, `the notifier asked to wait until ${until}, over an hour`, 'rate_limited')
          return
        }
        queue.timer = platform.setTimeout(() => {
          queue.timer = null
          kick(queue)
        }, wait)
        return
      }
      const job = queue.jobs[0] as Job
      queue.sending = job
      let failed: unknown = null
      try {
        const port = instances.get('notifier', queue.notifierId)
        await withTimeout(platform, port.send(job.notification), NOTIFY_TIMEOUT_MS, 'notifier')
      } catch (error) {
        failed = error ?? new Error('notifier failed')
      } finally {
        queue.sending = null
      }
      job.attempts += 1
      // The job is still the head: dropping for room never takes the message in flight.
      if (failed === null) {
        queue.jobs.shift()
        continue
      }
      const code = isEdgeMiningError(failed) ? failed.code : null
      const why = code === null ? messageOf(failed) : `${code}: ${messageOf(failed)}`
      const retryAfter =
        code === 'rate_limited'
          ? (failed as { retry_after_seconds?: unknown }).retry_after_seconds
          : null
      const delay =
        typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0
          ? retryAfter * 1000
          : Math.min(backoffMs * 2 ** (job.attempts - 1), NOTIFY_MAX_BACKOFF_MS)
      const retryable = code === 'rate_limited' || code === 'unreachable'
      // A rate limit holds for the whole notifier, whatever becomes of this message.
      if (code === 'rate_limited') queue.notBefore = platform.now() + delay
      const title = job.notification.title
      if (retryable && job.attempts < maxAttempts && !closing) {
        queue.notBefore = platform.now() + delay
        logger.info(
          `Notifier ${queue.notifierId} did not deliver '${title}' yet (attempt ${job.attempts} of ${maxAttempts}): ${why} — retrying in ${seconds(delay)}`,
        )
        continue
      }
      queue.jobs.shift()
      logger.warn(`Notifier ${queue.notifierId} did not deliver '${title}': ${why}`)
      record(queue, job, why, { code, attempts: job.attempts })
      if (closing && retryable) {
        abandon(
          queue,
          `Edge Mining stopped before it could be sent (the notifier failed: ${why})`,
          'shutdown',
        )
        return
      }
    }
  }

  function enqueue(target: NotificationTarget, notification: Notification) {
    for (const notifierId of target.unit.notifier_ids) {
      let queue = queues.get(notifierId)
      if (!queue) {
        queue = { notifierId, jobs: [], notBefore: 0, timer: null, active: null, sending: null }
        queues.set(notifierId, queue)
      }
      const job: Job = { target, notification, attempts: 0 }
      if (closed) {
        record(queue, job, 'Edge Mining has stopped', { code: 'shutdown', attempts: 0 })
        continue
      }
      if (queue.jobs.length >= queueLimit) {
        // The oldest that is not being sent makes room.
        const index = queue.sending === queue.jobs[0] ? 1 : 0
        const [dropped] = queue.jobs.splice(index, 1)
        if (dropped) {
          logger.warn(`Notifier ${notifierId}: queue full, '${dropped.notification.title}' dropped`)
          record(
            queue,
            dropped,
            `dropped, ${queueLimit} notifications were waiting for this notifier`,
            { code: 'queue_full', attempts: dropped.attempts },
          )
        }
      }
      queue.jobs.push(job)
      kick(queue)
    }
  }

  async function settled(): Promise<void> {
    for (;;) {
      const active = [...queues.values()].flatMap((queue) => (queue.active ? [queue.active] : []))
      if (active.length === 0) return
      await Promise.allSettled(active)
    }
  }

  async function drain(): Promise<void> {
    for (;;) {
      await settled()
      if ([...queues.values()].every((queue) => queue.jobs.length === 0)) return
      await new Promise<void>((resolve) => waiters.add(resolve))
    }
  }

  return {
    notify(target, subject, notification) {
      const key = `${target.unit.id}:${subject}`
      const now = platform.now()
      const last = lastSent.get(key)
      if (last !== undefined && now - last < cooldownMs) return false
      lastSent.set(key, now)
      enqueue(target, notification)
      return true
    },
    always: enqueue,
    drain,
    settled,
    queues: () =>
      [...queues.values()].map((queue) => ({
        notifier_id: queue.notifierId,
        waiting: queue.jobs.length,
        sending: queue.sending !== null,
        next_attempt_at:
          queue.jobs.length > 0 && queue.notBefore > platform.now() ? isoAt(queue.notBefore) : null,
      })),
    async close() {
      closing = true
      for (const queue of queues.values()) kick(queue)
      await drain()
      closed = true
    },
  }
}
