import type { EntityKind } from '@edge-mining/domain'
import { entityLabel } from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import type { CommandData, Invocation } from './command-kit'
import { CliError, UsageError } from './errors'
import { createPrompter } from './prompt'

/** What an action works with: the surroundings, JSON or not, the services. */
export interface ActionContext {
  data: CommandData
  json: boolean
  services: Services
}

/** What most actions start from: JSON mode set, the services at hand. */
export async function setup(invocation: Invocation): Promise<ActionContext> {
  const { data } = invocation
  const json = invocation.args.json === true
  data.terminal.setJsonMode(json)
  return { data, json, services: await data.services() }
}

/** JSON on stdout for `--json`, else the human rendering. */
export function emit(data: CommandData, json: boolean, value: unknown, human: () => string): void {
  data.terminal.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`)
}

/** After a change: the value as JSON, or a one-line success message. */
export function announce(context: ActionContext, value: unknown, message: string): void {
  if (context.json) emit(context.data, true, value, () => '')
  else context.data.terminal.logger.success(message)
}

/** "Miner 'Garage S9' (ID: …) successfully added." */
export function changed(kind: EntityKind, entity: { id: string; name: string }, verb: string) {
  return `${entityLabel(kind)} '${entity.name}' (ID: ${entity.id}) successfully ${verb}.`
}

/** After a change to an entity: it as JSON, or "Miner 'X' (ID: …) successfully <verb>." */
export function announceChange(
  context: ActionContext,
  kind: EntityKind,
  entity: { id: string; name: string },
  verb: string,
): void {
  announce(context, entity, changed(kind, entity, verb))
}

const isTerminal = (stream: unknown) => (stream as { isTTY?: boolean }).isTTY === true

/**
 * Asks before deleting: `--yes` skips the question; on a terminal it is asked on stderr (stdout
 * may carry JSON); without a terminal the command refuses, since nobody can answer.
 */
export async function confirmDeletion(
  invocation: Invocation,
  kind: EntityKind,
  entity: { id: string; name: string },
): Promise<void> {
  if (invocation.args.yes === true) return
  const { terminal } = invocation.data
  const what = `${entityLabel(kind).toLowerCase()} '${entity.name}' (${entity.id})`
  if (!isTerminal(terminal.stdin)) {
    throw new UsageError(
      `Refusing to delete ${what} without confirmation: stdin is not a terminal; pass --yes`,
      { showUsage: false },
    )
  }
  const prompter = createPrompter({ input: terminal.stdin, output: terminal.stderr })
  try {
    const answer = await prompter.ask(`Delete ${what}? (y/N)`)
    if (!/^y(es)?$/i.test(answer)) throw new CliError('Not deleted.')
  } finally {
    prompter.close()
  }
}
