import type { ArgsDef, CommandDef, SubCommandsDef } from 'citty'
import type { TreeContext } from './command-kit'
import { ADAPTER_GROUPS } from './kinds'

/** A command group whose subcommands load when it is used (root `--help` loads none). */
function group(
  name: string,
  description: string,
  subCommands: () => Promise<SubCommandsDef>,
): CommandDef<ArgsDef> {
  return { meta: { name: `edge-mining ${name}`, description }, subCommands }
}

/**
 * The command tree. Only names and descriptions live here; each group loads its commands when
 * used, and each command its code when it runs. `context` gives the adapters that config
 * flags and `--type` choices are generated from.
 */
export function createMain(context: TreeContext): CommandDef<ArgsDef> {
  const adapterGroups = Object.fromEntries(
    ADAPTER_GROUPS.map((adapters) => [
      adapters.command,
      group(adapters.command, adapters.description, async () =>
        (await import('./commands/adapters')).adapterCommands(adapters, context),
      ),
    ]),
  )
  return {
    meta: {
      name: 'edge-mining',
      version: '0.1.0',
      description:
        'Edge Mining: configure a site (miners, energy, policies, units, pool trackers…), read its pool data and decisional context, run and inspect the decision loop, check rules. Run without arguments on a terminal for the interactive menu.',
    },
    args: {
      debug: { type: 'boolean', description: 'Show stack traces of unexpected errors' },
    },
    subCommands: {
      miners: group(
        'miners',
        'Miners: configure them, attach controllers, read them, start or stop and hold them',
        async () => (await import('./commands/miners')).subCommands,
      ),
      'energy-sources': group(
        'energy-sources',
        'Energy sources: solar, grid, battery…, each read by an energy monitor',
        async () => (await import('./commands/energy-sources')).subCommands,
      ),
      policies: group(
        'policies',
        'Policies: the start and stop rules a unit decides with (YAML files in POLICIES_DIR)',
        async () => (await import('./commands/policies')).subCommands,
      ),
      units: group(
        'units',
        'Optimization units: a policy deciding for miners from an energy source',
        async () => (await import('./commands/units')).subCommands,
      ),
      cycle: group(
        'cycle',
        'The decision loop, one cycle at a time: plan (--dry-run) or run a cycle now',
        async () => (await import('./commands/cycle')).subCommands,
      ),
      decisions: group(
        'decisions',
        'The decision log: what the loop and manual actions did and why (--follow to watch it)',
        async () => (await import('./commands/decisions')).subCommands,
      ),
      settings: group(
        'settings',
        'System settings: time zone, location (for the sun), loop interval',
        async () => (await import('./commands/settings')).subCommands,
      ),
      ...adapterGroups,
      rules: group(
        'rules',
        'Check, explain and explore decision rules in files',
        async () => (await import('./commands/rules')).subCommands,
      ),
      serve: async () => (await import('./commands/serve')).serve,
      menu: async () => (await import('./commands/menu')).menu,
    },
  }
}
