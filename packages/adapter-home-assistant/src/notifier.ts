import {
  type AdapterContext,
  type AdapterDefinition,
  type NotifierPort,
  parseAdapterConfig,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { HOME_ASSISTANT_SERVICE_TYPE, requireClient } from './external-service'

export const HOME_ASSISTANT_NOTIFY_TYPE = 'home_assistant_notify'

export const HomeAssistantNotifyConfigSchema = v.strictObject({
  service: v.pipe(
    v.string('must be a notify service such as mobile_app_pixel_7'),
    v.description(
      'The notify service: mobile_app_<device> for the companion app, or any notify.* service (the notify. prefix is optional)',
    ),
    v.trim(),
    v.transform((name) => name.replace(/^notify\./, '')),
    v.regex(/^[a-z0-9_]+$/, 'must be a notify service such as mobile_app_pixel_7'),
  ),
  data: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown(), 'must be an object'),
      v.description('Extra `data` for the service, e.g. {"push": {"sound": "default"}} for iOS'),
    ),
  ),
})
export type HomeAssistantNotifyConfig = v.InferOutput<typeof HomeAssistantNotifyConfigSchema>
export type HomeAssistantNotifyConfigInput = v.InferInput<typeof HomeAssistantNotifyConfigSchema>

/**
 * Sends title + message through `notify.<service>` (the HA companion app, or any notifier the
 * user set up in HA). Resolves when HA accepted the call; an unknown service is HA's 400 →
 * `bad_response`, HA down or a refused token the client's `unreachable` / `auth_failed`.
 */
export function createHomeAssistantNotifier(
  config: HomeAssistantNotifyConfigInput,
  context: Pick<AdapterContext, 'externalService'>,
): NotifierPort & { readonly config: HomeAssistantNotifyConfig } {
  const parsed = parseAdapterConfig(HomeAssistantNotifyConfigSchema, config, {
    adapterType: HOME_ASSISTANT_NOTIFY_TYPE,
  })
  const client = requireClient(context, `${HOME_ASSISTANT_NOTIFY_TYPE} notifier`)
  return {
    config: parsed,
    async send(notification) {
      await client.callService('notify', parsed.service, {
        title: notification.title,
        message: notification.message,
        ...(parsed.data === undefined ? {} : { data: parsed.data }),
      })
    },
  }
}

/** The `home_assistant_notify` notifier. */
export const homeAssistantNotifyDefinition: AdapterDefinition<'notifier'> = {
  kind: 'notifier',
  type: HOME_ASSISTANT_NOTIFY_TYPE,
  label: 'Home Assistant notify (mobile app, …)',
  configSchema: HomeAssistantNotifyConfigSchema,
  secretFields: [],
  externalServiceTypes: [HOME_ASSISTANT_SERVICE_TYPE],
  requiresExternalService: true,
  create: (config, context) =>
    createHomeAssistantNotifier(config as HomeAssistantNotifyConfigInput, context),
}
