import type { SubCommandsDef } from 'citty'
import { command, jsonArg } from '../command-kit'

const actions = () => import('../actions/loop')

export const subCommands: SubCommandsDef = {
  list: command(
    'decisions list',
    'The decision log, newest first: every action, failure, change of decision or hold',
    {
      unit: {
        type: 'string',
        description: "Only this unit's entries (id, unique id prefix or name)",
        valueHint: 'UNIT',
      },
      miner: {
        type: 'string',
        description: "Only this miner's entries (id, unique id prefix or name)",
        valueHint: 'MINER',
      },
      since: {
        type: 'string',
        description:
          'Only entries since then: an ISO-8601 time (without a zone: the settings’ one) or a time ago, e.g. 30m, 2h, 1d',
        valueHint: 'ISO|30m|2h|1d',
      },
      limit: {
        type: 'string',
        description: 'How many entries (1–1000, default 20); with --follow, how many to start with',
        valueHint: 'N',
      },
      follow: {
        type: 'boolean',
        alias: 'f',
        description:
          'Print the last entries oldest first, then each new one as it is written, until Ctrl-C (with --json: one JSON object per line)',
      },
      ...jsonArg,
    },
    actions,
    (m) => m.listDecisions,
  ),
}
