import type { MiningPerformanceTracker } from '@edge-mining/domain'
import type { TrackerService } from '@edge-mining/services'
import { findTracker, loadView, printView, testTracker, type ViewName } from './actions/trackers'
import type { CommandData } from './command-kit'
import { describeError } from './errors'
import { renderTrackerDetails } from './format'
import { createPrompter, type Prompter } from './prompt'
import { runConfigWizard } from './wizard'

/** Thrown to leave the menu from any depth (the `q` choice). */
class QuitMenu extends Error {}

interface MenuEntry {
  key: string
  label: string
}

interface Session {
  data: CommandData
  prompter: Prompter
  trackers: TrackerService
}

/** Shows a menu and asks until the answer is one of its keys. */
async function choose(
  session: Session,
  title: string,
  entries: readonly MenuEntry[],
): Promise<string> {
  const { prompter, data } = session
  const { paint } = data.terminal
  prompter.say(`\n${paint.bold(`--- ${title} ---`)}`)
  for (const entry of entries) prompter.say(`${entry.key}. ${entry.label}`)
  for (;;) {
    const answer = (await prompter.ask('Choose an option')).toLowerCase()
    if (answer === 'q' && entries.some((entry) => entry.key === 'q')) throw new QuitMenu()
    if (entries.some((entry) => entry.key === answer)) return answer
    prompter.say(paint.red('Invalid choice. Try again.'))
  }
}

async function confirm(prompter: Prompter, question: string, byDefault: boolean): Promise<boolean> {
  for (;;) {
    const answer = (
      await prompter.ask(`${question} (y/n)`, { default: byDefault ? 'y' : 'n' })
    ).toLowerCase()
    if (answer === 'y' || answer === 'yes') return true
    if (answer === 'n' || answer === 'no') return false
    prompter.say('Please answer y or n.')
  }
}

/** Runs an action; a failure is reported in red and the menu goes on. */
async function attempt(
  session: Session,
  prefix: string,
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action()
  } catch (error) {
    session.data.terminal.logger.error(`${prefix}${describeError(error)}`)
  }
}

async function addTracker(session: Session): Promise<void> {
  const { prompter, trackers, data } = session
  const { paint } = data.terminal
  prompter.say(paint.yellow('\n--- Add Mining Performance Tracker ---'))
  const name = await prompter.ask('Name of the tracker')
  const types = trackers.registry.types()
  types.forEach((type, index) => {
    prompter.say(`${index}. ${type} — ${trackers.registry.get(type).label}`)
  })
  let type: string | undefined
  while (type === undefined) {
    const answer = await prompter.ask('Choose a Tracker')
    const index = /^\d+$/.test(answer) ? Number(answer) : -1
    type = types[index] ?? types.find((candidate) => candidate === answer.toLowerCase())
    if (type === undefined) prompter.say(paint.red('Invalid index. Try again.'))
  }
  const config = await runConfigWizard(prompter, trackers.registry, type, { paint })
  await attempt(session, 'Error adding mining performance tracker: ', async () => {
    const created = await trackers.create({ name, adapter_type: type, config })
    data.terminal.logger.success(
      `Mining performance tracker '${created.name}' (ID: ${created.id}) successfully added.`,
    )
  })
}

function listTrackers(session: Session, all: readonly MiningPerformanceTracker[]): void {
  const { prompter, data } = session
  prompter.say(data.terminal.paint.bold('\n--- Configured Mining Performance Trackers ---'))
  if (all.length === 0) prompter.say('No mining performance trackers configured.')
  for (const tracker of all) {
    prompter.say(`-> Name: ${tracker.name}, ID: ${tracker.id}, Type: ${tracker.adapter_type}`)
  }
}

async function selectTracker(session: Session): Promise<MiningPerformanceTracker | undefined> {
  const { prompter, trackers, data } = session
  const all = await trackers.list()
  prompter.say(data.terminal.paint.bold('\n--- Select Mining Performance Tracker ---'))
  if (all.length === 0) {
    prompter.say('No mining performance trackers configured.')
    return undefined
  }
  all.forEach((tracker, index) => {
    prompter.say(`${index + 1}. ${tracker.name} (${tracker.adapter_type}, ${tracker.id})`)
  })
  prompter.say('b. Back to menu')
  for (;;) {
    const answer = (await prompter.ask('Choose a Tracker index')).toLowerCase()
    if (answer === 'b') return undefined
    const chosen = /^\d+$/.test(answer) ? all[Number(answer) - 1] : undefined
    if (chosen) return chosen
    prompter.say(data.terminal.paint.red('Invalid index. Try again.'))
  }
}

async function updateTracker(session: Session, tracker: MiningPerformanceTracker): Promise<void> {
  const { prompter, trackers, data } = session
  const name = await prompter.ask('New name of the tracker', { default: tracker.name })
  const config = (await confirm(prompter, 'Change configuration', true))
    ? await runConfigWizard(prompter, trackers.registry, tracker.adapter_type, {
        paint: data.terminal.paint,
        current: tracker.config,
      })
    : undefined
  await attempt(session, 'Error updating mining performance tracker: ', async () => {
    const updated = await trackers.update(tracker.id, { name, config })
    data.terminal.logger.success(
      `Mining performance tracker '${updated.name}' (ID: ${updated.id}) successfully updated.`,
    )
  })
}

const VIEWS: readonly (readonly [string, string, ViewName])[] = [
  ['4', 'Pool statistics', 'stats'],
  ['5', 'Workers', 'workers'],
  ['6', 'Recent rewards', 'rewards'],
  ['7', 'Payout schedule', 'payout'],
  ['8', 'Full snapshot', 'snapshot'],
]

/** The tracker's own menu; returns when the tracker is deleted or the person goes back. */
async function manageTracker(session: Session, chosen: MiningPerformanceTracker): Promise<void> {
  const { prompter, trackers, data } = session
  let tracker = chosen
  for (;;) {
    tracker = await findTracker(trackers, tracker.id)
    const shown = trackers.toPublic(tracker)
    prompter.say(
      `\n${renderTrackerDetails(shown, trackers.registry.get(shown.adapter_type).label).replace(/^/gm, '| ')}`,
    )
    const choice = await choose(session, 'MANAGE MINING PERFORMANCE TRACKER', [
      { key: '1', label: 'Update Tracker' },
      { key: '2', label: 'Delete Tracker' },
      { key: '3', label: 'Test Tracker' },
      ...VIEWS.map(([key, label]) => ({ key, label })),
      { key: 'b', label: 'Back to tracker menu' },
      { key: 'q', label: 'Close application' },
    ])
    if (choice === 'b') return
    if (choice === '1') await updateTracker(session, tracker)
    else if (choice === '2') {
      const sure = await confirm(
        prompter,
        `Are you sure you want to delete the tracker '${tracker.name}' (ID: ${tracker.id})?`,
        false,
      )
      if (!sure) {
        prompter.say('Deletion cancelled.')
        continue
      }
      await attempt(session, 'Error removing mining performance tracker: ', async () => {
        const removed = await trackers.remove(tracker.id)
        data.terminal.logger.success(
          `Mining performance tracker '${removed.name}' (ID: ${removed.id}) successfully removed.`,
        )
      })
      return
    } else if (choice === '3') {
      prompter.say(data.terminal.paint.bold('\n--- Test Mining Performance Tracker ---'))
      await attempt(session, '', () => testTracker(data, trackers, tracker, false))
    } else {
      const view = VIEWS.find(([key]) => key === choice)
      if (!view) continue
      prompter.say(data.terminal.paint.bold(`\n--- ${view[1]}: ${tracker.name} ---`))
      await attempt(session, '', async () => {
        printView(data, await loadView(data, trackers, tracker, view[2]), false)
      })
    }
  }
}

async function trackerMenu(session: Session): Promise<void> {
  for (;;) {
    const choice = await choose(session, 'MINING PERFORMANCE TRACKER MENU', [
      { key: '1', label: 'Add Tracker' },
      { key: '2', label: 'List Trackers' },
      { key: '3', label: 'Manage Tracker' },
      { key: 'b', label: 'Back to main menu' },
      { key: 'q', label: 'Close application' },
    ])
    if (choice === 'b') return
    if (choice === '1') await addTracker(session)
    else if (choice === '2') listTrackers(session, await session.trackers.list())
    else {
      const tracker = await selectTracker(session)
      if (tracker) await manageTracker(session, tracker)
      else session.prompter.say('No mining performance tracker selected.')
    }
  }
}

/**
 * The interactive menu: upstream's tracker menu tree plus a data view per tracker. Invalid
 * choices ask again; `q`, Ctrl-C or the end of input leave cleanly.
 */
export async function runMenu(data: CommandData): Promise<void> {
  const prompter = createPrompter({ input: data.terminal.stdin, output: data.terminal.stdout })
  const session: Session = { data, prompter, trackers: data.services().trackers }
  try {
    for (;;) {
      const choice = await choose(session, 'EDGE MINING', [
        { key: '1', label: 'Manage Mining Performance Trackers' },
        { key: 'q', label: 'Close application' },
      ])
      if (choice === '1') await trackerMenu(session)
    }
  } catch (error) {
    if (!(error instanceof QuitMenu)) throw error
    prompter.say('Bye.')
  } finally {
    prompter.close()
  }
}
