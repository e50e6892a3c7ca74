import type { SubCommandsDef } from 'citty'
import { command, jsonArg } from '../command-kit'
import { fieldArgs, SETTINGS_FIELDS } from '../fields'

const actions = () => import('../actions/settings')

export const subCommands: SubCommandsDef = {
  show: command('settings show', 'The settings', { ...jsonArg }, actions, (m) => m.show),
  set: command(
    'settings set',
    'Change the settings given (the others are kept)',
    { ...fieldArgs(SETTINGS_FIELDS), ...jsonArg },
    actions,
    (m) => m.set,
  ),
}
