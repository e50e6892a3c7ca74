import * as v from 'valibot'

const nonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0))
const delayMs = v.optional(nonNegativeInteger)

/**
 * Every fault a simulator can inject. `delayMs` on any fault holds the answer back that long
 * (through the injected `setTimeout`) before sending it.
 */
export const faultSchema = v.variant('kind', [
  // Synthetic: neither pool documents a 429; clients still have to cope with one.
  v.strictObject({
    kind: v.literal('too_many_requests'),
    /** Omitted → no `Retry-After` header at all. */
    retryAfterSeconds: v.optional(nonNegativeInteger),
    /** `seconds` (default) → `Retry-After: 30`; `http-date` → `now() + seconds` as an HTTP-date. */
    retryAfterFormat: v.optional(v.picklist(['seconds', 'http-date'])),
    delayMs,
  }),
  v.strictObject({
    kind: v.literal('server_error'),
    status: v.optional(v.pipe(nonNegativeInteger, v.minValue(500), v.maxValue(599))),
    delayMs,
  }),
  /** Ocean: the "No such user…" envelope for an address the model knows. */
  v.strictObject({
    kind: v.literal('unknown_user'),
    status: v.optional(v.picklist([200, 404])),
    delayMs,
  }),
  /** Braiins: 403 text/plain even for a valid token (a revoked token). */
  v.strictObject({ kind: v.literal('forbidden'), delayMs }),
  /** The normal answer, late. */
  v.strictObject({ kind: v.literal('slow'), delayMs: nonNegativeInteger }),
  /** Never answers; the connection is closed by `close()`. */
  v.strictObject({ kind: v.literal('hang') }),
  /**
   * The normal body cut in half. Default: a complete HTTP message whose JSON is cut;
   * `abort: true` announces the full length, sends half and resets the connection.
   */
  v.strictObject({ kind: v.literal('truncated'), abort: v.optional(v.boolean()), delayMs }),
  /** A 2xx (or `status`) whose body is not JSON, by default an HTML maintenance page. */
  v.strictObject({
    kind: v.literal('non_json'),
    status: v.optional(v.pipe(nonNegativeInteger, v.minValue(100), v.maxValue(599))),
    body: v.optional(v.string()),
    contentType: v.optional(v.string()),
    delayMs,
  }),
  /** HTTP 200 with an empty body. */
  v.strictObject({ kind: v.literal('empty_body'), delayMs }),
  /** The account exists but has nothing: no workers, zero hash rates, no earnings or payouts. */
  v.strictObject({ kind: v.literal('empty_account'), delayMs }),
])

export type Fault = v.InferOutput<typeof faultSchema>
export type FaultKind = Fault['kind']

/** Schema of one fault rule for a pool with the given endpoint names. */
export function faultRuleSchema<const E extends readonly [string, ...string[]]>(endpoints: E) {
  const endpoint = v.picklist(endpoints)
  return v.strictObject({
    /** Which endpoint(s) the fault hits; omitted or `'*'` → every endpoint. */
    endpoint: v.optional(v.union([v.literal('*'), endpoint, v.array(endpoint)])),
    /** Only the next N matching requests; omitted → until the scenario changes. */
    times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    fault: faultSchema,
  })
}

export type FaultRule<E extends string> = {
  endpoint?: '*' | E | E[] | undefined
  times?: number | undefined
  fault: Fault
}

/**
 * The active fault rules with their remaining counts. The first rule that matches the endpoint
 * and still has requests left applies (and uses one up).
 */
export function createFaultBook<E extends string>(rules: readonly FaultRule<E>[]) {
  const entries = rules.map((rule) => ({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }))

  function matches(rule: FaultRule<E>, endpoint: string): boolean {
    const target = rule.endpoint ?? '*'
    if (target === '*') return true
    return Array.isArray(target) ? target.includes(endpoint as E) : target === endpoint
  }

  return {
    /** The fault for this request, if any; consumes one use of a `times`-limited rule. */
    take(endpoint: string): Fault | null {
      const entry = entries.find((e) => e.remaining > 0 && matches(e.rule, endpoint))
      if (entry === undefined) return null
      entry.remaining -= 1
      return entry.rule.fault
    },
    /** Appends a rule (it applies after the rules already present). */
    add(rule: FaultRule<E>): void {
      entries.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY })
    },
    /** Rules that can still fire, with what is left of their count. */
    pending(): Array<{ rule: FaultRule<E>; remaining: number }> {
      return entries.filter((e) => e.remaining > 0).map((e) => ({ ...e }))
    },
  }
}

export type FaultBook<E extends string> = ReturnType<typeof createFaultBook<E>>

/**
 * The scenario a simulator runs and its fault book, both replaceable at run time (every pool
 * module keeps them the same way). `parse` validates a scenario and names a bad field.
 */
export function createScenarioState<
  E extends string,
  S extends { faults?: readonly FaultRule<E>[] | undefined },
>(parse: (input: unknown) => S, initial: unknown) {
  let scenario = parse(initial)
  let faults = createFaultBook<E>(scenario.faults ?? [])
  return {
    current: (): S => scenario,
    /** The fault for this request, if any (see `createFaultBook`). */
    takeFault: (endpoint: string): Fault | null => faults.take(endpoint),
    /** Replaces the whole scenario: data mode, switches, and fault rules with fresh counts. */
    setScenario(next: unknown): void {
      scenario = parse(next)
      faults = createFaultBook<E>(scenario.faults ?? [])
    },
    /** Appends one fault rule, validated like a scenario's, to the current scenario. */
    addFault(rule: unknown): void {
      const checked = parse({ faults: [rule] }).faults?.[0]
      if (checked !== undefined) faults.add(checked)
    },
  }
}
