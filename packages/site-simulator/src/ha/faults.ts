import * as v from 'valibot'

/** The fake HA's endpoints, as the request log and fault rules name them. */
export const HA_ENDPOINTS = [
  'api',
  'config',
  'states',
  'state',
  'services',
  'call_service',
] as const
export type HaEndpoint = (typeof HA_ENDPOINTS)[number]

const delayMs = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)))

/**
 * Faults of the whole API, per request. `delayMs` holds any answer back that long (simulated
 * ms, through the simulator's clock) before it is sent.
 */
export const HaFaultSchema = v.variant('kind', [
  /** The normal answer, late. */
  v.strictObject({
    kind: v.literal('slow'),
    delayMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  /** Never answers (the connection stays open until the client gives up or `close()`). */
  v.strictObject({ kind: v.literal('hang') }),
  /** HA is down: the connection is reset without an answer. */
  v.strictObject({ kind: v.literal('down') }),
  /** A 5xx, as aiohttp (500) or a reverse proxy in front of a restarting HA (502/503) answers. */
  v.strictObject({
    kind: v.literal('server_error'),
    status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(500), v.maxValue(599))),
    delayMs,
  }),
  /** A 2xx whose body is not JSON (by default a captive-portal HTML page). */
  v.strictObject({
    kind: v.literal('garbage'),
    status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(299))),
    body: v.optional(v.string()),
    contentType: v.optional(v.string()),
    delayMs,
  }),
  /** The normal JSON, cut in half. */
  v.strictObject({ kind: v.literal('truncated'), delayMs }),
  /** 401 whatever the token (a revoked long-lived token). */
  v.strictObject({ kind: v.literal('unauthorized'), delayMs }),
])
export type HaFault = v.InferOutput<typeof HaFaultSchema>

export const HaFaultRuleSchema = v.strictObject({
  /** Which endpoint(s); omitted or `'*'` → all. */
  endpoint: v.optional(
    v.union([v.literal('*'), v.picklist(HA_ENDPOINTS), v.array(v.picklist(HA_ENDPOINTS))]),
  ),
  /** Only requests about this entity (`state`, `call_service` with it in `entity_id`). */
  entity: v.optional(v.string()),
  /** Only the next N matching requests; omitted → until the rules are replaced. */
  times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  fault: HaFaultSchema,
})
export type HaFaultRule = v.InferInput<typeof HaFaultRuleSchema>

interface Entry {
  rule: v.InferOutput<typeof HaFaultRuleSchema>
  remaining: number
}

/** The active fault rules; the first that matches a request and has uses left applies. */
export function createFaultBook() {
  let entries: Entry[] = []
  const matches = (entry: Entry, endpoint: HaEndpoint, entities: readonly string[]) => {
    const target = entry.rule.endpoint ?? '*'
    const endpointOk =
      target === '*' || (Array.isArray(target) ? target.includes(endpoint) : target === endpoint)
    const entityOk = entry.rule.entity === undefined || entities.includes(entry.rule.entity)
    return endpointOk && entityOk
  }
  return {
    take(endpoint: HaEndpoint, entities: readonly string[]): HaFault | null {
      const entry = entries.find((e) => e.remaining > 0 && matches(e, endpoint, entities))
      if (!entry) return null
      entry.remaining -= 1
      return entry.rule.fault
    },
    add(rule: v.InferOutput<typeof HaFaultRuleSchema>): void {
      entries.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY })
    },
    replace(rules: readonly v.InferOutput<typeof HaFaultRuleSchema>[]): void {
      entries = rules.map((rule) => ({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }))
    },
    pending: () => entries.filter((e) => e.remaining > 0).map((e) => ({ ...e.rule })),
  }
}
