import type { ArgsDef } from 'citty'
import type { CliServices } from './compose'
import type { Terminal } from './terminal'

/** Handed to every command through citty's `data`. */
export interface CommandData {
  terminal: Terminal
  /** The services over the database, opened on first use (so `--help` never touches it). */
  services(): CliServices
  now(): number
  /** Path of the API server's built entry, for `serve`. */
  apiEntry: string | undefined
}

/** What a command's code gets: its parsed arguments and the shared surroundings. */
export interface Invocation {
  args: Record<string, unknown>
  data: CommandData
}

export function invocationOf(context: { args: object; data?: unknown }): Invocation {
  return { args: context.args as Record<string, unknown>, data: context.data as CommandData }
}

/** Commands that take any number of positional arguments (e.g. `rules check FILE…`). */
export const VARIADIC = new WeakSet<object>()

export const jsonArg = {
  json: {
    type: 'boolean',
    description: 'Print machine-readable JSON on stdout (messages go to stderr)',
  },
} as const satisfies ArgsDef
