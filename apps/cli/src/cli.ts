import type { ArgsDef, CommandDef } from 'citty'

/** The command tree. Only names and descriptions live here; each command loads its code when run. */
export const main: CommandDef<ArgsDef> = {
  meta: {
    name: 'edge-mining',
    version: '0.1.0',
    description:
      'Edge Mining: mining performance trackers, pool data and rules. Run without arguments on a terminal for the interactive menu.',
  },
  args: {
    debug: { type: 'boolean', description: 'Show stack traces of unexpected errors' },
  },
  subCommands: {
    trackers: () => import('./commands/trackers').then((module) => module.trackers),
    rules: () => import('./commands/rules').then((module) => module.rules),
    serve: () => import('./commands/serve').then((module) => module.serve),
    menu: () => import('./commands/menu').then((module) => module.menu),
  },
}
