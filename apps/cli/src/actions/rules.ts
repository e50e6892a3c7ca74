import { readFileSync } from 'node:fs'
import { createDecisionalContext, type DecisionalContextInput } from '@edge-mining/domain'
import {
  contextFields,
  evaluatePolicy,
  explain,
  parsePolicy,
  parseRuleFile,
  type RuleIssue,
} from '@edge-mining/rules'
import type { Invocation } from '../command-kit'
import { CliError, UsageError } from '../errors'
import { renderTable } from '../format'

/** The file's text, or a one-line error naming the path. */
function readText(path: string): string {
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

/** `rules: [...]` template files (data/examples/rules) versus whole policies. */
const isRuleFile = (text: string) => /^rules\s*:/m.test(text) && !/^name\s*:/m.test(text)

/** Compiler style: `file:line:col: severity: message`. */
export function formatIssue(issue: RuleIssue, file: string): string {
  const where = [issue.source ?? file, issue.line, issue.column].filter((part) => part !== null)
  return `${where.join(':')}: ${issue.severity}: ${issue.message}`
}

export async function check({ args, data }: Invocation): Promise<void> {
  const { terminal } = data
  const json = args.json === true
  terminal.setJsonMode(json)
  const files = (args._ as string[] | undefined) ?? []
  if (files.length === 0) throw new UsageError('Missing required positional argument: FILES')
  const report: { file: string; kind: 'policy' | 'rules'; issues: RuleIssue[] }[] = []
  for (const file of files) {
    const text = readText(file)
    const kind = isRuleFile(text) ? 'rules' : 'policy'
    const { issues } =
      kind === 'rules' ? parseRuleFile(text, { source: file }) : parsePolicy(text, { source: file })
    report.push({ file, kind, issues })
  }
  const all = report.flatMap((entry) => entry.issues.map((issue) => ({ issue, file: entry.file })))
  const errors = all.filter(({ issue }) => issue.severity === 'error').length
  const warnings = all.length - errors
  if (json) terminal.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else {
    for (const { issue, file } of all) terminal.stdout.write(`${formatIssue(issue, file)}\n`)
    const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
    if (errors > 0) terminal.stderr.write(`${summary}\n`)
    else terminal.logger.success(summary)
  }
  if (errors > 0)
    throw new CliError(`${errors} error${errors === 1 ? '' : 's'} in the rules`, { silent: true })
}

export async function explainPolicy({ args, data }: Invocation): Promise<void> {
  const { terminal } = data
  const json = args.json === true
  terminal.setJsonMode(json)
  const policyPath = String(args.policy)
  const contextPath = String(args.context)
  const { policy, issues } = parsePolicy(readText(policyPath), { source: policyPath })
  const errors = issues.filter((issue) => issue.severity === 'error')
  if (!policy || errors.length > 0) {
    for (const issue of errors) terminal.stderr.write(`${formatIssue(issue, policyPath)}\n`)
    throw new CliError(
      `${policyPath}: the policy has errors; run \`edge-mining rules check ${policyPath}\``,
    )
  }
  let input: unknown
  try {
    input = JSON.parse(readText(contextPath))
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(`Cannot read ${contextPath}: not valid JSON (${(error as Error).message})`)
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CliError(`Cannot read ${contextPath}: expected a JSON object`)
  }
  let context: ReturnType<typeof createDecisionalContext>
  try {
    context = createDecisionalContext(input as DecisionalContextInput, {
      ...(typeof args['time-zone'] === 'string' ? { timeZone: args['time-zone'] } : {}),
      now: () => new Date(data.now()),
    })
  } catch (error) {
    throw new CliError(`${contextPath}: ${(error as Error).message}`)
  }
  const outcome = evaluatePolicy(policy, context, { now: data.now })
  if (json) {
    const { decision, rule_type, rule, miner_status, evaluated, trace } = outcome
    terminal.stdout.write(
      `${JSON.stringify({ decision, rule_type, rule, miner_status, evaluated, trace }, null, 2)}\n`,
    )
  } else terminal.stdout.write(`${explain(outcome)}\n`)
}

export async function fields({ args, data }: Invocation): Promise<void> {
  const { terminal } = data
  const all = contextFields()
  if (args.json === true) {
    terminal.stdout.write(`${JSON.stringify(all, null, 2)}\n`)
    return
  }
  terminal.stdout.write(
    `${renderTable(all, [
      { header: 'Field', value: (field) => field.path },
      {
        header: 'Type',
        value: (field) =>
          field.enum_values ? `enum (${field.enum_values.join('|')})` : field.type,
      },
      { header: 'Unit', value: (field) => field.unit ?? '' },
      { header: 'Description', value: (field) => field.description },
    ])}\n`,
  )
}
