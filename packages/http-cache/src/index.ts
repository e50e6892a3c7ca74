export {
  type Cache,
  type CacheOptions,
  type CacheResult,
  type CacheStats,
  createCache,
  DEFAULT_JITTER_RATIO,
  DEFAULT_LADDER_MS,
  DEFAULT_MAX_COOLDOWN_MS,
  DEFAULT_MIN_COOLDOWN_MS,
  defaultIsStaleIfError,
  defaultScopeOf,
} from './cache.ts'
export {
  HttpAuthError,
  HttpError,
  type HttpErrorDetails,
  HttpResponseError,
  HttpUnreachableError,
  RateLimitedError,
  type UnreachableReason,
} from './errors.ts'
export {
  createHttpClient,
  type GetJsonOptions,
  type HttpClient,
  type HttpClientOptions,
} from './http-client.ts'
export { createPacer, type Pacer, type PacerOptions } from './pacer.ts'
export { parseRetryAfter } from './retry-after.ts'
export { type CacheEntry, type CacheStore, type Cooldown, createMemoryStore } from './store.ts'
