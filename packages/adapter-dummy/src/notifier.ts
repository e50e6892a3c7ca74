import type {
  AdapterContext,
  AdapterDefinition,
  Notification,
  NotifierPort,
} from '@edge-mining/domain'
import { parseAdapterConfig } from '@edge-mining/domain'
import * as v from 'valibot'

export const DummyNotifierConfigSchema = v.strictObject({
  message: v.optional(
    v.pipe(v.string(), v.description("Unused; upstream's field, kept so its configs still load")),
    'This is a dummy notification',
  ),
})
export type DummyNotifierConfig = v.InferOutput<typeof DummyNotifierConfigSchema>
export type DummyNotifierConfigInput = v.InferInput<typeof DummyNotifierConfigSchema>

/** How many notifications `sent()` remembers (the oldest go first). */
export const DUMMY_NOTIFIER_HISTORY = 100

export interface DummyNotifier extends NotifierPort {
  readonly config: DummyNotifierConfig
  /** The last {@link DUMMY_NOTIFIER_HISTORY} notifications sent, oldest first. */
  sent(): readonly Notification[]
}

/**
 * The `dummy` notifier: logs each notification at info through the context's logger (upstream
 * printed to stdout, T30) and remembers the last ones for tests and the demo.
 */
export function createDummyNotifier(
  config: DummyNotifierConfigInput,
  context: Pick<AdapterContext, 'logger'>,
): DummyNotifier {
  const parsed = parseAdapterConfig(DummyNotifierConfigSchema, config, { adapterType: 'dummy' })
  const history: Notification[] = []
  return {
    config: parsed,
    async send(notification) {
      context.logger.info(`Notification: ${notification.title} — ${notification.message}`)
      history.push(notification)
      if (history.length > DUMMY_NOTIFIER_HISTORY) history.shift()
    },
    sent: () => [...history],
  }
}

/** The `dummy` notifier type. */
export const dummyNotifierDefinition: AdapterDefinition<'notifier'> = {
  kind: 'notifier',
  type: 'dummy',
  label: 'Dummy (log only)',
  configSchema: DummyNotifierConfigSchema,
  secretFields: [],
  create: (config, context) => createDummyNotifier(config, context),
}
