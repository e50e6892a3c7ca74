export { apiBaseUrlField, configJsonSchema, requestTimeoutSecondsField } from './config'
export { toPoolError } from './errors'
export {
  type CacheWithMeta,
  createPoolFetcher,
  type JsonClient,
  POOL_TTL_MS,
  type PoolEndpoint,
  type PoolFetcher,
  type PoolFetcherOptions,
} from './fetcher'
export { NumberLikeSchema, parseResponse } from './response'
