import { createLogger } from '@edge-mining/runtime'
import { type RunningApi, type StartApiOptions, startApi } from './server'

export interface RunMainOptions extends StartApiOptions {
  /** Where SIGINT / SIGTERM arrive (process in production). */
  signals: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown }
  exit: (code: number) => void
}

/**
 * The `main` of the server: starts it (a bad environment is reported and exits 1), and on
 * SIGINT/SIGTERM stops taking requests, closes the database and exits 0.
 */
export async function runMain(options: RunMainOptions): Promise<RunningApi | undefined> {
  const logger = options.logger ?? createLogger('info', 'api')
  let api: RunningApi
  try {
    api = await startApi(options)
  } catch (error) {
    logger.error(`Cannot start the API server: ${error instanceof Error ? error.message : error}`)
    options.exit(1)
    return undefined
  }
  logger.info(`Edge Mining API listening on ${api.url} (docs: ${api.url}/docs)`)
  const stop = (signal: string) => {
    logger.info(`${signal} received: closing the server and the database`)
    api.close().then(
      () => options.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${error instanceof Error ? error.message : error}`)
        options.exit(1)
      },
    )
  }
  options.signals.once('SIGINT', () => stop('SIGINT'))
  options.signals.once('SIGTERM', () => stop('SIGTERM'))
  return api
}
