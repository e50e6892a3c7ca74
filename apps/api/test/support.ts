import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AdapterDefinition, AnyAdapterDefinition, Platform } from '@edge-mining/domain'
import {
  type Freshness,
  hashRate,
  type MiningPerformanceTrackerPort,
  payoutSchedule,
  poolStats,
  systemPlatform,
  type TrackerCallOptions,
} from '@edge-mining/domain'
import { openRuntime, shippedAdapterDefinitions } from '@edge-mining/runtime'
import { createConsola, type LogObject } from 'consola'
import * as v from 'valibot'
import { onTestFinished } from 'vitest'
import { type CreateAppOptions, createApp } from '../src/index'

/** A log sink: every line consola would print, as text plus the structured fields. */
export function captureLogs() {
  const entries: LogObject[] = []
  const logger = createConsola({
    level: 5,
    reporters: [{ log: (entry) => void entries.push(entry) }],
  })
  const lines = () =>
    entries.map(
      (entry) =>
        `${entry.type} ${entry.args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')} ${JSON.stringify(entry)}`,
    )
  return { logger, entries, lines }
}

/**
 * A scripted pool for the error map: `braiins_pool`-typed (so it has a secret `api_token`) and
 * answering with whatever `behaviour` says — a value, a thrown domain error, or a stale read.
 */
export function scriptedPool() {
  let behaviour: { error?: Error; freshness?: Freshness; empty?: boolean } = {}
  const answer = async <T>(value: T, options?: TrackerCallOptions): Promise<T> => {
    if (behaviour.error) throw behaviour.error
    if (behaviour.freshness) options?.onFreshness?.(behaviour.freshness)
    return value
  }
  const port: MiningPerformanceTrackerPort = {
    getCurrentHashrate: (options) => answer(hashRate(100), options),
    getPoolStats: (options) =>
      answer(
        behaviour.empty
          ? null
          : poolStats({ current_hashrate: hashRate(100), timestamp: '2026-08-20T10:00:00Z' }),
        options,
      ),
    getWorkerStats: (options) => answer([], options),
    getRecentRewards: (_limit, options) => answer([], options),
    getPayoutSchedule: (options) =>
      answer(behaviour.empty ? null : payoutSchedule({ frequency: 'threshold' }), options),
  }
  const definition: AdapterDefinition<'mining_performance_tracker'> = {
    kind: 'mining_performance_tracker',
    type: 'braiins_pool',
    label: 'Scripted pool',
    configSchema: v.strictObject({
      api_token: v.pipe(v.string(), v.minLength(1)),
      api_base_url: v.optional(v.string(), 'https://pool.example'),
    }),
    secretFields: ['api_token'],
    create: () => port,
  }
  return {
    definition,
    set(next: typeof behaviour) {
      behaviour = next
    },
  }
}

/**
 * The app over a real runtime: SQLite in memory, a temporary policy folder, the shipped adapters
 * with the Braiins tracker replaced by the scripted pool. Closed when the test finishes.
 */
export function makeApp(
  options: Partial<CreateAppOptions> & {
    env?: Record<string, string>
    platform?: Platform
    /** Made-up adapter definitions offered beside the shipped ones. */
    adapters?: AnyAdapterDefinition[]
  } = {},
) {
  const pool = scriptedPool()
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-api-test-'))
  const logs = captureLogs()
  const runtime = openRuntime({
    env: { DB_PATH: ':memory:', POLICIES_DIR: join(folder, 'policies'), ...options.env },
    logger: logs.logger,
    ...(options.platform ? { platform: options.platform } : {}),
    adapters: ({ cache }) => [
      ...shippedAdapterDefinitions({ cache }).filter(
        (definition) =>
          definition.kind !== 'mining_performance_tracker' || definition.type === 'dummy',
      ),
      pool.definition,
      ...(options.adapters ?? []),
    ],
  })
  onTestFinished(async () => {
    await runtime.close()
    rmSync(folder, { recursive: true, force: true })
  })
  const { services } = runtime
  const { env: _env, platform: _platform, adapters: _adapters, ...appOptions } = options
  const app = createApp({
    services,
    loop: {
      loop: runtime.loop,
      runCycle: () => runtime.loop.runCycle(),
      now: () => runtime.platform.now(),
    },
    cacheStats: () => ({ ...runtime.cache.stats() }),
    logger: logs.logger,
    ...appOptions,
  })
  const request = async (path: string, init?: RequestInit): Promise<LooseResponse> =>
    app.request(path, init)
  const json = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    request(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
  return { app, request, runtime, services, trackers: services.trackers, pool, logs, json, folder }
}

export const TRACKERS = '/api/v1/mining-performance-trackers'

/** A parsed JSON answer: tests check its fields one by one against the reference. */
// biome-ignore lint/suspicious/noExplicitAny: bodies are asserted field by field
export type Loose = any

/** A Response whose `json()` is loosely typed. */
export type LooseResponse = Omit<Response, 'json' | 'clone'> & {
  json(): Promise<Loose>
  clone(): LooseResponse
}

/**
 * A platform whose wall clock stands still until moved: the dummy adapters take all their time
 * from it, so readings are deterministic. Timers and ids are the process's own.
 */
export function fixedClock(iso: string) {
  let now = Date.parse(iso)
  const platform: Platform = { ...systemPlatform(), now: () => now }
  return {
    platform,
    advance(ms: number) {
      now += ms
    },
  }
}
