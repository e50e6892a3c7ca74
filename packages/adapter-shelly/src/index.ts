export {
  createShellyController,
  SHELLY_FEATURES,
  SHELLY_SECRET_FIELDS,
  SHELLY_TYPE,
  type ShellyConfig,
  type ShellyConfigInput,
  ShellyConfigSchema,
  type ShellyController,
  shellyDefinition,
} from './controller'
export { type DigestChallenge, digestAuthorization, parseDigestChallenge } from './digest'
