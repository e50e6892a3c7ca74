import { defineCommand, type SubCommandsDef } from 'citty'
import { invocationOf, jsonArg, VARIADIC } from '../command-kit'

const actions = () => import('../actions/rules')

const check = defineCommand({
  meta: {
    name: 'edge-mining rules check',
    description:
      'Validate policy and rule files; prints file:line:col: severity: message, exit 1 on errors',
  },
  args: {
    files: { type: 'positional', description: 'Policy or rule YAML files', valueHint: 'FILE…' },
    ...jsonArg,
  },
  run: async (context) => (await actions()).check(invocationOf(context)),
})
VARIADIC.add(check)

export const subCommands: SubCommandsDef = {
  check,
  explain: defineCommand({
    meta: {
      name: 'edge-mining rules explain',
      description: 'Evaluate a policy against a context and explain the decision leaf by leaf',
    },
    args: {
      policy: {
        type: 'string',
        required: true,
        description: 'Policy YAML file',
        valueHint: 'FILE',
      },
      context: {
        type: 'string',
        required: true,
        description:
          'Decisional context JSON file (energy_state, miner_state, mining_performance, …)',
        valueHint: 'FILE.json',
      },
      'time-zone': {
        type: 'string',
        description: 'IANA time zone for timestamp.hour / weekday (default UTC)',
      },
      ...jsonArg,
    },
    run: async (context) => (await actions()).explainPolicy(invocationOf(context)),
  }),
  fields: defineCommand({
    meta: {
      name: 'edge-mining rules fields',
      description: 'Every field path a rule can use, with its type and unit',
    },
    args: { ...jsonArg },
    run: async (context) => (await actions()).fields(invocationOf(context)),
  }),
}
