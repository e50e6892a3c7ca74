import type { AddressInfo } from 'node:net'
import { type Cache, createCache } from '@edge-mining/http-cache'
import {
  type AdapterRegistry,
  createTrackerService,
  type TrackerRepository,
  type TrackerService,
} from '@edge-mining/services'
import { type ServerType, serve } from '@hono/node-server'
import { type App, createApp } from './app'
import { type ApiConfig, isLoopback, parseEnv } from './env'
import { type ConsolaInstance, createLogger } from './logging'
import { defaultRegistry, openSqliteStore, type TrackerStore } from './store'

export interface StartApiOptions {
  /** Environment variables to read (API_HOST, API_PORT, DB_PATH, API_TOKEN, LOG_LEVEL). Default: process.env. */
  env?: Record<string, string | undefined>
  /** Default: consola at LOG_LEVEL. */
  logger?: ConsolaInstance
  /** Default: every adapter type the services package registers. */
  registry?: AdapterRegistry
  /** Where trackers are kept. Default: the SQLite database at DB_PATH. */
  openStore?: (config: ApiConfig) => TrackerStore
  /** Clock in ms for the services and the pool-data cache. Default: Date.now. */
  now?: () => number
  /** Process-wide pool-data cache. Default: one on the store's cache store (SQLite: shared with the CLI). */
  cache?: Cache
  /** Timer adapters pace their requests with (Braiins: 1 per 5 s per token). Default: setTimeout. */
  setTimeout?: (callback: () => void, ms: number) => unknown
}

export interface RunningApi {
  /** `http://host:port`, with the port actually bound (API_PORT=0 picks a free one). */
  url: string
  port: number
  config: ApiConfig
  app: App
  trackers: TrackerService
  /** Stops accepting requests, ends open connections, closes the database. Idempotent. */
  close(): Promise<void>
}

function listen(app: App, host: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, () => {
      server.off('error', reject)
      resolve(server)
    })
    server.once('error', reject)
  })
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    if ('closeAllConnections' in server) server.closeAllConnections()
  })
}

/** Reads the environment, opens the database, and serves the API until `close()`. */
export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const config = parseEnv(options.env ?? process.env)
  const logger = options.logger ?? createLogger(config.logLevel)
  const store = options.openStore
    ? options.openStore(config)
    : openSqliteStore(config, { onUnreadableRow: (message) => logger.warn(message) })
  let server: ServerType
  let trackers: TrackerService
  let app: App
  const cache =
    options.cache ??
    (store.cacheStore
      ? createCache({ store: store.cacheStore, ...(options.now ? { now: options.now } : {}) })
      : undefined)
  try {
    const repository: TrackerRepository = store.repository
    trackers = createTrackerService({
      repository,
      registry: options.registry ?? defaultRegistry(),
      ...(cache ? { cache } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.setTimeout ? { setTimeout: options.setTimeout } : {}),
    })
    app = createApp({ trackers, logger, apiToken: config.apiToken })
    server = await listen(app, config.host, config.port)
  } catch (error) {
    store.close()
    throw error
  }
  if (!isLoopback(config.host) && !config.apiToken) {
    logger.warn(
      `!!! Listening on ${config.host} WITHOUT an API_TOKEN: anyone who can reach this address can read and change trackers and pool credentials. Set API_TOKEN or bind API_HOST=127.0.0.1. !!!`,
    )
  }
  const { port } = server.address() as AddressInfo
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host
  let closing: Promise<void> | undefined
  return {
    url: `http://${shownHost}:${port}`,
    port,
    config,
    app,
    trackers,
    close() {
      closing ??= closeServer(server).finally(() => store.close())
      return closing
    },
  }
}
