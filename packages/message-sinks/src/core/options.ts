import * as v from 'valibot'
import type { SinkTimers } from './server'

const isFunction = (input: unknown) => typeof input === 'function'

/** Options every sink takes. */
export const SinkBaseOptionsEntries = {
  /** Interface to listen on. Default `127.0.0.1`. */
  host: v.optional(v.pipe(v.string(), v.nonEmpty()), '127.0.0.1'),
  /** Port; 0 (default) picks a free one. */
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 0),
  /** The sink's clock in ms (rate limits, timestamps). Default `Date.now`. */
  now: v.optional(v.custom<() => number>(isFunction, 'must be a function')),
  /** Timers a `slow` answer waits on. Default the global ones (real time). */
  timers: v.optional(
    v.custom<SinkTimers>(
      (input) =>
        typeof input === 'object' &&
        input !== null &&
        isFunction((input as SinkTimers).setTimeout) &&
        isFunction((input as SinkTimers).clearTimeout),
      'must be { setTimeout, clearTimeout }',
    ),
  ),
}

export interface SinkBaseOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string
  /** Port; 0 (default) picks a free one. */
  port?: number
  /** The sink's clock in ms (rate limits, timestamps). Default `Date.now`. */
  now?: () => number
  /** Timers a `slow` answer waits on. Default the global ones (real time). */
  timers?: SinkTimers
}
