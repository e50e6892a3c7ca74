export { type App, type CreateAppOptions, createApp, DEFAULT_BODY_LIMIT_BYTES } from './app'
export { type HttpFailure, toHttpFailure } from './errors'
export { type RunMainOptions, runMain } from './run'
export { type RunningApi, type StartApiOptions, startApi } from './server'
