import {
  type AdapterContext,
  type AdapterDefinition,
  ConfigurationError,
  parseAdapterConfig,
} from '@edge-mining/domain'
import * as v from 'valibot'
import {
  baseUrlOf,
  createHomeAssistantClient,
  type HomeAssistantClient,
  isHomeAssistantClient,
} from './client'

export const HOME_ASSISTANT_SERVICE_TYPE = 'home_assistant_api'

/** Upstream's `{url, token}` plus the request timeout. The token is write-only. */
export const HomeAssistantServiceConfigSchema = v.strictObject({
  url: v.pipe(
    v.string('must be a URL such as http://homeassistant.local:8123'),
    v.description(
      'Home Assistant base URL, e.g. http://homeassistant.local:8123 (a trailing /api is dropped)',
    ),
    v.trim(),
    v.nonEmpty('is required: the URL you open Home Assistant at'),
    v.url('must be a URL such as http://homeassistant.local:8123'),
    v.check((url) => /^https?:\/\//i.test(url), 'must be an http or https URL'),
    v.check((url) => {
      try {
        const parsed = new URL(url)
        return parsed.username === '' && parsed.password === ''
      } catch {
        return true // v.url has said what is wrong
      }
    }, 'must not carry a user name or password; the token authenticates'),
    v.transform(baseUrlOf),
  ),
  token: v.pipe(
    v.string('must be a long-lived access token'),
    v.description(
      'Long-lived access token (HA → your profile → Security → Long-lived access tokens)',
    ),
    v.trim(),
    v.nonEmpty('is required: a long-lived access token from your HA profile'),
  ),
  request_timeout_seconds: v.optional(
    v.pipe(
      v.number('must be a number of seconds'),
      v.description(
        'Timeout of each request to Home Assistant, in seconds (of the platform clock)',
      ),
      v.gtValue(0, 'must be more than 0 seconds'),
      v.maxValue(3600, 'must be at most 3600 seconds'),
    ),
    10,
  ),
})
export type HomeAssistantServiceConfig = v.InferOutput<typeof HomeAssistantServiceConfigSchema>
export type HomeAssistantServiceConfigInput = v.InferInput<typeof HomeAssistantServiceConfigSchema>

const SECRET_FIELDS = ['token'] as const

/** The shared client of a `home_assistant_api` service config. */
export function createHomeAssistantService(
  config: HomeAssistantServiceConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger'>,
): HomeAssistantClient {
  const parsed = parseAdapterConfig(HomeAssistantServiceConfigSchema, config, {
    adapterType: HOME_ASSISTANT_SERVICE_TYPE,
    secretFields: SECRET_FIELDS,
  })
  return createHomeAssistantClient({
    url: parsed.url,
    token: parsed.token,
    timeoutMs: parsed.request_timeout_seconds * 1000,
    platform: context.platform,
    logger: context.logger,
  })
}

/**
 * The client a consumer was linked to, or a ConfigurationError naming `external_service_id`
 * (the services check the link's type; this guards direct use).
 */
export function requireClient(
  context: Pick<AdapterContext, 'externalService'>,
  who: string,
): HomeAssistantClient {
  const service = context.externalService
  if (isHomeAssistantClient(service)) return service
  throw new ConfigurationError(
    `${who}: link it to a Home Assistant external service (adapter type ${HOME_ASSISTANT_SERVICE_TYPE})`,
    { field: 'external_service_id' },
  )
}

/**
 * `GET /external-services/{id}/status` calls `/api/config` for real: connected (with HA's
 * version and place), unauthorized (401/403) or disconnected, with the latency.
 */
export const homeAssistantServiceDefinition: AdapterDefinition<'external_service'> = {
  kind: 'external_service',
  type: HOME_ASSISTANT_SERVICE_TYPE,
  label: 'Home Assistant (REST API)',
  configSchema: HomeAssistantServiceConfigSchema,
  secretFields: SECRET_FIELDS,
  create: (config, context) =>
    createHomeAssistantService(config as HomeAssistantServiceConfigInput, context),
}
