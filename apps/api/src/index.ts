export { type App, type CreateAppOptions, createApp, DEFAULT_BODY_LIMIT_BYTES } from './app'
export { toHttpFailure } from './errors'
export { createLogger, LOG_LEVEL_NAMES, type LogLevelName } from './logging'
