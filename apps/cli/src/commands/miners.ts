import type { ArgsDef, SubCommandsDef } from 'citty'
import { type Action, command, entityArg, forceArg, jsonArg, yesArg } from '../command-kit'
import { fieldArgs, MINER_FIELDS } from '../fields'

const actions = () => import('../actions/miners')
const miner = entityArg('miner', 'Miner')
const controller = entityArg('controller', 'Miner controller')
const holdArg: ArgsDef = {
  for: {
    type: 'string',
    description:
      'How long the loop leaves it so: seconds (3600) or 90s, 30m, 2h, 1d; at most 7 days',
    valueHint: '30m|3600',
  },
}

const onMiner = (
  name: string,
  description: string,
  pick: (module: Awaited<ReturnType<typeof actions>>) => Action,
  extra: ArgsDef = {},
) => command(`miners ${name}`, description, { ...miner, ...extra, ...jsonArg }, actions, pick)

export const subCommands: SubCommandsDef = {
  list: command('miners list', 'List the miners', { ...jsonArg }, actions, (m) => m.list),
  show: onMiner('show', "A miner's details", (m) => m.show),
  add: command(
    'miners add',
    'Add a miner (then attach a controller with set-controller)',
    {
      ...fieldArgs(MINER_FIELDS),
      inactive: { type: 'boolean', description: 'Add it deactivated' },
      ...jsonArg,
    },
    actions,
    (m) => m.add,
  ),
  update: command(
    'miners update',
    "Change a miner's fields (omitted fields are kept)",
    { ...miner, ...fieldArgs(MINER_FIELDS, true), ...jsonArg },
    actions,
    (m) => m.update,
  ),
  remove: onMiner(
    'remove',
    'Delete a miner (asks first; refused while a unit lists it unless --force)',
    (m) => m.remove,
    { ...forceArg, ...yesArg },
  ),
  activate: onMiner(
    'activate',
    'Let the loop and manual actions control it',
    (m) => (i) => m.setActive(true, i),
  ),
  deactivate: onMiner(
    'deactivate',
    'Leave it alone: no decision, no action',
    (m) => (i) => m.setActive(false, i),
  ),
  status: onMiner(
    'status',
    'Read its status, hash rate, power and temperatures now',
    (m) => m.status,
  ),
  info: onMiner('info', 'Device information (model, firmware…)', (m) => m.info),
  limits: onMiner('limits', 'Maximum power and hash rate the device reports', (m) => m.limits),
  start: onMiner(
    'start',
    'Start mining now (mining control, else power control) and hold it on: the loop leaves it so for --for (default 1 h) or until `miners release`',
    (m) => (i) => m.act('start', i),
    holdArg,
  ),
  stop: onMiner(
    'stop',
    'Stop mining now (mining control, else power control) and hold it off: the loop leaves it so for --for (default 1 h) or until `miners release`',
    (m) => (i) => m.act('stop', i),
    holdArg,
  ),
  release: onMiner(
    'release',
    'End its manual override: the loop decides for it again from the next cycle',
    (m) => m.release,
  ),
  features: onMiner('features', 'Its features, which controller serves each', (m) => m.features),
  'set-controller': onMiner(
    'set-controller',
    'Attach a controller: every feature it offers, priority 50, enabled',
    (m) => m.setController,
    controller,
  ),
  'unlink-controller': onMiner(
    'unlink-controller',
    'Detach a controller: remove its features',
    (m) => m.unlinkController,
    controller,
  ),
  feature: onMiner(
    'feature',
    'Enable, disable or reprioritise one feature of one controller',
    (m) => m.feature,
    {
      ...controller,
      type: {
        type: 'positional',
        description: 'Feature type, e.g. mining_control',
        valueHint: 'TYPE',
      },
      enable: { type: 'boolean', description: 'Enable the feature' },
      disable: { type: 'boolean', description: 'Disable the feature' },
      priority: { type: 'string', description: 'Priority 1–100 (higher wins)', valueHint: 'N' },
    },
  ),
}
