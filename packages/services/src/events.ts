import type { Logger } from '@edge-mining/domain'

/** One event: a topic (upstream's: `config.updated`, `energy.state`, …) and its JSON payload. */
export interface EdgeMiningEvent {
  topic: string
  payload: Record<string, unknown>
  /** ISO-8601 UTC */
  at: string
}

export type EventListener = (event: EdgeMiningEvent) => void

/**
 * In-process publish/subscribe. Publishing never waits on or fails because of a listener (a
 * throwing listener is logged and the others still run); listeners that need to do I/O queue
 * the event themselves (the SSE stream does).
 */
export interface EventBus {
  publish(topic: string, payload: Record<string, unknown>): void
  /** Answers the unsubscribe function. */
  subscribe(listener: EventListener): () => void
  /** How many listeners are subscribed (the events route reports it). */
  listenerCount(): number
}

export function createEventBus(options: { now: () => number; logger: Logger }): EventBus {
  const listeners = new Set<EventListener>()
  return {
    publish(topic, payload) {
      if (listeners.size === 0) return
      const event = { topic, payload, at: new Date(options.now()).toISOString() }
      for (const listener of listeners) {
        try {
          listener(event)
        } catch (error) {
          options.logger.warn(
            `Event listener failed on ${topic}: ${error instanceof Error ? error.message : String(error)}`,
          )
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    listenerCount: () => listeners.size,
  }
}
