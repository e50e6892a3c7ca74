import type { SubCommandsDef } from 'citty'
import { command, jsonArg } from '../command-kit'

const actions = () => import('../actions/loop')

export const subCommands: SubCommandsDef = {
  run: command(
    'cycle run',
    'Run one decision cycle now, in this process: read, plan, act, record (the scheduler stays the server’s)',
    {
      unit: {
        type: 'string',
        description:
          'Only this unit, enabled or not (id, unique id prefix or name); default every enabled unit',
        valueHint: 'UNIT',
      },
      'dry-run': {
        type: 'boolean',
        description: 'Plan and print what it would do and why; start, stop and record nothing',
      },
      explain: {
        type: 'boolean',
        description: "Print each miner's rule explanation, leaf by leaf",
      },
      ...jsonArg,
    },
    actions,
    (m) => m.runCycle,
  ),
}
