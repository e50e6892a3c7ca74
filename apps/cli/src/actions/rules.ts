import { isEdgeMiningError } from '@edge-mining/domain'
import {
  checkPolicyText,
  contextStructure,
  evaluatePolicyOnce,
  type TextCheck,
} from '@edge-mining/services'
import type { Invocation } from '../command-kit'
import { CliError, UsageError } from '../errors'
import { renderTable } from '../format'
import { formatIssue, readText } from './policies'

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

export async function check({ args, data }: Invocation): Promise<void> {
  const { terminal } = data
  const json = args.json === true
  terminal.setJsonMode(json)
  const files = (args._ as string[] | undefined) ?? []
  if (files.length === 0) throw new UsageError('Missing required positional argument: FILES')
  const report: { file: string; kind: TextCheck['kind']; issues: TextCheck['issues'] }[] = []
  for (const file of files) {
    const { kind, issues } = checkPolicyText(readText(file), file)
    report.push({ file, kind, issues })
  }
  const all = report.flatMap((entry) => entry.issues.map((issue) => ({ issue, file: entry.file })))
  const errors = all.filter(({ issue }) => issue.severity === 'error').length
  const warnings = all.length - errors
  if (json) terminal.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else {
    for (const { issue, file } of all) terminal.stdout.write(`${formatIssue(issue, file)}\n`)
    const summary = `${plural(files.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`
    if (errors > 0) terminal.stderr.write(`${summary}\n`)
    else terminal.logger.success(summary)
  }
  if (errors > 0) throw new CliError(`${plural(errors, 'error')} in the rules`, { silent: true })
}

function readContext(path: string): unknown {
  const text = readText(path)
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (error) {
    throw new CliError(`Cannot read ${path}: not valid JSON (${(error as Error).message})`)
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CliError(`Cannot read ${path}: expected a JSON object`)
  }
  return input
}

export async function explainPolicy({ args, data }: Invocation): Promise<void> {
  const { terminal } = data
  const json = args.json === true
  terminal.setJsonMode(json)
  const policyPath = String(args.policy)
  const contextPath = String(args.context)
  const text = readText(policyPath)
  // Checked first so that the issues name this file (evaluation would call it "policy").
  const errors = checkPolicyText(text, policyPath).issues.filter((i) => i.severity === 'error')
  if (errors.length > 0) {
    for (const issue of errors) terminal.stderr.write(`${formatIssue(issue, policyPath)}\n`)
    throw new CliError(
      `${policyPath}: the policy has errors; run \`edge-mining rules check ${policyPath}\``,
    )
  }
  const context = readContext(contextPath)
  let evaluation: ReturnType<typeof evaluatePolicyOnce>
  try {
    evaluation = evaluatePolicyOnce({
      policy: text,
      context,
      timeZone: typeof args['time-zone'] === 'string' ? args['time-zone'] : undefined,
      now: data.now,
    })
  } catch (error) {
    if (!isEdgeMiningError(error)) throw error
    throw new CliError(`${contextPath}: ${error.message}`, { cause: error })
  }
  if (json) {
    const { decision, rule_type, rule, miner_status, evaluated, trace } = evaluation.outcome
    terminal.stdout.write(
      `${JSON.stringify({ decision, rule_type, rule, miner_status, evaluated, trace }, null, 2)}\n`,
    )
  } else terminal.stdout.write(`${evaluation.explanation}\n`)
}

export async function fields({ args, data }: Invocation): Promise<void> {
  const { terminal } = data
  const all = contextStructure().fields
  if (args.json === true) {
    terminal.stdout.write(`${JSON.stringify(all, null, 2)}\n`)
    return
  }
  terminal.stdout.write(
    `${renderTable(all, [
      { header: 'Field', value: (field) => field.path },
      {
        header: 'Type',
        value: (field) => (field.values ? `enum (${field.values.join('|')})` : field.type),
      },
      { header: 'Unit', value: (field) => field.unit ?? '' },
      { header: 'Description', value: (field) => field.description },
    ])}\n`,
  )
}
