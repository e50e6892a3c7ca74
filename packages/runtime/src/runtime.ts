import type { MqttBridge } from '@edge-mining/adapter-mqtt'
import {
  type AnyAdapterDefinition,
  type LoopRepositories,
  type Platform,
  systemPlatform,
} from '@edge-mining/domain'
import { type Cache, createCache } from '@edge-mining/http-cache'
import {
  type AdapterRegistry,
  createAdapterRegistry,
  createDecisionLoop,
  createServices,
  type DecisionLoop,
  type Services,
} from '@edge-mining/services'
import {
  createConfigurationRepositories,
  createLoopRepositories,
  createSqliteCacheStore,
  openDatabase,
  resolveDatabasePath,
  StorageError,
} from '@edge-mining/storage'
import { shippedAdapterDefinitions } from './adapters'
import { EnvironmentError, parseEnv, type RuntimeConfig } from './env'
import { type ConsolaInstance, createLogger } from './logger'
import { type LoopRunner, startLoopRunner } from './loop-runner'
import { createSiteMqtt } from './mqtt'

export interface OpenRuntimeOptions {
  /** Environment variables (DB_PATH, POLICIES_DIR, LOG_LEVEL, API_*…). Default: process.env. */
  env?: Record<string, string | undefined>
  /** Clock, timers, fetch and ids for everything. Default: the process's own. */
  platform?: Platform
  /** Default: consola at LOG_LEVEL. */
  logger?: ConsolaInstance
  /** drizzle migrations folder. Default: storage's bundled one. */
  migrationsFolder?: string
  /**
   * Adapter definitions to offer instead of the shipped ones (tests add made-up adapters);
   * a function receives the shared resources (the pool cache).
   */
  adapters?: (resources: { cache: Cache }) => AnyAdapterDefinition[]
  /**
   * How long the loop waits for one device read or command, in the platform's ms. Default
   * 10 000 for reads and 15 000 for commands; a demo on an accelerated clock scales them so a
   * device still gets real seconds to answer.
   */
  deviceTimeouts?: { readMs?: number; actionMs?: number }
}

/** Everything an app needs, composed once. */
export interface Runtime {
  config: RuntimeConfig
  platform: Platform
  logger: ConsolaInstance
  /** The process-wide pool-data cache, its values and cool-downs in the database. */
  cache: Cache
  registry: AdapterRegistry
  services: Services
  /** What the decision loop persists (rule state, overrides, decision log, lease). */
  loopRepositories: LoopRepositories
  /** The decision loop: cycles on demand, overrides, the decision log, last contexts. */
  loop: DecisionLoop
  /**
   * Starts the loop's schedule (the API server does; the CLI never does), kept to one per
   * database by a lease. Stopped by `close()`. With MQTT_URL set it also brings up `mqtt`.
   */
  startLoop(): LoopRunner
  /**
   * The Home Assistant bridge (MQTT_URL), null when MQTT is not configured. It connects at the
   * first cycle the loop started by `startLoop()` runs here — never in a process that only
   * opens the runtime (the CLI) or serves the API while another runs the loop. Stopped by
   * `close()`.
   */
  mqtt: MqttBridge | null
  /** Absolute path of the database file. */
  databasePath: string
  /** Closes live adapters and the database. Idempotent. */
  close(): Promise<void>
}

/**
 * The one composition root: reads the environment, opens the database (migrating it in place),
 * builds the pool cache on it, registers every concrete adapter and composes the services.
 * Throws EnvironmentError (a variable named with its value) or StorageError (the path named).
 */
export function openRuntime(options: OpenRuntimeOptions = {}): Runtime {
  const config = parseEnv(options.env ?? process.env)
  const platform = options.platform ?? systemPlatform()
  const logger = options.logger ?? createLogger(config.logLevel)
  let databasePath: string
  try {
    databasePath = resolveDatabasePath(config.dbPath)
  } catch (error) {
    if (error instanceof StorageError)
      throw new EnvironmentError('DB_PATH', `DB_PATH: ${error.message}`)
    throw error
  }
  const connection = openDatabase({
    path: databasePath,
    // Hot reads (several per request) come from memory; another process's commit is seen
    // within 5 ms, own writes at once.
    readMemo: { maxStalenessMs: 5 },
    ...(options.migrationsFolder ? { migrationsFolder: options.migrationsFolder } : {}),
  })
  try {
    const repositories = createConfigurationRepositories(connection, {
      policiesDir: config.policiesDir,
      now: () => new Date(platform.now()),
      onUnreadableRow: (row) => logger.warn(row.message),
    })
    const cache = createCache({
      store: createSqliteCacheStore(connection),
      now: () => platform.now(),
    })
    const definitions = (options.adapters ?? shippedAdapterDefinitions)({ cache })
    const registry = createAdapterRegistry(definitions)
    const loopRepositories = createLoopRepositories(connection)
    const services = createServices({
      repositories,
      registry,
      platform,
      logger,
      history: loopRepositories.history,
    })
    const loop = createDecisionLoop({
      units: services.units,
      energySources: repositories.energySources,
      contextMaxAgeMs: () => 2 * services.settings.get().scheduler_interval_seconds * 1000 + 1000,
      miners: services.miners,
      policies: services.policies,
      trackers: services.trackers,
      context: services.context,
      events: services.events,
      instances: services.instances,
      repositories: loopRepositories,
      platform,
      logger,
      retentionDays: config.decisionLogRetentionDays,
      ...(options.deviceTimeouts?.readMs ? { readTimeoutMs: options.deviceTimeouts.readMs } : {}),
      ...(options.deviceTimeouts?.actionMs
        ? { actionTimeoutMs: options.deviceTimeouts.actionMs }
        : {}),
    })
    // Every real cycle is kept in the history the dashboard charts.
    const history = services.history
    if (history) loop.onCycle((observation) => history.record(observation))
    let runner: LoopRunner | undefined
    let closing: Promise<void> | undefined
    const siteMqtt = config.mqtt
      ? createSiteMqtt({
          config: config.mqtt,
          services,
          loop,
          platform,
          logger,
          isLeader: () => runner?.isLeader() ?? false,
        })
      : null
    let mqttFollowsLoop = false
    return {
      config,
      platform,
      logger,
      cache,
      registry,
      services,
      loopRepositories,
      loop,
      startLoop() {
        if (closing) throw new Error(`startLoop(): the runtime on ${connection.path} is closed`)
        if (runner) return runner
        const started = startLoopRunner({
          loop,
          settings: services.settings,
          history: services.history,
          lease: loopRepositories.lease,
          platform,
          logger,
        })
        if (siteMqtt && !mqttFollowsLoop) {
          mqttFollowsLoop = true
          loop.onCycle((observation) => siteMqtt.relay(observation))
        }
        // A runner stopped by its owner is forgotten, so the next startLoop() starts a new one.
        const current: LoopRunner = {
          ...started,
          async stop() {
            if (runner === current) runner = undefined
            await started.stop()
          },
        }
        runner = current
        return current
      },
      mqtt: siteMqtt?.bridge ?? null,
      databasePath: connection.path,
      close() {
        closing ??= (async () => {
          await runner?.stop()
          await siteMqtt?.stop()
          await loop.notifications.close()
          await services.close()
        })().finally(() => connection.close())
        return closing
      },
    }
  } catch (error) {
    connection.close()
    throw error
  }
}
