import { stripVTControlCharacters } from 'node:util'
import type { AdapterRegistry } from '@edge-mining/services'
import { type ArgsDef, type CommandDef, renderUsage, runCommand } from 'citty'
import { createMain } from './cli'
import { type CommandData, type Timers, VARIADIC } from './command-kit'
import type { CliRuntime } from './compose'
import { CliError, describeError, EXIT, exitCodeOf, isUnexpected, UsageError } from './errors'
import { PromptClosedError } from './prompt'
import type { Terminal } from './terminal'

export interface RunOptions {
  terminal: Terminal
  /** Opens the runtime (database, adapters, services); called at most once, on first use. */
  openRuntime: () => CliRuntime | Promise<CliRuntime>
  /**
   * The adapters `--help` describes (config flags, `--type` choices), without opening the
   * database. Default: the runtime's own.
   */
  describeAdapters?: () => AdapterRegistry | Promise<AdapterRegistry>
  /** Clock in ms. Default: Date.now. */
  now?: () => number
  /** Timers of waiting commands (`decisions list --follow`). Default: the globals. */
  timers?: Timers
  /**
   * How a command that runs until stopped hears Ctrl-C. Default: SIGINT and SIGTERM of this
   * process (only while such a command listens; otherwise they end the process as usual).
   */
  onInterrupt?: (listener: () => void) => () => void
}

const SYSTEM_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

function processInterrupts(listener: () => void): () => void {
  process.on('SIGINT', listener)
  process.on('SIGTERM', listener)
  return () => {
    process.off('SIGINT', listener)
    process.off('SIGTERM', listener)
  }
}

type AnyCommand = CommandDef<ArgsDef>

const resolve = async <T>(value: T | Promise<T> | (() => T) | (() => Promise<T>)): Promise<T> =>
  typeof value === 'function' ? (value as () => T | Promise<T>)() : value

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

const isHelp = (token: string) => token === '--help' || token === '-h'

async function usageOf(command: AnyCommand, terminal: Terminal): Promise<string> {
  const text = await renderUsage(command)
  // citty colours by environment only; a pipe or NO_COLOR gets plain text.
  return terminal.fancy ? text : stripVTControlCharacters(text)
}

/** Rejects unknown flags, flags missing their value and surplus positional arguments. */
function checkTokens(tokens: readonly string[], argsDef: ArgsDef, variadic: boolean): void {
  const defs = Object.entries(argsDef)
  const find = (name: string) => defs.find(([declared]) => kebab(declared) === kebab(name))
  const allowedPositionals = defs.filter(([, def]) => def.type === 'positional').length
  let positionals = 0
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? ''
    if (token === '--') {
      positionals += tokens.length - index - 1
      break
    }
    if (token.startsWith('--')) {
      const [name = '', inline] = token.slice(2).split(/=(.*)/s, 2)
      let def = find(name)?.[1]
      if (!def && name.startsWith('no-')) {
        const positive = find(name.slice(3))?.[1]
        if (positive?.type === 'boolean') def = positive
      }
      if (!def || def.type === 'positional') throw new UsageError(`Unknown option --${name}`)
      if ((def.type === 'string' || def.type === 'enum') && inline === undefined) {
        const value = tokens[index + 1]
        if (value === undefined) throw new UsageError(`Option --${name} needs a value`)
        index++
      }
      continue
    }
    if (token.startsWith('-') && token.length > 1) {
      const short = token.slice(1)
      const def = defs.find(([, d]) => 'alias' in d && [d.alias].flat().includes(short))
      if (!def) throw new UsageError(`Unknown option ${token}`)
      continue
    }
    positionals++
    if (!variadic && positionals > allowedPositionals) {
      throw new UsageError(`Unexpected argument "${token}"`)
    }
  }
}

/** Finds the command named by the leading words of `tokens`; returns it and the rest. */
async function locate(
  main: AnyCommand,
  tokens: readonly string[],
): Promise<{ command: AnyCommand; rest: string[]; isGroup: boolean }> {
  let command: AnyCommand = main
  let index = 0
  for (;;) {
    const subCommands = command.subCommands ? await resolve(command.subCommands) : undefined
    if (!subCommands) return { command, rest: tokens.slice(index), isGroup: false }
    while (index < tokens.length && isHelp(tokens[index] ?? '')) index++
    const name = tokens[index]
    if (name === undefined) return { command, rest: [], isGroup: true }
    if (name.startsWith('-')) {
      throw Object.assign(new UsageError(`Unknown option ${name}`), { command })
    }
    const next = subCommands[name]
    if (!next) throw Object.assign(new UsageError(`Unknown command "${name}"`), { command })
    command = await resolve(next)
    index++
  }
}

/** Runs the CLI for `argv` (without node and script); resolves to the process exit code. */
export async function runCli(argv: readonly string[], options: RunOptions): Promise<number> {
  const { terminal } = options
  const debug = argv.includes('--debug')
  const tokens = argv.filter((token) => token !== '--debug')
  // One runtime per run, however many parts of a command ask for it at once.
  let opening: Promise<CliRuntime> | undefined
  const opened = () => {
    opening ??= Promise.resolve().then(() => options.openRuntime())
    return opening
  }
  const data: CommandData = {
    terminal,
    services: async () => (await opened()).services,
    loop: async () => {
      const { loop, loopRepositories } = await opened()
      return { loop, repositories: loopRepositories }
    },
    now: options.now ?? Date.now,
    timers: options.timers ?? SYSTEM_TIMERS,
    onInterrupt: options.onInterrupt ?? processInterrupts,
  }
  const help = tokens.some(isHelp)
  const main = createMain({
    // Running, flags are read with the database's own registry; help never opens it.
    adapters: async () =>
      help && options.describeAdapters
        ? options.describeAdapters()
        : (await data.services()).registry,
  })
  let current: AnyCommand = main
  try {
    if (tokens.length === 1 && (tokens[0] === '--version' || tokens[0] === '-v')) {
      terminal.stdout.write(`${(await resolve(main.meta))?.version ?? ''}\n`)
      return EXIT.ok
    }
    if (tokens.length === 0) {
      const interactive =
        (terminal.stdin as { isTTY?: boolean }).isTTY === true && terminal.stdoutIsTTY
      if (interactive) {
        const { runMenu } = await import('./menu/index')
        await runMenu(data)
        return EXIT.ok
      }
      terminal.stderr.write(await usageOf(main, terminal))
      terminal.stderr.write('\nNo command given (the interactive menu needs a terminal).\n')
      return EXIT.usage
    }
    const located = await locate(main, tokens)
    current = located.command
    if (help) {
      terminal.stdout.write(`${await usageOf(current, terminal)}\n`)
      return EXIT.ok
    }
    if (located.isGroup) throw new UsageError('Missing command')
    const argsDef = await resolve(current.args ?? {})
    checkTokens(located.rest, argsDef, VARIADIC.has(current))
    await runCommand(current, { rawArgs: located.rest, data })
    return EXIT.ok
  } catch (error) {
    return report(error, current, terminal, debug)
  } finally {
    const runtime = await opening?.catch(() => undefined)
    await runtime?.close()
  }
}

async function report(
  thrown: unknown,
  current: AnyCommand,
  terminal: Terminal,
  debug: boolean,
): Promise<number> {
  if (thrown instanceof PromptClosedError) {
    terminal.stdout.write('\n')
    return EXIT.ok
  }
  // citty's own argument errors (missing required argument, bad enum value) are usage errors.
  const cittyUsage =
    thrown instanceof Error &&
    thrown.name === 'CLIError' &&
    (thrown as { code?: unknown }).code === 'EARG'
  const error = cittyUsage
    ? new UsageError(stripVTControlCharacters((thrown as Error).message))
    : thrown
  if (error instanceof UsageError) {
    const command = (thrown as { command?: AnyCommand }).command ?? current
    if (error.showUsage) terminal.stderr.write(`${await usageOf(command, terminal)}\n\n`)
    terminal.logger.error(error.message)
    return EXIT.usage
  }
  if (error instanceof CliError && error.silent) return error.exitCode
  terminal.logger.error(describeError(error))
  if (debug && error instanceof Error && error.stack) {
    terminal.stderr.write(`${error.stack}\n`)
  } else if (isUnexpected(error)) {
    terminal.stderr.write('(run again with --debug for the stack trace)\n')
  }
  return exitCodeOf(error)
}
