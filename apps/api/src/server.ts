import type { AddressInfo } from 'node:net'
import {
  isLoopback,
  type OpenRuntimeOptions,
  openRuntime,
  type Runtime,
  type RuntimeConfig,
} from '@edge-mining/runtime'
import { type ServerType, serve } from '@hono/node-server'
import { type App, createApp } from './app'
import { createMetrics, type Metrics } from './metrics'

export interface StartApiOptions extends OpenRuntimeOptions {
  /** An already open runtime to serve (it is closed with the server). Default: openRuntime(options). */
  runtime?: Runtime
  /** Run the decision loop's schedule (default true; tests of the API alone pass false). */
  loop?: boolean
}

export interface RunningApi {
  /** `http://host:port`, with the port actually bound (API_PORT=0 picks a free one). */
  url: string
  port: number
  config: RuntimeConfig
  app: App
  runtime: Runtime
  /** Stops accepting requests, ends open connections, closes the runtime. Idempotent. */
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

/** Opens the runtime (environment, database, adapters, services) and serves the API until `close()`. */
export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const runtime = options.runtime ?? openRuntime(options)
  const { config, logger } = runtime
  let server: ServerType
  let app: App
  let metrics: Metrics | undefined
  try {
    const runner = options.loop === false ? null : runtime.startLoop()
    const cacheStats = () => runtime.cache.stats()
    // runtime.mqtt connects at the first cycle of the loop just started (when MQTT_URL is set).
    const mqtt = runtime.mqtt
    metrics = createMetrics({
      services: runtime.services,
      loop: runtime.loop,
      cacheStats,
      ...(mqtt ? { mqttStats: () => mqtt.stats() } : {}),
    })
    app = createApp({
      metrics,
      services: runtime.services,
      loop: {
        loop: runtime.loop,
        runCycle: () => (runner ? runner.runNow() : runtime.loop.runCycle()),
        now: () => runtime.platform.now(),
      },
      cacheStats,
      logger,
      apiToken: config.apiToken,
      clock: () => runtime.platform.now(),
    })
    server = await listen(app, config.host, config.port)
  } catch (error) {
    metrics?.close()
    await runtime.close()
    throw error
  }
  if (!isLoopback(config.host) && !config.apiToken) {
    logger.warn(
      `!!! Listening on ${config.host} WITHOUT an API_TOKEN: anyone who can reach this address can read and change the whole site, miners and credentials included. Set API_TOKEN or bind API_HOST=127.0.0.1. !!!`,
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
    runtime,
    close() {
      closing ??= closeServer(server).finally(() => {
        metrics?.close()
        return runtime.close()
      })
      return closing
    },
  }
}
