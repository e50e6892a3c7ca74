import type { Readable, Writable } from 'node:stream'
import { type ConsolaInstance, createConsola, type LogObject } from 'consola/core'

/** The process surroundings a command runs in: streams, environment, what the terminal can do. */
export interface Terminal {
  stdin: Readable
  stdout: Writable
  stderr: Writable
  env: Record<string, string | undefined>
  /** stdout is a terminal: tables and prose rather than data for a pipe. */
  stdoutIsTTY: boolean
  /** Colours and spinners: stdout is a terminal and NO_COLOR is not set. */
  fancy: boolean
  /** consola instance: error and warn go to stderr; success and info to stdout, or stderr in JSON mode. */
  logger: ConsolaInstance
  /** Routes human messages to stderr so stdout carries only JSON. */
  setJsonMode(json: boolean): void
  paint: Paint
  /** Runs `task` with a spinner on stderr (only when fancy). */
  spin<T>(label: string, task: () => Promise<T>): Promise<T>
}

export interface Paint {
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
  gray(text: string): string
  bold(text: string): string
}

export interface TerminalOptions {
  stdin?: Readable
  stdout?: Writable & { isTTY?: boolean }
  stderr?: Writable & { isTTY?: boolean }
  env?: Record<string, string | undefined>
  /** Interval timers for the spinner. Default: the globals. */
  setInterval?: (callback: () => void, ms: number) => unknown
  clearInterval?: (handle: unknown) => void
}

const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

function createPaint(enabled: boolean): Paint {
  const code =
    (open: number, close: number) =>
    (text: string): string =>
      enabled ? `\u001B[${open}m${text}\u001B[${close}m` : text
  return {
    red: code(31, 39),
    green: code(32, 39),
    yellow: code(33, 39),
    cyan: code(36, 39),
    gray: code(90, 39),
    bold: code(1, 22),
  }
}

export function createTerminal(options: TerminalOptions = {}): Terminal {
  const stdin = options.stdin ?? process.stdin
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const env = options.env ?? process.env
  const stdoutIsTTY = stdout.isTTY === true
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== ''
  const fancy = stdoutIsTTY && !noColor && env.TERM !== 'dumb'
  const paint = createPaint(fancy)
  const startInterval = options.setInterval ?? ((fn, ms) => setInterval(fn, ms))
  const stopInterval =
    options.clearInterval ?? ((handle) => clearInterval(handle as ReturnType<typeof setInterval>))
  let json = false

  const prefixes: Record<string, (text: string) => string> = {
    error: (text) => `${paint.red(fancy ? '✖' : 'error:')} ${text}`,
    fatal: (text) => `${paint.red(fancy ? '✖' : 'error:')} ${text}`,
    warn: (text) => `${paint.yellow(fancy ? '⚠' : 'warning:')} ${text}`,
    success: (text) => (fancy ? `${paint.green('✔')} ${text}` : text),
  }

  const logger = createConsola({
    level: 3,
    reporters: [
      {
        log(entry: LogObject) {
          const text = entry.args
            .map((part) => (part instanceof Error ? part.message : String(part)))
            .join(' ')
          const toStderr = entry.level <= 1 || json
          const line = (prefixes[entry.type] ?? ((t: string) => t))(text)
          ;(toStderr ? stderr : stdout).write(`${line}\n`)
        },
      },
    ],
  })

  async function spin<T>(label: string, task: () => Promise<T>): Promise<T> {
    if (!fancy || (stderr as { isTTY?: boolean }).isTTY !== true) return task()
    let frame = 0
    const draw = () => {
      stderr.write(`\r${paint.cyan(SPINNER_FRAMES[frame % SPINNER_FRAMES.length] ?? '')} ${label}`)
      frame++
    }
    draw()
    const handle = startInterval(draw, 80)
    try {
      return await task()
    } finally {
      stopInterval(handle)
      stderr.write('\r\u001B[2K')
    }
  }

  return {
    stdin,
    stdout,
    stderr,
    env,
    stdoutIsTTY,
    fancy,
    logger,
    setJsonMode(value) {
      json = value
    },
    paint,
    spin,
  }
}
