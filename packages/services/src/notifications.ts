import {
  type DecisionLogRepository,
  isEdgeMiningError,
  type Logger,
  type Notification,
  type Platform,
} from '@edge-mining/domain'
import { isoAt, messageOf, withTimeout } from './common'
import type { AdapterInstances } from './instances'

/** How long a notifier may take to accept one message before it counts as undelivered. */
export const NOTIFY_TIMEOUT_MS = 15_000
/** Default quiet time per (unit, subject) after a notification (upstream had none, trap T13). */
export const DEFAULT_NOTIFICATION_COOLDOWN_MS = 15 * 60_000

export interface NotificationTarget {
  unit: { id: string; name: string; notifier_ids: readonly string[] }
}

/**
 * Tells a unit's notifiers what happened, on transitions only: each subject (a miner's switch,
 * its device, the unit's energy) is told once and then kept quiet for the cool-down, so a
 * persistent fault is one message, not one per cycle (trap T13). Sending never blocks the
 * caller; what could not be delivered is recorded in the decision log.
 */
export interface NotificationCenter {
  /** Sends unless `subject` was told within the cool-down; answers whether it was sent. */
  notify(target: NotificationTarget, subject: string, notification: Notification): boolean
  /** Sends regardless of the cool-down (a miner started or stopped: each is a real event). */
  always(target: NotificationTarget, notification: Notification): void
  /** Resolves when every send in flight has settled (tests, shutdown). */
  drain(): Promise<void>
}

export function createNotificationCenter(options: {
  instances: AdapterInstances
  decisions: DecisionLogRepository
  platform: Platform
  logger: Logger
  cooldownMs?: number
}): NotificationCenter {
  const { instances, decisions, platform, logger } = options
  const cooldownMs = options.cooldownMs ?? DEFAULT_NOTIFICATION_COOLDOWN_MS
  const lastSent = new Map<string, number>()
  const inFlight = new Set<Promise<void>>()

  function record(target: NotificationTarget, notification: Notification, failure: string) {
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
        reason: `Notification '${notification.title}' not delivered: ${failure}`,
        trace: null,
        details: { event: notification.event },
      })
    } catch (error) {
      logger.error(`Cannot record an undelivered notification: ${messageOf(error)}`)
    }
  }

  function send(target: NotificationTarget, notification: Notification): void {
    for (const notifierId of target.unit.notifier_ids) {
      const delivery = (async () => {
        try {
          const port = instances.get('notifier', notifierId)
          await withTimeout(platform, port.send(notification), NOTIFY_TIMEOUT_MS, 'notifier')
        } catch (error) {
          const why = isEdgeMiningError(error)
            ? `${error.code}: ${error.message}`
            : messageOf(error)
          logger.warn(`Notifier ${notifierId} did not deliver '${notification.title}': ${why}`)
          record(target, notification, why)
        }
      })()
      inFlight.add(delivery)
      void delivery.finally(() => inFlight.delete(delivery))
    }
  }

  return {
    notify(target, subject, notification) {
      const key = `${target.unit.id}:${subject}`
      const now = platform.now()
      const last = lastSent.get(key)
      if (last !== undefined && now - last < cooldownMs) return false
      lastSent.set(key, now)
      send(target, notification)
      return true
    },
    always: send,
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
  }
}
