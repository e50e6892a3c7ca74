import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { PassThrough } from 'node:stream'
import {
  type AdapterDefinition,
  type AnyAdapterDefinition,
  type MinerStatus,
  type Notification,
  silentLogger,
  systemPlatform,
} from '@edge-mining/domain'
import {
  createAdapterRegistry,
  createDecisionLoop,
  createMemoryLoopRepositories,
  createMemoryRepositories,
  createServices,
} from '@edge-mining/services'
import * as v from 'valibot'
import { onTestFinished } from 'vitest'
import type { Timers } from '../src/command-kit'
import { runCli } from '../src/run'
import { createTerminal } from '../src/terminal'
import type { Run } from './helpers'

/**
 * Made-up adapters of every kind, each with a secret field, for in-process runs of the CLI on
 * memory repositories: what the CLI shows of a secret must not depend on the shipped adapters.
 */
export const SECRET = 's3cret-value-never-shown'

const secret = (description: string) =>
  v.pipe(v.string(), v.minLength(8), v.description(description))

/** What the fake devices did, for assertions. */
export const sent: Notification[] = []

const HOUR = 3_600_000

const pool: AdapterDefinition<'mining_performance_tracker'> = {
  kind: 'mining_performance_tracker',
  type: 'fake_pool',
  label: 'Fake pool',
  configSchema: v.object({ api_key: secret('Pool API key') }),
  secretFields: ['api_key'],
  create: (_config, context) => {
    const at = () => new Date(context.platform.now()).toISOString()
    const rate = { value: 100, unit: 'TH/s' } as const
    const stats = () => ({
      current_hashrate: rate,
      average_hashrate_24h: rate,
      average_hashrate_7d: null,
      unpaid_balance: 50_000,
      estimated_next_payout: null,
      workers: [],
      last_share_at: at(),
      timestamp: at(),
    })
    return {
      getCurrentHashrate: async () => rate,
      getPoolStats: async () => stats(),
      getWorkerStats: async () => [],
      getRecentRewards: async () => [],
      getPayoutSchedule: async () => ({
        frequency: 'daily',
        threshold: 100_000,
        next_payout_at: new Date(context.platform.now() + HOUR).toISOString(),
      }),
    }
  },
}

/** One simulated miner per (controller, miner): on or off, as the last command left it. */
const statuses = new Map<string, MinerStatus>()

const controller: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: 'fake_miner',
  label: 'Fake miner',
  configSchema: v.object({
    password: secret('Device password'),
    host: v.optional(v.pipe(v.string(), v.description('Host')), 'miner.local'),
  }),
  secretFields: ['password'],
  features: ['status_monitoring', 'hashrate_monitoring', 'power_monitoring', 'mining_control'],
  create: (_config, context) => {
    const key = context.miner?.id ?? 'test'
    const status = () => statuses.get(key) ?? 'off'
    return {
      getStatus: async () => status(),
      getHashrate: async () => (status() === 'on' ? { value: 13.5, unit: 'TH/s' } : null),
      getPower: async () => (status() === 'on' ? 1350 : 5),
      startMining: async () => {
        statuses.set(key, 'on')
      },
      stopMining: async () => {
        statuses.set(key, 'off')
      },
    }
  },
}

const meter: AdapterDefinition<'energy_monitor'> = {
  kind: 'energy_monitor',
  type: 'fake_meter',
  label: 'Fake meter',
  configSchema: v.object({ token: secret('Meter token') }),
  secretFields: ['token'],
  create: (_config, context) => ({
    getCurrentEnergyState: async () => ({
      production: 3500,
      consumption: { current_power: 400 },
      battery: { state_of_charge: 80, remaining_capacity: 8000, current_power: 200 },
      grid: { current_power: -2000 },
      external_source: null,
      timestamp: new Date(context.platform.now()).toISOString(),
    }),
  }),
}

/** Named as the forecast a solar source accepts (domain's FORECAST_TYPES_BY_SOURCE). */
const forecast: AdapterDefinition<'forecast_provider'> = {
  kind: 'forecast_provider',
  type: 'dummy_solar',
  label: 'Fake forecast',
  configSchema: v.object({ token: v.optional(secret('Forecast token')) }),
  secretFields: ['token'],
  create: (_config, context) => ({
    getForecast: async () => {
      const now = context.platform.now()
      return {
        timestamp: new Date(now).toISOString(),
        intervals: [
          {
            start: new Date(now).toISOString(),
            end: new Date(now + HOUR).toISOString(),
            power: 3000,
            energy: 3000,
          },
        ],
        energy_remaining_today: 9000,
        energy_tomorrow: 20_000,
      }
    },
  }),
}

const chat: AdapterDefinition<'notifier'> = {
  kind: 'notifier',
  type: 'fake_chat',
  label: 'Fake chat',
  configSchema: v.object({ bot_token: secret('Bot token') }),
  secretFields: ['bot_token'],
  create: () => ({
    send: async (notification) => {
      sent.push(notification)
    },
  }),
}

const hub: AdapterDefinition<'external_service'> = {
  kind: 'external_service',
  type: 'fake_hub',
  label: 'Fake hub',
  configSchema: v.object({ url: v.string(), token: secret('Hub token') }),
  secretFields: ['token'],
  create: (_config, context) => ({
    checkStatus: async () => ({
      status: 'unauthorized',
      last_check: new Date(context.platform.now()).toISOString(),
      latency_ms: 3,
      error_message: 'the hub refused the token',
      message: null,
    }),
  }),
}

/** A meter that needs the hub (to check the external-service link). */
const hubMeter: AdapterDefinition<'energy_monitor'> = {
  ...meter,
  type: 'hub_meter',
  label: 'Hub meter',
  externalServiceTypes: ['fake_hub'],
  requiresExternalService: true,
}

export const FAKE_ADAPTERS: AnyAdapterDefinition[] = [
  pool,
  controller,
  meter,
  hubMeter,
  forecast,
  chat,
  hub,
]

/**
 * A site kept in memory across runs (as the database keeps it across processes): each run is
 * a fresh runCli with fresh services over the same repositories, on piped streams (or a fake
 * terminal with `tty`).
 */
export function memorySite(definitions: AnyAdapterDefinition[] = FAKE_ADAPTERS) {
  const repositories = createMemoryRepositories()
  const loopRepositories = createMemoryLoopRepositories()
  const registry = createAdapterRegistry(definitions)
  let folder: string | undefined
  return {
    repositories,
    /** The loop's state (overrides, decision log, lease), kept across runs as the database keeps it. */
    loopRepositories,
    /** Writes a file (in a fresh temporary folder) for a command to read. */
    write(name: string, text: string): string {
      if (folder === undefined) {
        const created = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'edge-mining-cli-memory-'))
        folder = created
        // Written from inside a test: gone when that test ends.
        onTestFinished(() => fs.rmSync(created, { recursive: true, force: true }))
      }
      const path = nodePath.join(folder, name)
      fs.writeFileSync(path, text)
      return path
    },
    /**
     * `input` is piped in at once; `typed` (with `tty`) is typed one line per question, as a
     * person would, after each prompt appears.
     */
    async run(
      args: string[],
      options: {
        input?: string
        tty?: boolean
        typed?: string[]
        timers?: Timers
        onInterrupt?: (listener: () => void) => () => void
        /** Sees stdout as it is written (a command that runs until stopped). */
        onStdout?: (text: string) => void
      } = {},
    ): Promise<Run> {
      const stdin = Object.assign(new PassThrough(), {
        isTTY: options.tty === true,
        setRawMode: () => stdin,
      })
      const stdout = Object.assign(new PassThrough(), { isTTY: options.tty === true })
      const stderr = Object.assign(new PassThrough(), { isTTY: false })
      let out = ''
      let err = ''
      const typed = [...(options.typed ?? [])]
      stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8')
        options.onStdout?.(out)
        const next = out.endsWith(': ') ? typed.shift() : undefined
        if (next !== undefined) setImmediate(() => stdin.write(`${next}\r`))
      })
      stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString('utf8')
      })
      if (options.input !== undefined) stdin.end(options.input)
      const terminal = createTerminal({ stdin, stdout, stderr, env: { NO_COLOR: '1' } })
      const code = await runCli(args, {
        terminal,
        openRuntime: () => {
          const platform = systemPlatform()
          const services = createServices({
            repositories,
            registry,
            platform,
            logger: silentLogger,
          })
          // A fresh loop per run, as each CLI process composes its own, over the shared state.
          const loop = createDecisionLoop({
            units: services.units,
            energySources: repositories.energySources,
            miners: services.miners,
            policies: services.policies,
            trackers: services.trackers,
            context: services.context,
            events: services.events,
            instances: services.instances,
            repositories: loopRepositories,
            platform,
            logger: silentLogger,
          })
          return {
            services,
            loop,
            loopRepositories,
            close: async () => {
              await loop.notifications.drain()
              await services.close()
            },
          }
        },
        ...(options.timers ? { timers: options.timers } : {}),
        ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}),
      })
      if (options.input === undefined) stdin.end()
      return { code, stdout: out, stderr: err }
    },
  }
}
