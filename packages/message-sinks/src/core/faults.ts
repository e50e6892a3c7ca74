import * as v from 'valibot'

const count = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)))
const ms = v.pipe(v.number(), v.integer(), v.minValue(0))

/** Faults every sink can play. `times` limits a fault to the next N requests (default: all). */
const commonFaults = [
  /** HTTP 429 in the service's own shape; `retry_after_seconds` is what it asks to wait. */
  v.strictObject({
    kind: v.literal('rate_limited'),
    retry_after_seconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    times: count,
  }),
  /** HTTP 401: the token (or the signature) is rejected. */
  v.strictObject({ kind: v.literal('unauthorized'), times: count }),
  /** HTTP 403: Telegram "bot was blocked by the user", ntfy `forbidden`, a webhook's 403. */
  v.strictObject({ kind: v.literal('forbidden'), times: count }),
  /** HTTP 5xx (default 500). */
  v.strictObject({
    kind: v.literal('server_error'),
    status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(599))),
    times: count,
  }),
  /** The normal answer, `delay_ms` late (the sink's timers: real time unless injected). */
  v.strictObject({ kind: v.literal('slow'), delay_ms: ms, times: count }),
  /** Never answers; `close()` ends the connection. */
  v.strictObject({ kind: v.literal('hang'), times: count }),
  /** The connection is reset without an answer, as a service that is down. */
  v.strictObject({ kind: v.literal('down'), times: count }),
] as const

export const CommonFaultSchema = v.variant('kind', [...commonFaults])
export type CommonFault = v.InferOutput<typeof CommonFaultSchema>

/** Telegram's faults: the common ones plus 400 `Bad Request: chat not found`. */
export const TelegramFaultSchema = v.variant('kind', [
  ...commonFaults,
  v.strictObject({ kind: v.literal('chat_not_found'), times: count }),
])
export type TelegramFault = v.InferOutput<typeof TelegramFaultSchema>

/** Thrown for options or faults a sink cannot play; names the field. */
export class SinkOptionsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SinkOptionsError'
  }
}

/** Validates a sink's options with a valibot schema, naming the first bad field. */
export function parseSinkOptions<const S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input ?? {})
  if (result.success) return result.output
  const issue = result.issues[0]
  const field = v.getDotPath(issue) ?? '(root)'
  throw new SinkOptionsError(`${what}: ${field}: ${issue.message}`)
}

/** The faults in force and their remaining counts; the first that still applies is played. */
export function createFaultList<F extends { kind: string; times?: number | undefined }>(
  schema: v.GenericSchema<unknown, F>,
  what: string,
) {
  let entries: { fault: F; remaining: number }[] = []
  return {
    /** Replaces every fault (an empty list, or none, clears them); validated. */
    set(faults: readonly F[] | F | null | undefined): void {
      const list =
        faults === null || faults === undefined ? [] : Array.isArray(faults) ? faults : [faults]
      const parsed = parseSinkOptions(v.array(schema), list, `${what} faults`) as F[]
      entries = parsed.map((fault) => ({
        fault,
        remaining: fault.times ?? Number.POSITIVE_INFINITY,
      }))
    },
    /** The fault for this request, if any (uses up one of its `times`). */
    take(): F | null {
      const entry = entries.find((candidate) => candidate.remaining > 0)
      if (!entry) return null
      entry.remaining -= 1
      return entry.fault
    },
    /** The faults that can still play, with what is left of their counts. */
    pending(): { fault: F; remaining: number }[] {
      return entries.filter((entry) => entry.remaining > 0).map((entry) => ({ ...entry }))
    },
  }
}
