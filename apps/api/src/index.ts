export { type App, type CreateAppOptions, createApp, DEFAULT_BODY_LIMIT_BYTES } from './app'
export {
  type ApiConfig,
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  DEFAULT_DB_PATH,
  EnvironmentError,
  isLoopback,
  parseEnv,
} from './env'
export { type HttpFailure, toHttpFailure } from './errors'
export { createLogger, LOG_LEVEL_NAMES, type LogLevelName } from './logging'
export { type RunMainOptions, runMain } from './run'
export { type RunningApi, type StartApiOptions, startApi } from './server'
export {
  defaultRegistry,
  openMemoryStore,
  openSqliteStore,
  type TrackerStore,
} from './store'
