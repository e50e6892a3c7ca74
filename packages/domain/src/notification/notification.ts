import type { MiningDecision } from '../optimization/decision'

/** What happened, as notifications and webhooks name it. */
export const NOTIFICATION_EVENTS = [
  'test',
  'miner_started',
  'miner_stopped',
  'miner_start_failed',
  'miner_stop_failed',
  'device_unreachable',
  'device_back',
  'energy_unreachable',
  'energy_back',
  'manual_action',
  'error',
] as const
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number]

/** One message to a person: title and text, plus what it is about (for webhooks). */
export interface Notification {
  event: NotificationEvent
  title: string
  message: string
  /** ISO-8601 UTC */
  at: string
  unit?: { id: string; name: string } | null
  miner?: { id: string; name: string } | null
  decision?: MiningDecision | null
}

/**
 * Delivers notifications. `send` resolves once the service accepted the message and throws
 * DeviceError otherwise (`rate_limited` with `retry_after_seconds`, `auth_failed` for a bad
 * token or a blocked bot, `bad_response` for "chat not found", `unreachable`).
 */
export interface NotifierPort {
  send(notification: Notification): Promise<void>
  close?(): void | Promise<void>
}
