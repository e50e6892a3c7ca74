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
import { oceanCapturedResponses, oceanReferenceResponses } from './fixtures.ts'
import { createOceanModel, type OceanAccount } from './model.ts'

export const OCEAN_ENDPOINTS = [
  'statsnap',
  'user_hashrate',
  'user_hashrate_full',
  'earnpay',
  'pool_stat',
  'ping',
] as const
export type OceanEndpoint = (typeof OCEAN_ENDPOINTS)[number]

/** A BIP-173 example address (valid bech32 character set and length). */
export const DEFAULT_OCEAN_ADDRESS = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh'

/** The reference's small miner: ≈200 TH/s in two workers. */
export const DEFAULT_OCEAN_ACCOUNTS: OceanAccount[] = [
  {
    address: DEFAULT_OCEAN_ADDRESS,
    workers: [
      { name: 's21-rack1', hashrateThs: 190 },
      { name: 'bitaxe-desk', hashrateThs: 10 },
    ],
  },
]

export const NO_SUCH_USER = 'No such user or user has no active workers'
const THIRTY_DAYS = 2_592_000

export const oceanScenarioSchema = v.strictObject({
  /** `model` (default): generated from the miners model; `reference`: pool-apis.md §1.3 examples; `captured`: the live captures. */
  data: v.optional(v.picklist(['model', 'reference', 'captured'])),
  faults: v.optional(v.array(faultRuleSchema(OCEAN_ENDPOINTS))),
  /** Status of the "No such user…" envelope. Default 200 (Ocean's status is not established). */
  unknownAddressStatus: v.optional(v.picklist([200, 404])),
  /** Model payouts: `generation` (default, in the block's coinbase) or `wallet` (`is_generation_txn: false`, hours later). */
  payoutKind: v.optional(v.picklist(['generation', 'wallet'])),
  /** `/v1/ping`: `{"result":"PONG"}` (default) or a bare `PONG` text body. */
  pingFormat: v.optional(v.picklist(['json', 'text'])),
})
export type OceanScenario = v.InferInput<typeof oceanScenarioSchema>

const accountSchema = v.strictObject({
  address: v.pipe(v.string(), v.regex(/^[A-Za-z0-9]+$/, 'must be letters and digits only')),
  workers: v.array(
    v.strictObject({
      name: v.pipe(
        v.string(),
        v.regex(/^[^/.\s]+$/, 'must be non-empty without "/", "." or spaces'),
      ),
      hashrateThs: v.pipe(v.number(), v.finite(), v.minValue(0)),
    }),
  ),
})

const oceanOptionsSchema = v.strictObject({
  ...baseOptionsSchema,
  accounts: v.optional(v.pipe(v.array(accountSchema), v.minLength(1))),
  scenario: v.optional(v.unknown()),
  /** ms; reward history (earnings, payouts) starts here. Default: the UTC day 40 days before start. */
  historyStart: v.optional(v.pipe(v.number(), v.finite())),
  /** One block found per interval (seconds), at a seeded moment. Default 28 800 (8 h). */
  blockIntervalSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60))),
  /** Default 1 048 576 sats (Ocean's on-chain minimum payout). */
  payoutThresholdSats: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
})
export type OceanSimulatorOptions = Omit<v.InferInput<typeof oceanOptionsSchema>, 'scenario'> & {
  scenario?: OceanScenario
}

export type OceanSimulator = SimulatorControls<OceanEndpoint, OceanScenario> & {
  /** The first account's payout address. */
  address(): string
  addresses(): string[]
}

function parseScenario(input: unknown) {
  const scenario = parseOrThrow(oceanScenarioSchema, input ?? {}, 'scenario')
  scenario.faults?.forEach((rule, i) => {
    if (rule.fault.kind === 'forbidden') {
      throw new SimulatorOptionsError(
        `scenario.faults.${i}.fault.kind: 'forbidden' is a Braiins fault; Ocean has no auth (use 'unknown_user')`,
      )
    }
  })
  return scenario
}

/** Parses an earnpay bound: unix seconds, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` (UTC). */
export function parseEarnpayTime(text: string): number | null {
  if (/^\d{1,12}$/.test(text)) return Number(text)
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/.exec(text)
  if (match === null) return null
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0))
  const ms = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0)
  // Reject dates that Date.UTC silently rolls over (2026-02-30, 25:00:00).
  const iso = new Date(ms).toISOString()
  const expected = `${text.slice(0, 10)}T${match[4] === undefined ? '00:00:00' : text.slice(11)}`
  return iso.startsWith(expected) ? ms / 1000 : null
}

/** Starts a fake Ocean.xyz API (`/v1/...`) on loopback. */
export async function startOceanSimulator(
  options: OceanSimulatorOptions = {},
): Promise<OceanSimulator> {
  const parsed = parseOrThrow(oceanOptionsSchema, options, 'options')
  const now = parsed.now ?? Date.now
  const accounts = parsed.accounts ?? DEFAULT_OCEAN_ACCOUNTS
  const byAddress = new Map(accounts.map((account) => [account.address, account]))
  const firstAddress = accounts[0]?.address ?? DEFAULT_OCEAN_ADDRESS
  const model = createOceanModel({
    seed: parsed.seed ?? 1,
    historyStartSeconds:
      parsed.historyStart === undefined
        ? utcDayStart(unixSeconds(now())) - 40 * 86_400
        : unixSeconds(parsed.historyStart),
    blockIntervalSeconds: parsed.blockIntervalSeconds ?? 28_800,
    payoutThresholdSats: parsed.payoutThresholdSats ?? 1_048_576,
  })

  const state = createScenarioState<OceanEndpoint, ReturnType<typeof parseScenario>>(
    parseScenario,
    options.scenario,
  )
  const scenario = state.current

  const headers = { 'access-control-allow-origin': '*' }
  const result = (payload: unknown) => jsonReply(200, { result: payload }, headers)
  const noSuchUser = (status?: 200 | 404) =>
    jsonReply(status ?? scenario().unknownAddressStatus ?? 200, { error: NO_SUCH_USER }, headers)

  function route(path: string): { endpoint: OceanEndpoint; args: string[] } | null {
    const parts = path.replace(/\/$/, '').split('/').slice(1)
    if (parts[0] !== 'v1') return null
    const [name, ...args] = parts.slice(1)
    const decoded = args.map((arg) => decodeURIComponent(arg))
    switch (name) {
      case 'pool_stat':
      case 'ping':
        return args.length === 0 ? { endpoint: name, args: [] } : null
      case 'statsnap':
      case 'user_hashrate':
      case 'user_hashrate_full':
        return args.length === 1 ? { endpoint: name, args: decoded } : null
      case 'earnpay':
        return args.length >= 1 && args.length <= 3 ? { endpoint: name, args: decoded } : null
      default:
        return null
    }
  }

  function normalReply(endpoint: OceanEndpoint, args: string[], empty: boolean): Reply {
    if (endpoint === 'ping') {
      return scenario().pingFormat === 'text' ? textReply(200, 'PONG', headers) : result('PONG')
    }
    const data = scenario().data ?? 'model'
    const nowSeconds = unixSeconds(now())
    if (endpoint === 'pool_stat') {
      if (data === 'reference') return jsonReply(200, oceanReferenceResponses.pool_stat, headers)
      if (data === 'captured') return jsonReply(200, oceanCapturedResponses.pool_stat, headers)
      return result(model.poolStat(nowSeconds))
    }
    const [user = '', startText, endText] = args
    const [address = '', workerName] = endpoint === 'statsnap' ? user.split('.', 2) : [user]
    const known = byAddress.get(address)
    if (known === undefined) return noSuchUser()
    if (workerName !== undefined && !known.workers.some((w) => w.name === workerName)) {
      return noSuchUser()
    }
    const account = empty ? { ...known, workers: [] } : known
    if (data !== 'model' && !empty) {
      const fixtures = data === 'reference' ? oceanReferenceResponses : oceanCapturedResponses
      return jsonReply(200, fixtures[endpoint], headers)
    }
    switch (endpoint) {
      case 'statsnap':
        return result(model.statsnap(account, nowSeconds, workerName))
      case 'user_hashrate':
        return result(model.userHashrate(account, nowSeconds))
      case 'user_hashrate_full':
        return result(model.userHashrateFull(account, nowSeconds))
      case 'earnpay': {
        const start =
          startText === undefined ? nowSeconds - THIRTY_DAYS : parseEarnpayTime(startText)
        const endParsed = endText === undefined ? null : parseEarnpayTime(endText)
        if (start === null || (endText !== undefined && endParsed === null)) {
          // Ocean's answer to a malformed bound is unknown; the simulator's choice is a 400 envelope.
          return jsonReply(400, { error: 'Invalid start or end time' }, headers)
        }
        const end = endParsed ?? (startText === undefined ? nowSeconds : start + THIRTY_DAYS)
        return result(model.earnpay(account, nowSeconds, start, end, scenario().payoutKind))
      }
    }
  }

  function handle(request: SimRequest): Routed {
    const matched = request.method === 'GET' ? route(request.path) : null
    if (matched === null) {
      const status = request.method === 'GET' ? 404 : 405
      return {
        endpoint: 'unknown',
        reply: textReply(status, status === 404 ? 'Not Found' : 'Method Not Allowed', headers),
      }
    }
    const { endpoint, args } = matched
    const reply = replyFor(state.takeFault(endpoint), {
      now,
      normal: () => normalReply(endpoint, args, false),
      serverError: (status) => jsonReply(status, { error: 'Internal server error' }, headers),
      poolFaults: {
        unknown_user: (fault) =>
          noSuchUser(fault.kind === 'unknown_user' ? fault.status : undefined),
        empty_account: () => normalReply(endpoint, args, true),
      },
    })
    return { endpoint, reply }
  }

  const shell = await startHttpShell({
    host: parsed.host ?? '127.0.0.1',
    port: parsed.port ?? 0,
    now,
    timers: defaultTimers(parsed.setTimeout, parsed.clearTimeout),
    handle,
  })

  return {
    ...shell,
    setScenario: state.setScenario,
    addFault: state.addFault,
    address: () => firstAddress,
    addresses: () => accounts.map((account) => account.address),
  }
}
