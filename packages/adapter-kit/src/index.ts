export { apiBaseUrlField, configJsonSchema, requestTimeoutSecondsField } from './config'
export {
  deviceBaseUrl,
  deviceHostField,
  devicePasswordField,
  devicePortField,
  deviceTimeoutSecondsField,
  hostPortCheck,
} from './device-config'
export {
  createDeviceHttp,
  createInFlight,
  type DeviceHttp,
  type DeviceHttpOptions,
  type DeviceRequest,
  type DeviceResponse,
  deviceErrorForStatus,
  encodeQuery,
  networkCodeOf,
  networkFailureWords,
  parseDeviceBody,
  parseJsonText,
  retryAfterSeconds,
} from './device-http'
export { toPoolError } from './errors'
export {
  type CacheWithMeta,
  createPoolFetcher,
  type JsonClient,
  lastBuiltFrom,
  POOL_TTL_MS,
  type PoolEndpoint,
  type PoolFetcher,
  type PoolFetcherOptions,
} from './fetcher'
export { type PostOutcome, postOnce } from './post'
export { NumberLikeSchema, parseResponse } from './response'
