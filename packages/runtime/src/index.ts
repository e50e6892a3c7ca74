export { shippedAdapterDefinitions } from './adapters'
export {
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  DEFAULT_DB_PATH,
  DEFAULT_DECISION_LOG_RETENTION_DAYS,
  DEFAULT_POLICIES_DIR,
  EnvironmentError,
  EnvSchema,
  isLoopback,
  LOG_LEVEL_NAMES,
  type LogLevelName,
  parseEnv,
  type RuntimeConfig,
} from './env'
export { type ConsolaInstance, createLogger } from './logger'
export { type LoopRunner, startLoopRunner } from './loop-runner'
export { type OpenRuntimeOptions, openRuntime, type Runtime } from './runtime'
