import * as v from 'valibot'
import { SimulatorOptionsError } from './errors.ts'
import type { TimerFunctions } from './server.ts'

/** Options every simulator accepts. */
export const baseOptionsSchema = {
  /** Interface to listen on. Default `127.0.0.1`. */
  host: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** TCP port; 0 (default) picks an ephemeral one. */
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535))),
  /** Millisecond clock driving the data model and the request log. Default `Date.now`. */
  now: v.optional(
    v.custom<() => number>((value) => typeof value === 'function', 'must be a function'),
  ),
  /** Timer used for slow responses. Default the global `setTimeout`. */
  setTimeout: v.optional(
    v.custom<TimerFunctions['setTimeout']>(
      (value) => typeof value === 'function',
      'must be a function',
    ),
  ),
  /** Cancels pending slow responses on `close()`. Default the global `clearTimeout`. */
  clearTimeout: v.optional(
    v.custom<(handle: unknown) => void>(
      (value) => typeof value === 'function',
      'must be a function',
    ),
  ),
  /** Seed of the deterministic model. Default 1. */
  seed: v.optional(v.pipe(v.number(), v.integer())),
}

/** Parses `input` or throws a SimulatorOptionsError naming the field and what was wrong. */
export function parseOrThrow<const S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = v.getDotPath(issue)
  const field = path === null ? what : `${what}.${path}`
  // valibot's messages quote the received value; schemas of secrets use custom messages instead.
  throw new SimulatorOptionsError(`${field}: ${issue.message}`)
}

export function defaultTimers(
  setTimeoutFn: TimerFunctions['setTimeout'] | undefined,
  clearTimeoutFn: ((handle: unknown) => void) | undefined,
): TimerFunctions {
  if (setTimeoutFn !== undefined) {
    return clearTimeoutFn === undefined
      ? { setTimeout: setTimeoutFn }
      : { setTimeout: setTimeoutFn, clearTimeout: clearTimeoutFn }
  }
  return {
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  }
}
