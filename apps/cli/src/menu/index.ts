import type { CommandData } from '../command-kit'
import { SETTINGS_FIELDS } from '../fields'
import { adapterGroup } from '../kinds'
import { createPrompter } from '../prompt'
import { renderSettings } from '../views'
import { type EntityMenuSpec, entityMenu, invoke } from './entity-menu'
import { askFields, attempt, type Choice, choose, menuLoop, QuitMenu, type Session } from './kit'
import { adapterSpec, energySourceSpec, minerSpec, policySpec, unitSpec } from './specs'

/** A main-menu entry opening an entity kind's menu. */
function opens<T extends { id: string; name: string }>(
  session: Session,
  label: string,
  spec: () => EntityMenuSpec<T>,
): Choice {
  return { label, run: () => entityMenu(session, spec()) }
}

/** A main-menu entry grouping several entity menus (upstream's Energy, Miners). */
function group(session: Session, label: string, title: string, entries: Choice[]): Choice {
  return { label, run: () => menuLoop(session, title, () => entries, 'Back to main menu') }
}

function settingsMenu(session: Session): Promise<void> {
  const { services, prompter, data } = session
  return menuLoop(
    session,
    'SYSTEM SETTINGS',
    () => [
      {
        label: 'Change settings',
        run: async () => {
          const changes = await askFields(session, SETTINGS_FIELDS, services.settings.get())
          await attempt(session, 'Error updating settings: ', () => {
            services.settings.update(changes)
            data.terminal.logger.success('System settings updated.')
          })
        },
      },
    ],
    'Back to main menu',
    { before: () => prompter.say(`\n${renderSettings(services.settings.get())}`) },
  )
}

/** The last entries of the decision log, newest first (as `decisions list`). */
async function decisionLog(session: Session): Promise<void> {
  session.prompter.say(session.data.terminal.paint.bold('\n--- Decision log (last 20) ---'))
  const { listDecisions, DEFAULT_DECISIONS_LIMIT } = await import('../actions/loop')
  await attempt(session, '', () =>
    invoke(session, listDecisions, { limit: String(DEFAULT_DECISIONS_LIMIT) }),
  )
}

/**
 * The interactive menu: upstream's tree (Energy, Miners, Policies, Notifiers, Optimization
 * Units, External Services, Mining Performance Trackers) plus System Settings and the decision
 * log. Every entity menu is the same generic one. Invalid choices ask again; `q`, Ctrl-C or the end of input leave.
 */
export async function runMenu(data: CommandData): Promise<void> {
  const prompter = createPrompter({ input: data.terminal.stdin, output: data.terminal.stdout })
  const session: Session = { data, prompter, services: await data.services() }
  const adapters = (kind: Parameters<typeof adapterGroup>[0], label: string) =>
    opens(session, label, () => adapterSpec(session, adapterGroup(kind)))
  const main: Choice[] = [
    group(session, 'Energy', 'ENERGY', [
      opens(session, 'Energy Sources', () => energySourceSpec(session)),
      adapters('energy_monitor', 'Energy Monitors'),
      adapters('forecast_provider', 'Forecast Providers'),
    ]),
    group(session, 'Miners', 'MINERS', [
      opens(session, 'Miners', () => minerSpec(session)),
      adapters('miner_controller', 'Miner Controllers'),
    ]),
    opens(session, 'Policies', () => policySpec(session)),
    adapters('notifier', 'Notifiers'),
    opens(session, 'Optimization Units', () => unitSpec(session)),
    adapters('external_service', 'External Services'),
    adapters('mining_performance_tracker', 'Mining Performance Trackers'),
    { label: 'System Settings', run: () => settingsMenu(session) },
    { label: 'Decision log', run: () => decisionLog(session) },
  ]
  try {
    const entries = [
      ...main.map((choice, index) => ({ key: String(index + 1), label: choice.label })),
      { key: 'q', label: 'Close application' },
    ]
    for (;;) await main[Number(await choose(session, 'EDGE MINING', entries)) - 1]?.run()
  } catch (error) {
    if (!(error instanceof QuitMenu)) throw error
    prompter.say('Bye.')
  } finally {
    prompter.close()
  }
}
