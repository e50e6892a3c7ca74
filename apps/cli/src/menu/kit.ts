import type { Services } from '@edge-mining/services'
import type { CommandData } from '../command-kit'
import { describeError } from '../errors'
import { fieldValue, NONE, parseFieldText, setField } from '../field-input'
import type { FieldSpec } from '../fields'
import { entitiesOf, type Named } from '../find'
import type { Prompter } from '../prompt'

/** Thrown to leave the menu from any depth (the `q` choice). */
export class QuitMenu extends Error {}

export interface Session {
  data: CommandData
  prompter: Prompter
  services: Services
}

export interface MenuEntry {
  key: string
  label: string
}

/** Shows a menu and asks until the answer is one of its keys (`q` leaves the menu). */
export async function choose(
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

export interface Choice {
  label: string
  run(): Promise<void>
}

export interface LoopOptions {
  /** Before each showing (e.g. print the entity's details). */
  before?(): void
  /** After each choice: true leaves the loop (e.g. the entity was deleted). */
  done?(): boolean
}

/**
 * A menu of numbered choices plus `b` (back, with `backLabel`) and `q`, asked again after each
 * choice until `b`.
 */
export async function menuLoop(
  session: Session,
  title: string,
  choices: () => readonly Choice[],
  backLabel: string,
  options: LoopOptions = {},
): Promise<void> {
  for (;;) {
    options.before?.()
    const current = choices()
    const key = await choose(session, title, [
      ...current.map((choice, index) => ({ key: String(index + 1), label: choice.label })),
      { key: 'b', label: backLabel },
      { key: 'q', label: 'Close application' },
    ])
    if (key === 'b') return
    await current[Number(key) - 1]?.run()
    if (options.done?.()) return
  }
}

export async function confirm(
  prompter: Prompter,
  question: string,
  byDefault: boolean,
): Promise<boolean> {
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
export async function attempt(
  session: Session,
  prefix: string,
  action: () => Promise<void> | void,
): Promise<void> {
  try {
    await action()
  } catch (error) {
    session.data.terminal.logger.error(`${prefix}${describeError(error)}`)
  }
}

export interface PickOptions<T> {
  title: string
  /** What to say when there is nothing to pick. */
  none: string
  prompt: string
  describe(item: T): string
}

/** Lists `items` by number and asks for one; `b` (or nothing to pick) answers undefined. */
export async function pick<T>(
  session: Session,
  items: readonly T[],
  options: PickOptions<T>,
): Promise<T | undefined> {
  const { prompter, data } = session
  prompter.say(data.terminal.paint.bold(`\n--- ${options.title} ---`))
  if (items.length === 0) {
    prompter.say(options.none)
    return undefined
  }
  items.forEach((item, index) => {
    prompter.say(`${index + 1}. ${options.describe(item)}`)
  })
  prompter.say('b. Back to menu')
  for (;;) {
    const answer = (await prompter.ask(options.prompt)).toLowerCase()
    if (answer === 'b') return undefined
    const chosen = /^\d+$/.test(answer) ? items[Number(answer) - 1] : undefined
    if (chosen !== undefined) return chosen
    prompter.say(data.terminal.paint.red('Invalid index. Try again.'))
  }
}

/** A field's message without the `--flag: ` a command line would name. */
const withoutFlag = (error: unknown) => describeError(error).replace(/^--[a-z-]+: /, '')

/** `1. Garage (id)`: entities listed by number, for a reference question. */
function listEntities(session: Session, entities: readonly Named[]): void {
  entities.forEach((entity, index) => {
    session.prompter.say(`  ${index + 1}. ${entity.name} (${entity.id})`)
  })
}

/** Numbers (1-based, comma-separated) → the entities; undefined when one is not listed. */
function byNumbers(text: string, entities: readonly Named[]): Named[] | undefined {
  const chosen = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? entities[Number(part) - 1] : undefined))
  return chosen.every((entity) => entity !== undefined) ? (chosen as Named[]) : undefined
}

/** The answer to one field, asked until it parses; undefined keeps the current value. */
async function askField(
  session: Session,
  field: FieldSpec,
  current: unknown,
): Promise<{ value: unknown } | undefined> {
  const { prompter, data } = session
  const { red } = data.terminal.paint
  const refers = field.refers
  const entities = refers ? entitiesOf(session.services, refers) : []
  if (field.type === 'choice') {
    field.choices?.forEach((choice, index) => {
      prompter.say(`  ${index + 1}. ${choice}`)
    })
  } else if (refers) listEntities(session, entities)
  const currentText = (() => {
    if (current === undefined) return field.default
    if (current === null) return undefined
    if (Array.isArray(current)) {
      const numbers = current.map((id) => entities.findIndex((entity) => entity.id === id) + 1)
      return numbers.filter((number) => number > 0).join(',') || undefined
    }
    if (refers) {
      const index = entities.findIndex((entity) => entity.id === current)
      return index >= 0 ? String(index + 1) : undefined
    }
    return String(current)
  })()
  const hint = refers
    ? field.type === 'references'
      ? ' (numbers, comma-separated; none for none)'
      : ' (number; none for none)'
    : field.type === 'choice'
      ? ' (number or name)'
      : ''
  for (;;) {
    const answer = await prompter.ask(`${field.label}${hint}`, { default: currentText })
    if (answer === '' || answer === currentText) return undefined
    try {
      if (refers) {
        if (answer.toLowerCase() === NONE) return { value: field.type === 'references' ? [] : null }
        const chosen = byNumbers(answer, entities)
        if (!chosen || (field.type === 'reference' && chosen.length !== 1)) {
          prompter.say(red('Invalid index. Try again.'))
          continue
        }
        const ids = chosen.map((entity) => entity.id)
        return { value: field.type === 'references' ? ids : ids[0] }
      }
      const numbered = field.type === 'choice' && /^\d+$/.test(answer)
      const text = numbered ? (field.choices?.[Number(answer) - 1] ?? answer) : answer
      return { value: parseFieldText(field, text) }
    } catch (error) {
      prompter.say(red(`${withoutFlag(error)}. Try again.`))
    }
  }
}

/**
 * Asks `fields` one by one (defaults in brackets: the current value when updating; choices
 * and entities listed by number) and answers the service input of what was given.
 */
export async function askFields(
  session: Session,
  fields: readonly FieldSpec[],
  current?: object,
): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {}
  for (const field of fields) {
    if (!current && field.ask !== true) continue
    const answer = await askField(
      session,
      field,
      current ? fieldValue(current, field.key) : undefined,
    )
    if (answer) setField(input, field.key, answer.value)
  }
  return input
}
