import type { ArgsDef, SubCommandsDef } from 'citty'
import { type Action, command, entityArg, forceArg, jsonArg, yesArg } from '../command-kit'

const actions = () => import('../actions/policies')
type Actions = Awaited<ReturnType<typeof actions>>
const policy = entityArg('policy', 'Policy')

const onPolicy = (
  name: string,
  description: string,
  pick: (m: Actions) => Action,
  extra: ArgsDef = {},
) => command(`policies ${name}`, description, { ...policy, ...extra, ...jsonArg }, actions, pick)

const describedBy = {
  description: { type: 'string', description: 'What the policy is for' },
} as const satisfies ArgsDef

export const subCommands: SubCommandsDef = {
  list: command('policies list', 'List the policies', { ...jsonArg }, actions, (m) => m.list),
  show: onPolicy('show', 'A policy with its rules and issues', (m) => m.show),
  create: command(
    'policies create',
    'Create an empty policy (add rules by export, edit, import)',
    {
      name: { type: 'string', required: true, description: 'Policy name' },
      ...describedBy,
      ...jsonArg,
    },
    actions,
    (m) => m.create,
  ),
  import: command(
    'policies import',
    'Import a policy file (YAML or JSON); keeps its id unless taken or --new-id',
    {
      file: { type: 'positional', description: 'Policy file', valueHint: 'FILE' },
      'new-id': { type: 'boolean', description: 'Give it a new id (import a copy)' },
      ...jsonArg,
    },
    actions,
    (m) => m.importFile,
  ),
  export: onPolicy(
    'export',
    'Print the policy file (YAML) to edit and import again',
    (m) => m.exportFile,
  ),
  update: onPolicy('update', "Change a policy's name or description", (m) => m.update, {
    name: { type: 'string', description: 'New name' },
    ...describedBy,
  }),
  remove: onPolicy(
    'remove',
    'Delete a policy (asks first; refused while a unit uses it unless --force)',
    (m) => m.remove,
    { ...forceArg, ...yesArg },
  ),
  check: onPolicy(
    'check',
    'Can it run? Issues as file:line:col: severity: message; exit 1 on errors',
    (m) => m.check,
  ),
  rules: onPolicy('rules', "The policy's rules", (m) => m.rules, {
    type: { type: 'enum', options: ['start', 'stop'], description: 'Only start or stop rules' },
  }),
}
