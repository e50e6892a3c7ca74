import { readFileSync } from 'node:fs'
import {
  describeIssue,
  issueLocation,
  PolicyTextError,
  type PolicyView,
  type Services,
  type TextCheck,
} from '@edge-mining/services'
import type { CommandData, Invocation } from '../command-kit'
import { CliError, UsageError } from '../errors'
import { findEntity } from '../find'
import { announceChange, confirmDeletion, emit, setup } from '../output'
import { renderPolicies, renderPolicyDetails, renderRules } from '../views'

type Issue = TextCheck['issues'][number]

/** The file's text, or a one-line error naming the path. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error)
    throw new CliError(`Cannot read ${path}: ${why}`)
  }
}

/** Compiler style: `file:line:col: severity: message`. */
export function formatIssue(issue: Issue, file: string): string {
  return `${issueLocation(issue, file)}: ${issue.severity}: ${issue.message}`
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

const policyOf = (services: Services, invocation: Invocation): PolicyView =>
  findEntity(services.policies.list(), invocation.args.policy, 'policy')

/** A policy the service refused for its text: each issue on stderr, then one line. */
function explainRefusal(data: CommandData, error: unknown, file: string): never {
  if (!(error instanceof PolicyTextError)) throw error
  for (const issue of error.issues.filter((each) => each.severity === 'error')) {
    data.terminal.stderr.write(`${formatIssue(issue, file)}\n`)
  }
  throw new CliError(`${file}: the policy has errors; run \`edge-mining rules check ${file}\``)
}

export async function list(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const policies = services.policies.list()
  emit(data, json, policies, () => renderPolicies(policies))
}

export async function show(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const policy = policyOf(services, invocation)
  emit(data, json, policy, () => renderPolicyDetails(policy))
}

export async function create(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const { name, description } = invocation.args
  const created = services.policies.create({
    name,
    ...(typeof description === 'string' ? { description } : {}),
  })
  announceChange(context, 'policy', created, 'created')
}

export async function importFile(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { data, services } = context
  const file = String(invocation.args.file)
  const text = readText(file)
  let imported: PolicyView
  try {
    imported = services.policies.importText(text, {
      newId: invocation.args['new-id'] === true,
      source: file,
    })
  } catch (error) {
    explainRefusal(data, error, file)
  }
  announceChange(context, 'policy', imported, 'imported')
}

/** The policy file as stored (YAML), ready to edit and import again. */
export async function exportFile(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const policy = policyOf(services, invocation)
  const text = services.policies.text(policy.id)
  if (json) emit(data, true, { id: policy.id, name: policy.name, text }, () => '')
  else data.terminal.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

export async function update(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const policy = policyOf(services, invocation)
  const { name, description } = invocation.args
  if (name === undefined && description === undefined) {
    throw new UsageError('Nothing to update: give --name and/or --description')
  }
  const updated = services.policies.update(policy.id, {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof description === 'string' ? { description: description || null } : {}),
  })
  announceChange(context, 'policy', updated, 'updated')
}

export async function remove(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const policy = policyOf(services, invocation)
  await confirmDeletion(invocation, 'policy', policy)
  const removed = services.policies.remove(policy.id, { force: invocation.args.force === true })
  announceChange(context, 'policy', removed, 'removed')
}

/**
 * `policies check POLICY`: the file's issues as `file:line:col: severity: message`, then what
 * keeps it from running (no start rule…); exit 1 when it cannot run.
 */
export async function check(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const policy = policyOf(services, invocation)
  const result = services.policies.check(policy.id)
  const file = `${policy.id}.yaml`
  if (json) emit(data, true, result, () => '')
  else {
    // The check repeats the file's issues (errors with their place, warnings without); the
    // rest (no start rule, disabled rules…) are about the whole file.
    const fromIssues = new Set(
      policy.issues.flatMap((issue) => [describeIssue(issue), issue.message]),
    )
    const whole = (severity: string, messages: string[]) =>
      messages
        .filter((message) => !fromIssues.has(message))
        .map((message) => `${file}: ${severity}: ${message}`)
    const lines = [
      ...policy.issues.map((issue) => formatIssue(issue, file)),
      ...whole('error', result.errors),
      ...whole('warning', result.warnings),
    ]
    for (const line of lines) data.terminal.stdout.write(`${line}\n`)
    const summary = `${policy.name}: ${plural(result.errors.length, 'error')}, ${plural(result.warnings.length, 'warning')}`
    if (result.valid) data.terminal.logger.success(summary)
    else data.terminal.stderr.write(`${summary}\n`)
  }
  if (!result.valid) {
    throw new CliError(`${plural(result.errors.length, 'error')} in the policy`, { silent: true })
  }
}

export async function rules(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const policy = policyOf(services, invocation)
  const type = invocation.args.type
  const shown =
    type === 'start' || type === 'stop'
      ? services.policies.rules(policy.id, type)
      : (['start', 'stop'] as const).flatMap((ruleType) =>
          services.policies
            .rules(policy.id, ruleType)
            .map((rule) => ({ ...rule, rule_type: ruleType })),
        )
  emit(data, json, shown, () => renderRules(shown))
}
