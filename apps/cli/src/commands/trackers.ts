import { type ArgsDef, defineCommand } from 'citty'
import { invocationOf, jsonArg } from '../command-kit'

const trackerArg = {
  tracker: {
    type: 'positional',
    description: 'Tracker id (or a unique id prefix, or its exact name)',
    valueHint: 'ID',
  },
} as const satisfies ArgsDef

const actions = () => import('../actions/trackers')

/** Config flags of every adapter, generated from the adapters' config schemas. */
async function configArgs(): Promise<ArgsDef> {
  const { configFlagArgs } = await import('../actions/tracker-flags')
  return configFlagArgs()
}

const dataCommand = (name: string, description: string, extra: ArgsDef = {}) =>
  defineCommand({
    meta: { name: `edge-mining trackers ${name}`, description },
    args: { ...trackerArg, ...extra, ...jsonArg },
    run: async (context) => (await actions()).runDataCommand(name, invocationOf(context)),
  })

export const trackers = defineCommand({
  meta: {
    name: 'edge-mining trackers',
    description: 'Mining performance trackers: configure them and read their pool data',
  },
  subCommands: {
    list: defineCommand({
      meta: { name: 'edge-mining trackers list', description: 'List the configured trackers' },
      args: { ...jsonArg },
      run: async (context) => (await actions()).list(invocationOf(context)),
    }),
    show: defineCommand({
      meta: {
        name: 'edge-mining trackers show',
        description: "Show a tracker's details (secrets as ***)",
      },
      args: { ...trackerArg, ...jsonArg },
      run: async (context) => (await actions()).show(invocationOf(context)),
    }),
    add: defineCommand({
      meta: {
        name: 'edge-mining trackers add',
        description: "Add a tracker; its config comes from the adapter's flags",
      },
      args: async () => {
        const { typeArg } = await import('../actions/tracker-flags')
        return {
          type: typeArg(),
          name: { type: 'string', description: 'Tracker name (default: the adapter label)' },
          ...(await configArgs()),
          ...jsonArg,
        }
      },
      run: async (context) => (await actions()).add(invocationOf(context)),
    }),
    update: defineCommand({
      meta: {
        name: 'edge-mining trackers update',
        description: 'Change a tracker’s name or config fields (omitted fields are kept)',
      },
      args: async () => ({
        ...trackerArg,
        name: { type: 'string', description: 'New tracker name' },
        ...(await configArgs()),
        ...jsonArg,
      }),
      run: async (context) => (await actions()).update(invocationOf(context)),
    }),
    remove: defineCommand({
      meta: { name: 'edge-mining trackers remove', description: 'Delete a tracker' },
      args: { ...trackerArg, ...jsonArg },
      run: async (context) => (await actions()).remove(invocationOf(context)),
    }),
    test: dataCommand('test', 'Ask the pool now and report how it went'),
    stats: dataCommand('stats', 'Pool statistics: hash rates, balance, workers, last share'),
    workers: dataCommand('workers', 'Per-worker hash rate, state, last share and shares'),
    rewards: dataCommand('rewards', 'Recent rewards, newest first', {
      limit: {
        type: 'string',
        description: 'How many rewards (1–500)',
        default: '10',
        valueHint: 'N',
      },
    }),
    payout: dataCommand('payout', 'Payout schedule: frequency, threshold, next payout'),
    snapshot: dataCommand(
      'snapshot',
      'The full snapshot rules read, with derived fields and errors',
    ),
  },
})
