import type { ArgsDef, SubCommandsDef } from 'citty'
import { type Action, command, entityArg, jsonArg, yesArg } from '../command-kit'
import { fieldArgs, UNIT_FIELDS } from '../fields'

const actions = () => import('../actions/units')
const loopActions = () => import('../actions/loop')
type Actions = Awaited<ReturnType<typeof actions>>
const unit = entityArg('unit', 'Optimization unit')

const onUnit = (
  name: string,
  description: string,
  pick: (m: Actions) => Action,
  extra: ArgsDef = {},
) => command(`units ${name}`, description, { ...unit, ...extra, ...jsonArg }, actions, pick)

const member = (kind: 'miner' | 'notifier', adding: boolean) =>
  onUnit(
    `${adding ? 'add' : 'remove'}-${kind}`,
    `${adding ? 'Add a' : 'Remove a'} ${kind} ${adding ? 'to' : 'from'} the unit`,
    (m) => (i) => m.membership(kind, adding, i),
    entityArg('member', kind === 'miner' ? 'Miner' : 'Notifier'),
  )

export const subCommands: SubCommandsDef = {
  list: command('units list', 'List the units', { ...jsonArg }, actions, (m) => m.list),
  show: onUnit('show', "A unit's details", (m) => m.show),
  add: command(
    'units add',
    'Add a unit (disabled until `units enable`)',
    { ...fieldArgs(UNIT_FIELDS), ...jsonArg },
    actions,
    (m) => m.add,
  ),
  update: command(
    'units update',
    "Change a unit's fields (omitted fields are kept)",
    { ...unit, ...fieldArgs(UNIT_FIELDS, true), ...jsonArg },
    actions,
    (m) => m.update,
  ),
  remove: onUnit('remove', 'Delete a unit (asks first)', (m) => m.remove, yesArg),
  enable: onUnit(
    'enable',
    'Let the loop decide for it (needs a policy, an energy source and a miner)',
    (m) => (i) => m.setEnabled(true, i),
  ),
  disable: onUnit('disable', 'Stop deciding for it', (m) => (i) => m.setEnabled(false, i)),
  context: onUnit(
    'context',
    'Read its decisional context now, as the policy would see it (missing parts in errors)',
    (m) => m.context,
  ),
  status: command(
    'units status',
    'Each miner of each unit (or of one): status now, last decision and why, what holds it (from the decision log)',
    {
      unit: {
        type: 'positional',
        required: false,
        description: 'Only this unit (id, unique id prefix or name); default every unit',
        valueHint: 'UNIT',
      },
      ...jsonArg,
    },
    loopActions,
    (m) => m.unitsStatus,
  ),
  'add-miner': member('miner', true),
  'remove-miner': member('miner', false),
  'add-notifier': member('notifier', true),
  'remove-notifier': member('notifier', false),
}
