import type { SubCommandsDef } from 'citty'
import { command, entityArg, forceArg, jsonArg, yesArg } from '../command-kit'
import { ENERGY_SOURCE_FIELDS, fieldArgs } from '../fields'

const actions = () => import('../actions/energy-sources')
const source = entityArg('source', 'Energy source')

export const subCommands: SubCommandsDef = {
  list: command(
    'energy-sources list',
    'List the energy sources',
    { ...jsonArg },
    actions,
    (m) => m.list,
  ),
  show: command(
    'energy-sources show',
    "An energy source's details",
    { ...source, ...jsonArg },
    actions,
    (m) => m.show,
  ),
  add: command(
    'energy-sources add',
    'Add an energy source (default type solar)',
    { ...fieldArgs(ENERGY_SOURCE_FIELDS), ...jsonArg },
    actions,
    (m) => m.add,
  ),
  update: command(
    'energy-sources update',
    "Change an energy source's fields (omitted fields are kept)",
    { ...source, ...fieldArgs(ENERGY_SOURCE_FIELDS, true), ...jsonArg },
    actions,
    (m) => m.update,
  ),
  remove: command(
    'energy-sources remove',
    'Delete an energy source (asks first; refused while a unit uses it unless --force)',
    { ...source, ...forceArg, ...yesArg, ...jsonArg },
    actions,
    (m) => m.remove,
  ),
  types: command(
    'energy-sources types',
    'The energy source types',
    { ...jsonArg },
    actions,
    (m) => m.types,
  ),
}
