import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Invocation } from '../command-kit'
import { CliError, UsageError } from '../errors'

/**
 * Where the API server's built entry is: `EDGE_MINING_API_ENTRY`, else `apps/api/dist/main.mjs`
 * beside this CLI in the monorepo. The CLI never imports the app (apps do not import apps); it
 * runs it as a child process.
 */
export function defaultApiEntry(env: Record<string, string | undefined>): string {
  return (
    env.EDGE_MINING_API_ENTRY || fileURLToPath(new URL('../../api/dist/main.mjs', import.meta.url))
  )
}

/** Starts the API server and waits for it; Ctrl-C and SIGTERM are passed on to it. */
export async function startServer({ args, data }: Invocation): Promise<void> {
  const { terminal } = data
  const entry = data.apiEntry ?? defaultApiEntry(terminal.env)
  if (!existsSync(entry)) {
    throw new CliError(
      `API server build not found at ${entry}: run \`pnpm --filter @edge-mining/api build\` or set EDGE_MINING_API_ENTRY`,
    )
  }
  const env: Record<string, string | undefined> = { ...terminal.env }
  if (typeof args.host === 'string') env.API_HOST = args.host
  if (typeof args.port === 'string') {
    if (!/^\d{1,5}$/.test(args.port) || Number(args.port) > 65535) {
      throw new UsageError(`--port: expected a TCP port number, got "${args.port}"`)
    }
    env.API_PORT = args.port
  }
  const child = spawn(process.execPath, [entry], { env, stdio: 'inherit' })
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
