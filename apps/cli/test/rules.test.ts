import fs from 'node:fs'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runBin, temporaryFolder } from './helpers'

const examples = fileURLToPath(new URL('../../../data/examples/', import.meta.url))
const POLICY = nodePath.join(examples, 'policies', '550e8400-e29b-41d4-a716-446655440000.yaml')

let folder: ReturnType<typeof temporaryFolder>
let env: Record<string, string>
beforeEach(() => {
  folder = temporaryFolder()
  env = { DB_PATH: folder.dbPath }
})
afterEach(() => folder.remove())

const write = (name: string, text: string) => {
  const path = nodePath.join(folder.dir, name)
  fs.writeFileSync(path, text)
  return path
}

describe('rules check', () => {
  test('the shipped policy and rule files are clean: exit 0', async () => {
    const files = [
      POLICY,
      ...fs
        .readdirSync(nodePath.join(examples, 'rules', 'start'))
        .map((f) => nodePath.join(examples, 'rules', 'start', f)),
    ]
    const run = await runBin(['rules', 'check', ...files], { env })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`${files.length} files checked: 0 errors`)
  })

  test('errors as file:line:col: error: message, exit 1', async () => {
    const bad = write(
      'bad.yaml',
      [
        'name: Bad',
        'start_rules:',
        '  - name: Typo',
        '    conditions: {field: energy_state.production, operator: gtt, value: 3}',
        '',
      ].join('\n'),
    )
    const run = await runBin(['rules', 'check', bad], { env })
    expect(run.code).toBe(1)
    // Line 4; the operator's value starts at column 62 of that line.
    expect(run.stdout).toBe(
      `${bad}:4:${'    conditions: {field: energy_state.production, operator: '.length + 1}: error: start_rules[0].conditions.operator: unknown operator "gtt" (did you mean "gt" or "gte"?)\n`,
    )
    expect(run.stderr).toBe('1 file checked: 1 error, 0 warnings\n')
  })

  test('--json lists the issues per file', async () => {
    const bad = write(
      'bad.yaml',
      'name: Bad\nstart_rules:\n  - name: x\n    conditions: {field: nope, operator: gt, value: 1}\n',
    )
    const run = await runBin(['rules', 'check', bad, '--json'], { env })
    expect(run.code).toBe(1)
    const [entry] = JSON.parse(run.stdout) as {
      file: string
      kind: string
      issues: { line: number; code: string }[]
    }[]
    expect(entry).toMatchObject({ file: bad, kind: 'policy' })
    expect(entry?.issues[0]).toMatchObject({ line: 4, code: 'field', severity: 'error' })
  })

  test('a missing file: one line naming the path, exit 1', async () => {
    const missing = nodePath.join(folder.dir, 'missing.yaml')
    const run = await runBin(['rules', 'check', missing], { env })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`error: Cannot read ${missing}: no such file\n`)
  })

  test('no file: usage, exit 2', async () => {
    const run = await runBin(['rules', 'check'], { env })
    expect(run.code).toBe(2)
  })
})

describe('rules explain', () => {
  test('explains the decision leaf by leaf; --json gives decision, rule and trace', async () => {
    // Priority Solar Mining: production > 3000 W and battery > 40 % while the miner is off.
    const context = write(
      'context.json',
      JSON.stringify({
        energy_state: { production: 3500, battery: { state_of_charge: 80, current_power: 0 } },
        miner_state: { status: 'off' },
      }),
    )
    const run = await runBin(['rules', 'explain', '--policy', POLICY, '--context', context], {
      env,
    })
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n')[0]).toBe(
      'start_mining: start rule "Priority Solar Mining" (priority 20) fired',
    )
    expect(run.stdout).toContain('✓ energy_state.production = 3500 W > 3000 → true')
    const machine = await runBin(
      ['rules', 'explain', '--policy', POLICY, '--context', context, '--json'],
      { env },
    )
    expect(JSON.parse(machine.stdout)).toMatchObject({
      decision: 'start_mining',
      rule_type: 'start',
      rule: { name: 'Priority Solar Mining', priority: 20 },
      miner_status: 'off',
    })
  })

  test('unreadable inputs: one line naming the file, exit 1', async () => {
    const broken = write('broken.json', '{not json')
    const bad = await runBin(['rules', 'explain', '--policy', POLICY, '--context', broken], { env })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(new RegExp(`^error: Cannot read ${broken}: not valid JSON.*\\n$`))
    const missing = nodePath.join(folder.dir, 'missing.yaml')
    const noPolicy = await runBin(['rules', 'explain', '--policy', missing, '--context', broken], {
      env,
    })
    expect(noPolicy.stderr).toBe(`error: Cannot read ${missing}: no such file\n`)
    const wrong = write('wrong.json', JSON.stringify({ energy_state: { production: 'lots' } }))
    const invalid = await runBin(['rules', 'explain', '--policy', POLICY, '--context', wrong], {
      env,
    })
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toContain('energy_state.production: expected number')
    const usage = await runBin(['rules', 'explain', '--policy', POLICY], { env })
    expect(usage.code).toBe(2)
  })
})

test('rules fields lists the paths with types and units', async () => {
  const run = await runBin(['rules', 'fields', '--json'], { env })
  expect(run.code).toBe(0)
  const fields = JSON.parse(run.stdout) as { path: string; type: string; unit?: string }[]
  expect(fields).toContainEqual(
    expect.objectContaining({
      path: 'mining_performance.seconds_since_last_share',
      type: 'number',
    }),
  )
  expect(fields.find((f) => f.path === 'energy_state.battery.state_of_charge')?.unit).toBe('%')
  const table = await runBin(['rules', 'fields'], { env })
  expect(table.stdout).toMatch(/mining_performance\.payout_progress\s+number/)
})
