import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'
import { EnvironmentError, parseEnv } from '@edge-mining/runtime'
import type { Invocation } from '../command-kit'
import { CliError, UsageError } from '../errors'

/** The API package's executable (its package.json `bin`). */
export const API_EXECUTABLE = 'edge-mining-api'

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Where the API server's executable is: the CLI package's own `node_modules/.bin` (pnpm links
 * it there because `@edge-mining/api` is a dependency — only for this executable; the CLI never
 * imports the app, apps do not import apps), found from the bundle's location; else on PATH.
 */
export function findApiExecutable(
  env: Record<string, string | undefined>,
  bundleUrl: string = import.meta.url,
): string | undefined {
  const own = fileURLToPath(new URL(`../node_modules/.bin/${API_EXECUTABLE}`, bundleUrl))
  if (isExecutable(own)) return own
  for (const folder of (env.PATH ?? '').split(nodePath.delimiter)) {
    if (folder === '') continue
    const candidate = nodePath.join(folder, API_EXECUTABLE)
    if (isExecutable(candidate)) return candidate
  }
  return undefined
}

/** The server's environment: flags over variables, checked as the server will check them. */
function serverEnv(invocation: Invocation): Record<string, string | undefined> {
  const { args, data } = invocation
  const env: Record<string, string | undefined> = { ...data.terminal.env }
  const flags: Record<string, string> = { API_HOST: '--host', API_PORT: '--port' }
  if (typeof args.host === 'string') env.API_HOST = args.host
  if (typeof args.port === 'string') env.API_PORT = args.port
  try {
    parseEnv(env)
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error
    const flag = flags[error.variable]
    const fromFlag = flag !== undefined && args[flag.slice(2)] !== undefined
    throw new UsageError(fromFlag ? `${flag}: ${error.message}` : error.message, {
      showUsage: false,
    })
  }
  return env
}

/** Starts the API server on the same database and waits; Ctrl-C and SIGTERM are passed on. */
export async function startServer(invocation: Invocation): Promise<void> {
  const env = serverEnv(invocation)
  const executable = findApiExecutable(env)
  if (!executable) {
    throw new CliError(
      `The API server executable ${API_EXECUTABLE} was not found beside the CLI (node_modules/.bin) nor on PATH: install @edge-mining/api`,
    )
  }
  const child = spawn(executable, [], { env, stdio: 'inherit' })
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal)
  const onInt = forward('SIGINT')
  const onTerm = forward('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 0 : 1)))
    })
    if (code !== 0) throw new CliError(`The API server exited with code ${code}`)
  } finally {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
  }
}
