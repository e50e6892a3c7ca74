import type { LoopRepositories } from '@edge-mining/domain'
import type { AdapterRegistry, DecisionLoop, Services } from '@edge-mining/services'
import { type ArgsDef, type CommandDef, defineCommand, type Resolvable } from 'citty'
import type { Terminal } from './terminal'

/** Handed to every command through citty's `data`. */
export interface CommandData {
  terminal: Terminal
  /** The services over the database, opened on first use (so `--help` never touches it). */
  services(): Promise<Services>
  /** The decision loop on the same database (opened with the services; never scheduled). */
  loop(): Promise<LoopAccess>
  now(): number
  /** For commands that wait (`decisions list --follow`); tests pass fake ones. */
  timers: Timers
  /**
   * Calls `listener` on Ctrl-C (SIGINT) or SIGTERM instead of the default exit, until the
   * returned function is called. For commands that run until stopped.
   */
  onInterrupt(listener: () => void): () => void
}

export interface LoopAccess {
  loop: DecisionLoop
  /** Overrides, the decision log, the scheduler lease… */
  repositories: LoopRepositories
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** What the command tree is built with (help texts and flags generated from the adapters). */
export interface TreeContext {
  /** The adapters: the database's registry when running, a database-free one for `--help`. */
  adapters(): Promise<AdapterRegistry>
}

/** What a command's code gets: its parsed arguments, the raw ones, and the surroundings. */
export interface Invocation {
  args: Record<string, unknown>
  rawArgs: readonly string[]
  data: CommandData
}

export function invocationOf(context: {
  args: object
  rawArgs?: readonly string[]
  data?: unknown
}): Invocation {
  return {
    args: context.args as Record<string, unknown>,
    rawArgs: context.rawArgs ?? [],
    data: context.data as CommandData,
  }
}

/** Commands that take any number of positional arguments (e.g. `rules check FILE…`). */
export const VARIADIC = new WeakSet<object>()

export type Action = (invocation: Invocation) => Promise<void>

/**
 * A leaf command whose code is loaded only when it runs: `load` imports the actions module,
 * `pick` chooses the function (so `--help` evaluates none of it).
 */
export function command<M>(
  path: string,
  description: string,
  args: Resolvable<ArgsDef>,
  load: () => Promise<M>,
  pick: (module: M) => Action,
): CommandDef<ArgsDef> {
  return defineCommand({
    meta: { name: `edge-mining ${path}`, description },
    args,
    run: async (context) => pick(await load())(invocationOf(context)),
  })
}

export const jsonArg = {
  json: {
    type: 'boolean',
    description: 'Print machine-readable JSON on stdout (messages go to stderr)',
  },
} as const satisfies ArgsDef

export const yesArg = {
  yes: {
    type: 'boolean',
    alias: 'y',
    description: 'Do not ask for confirmation (required when stdin is not a terminal)',
  },
} as const satisfies ArgsDef

export const forceArg = {
  force: {
    type: 'boolean',
    description: 'Detach whatever still refers to it instead of refusing',
  },
} as const satisfies ArgsDef

/** A required positional naming an entity by id, unique id prefix or exact name. */
export function entityArg(name: string, what: string): ArgsDef {
  return {
    [name]: {
      type: 'positional',
      description: `${what} id (or a unique id prefix, or its exact name)`,
      valueHint: 'ID',
    },
  }
}

/** Every value of a repeatable `--flag` (citty keeps only the last one). */
export function repeatedFlag(rawArgs: readonly string[], flag: string): string[] {
  const values: string[] = []
  for (let index = 0; index < rawArgs.length; index++) {
    const token = rawArgs[index] ?? ''
    if (token === '--') break
    if (token === `--${flag}`) {
      const value = rawArgs[index + 1]
      if (value !== undefined) values.push(value)
      index++
    } else if (token.startsWith(`--${flag}=`)) values.push(token.slice(flag.length + 3))
  }
  return values
}
