import type { KindRegistry } from '@edge-mining/services'
import type { ArgsDef, CommandDef, SubCommandsDef } from 'citty'
import { command, entityArg, forceArg, jsonArg, type TreeContext, yesArg } from '../command-kit'
import { type AdapterGroup, entityArgName } from '../kinds'

const actions = () => import('../actions/adapters')
const extras = () => import('../actions/adapter-extras')
const trackerViews = () => import('../actions/trackers')

/** The kind's `--type` and one flag per config field of its adapters, from their schemas. */
async function configArgs(
  context: TreeContext,
  group: AdapterGroup,
  typeRequired: boolean,
): Promise<ArgsDef> {
  const registry: KindRegistry = (await context.adapters()).forKind(group.kind)
  const { configFlagArgs, typeArg } = await import('../config-flags')
  return { type: typeArg(registry, typeRequired), ...configFlagArgs(registry) }
}

const externalServiceArg = (group: AdapterGroup): ArgsDef =>
  group.kind === 'external_service'
    ? {}
    : {
        'external-service': {
          type: 'string',
          description: 'External service it connects through: id, id prefix or name',
          valueHint: 'ID',
        },
      }

/** What only trackers do: read the pool (unchanged from before the other kinds). */
function trackerCommands(group: AdapterGroup): Record<string, CommandDef<ArgsDef>> {
  const target = entityArg(entityArgName(group), group.label)
  const view = (name: string, description: string, extra: ArgsDef = {}) =>
    command(
      `${group.command} ${name}`,
      description,
      { ...target, ...extra, ...jsonArg },
      trackerViews,
      (module) => (invocation) => module.runDataCommand(name, invocation),
    )
  return {
    test: view('test', 'Ask the pool now and report how it went'),
    stats: view('stats', 'Pool statistics: hash rates, balance, workers, last share'),
    workers: view('workers', 'Per-worker hash rate, state, last share and shares'),
    rewards: view('rewards', 'Recent rewards, newest first', {
      limit: {
        type: 'string',
        description: 'How many rewards (1–500)',
        default: '10',
        valueHint: 'N',
      },
    }),
    payout: view('payout', 'Payout schedule: frequency, threshold, next payout'),
    snapshot: view('snapshot', 'The full snapshot rules read, with derived fields and errors'),
  }
}

/** Each kind's own commands besides the shared ones. */
function kindCommands(
  group: AdapterGroup,
  context: TreeContext,
): Record<string, CommandDef<ArgsDef>> {
  const target = { ...entityArg(entityArgName(group), group.label), ...jsonArg }
  const path = (name: string) => `${group.command} ${name}`
  switch (group.kind) {
    case 'mining_performance_tracker':
      return trackerCommands(group)
    case 'miner_controller':
      return {
        test: command(
          path('test'),
          'Read status, hash rate, power and device info through a controller, or through an unsaved config (--type and config flags)',
          async () => ({
            controller: {
              type: 'positional',
              required: false,
              description: 'Controller id (or a unique id prefix, or its exact name)',
              valueHint: 'ID',
            },
            ...(await configArgs(context, group, false)),
            ...jsonArg,
          }),
          extras,
          (module) => module.testController,
        ),
        features: command(
          path('features'),
          'The features the controller offers a miner',
          target,
          extras,
          (module) => module.controllerFeatures,
        ),
      }
    case 'notifier':
      return {
        test: command(
          path('test'),
          'Send a test notification',
          target,
          extras,
          (module) => module.testNotifier,
        ),
      }
    case 'external_service':
      return {
        status: command(
          path('status'),
          'Check the connection (exit 4 unauthorized, 5 disconnected)',
          target,
          extras,
          (module) => module.externalServiceStatus,
        ),
        linked: command(
          path('linked'),
          'What connects through this service',
          target,
          extras,
          (module) => module.linkedEntities,
        ),
      }
    default:
      return {}
  }
}

/**
 * The commands of one adapter kind: list, show, add, update, remove, types, schema, and the
 * kind's own. Config flags and `--type` choices come from the adapters' schemas.
 */
export function adapterCommands(group: AdapterGroup, context: TreeContext): SubCommandsDef {
  const target = entityArg(entityArgName(group), group.label)
  const path = (name: string) => `${group.command} ${name}`
  const plural = `${group.label.toLowerCase()}s`
  return {
    list: command(
      path('list'),
      `List the configured ${plural} (secrets as ***)`,
      { ...jsonArg },
      actions,
      (module) => (invocation) => module.list(group, invocation),
    ),
    show: command(
      path('show'),
      `Show a ${group.label.toLowerCase()}'s details (secrets as ***)`,
      { ...target, ...jsonArg },
      actions,
      (module) => (invocation) => module.show(group, invocation),
    ),
    add: command(
      path('add'),
      `Add a ${group.label.toLowerCase()}; its config comes from the adapter's flags`,
      async () => ({
        ...(await configArgs(context, group, true)),
        name: { type: 'string', description: 'Name (default: the adapter label)' },
        ...externalServiceArg(group),
        ...jsonArg,
      }),
      actions,
      (module) => (invocation) => module.add(group, invocation),
    ),
    update: command(
      path('update'),
      `Change a ${group.label.toLowerCase()}'s name or config fields (omitted fields are kept)`,
      async () => {
        const { type: _type, ...config } = await configArgs(context, group, false)
        return {
          ...target,
          name: { type: 'string', description: 'New name' },
          ...externalServiceArg(group),
          ...config,
          ...jsonArg,
        }
      },
      actions,
      (module) => (invocation) => module.update(group, invocation),
    ),
    remove: command(
      path('remove'),
      `Delete a ${group.label.toLowerCase()} (asks first; --yes to skip)`,
      { ...target, ...forceArg, ...yesArg, ...jsonArg },
      actions,
      (module) => (invocation) => module.remove(group, invocation),
    ),
    types: command(
      path('types'),
      `The ${group.label.toLowerCase()} adapter types`,
      { ...jsonArg },
      actions,
      (module) => (invocation) => module.types(group, invocation),
    ),
    schema: command(
      path('schema'),
      "An adapter type's config: its flags, or its JSON Schema with --json",
      {
        type: { type: 'positional', description: 'Adapter type', valueHint: 'TYPE' },
        ...jsonArg,
      },
      actions,
      (module) => (invocation) => module.schema(group, invocation),
    ),
    ...kindCommands(group, context),
  }
}
