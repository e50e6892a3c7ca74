import type { Writable } from 'node:stream'
import type { LoopRepositories } from '@edge-mining/domain'
import {
  type ConsolaInstance,
  LOG_LEVEL_NAMES,
  type LogLevelName,
  type OpenRuntimeOptions,
  openRuntime,
} from '@edge-mining/runtime'
import type { AdapterRegistry, DecisionLoop, Services } from '@edge-mining/services'
import { createConsola, LogLevels, type LogObject } from 'consola/core'

/** What commands work with: the services over the shared database, and how to let go of it. */
export interface CliRuntime {
  services: Services
  /**
   * The decision loop, composed as the server composes it, for one-off cycles, overrides and
   * the decision log. Its schedule is never started here (`startLoop()` is the server's).
   */
  loop: DecisionLoop
  /** What the loop persists: overrides, the decision log, the scheduler lease… */
  loopRepositories: LoopRepositories
  /** Closes live adapters and the database. */
  close(): Promise<void>
}

export interface ComposeOptions {
  /** DB_PATH, POLICIES_DIR, LOG_LEVEL… are read from here, as the API server reads them. */
  env: Record<string, string | undefined>
  /** drizzle migrations folder. Default: storage's own (the bundled bin passes its copy). */
  migrationsFolder?: string | undefined
  /** Where the runtime's log lines go. Default: process.stderr (stdout stays the command's). */
  logTo?: Writable
  /** Clock, timers, fetch and ids. Default: the process's own. */
  platform?: OpenRuntimeOptions['platform']
}

/**
 * LOG_LEVEL as given; otherwise `warn`: a one-shot command should not chatter, and adapters'
 * info lines (the dummy notifier's messages) would otherwise interleave with its output.
 */
function logLevelOf(env: Record<string, string | undefined>): LogLevelName {
  const given = env.LOG_LEVEL?.trim().toLowerCase()
  return LOG_LEVEL_NAMES.find((name) => name === given) ?? 'warn'
}

/** consola writing every level to `out` as plain lines. */
function stderrLogger(level: LogLevelName, out: Writable): ConsolaInstance {
  return createConsola({
    level: LogLevels[level],
    reporters: [
      {
        log(entry: LogObject) {
          const text = entry.args.map((part) => String(part)).join(' ')
          out.write(`${entry.type === 'log' ? '' : `${entry.type}: `}${text}\n`)
        },
      },
    ],
  })
}

/**
 * Opens the database the API server uses and composes the services on it, through the one
 * composition root (`openRuntime`): the same repositories, adapters and pool cache (values and
 * cool-downs in the database, so a running server and this CLI never double a pool's traffic).
 * Throws the runtime's EnvironmentError (a variable named with its value) or StorageError.
 */
export function openCliRuntime(options: ComposeOptions): CliRuntime {
  const runtime = openRuntime({
    env: options.env,
    logger: stderrLogger(logLevelOf(options.env), options.logTo ?? process.stderr),
    ...(options.migrationsFolder ? { migrationsFolder: options.migrationsFolder } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
  })
  return {
    services: runtime.services,
    loop: runtime.loop,
    loopRepositories: runtime.loopRepositories,
    close: () => runtime.close(),
  }
}

/**
 * The shipped adapters, for help texts (config flags, `--type` choices) without touching the
 * user's database: a runtime on a throwaway in-memory database, closed at once.
 */
export async function describeShippedAdapters(options: ComposeOptions): Promise<AdapterRegistry> {
  const runtime = openCliRuntime({ ...options, env: { ...options.env, DB_PATH: ':memory:' } })
  await runtime.close()
  return runtime.services.registry
}
