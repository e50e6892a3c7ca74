import type { EntityKind } from '@edge-mining/domain'
import { entityLabel } from '@edge-mining/domain'
import type { Services } from '@edge-mining/services'
import type { CommandData, Invocation } from './command-kit'
import { CliError, UsageError } from './errors'
import { createPrompter } from './prompt'

/** What most actions start from: JSON mode set, the services at hand. */
export function setup(invocation: Invocation): {
  data: CommandData
  json: boolean
  services: Services
} {
  const { data } = invocation
  const json = invocation.args.json === true
  data.terminal.setJsonMode(json)
  return { data, json, services: data.services() }
}

/** JSON on stdout for `--json`, else the human rendering. */
export function emit(data: CommandData, json: boolean, value: unknown, human: () => string): void {
  data.terminal.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`)
}

/** After a change: the entity as JSON, or a one-line success message. */
export function announce(data: CommandData, json: boolean, value: unknown, message: string): void {
  if (json) emit(data, true, value, () => '')
  else data.terminal.logger.success(message)
}

/** "Miner 'Garage S9' (ID: …) successfully added." */
export function changed(kind: EntityKind, entity: { id: string; name: string }, verb: string) {
  return `${entityLabel(kind)} '${entity.name}' (ID: ${entity.id}) successfully ${verb}.`
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
