import * as v from 'valibot'
import { SimulatorOptionsError } from '../core/errors.ts'
import { createScenarioState, faultRuleSchema } from '../core/faults.ts'
import { unixSeconds, utcDayStart } from '../core/format.ts'
import { baseOptionsSchema, defaultTimers, parseOrThrow } from '../core/options.ts'
import { jsonReply, replyFor, textReply } from '../core/replies.ts'
import {
  type Reply,
  type Routed,
  type SimRequest,
  type SimulatorControls,
  startHttpShell,
} from '../core/server.ts'
import { braiinsReferenceResponses } from './fixtures.ts'
import { type BraiinsAccount, type BraiinsWorker, createBraiinsModel } from './model.ts'
import { TOKEN_HEADERS, tokenTag } from './token.ts'

export const BRAIINS_ENDPOINTS = ['profile', 'workers', 'rewards', 'payouts', 'stats'] as const
export type BraiinsEndpoint = (typeof BRAIINS_ENDPOINTS)[number]

export const DEFAULT_BRAIINS_USERNAME = 'miner_alice'
/** The simulator's default token. It is fake: it opens nothing but this simulator. */
export const DEFAULT_BRAIINS_TOKEN = 'sim-braiins-token-0123456789abcdef'

const PATHS: Record<string, BraiinsEndpoint> = {
  '/accounts/profile/json/btc': 'profile',
  '/accounts/workers/json/btc': 'workers',
  '/accounts/rewards/json/btc': 'rewards',
  '/accounts/payouts/json/btc': 'payouts',
  '/stats/json/btc': 'stats',
}

/** The reference's account: ok, low, off and disabled workers (the last never shared). */
export function defaultBraiinsAccounts(nowMs: number): BraiinsAccount[] {
  return [
    {
      username: DEFAULT_BRAIINS_USERNAME,
      workers: [
        { name: 's21', hashrateThs: 89.31, state: 'ok' },
        { name: 's19', hashrateThs: 11.92, state: 'low' },
        { name: 'bitaxe', hashrateThs: 0, state: 'off', lastShareAt: nowMs - 3 * 86_400_000 },
        { name: '[auto]', hashrateThs: 0, state: 'dis', lastShareAt: null },
      ],
    },
  ]
}

const rateLimitSchema = v.strictObject({
  intervalMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /**
   * `off` (default): no limit. `synthetic-429`: over-limit requests get a 429 — synthetic,
   * Braiins documents none. `drop`: over-limit requests are never answered (the documented
   * "ignored"), i.e. they hang until the client gives up or the simulator closes.
   */
  mode: v.picklist(['off', 'synthetic-429', 'drop']),
})
export type BraiinsRateLimit = v.InferInput<typeof rateLimitSchema>

export const braiinsScenarioSchema = v.strictObject({
  /** `model` (default): generated; `reference`: the examples of pool-apis.md §2.3. */
  data: v.optional(v.picklist(['model', 'reference'])),
  faults: v.optional(v.array(faultRuleSchema(BRAIINS_ENDPOINTS))),
  /** Emit this `hash_rate_unit`; Gh/s, Th/s, Ph/s convert the numbers, any other label leaves them in Gh/s. */
  hashRateUnit: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** Workers in state ok are reported as upper-case "OK" (seen in a 2021 consumer's output). */
  upperCaseOkState: v.optional(v.boolean()),
  /** Order of daily_rewards (undocumented by Braiins). Default newest first. */
  rewardsOrder: v.optional(v.picklist(['newest_first', 'oldest_first'])),
  /** Overrides the simulator's rate limit while this scenario is active. */
  rateLimit: v.optional(rateLimitSchema),
})
export type BraiinsScenario = v.InferInput<typeof braiinsScenarioSchema>

// Custom messages: valibot's defaults would quote the offending token.
const tokenSchema = v.pipe(
  v.string('a token must be a string'),
  v.regex(/^[\x21-\x7e]+$/, 'a token must be non-empty printable ASCII without spaces'),
)

const accountSchema = v.strictObject({
  username: v.pipe(
    v.string(),
    v.regex(/^[^\s./]+$/, 'must be non-empty without ".", "/" or spaces'),
  ),
  workers: v.array(
    v.strictObject({
      name: v.pipe(v.string(), v.regex(/^[^\s/]+$/, 'must be non-empty without "/" or spaces')),
      hashrateThs: v.pipe(v.number(), v.finite(), v.minValue(0)),
      state: v.optional(v.picklist(['ok', 'low', 'off', 'dis'])),
      lastShareAt: v.optional(v.nullable(v.pipe(v.number(), v.finite()))),
    }),
  ),
})

const braiinsOptionsSchema = v.strictObject({
  ...baseOptionsSchema,
  accounts: v.optional(v.pipe(v.array(accountSchema), v.minLength(1))),
  /** Valid token → username. Default `{ [DEFAULT_BRAIINS_TOKEN]: first account }`. */
  tokens: v.optional(
    v.pipe(
      v.record(v.string(), v.string()),
      v.check((record) => Object.keys(record).every((t) => v.is(tokenSchema, t)), 'invalid token'),
    ),
  ),
  rateLimit: v.optional(rateLimitSchema),
  scenario: v.optional(v.unknown()),
  /** ms; daily reward history starts the day after. Default: 40 days before start. */
  historyStart: v.optional(v.pipe(v.number(), v.finite())),
  /** Balance that triggers an on-chain payout. Default 500 000 sats (Braiins' min free payout). */
  payoutThresholdSats: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
})
export type BraiinsSimulatorOptions = Omit<
  v.InferInput<typeof braiinsOptionsSchema>,
  'scenario'
> & { scenario?: BraiinsScenario }

export type BraiinsSimulator = SimulatorControls<BraiinsEndpoint, BraiinsScenario> & {
  /** The first valid token (fake; for the client under test). */
  token(): string
  tokens(): string[]
  /** The first account's username. */
  username(): string
  /**
   * Changes a worker as the pool sees it from now on, e.g. `{ state: 'off' }` when a miner
   * stops sharing (its last share becomes now) or `{ state: 'ok' }` when it comes back. Throws
   * SimulatorOptionsError for an unknown worker.
   */
  setWorker(
    name: string,
    changes: { state?: BraiinsWorker['state']; hashrateThs?: number },
    username?: string,
  ): void
}

const UNIT_FACTORS: Record<string, number> = { 'Gh/s': 1, 'Th/s': 1e-3, 'Ph/s': 1e-6 }

/** Relabels `hash_rate_unit` in every object carrying one and, for known units, converts its numbers. */
function presentHashRates(payload: unknown, unit: string): unknown {
  const factor = UNIT_FACTORS[unit]
  const walk = (value: unknown, scale: number | undefined): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, scale))
    if (value === null || typeof value !== 'object') return value
    const record = value as Record<string, unknown>
    const inner = 'hash_rate_unit' in record ? factor : scale
    const out: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(record)) {
      if (key === 'hash_rate_unit') out[key] = unit
      else if (inner !== undefined && typeof field === 'number' && key.includes('hash_rate')) {
        out[key] = Math.round(field * inner * 1e6) / 1e6
      } else out[key] = walk(field, inner)
    }
    return out
  }
  return walk(payload, undefined)
}

function upperCaseOk(workersPayload: unknown): unknown {
  const btc = (workersPayload as { btc: { workers: Record<string, Record<string, unknown>> } }).btc
  const workers = Object.fromEntries(
    Object.entries(btc.workers).map(([key, worker]) => [
      key,
      worker.state === 'ok' ? { ...worker, state: 'OK' } : worker,
    ]),
  )
  return { btc: { ...btc, workers } }
}

/** `YYYY-MM-DD` → unix seconds of that UTC midnight, or null. */
function parseDay(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null
  const ms = Date.parse(`${text}T00:00:00Z`)
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? null : ms / 1000
}

/** Starts a fake Braiins Pool API on loopback. */
export async function startBraiinsSimulator(
  options: BraiinsSimulatorOptions = {},
): Promise<BraiinsSimulator> {
  const parsed = parseOrThrow(braiinsOptionsSchema, options, 'options')
  const now = parsed.now ?? Date.now
  const startedAt = now()
  const accounts = parsed.accounts ?? defaultBraiinsAccounts(startedAt)
  const byUsername = new Map(accounts.map((account) => [account.username, account]))
  const firstUsername = accounts[0]?.username ?? DEFAULT_BRAIINS_USERNAME
  const tokenToUser = new Map(
    Object.entries(parsed.tokens ?? { [DEFAULT_BRAIINS_TOKEN]: firstUsername }),
  )
  for (const username of tokenToUser.values()) {
    if (!byUsername.has(username)) {
      throw new SimulatorOptionsError(
        `options.tokens: a token maps to unknown username '${username}'`,
      )
    }
  }
  const model = createBraiinsModel({
    seed: parsed.seed ?? 1,
    historyStartSeconds:
      parsed.historyStart === undefined
        ? utcDayStart(unixSeconds(startedAt)) - 40 * 86_400
        : unixSeconds(parsed.historyStart),
    payoutThresholdSats: parsed.payoutThresholdSats ?? 500_000,
  })
  const baseRateLimit = {
    intervalMs: parsed.rateLimit?.intervalMs ?? 5000,
    mode: parsed.rateLimit?.mode ?? 'off',
  }

  const parseScenario = (input: unknown) => {
    const scenario = parseOrThrow(braiinsScenarioSchema, input ?? {}, 'scenario')
    scenario.faults?.forEach((rule, i) => {
      if (rule.fault.kind === 'unknown_user') {
        throw new SimulatorOptionsError(
          `scenario.faults.${i}.fault.kind: 'unknown_user' is an Ocean fault; use 'forbidden' for Braiins`,
        )
      }
    })
    return scenario
  }
  const state = createScenarioState<BraiinsEndpoint, ReturnType<typeof parseScenario>>(
    parseScenario,
    options.scenario,
  )
  const scenario = state.current
  const lastServed = new Map<string, number>()

  const forbidden = () => textReply(403, 'Forbidden')

  function present(endpoint: BraiinsEndpoint, payload: unknown): Reply {
    let out = payload
    if (endpoint === 'workers' && scenario().upperCaseOkState === true) out = upperCaseOk(out)
    const unit = scenario().hashRateUnit
    if (unit !== undefined) out = presentHashRates(out, unit)
    return jsonReply(200, out)
  }

  function normalReply(
    endpoint: BraiinsEndpoint,
    query: URLSearchParams,
    known: BraiinsAccount,
    empty: boolean,
  ): Reply {
    if ((scenario().data ?? 'model') === 'reference' && !empty) {
      return present(endpoint, braiinsReferenceResponses[endpoint])
    }
    const account = empty ? { ...known, workers: [] } : known
    const nowSeconds = unixSeconds(now())
    const today = utcDayStart(nowSeconds)
    const from = query.get('from')
    const to = query.get('to')
    const fromDay = from === null ? null : parseDay(from)
    const toDay = to === null ? null : parseDay(to)
    if ((from !== null && fromDay === null) || (to !== null && toDay === null)) {
      // Braiins' answer to a malformed date is undocumented; the simulator's choice is a 400.
      return textReply(400, 'Invalid date: expected YYYY-MM-DD')
    }
    switch (endpoint) {
      case 'profile':
        return present(endpoint, {
          username: account.username,
          btc: model.profile(account, nowSeconds),
        })
      case 'workers':
        return present(endpoint, { btc: model.workers(account, nowSeconds) })
      case 'rewards': {
        // Default: the last 90 days; `to` is inclusive (whole UTC day).
        const rewards = model.dailyRewards(
          account,
          nowSeconds,
          fromDay ?? today - 90 * 86_400,
          toDay ?? today,
        )
        if ((scenario().rewardsOrder ?? 'newest_first') === 'newest_first') rewards.reverse()
        return present(endpoint, { btc: { daily_rewards: rewards } })
      }
      case 'payouts':
        return present(
          endpoint,
          model.payouts(
            account,
            nowSeconds,
            fromDay ?? 0,
            (toDay ?? Number.MAX_SAFE_INTEGER - 86_400) + 86_399,
          ),
        )
      case 'stats':
        return present(endpoint, { btc: model.stats(nowSeconds) })
    }
  }

  function presentedToken(request: SimRequest): string | undefined {
    for (const name of TOKEN_HEADERS) {
      const value = request.headers[name]
      if (typeof value === 'string') return value
    }
    return undefined
  }

  function handle(request: SimRequest): Routed {
    const endpoint = PATHS[request.path.replace(/\/$/, '')]
    const token = presentedToken(request)
    const tag = token === undefined ? {} : { token: tokenTag(token) }
    if (endpoint === undefined || request.method !== 'GET') {
      const status = endpoint === undefined ? 404 : 405
      return {
        endpoint: endpoint ?? 'unknown',
        ...tag,
        reply: textReply(status, status === 404 ? 'Not Found' : 'Method Not Allowed'),
      }
    }
    const username = token === undefined ? undefined : tokenToUser.get(token)
    const account = username === undefined ? undefined : byUsername.get(username)
    if (token === undefined || account === undefined)
      return { endpoint, ...tag, reply: forbidden() }

    const limit = {
      intervalMs: scenario().rateLimit?.intervalMs ?? baseRateLimit.intervalMs,
      mode: scenario().rateLimit?.mode ?? baseRateLimit.mode,
    }
    const key = tokenTag(token)
    const at = now()
    const previous = lastServed.get(key)
    if (limit.mode !== 'off' && previous !== undefined && at - previous < limit.intervalMs) {
      if (limit.mode === 'drop') return { endpoint, ...tag, reply: { kind: 'hang' } }
      // Synthetic: Braiins documents no 429; this one tells the client when the window reopens.
      const wait = Math.ceil((limit.intervalMs - (at - previous)) / 1000)
      return {
        endpoint,
        ...tag,
        reply: textReply(429, 'Too Many Requests (synthetic)', { 'retry-after': String(wait) }),
      }
    }
    lastServed.set(key, at)

    const reply = replyFor(state.takeFault(endpoint), {
      now,
      normal: () => normalReply(endpoint, request.query, account, false),
      serverError: (status) => textReply(status, 'Internal Server Error'),
      poolFaults: {
        forbidden: () => forbidden(),
        empty_account: () => normalReply(endpoint, request.query, account, true),
      },
    })
    return { endpoint, ...tag, reply }
  }

  const shell = await startHttpShell({
    host: parsed.host ?? '127.0.0.1',
    port: parsed.port ?? 0,
    now,
    timers: defaultTimers(parsed.setTimeout, parsed.clearTimeout),
    handle,
  })

  const tokens = [...tokenToUser.keys()]
  return {
    ...shell,
    setScenario: state.setScenario,
    addFault: state.addFault,
    token: () => tokens[0] ?? DEFAULT_BRAIINS_TOKEN,
    tokens: () => [...tokens],
    username: () => firstUsername,
    setWorker(name, changes, username = firstUsername) {
      const worker = byUsername.get(username)?.workers.find((candidate) => candidate.name === name)
      if (!worker) {
        throw new SimulatorOptionsError(`setWorker: no worker '${name}' in account '${username}'`)
      }
      const wasHashing = worker.state !== 'off' && worker.state !== 'dis' && worker.hashrateThs > 0
      if (changes.hashrateThs !== undefined) worker.hashrateThs = Math.max(0, changes.hashrateThs)
      if (changes.state !== undefined) worker.state = changes.state
      const hashing = worker.state !== 'off' && worker.state !== 'dis' && worker.hashrateThs > 0
      // A worker that stops sharing last shared now.
      if (wasHashing && !hashing) worker.lastShareAt = now()
    },
  }
}
