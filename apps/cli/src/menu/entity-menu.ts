import { ConflictError, type EntityKind, entityLabel } from '@edge-mining/domain'
import type { Action } from '../command-kit'
import type { Named } from '../find'
import { changed } from '../output'
import { attempt, type Choice, confirm, menuLoop, pick, type Session } from './kit'

/** An action of an entity's manage menu. */
export interface EntityAction<T> {
  label: string
  run(item: T): Promise<void>
}

/** What the generic entity menu needs to know about one kind of entity. */
export interface EntityMenuSpec<T extends Named> {
  kind: EntityKind
  /** Upper-case title, e.g. "MINING PERFORMANCE TRACKER". */
  title: string
  /** Title of the list, e.g. "Mining Performance Trackers". */
  titlePlural: string
  /** The menus' word, e.g. "Tracker" ("Add Tracker", "Choose a Tracker index"). */
  noun: string
  /** Default: the noun and "s" ("List Trackers"). */
  nounPlural?: string
  list(): T[]
  get(id: string): T
  /** After the id in a list line: "Type: ocean". */
  summary(item: T): string
  /** A picker line: "Rig (ocean, id)". */
  pickLine(item: T): string
  details(item: T): string
  add(): Promise<void>
  update(item: T): Promise<void>
  remove(item: T, force: boolean): unknown
  /** The kind's own actions in its manage menu. */
  actions?(item: T): EntityAction<T>[]
}

const titleCase = (text: string) => text.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase())
export const article = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`)

/** Runs an action module's function for the menu, as its command would (human output). */
export function invoke(session: Session, action: Action, args: Record<string, unknown>) {
  return action({ args, rawArgs: [], data: session.data })
}

function listAll<T extends Named>(session: Session, spec: EntityMenuSpec<T>): void {
  const { prompter, data } = session
  const all = spec.list()
  prompter.say(data.terminal.paint.bold(`\n--- Configured ${spec.titlePlural} ---`))
  if (all.length === 0) prompter.say(`No ${spec.titlePlural.toLowerCase()} configured.`)
  for (const item of all)
    prompter.say(`-> Name: ${item.name}, ID: ${item.id}, ${spec.summary(item)}`)
}

/** Asks first; a delete refused because something uses it may then detach and delete. */
async function deleteItem<T extends Named>(
  session: Session,
  spec: EntityMenuSpec<T>,
  item: T,
): Promise<'back' | undefined> {
  const { prompter, data } = session
  const what = `${spec.noun.toLowerCase()} '${item.name}' (ID: ${item.id})`
  if (!(await confirm(prompter, `Are you sure you want to delete the ${what}?`, false))) {
    prompter.say('Deletion cancelled.')
    return undefined
  }
  const label = entityLabel(spec.kind).toLowerCase()
  let refused: ConflictError | undefined
  await attempt(session, `Error removing ${label}: `, () => {
    try {
      spec.remove(item, false)
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error
      refused = error
      return
    }
    data.terminal.logger.success(changed(spec.kind, item, 'removed'))
  })
  if (refused) {
    prompter.say(refused.message.replace(/; detach it first.*$/, '.'))
    if (!(await confirm(prompter, 'Detach it from them and delete it anyway?', false))) {
      prompter.say('Deletion cancelled.')
      return undefined
    }
    await attempt(session, `Error removing ${label}: `, () => {
      spec.remove(item, true)
      data.terminal.logger.success(changed(spec.kind, item, 'removed'))
    })
  }
  return 'back'
}

async function manage<T extends Named>(
  session: Session,
  spec: EntityMenuSpec<T>,
  chosen: T,
): Promise<void> {
  let item = chosen
  let gone = false
  const choices = (): Choice[] => [
    { label: `Update ${spec.noun}`, run: () => spec.update(item) },
    {
      label: `Delete ${spec.noun}`,
      run: async () => {
        gone = (await deleteItem(session, spec, item)) === 'back'
      },
    },
    ...(spec.actions?.(item) ?? []).map((action) => ({
      label: action.label,
      run: () => action.run(item),
    })),
  ]
  await menuLoop(
    session,
    `MANAGE ${spec.title}`,
    choices,
    `Back to ${spec.noun.toLowerCase()} menu`,
    {
      before: () => {
        item = spec.get(item.id)
        session.prompter.say(`\n${spec.details(item).replace(/^/gm, '| ')}`)
      },
      done: () => gone,
    },
  )
}

/** An entity kind's menu: Add, List, Manage (update, delete with confirmation, its actions). */
export async function entityMenu<T extends Named>(
  session: Session,
  spec: EntityMenuSpec<T>,
): Promise<void> {
  const singular = titleCase(spec.title)
  await menuLoop(
    session,
    `${spec.title} MENU`,
    () => [
      {
        label: `Add ${spec.noun}`,
        run: async () => {
          session.prompter.say(session.data.terminal.paint.yellow(`\n--- Add ${singular} ---`))
          await spec.add()
        },
      },
      {
        label: `List ${spec.nounPlural ?? `${spec.noun}s`}`,
        run: async () => listAll(session, spec),
      },
      {
        label: `Manage ${spec.noun}`,
        run: async () => {
          const item = await pick(session, spec.list(), {
            title: `Select ${singular}`,
            none: `No ${spec.titlePlural.toLowerCase()} configured.`,
            prompt: `Choose ${article(spec.noun)} index`,
            describe: spec.pickLine,
          })
          if (item) await manage(session, spec, item)
          else session.prompter.say(`No ${singular.toLowerCase()} selected.`)
        },
      },
    ],
    'Back to main menu',
  )
}
