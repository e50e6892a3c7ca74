import { describe, expect, it } from 'vitest'
import type { RuleIssue } from './issues'
import { parsePolicy, parseRuleFile, validateConditions } from './parse'

const BROKEN = `name: Broken policy
start_rules:
  - name: Good start
    priority: 10
    conditions:
      all_of:
        - {field: energy_state.production, operator: gt, value: 3000}
stop_rules:
  - name: Good stop
    conditions:
      all_of:
        - {field: energy_state.battery.state_of_charge, operator: lt, value: 20}
  - name: Typo operator
    conditions:
      all_of:
        - field: energy_state.grid.importing_power
          operator: gtt
          value: 200
  - name: Unknown field
    conditions:
      any_of:
        - field: energy_state.battery.soc
          operator: lt
          value: 20
  - name: Bad regex
    conditions:
      field: miner.model
      operator: regex
      value: "S19("
`

const errors = (issues: RuleIssue[]) => issues.filter((i) => i.severity === 'error')

describe('parsePolicy on a deliberately broken policy', () => {
  const { policy, issues } = parsePolicy(BROKEN, { source: 'broken.yaml' })

  it('reports each bad rule with path, line and column, and skips it', () => {
    expect(errors(issues).map(({ path, line, column }) => ({ path, line, column }))).toEqual([
      { path: 'stop_rules[1].conditions.all_of[0].operator', line: 17, column: 21 },
      { path: 'stop_rules[2].conditions.any_of[0].field', line: 22, column: 18 },
      { path: 'stop_rules[3].conditions.value', line: 29, column: 14 },
    ])
    expect(issues[0]?.message).toBe(
      'stop_rules[1].conditions.all_of[0].operator: unknown operator "gtt" (did you mean "gt" or "gte"?)',
    )
    expect(issues[0]?.source).toBe('broken.yaml')
    expect(issues[1]?.message).toContain('unknown field "energy_state.battery.soc"')
    expect(issues[1]?.message).toContain('"energy_state.battery.state_of_charge"')
    expect(issues[2]?.message).toContain('invalid regex "S19("')
  })

  it('still loads the good rules', () => {
    expect(policy?.name).toBe('Broken policy')
    expect(policy?.start_rules.map((r) => r.name)).toEqual(['Good start'])
    expect(policy?.stop_rules.map((r) => r.name)).toEqual(['Good stop'])
  })
})

describe('parsePolicy structure', () => {
  it('sorts rules by priority (stable), applies defaults and derives stable ids', () => {
    const text = `name: P
start_rules:
  - {name: low, conditions: {field: timestamp.hour, operator: eq, value: 1}}
  - {name: high, priority: 5, conditions: {field: timestamp.hour, operator: eq, value: 2}}
  - {name: low2, conditions: {field: timestamp.hour, operator: eq, value: 3}}
`
    const first = parsePolicy(text)
    const again = parsePolicy(text)
    expect(first.issues).toEqual([])
    expect(first.policy?.start_rules.map((r) => r.name)).toEqual(['high', 'low', 'low2'])
    expect(first.policy?.start_rules[1]).toMatchObject({
      priority: 0,
      enabled: true,
      description: null,
      for_seconds: null,
    })
    expect(first.policy?.id).toBe(again.policy?.id)
    expect(first.policy?.start_rules.map((r) => r.id)).toEqual(
      again.policy?.start_rules.map((r) => r.id),
    )
    expect(first.policy?.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })

  it('takes the id from a <uuid>.yaml file name and warns when the file says otherwise', () => {
    const id = '11111111-2222-4333-8444-555555555555'
    const { policy, issues } = parsePolicy('id: abc\nname: P\n', {
      source: `data/policies/${id}.yaml`,
    })
    expect(policy?.id).toBe(id)
    expect(issues).toMatchObject([{ severity: 'warning', path: 'id', line: 1, column: 5 }])
  })

  it('rejects duplicate rule ids across start and stop rules', () => {
    const { policy, issues } = parsePolicy(`name: P
start_rules:
  - {id: same, name: a, conditions: {field: timestamp.hour, operator: eq, value: 1}}
stop_rules:
  - {id: same, name: b, conditions: {field: timestamp.hour, operator: eq, value: 1}}
`)
    expect(errors(issues)).toMatchObject([{ path: 'stop_rules[0].id', line: 5 }])
    expect(errors(issues)[0]).toMatchObject({
      message: expect.stringContaining('already used by start_rules[0]'),
    })
    expect(policy?.stop_rules).toEqual([])
  })

  it('requires a name, reports unknown keys with suggestions, rejects bad headers', () => {
    expect(parsePolicy('start_rules: []\n').policy).toBeNull()
    const { issues } = parsePolicy(`name: P
stop_rule: []
start_rules:
  - {name: r, priorty: 3, priority: high, conditions: {field: timestamp.hour, operator: eq, value: 1}}
`)
    expect(issues.map((i) => [i.severity, i.path])).toEqual([
      ['warning', 'stop_rule'],
      ['warning', 'start_rules[0].priorty'],
      ['error', 'start_rules[0].priority'],
    ])
    expect(issues[0]?.message).toContain('did you mean "stop_rules"')
  })

  it('reports misuse of groups and leaves', () => {
    const cases: [string, string][] = [
      ['{all_of: []}', 'all_of needs a non-empty list'],
      ['{all_of: [], any_of: []}', 'exactly one of all_of, any_of, not_'],
      ['{not_: [{field: timestamp.hour, operator: eq, value: 1}]}', 'not_ takes one condition'],
      ['{not: {field: timestamp.hour, operator: eq, value: 1}}', 'did you mean "not_"'],
      ['{field: timestamp.hour, operator: eq}', 'needs a value'],
      ['{field: timestamp.hour, operator: eq, value: 1, value_ref: timestamp.minute}', 'not both'],
      ['{field: timestamp.hour, operator: in, value: 3}', 'needs a non-empty list'],
      ['{field: timestamp.hour, operator: eq, value: [3]}', 'use in for a list'],
      ['{field: timestamp.hour, operator: eq, value: null}', 'must not be null'],
      ['{field: timestamp.hour, operator: eq, value: .inf}', 'finite number'],
      ['{field: miner.model, operator: contains, value: ""}', 'non-empty string'],
      [
        '{field: miner.model, operator: gt, value: 3}',
        'gt compares number values; miner.model is a string',
      ],
      ['{field: miner_state.status, operator: eq, value: stoping}', 'did you mean "stopping"'],
      [
        '{field: mining_performance.current_hashrate, operator: gt, value: 1}',
        'is an object and cannot be compared; compare one of its fields (did you mean "mining_performance.current_hashrate.value"',
      ],
      [
        '{field: mining_performance.pool_stats.workers, operator: eq, value: 1}',
        'is a list and cannot be compared',
      ],
      ['{field: miner_state.hashboards.0.temperature, operator: gt, value: 1}', 'unknown field'],
      ['{field: "energy_state.production;x", operator: gt, value: 1}', 'may use only letters'],
      ['{field: timestamp.hour, operator: in, value: [1, "two"]}', 'expected a number, got "two"'],
      ['{field: timestamp.hour, operator: ">", value: 1}', 'did you mean "gt"'],
      [
        '{field: timestamp.hour, operator: contains, value_ref: timestamp.minute}',
        'value_ref works with',
      ],
      ['{field: timestamp.hour, operator: eq, value_ref: miner.model}', 'cannot compare'],
      ['[1, 2]', 'expected a condition'],
    ]
    for (const [conditions, expected] of cases) {
      const { issues } = validateConditions(conditions)
      expect([conditions, errors(issues)[0]?.message]).toEqual([
        conditions,
        expect.stringContaining(expected),
      ])
      expect(errors(issues)[0]?.line).toBe(1)
    }
  })
})

describe('bad input never throws or hangs', () => {
  const run = (text: string) => parsePolicy(text, { source: 'bad.yaml' })

  it('empty file', () => {
    expect(run('')).toMatchObject({
      policy: null,
      issues: [{ message: 'empty document', line: 1, column: 1 }],
    })
    expect(run('\n  \n').policy).toBeNull()
    expect(parseRuleFile('').issues).toHaveLength(1)
  })

  it('binary garbage', () => {
    let seed = 7
    const bytes = Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return String.fromCharCode(seed % 256)
    }).join('')
    const { policy, issues } = run(bytes)
    expect(policy).toBeNull()
    expect(errors(issues).length).toBeGreaterThan(0)
    expect(errors(issues)[0]?.line).not.toBeNull()
  })

  it('a 5 MB file', () => {
    const { policy, issues } = run(`name: big\ndescription: ${'x'.repeat(5 * 1024 * 1024)}\n`)
    expect(policy).toBeNull()
    expect(issues).toMatchObject([{ code: 'limit', message: expect.stringContaining('too large') }])
  })

  it('an alias bomb (billion laughs)', () => {
    const levels = 'abcdefghi'.split('')
    const lines = [`a: &a [${Array(9).fill('"lol"').join(', ')}]`]
    for (let i = 1; i < levels.length; i++)
      lines.push(
        `${levels[i]}: &${levels[i]} [${Array(9)
          .fill(`*${levels[i - 1]}`)
          .join(', ')}]`,
      )
    const { policy, issues } = run(`${lines.join('\n')}\nname: bomb\n`)
    expect(policy).toBeNull()
    expect(issues).toMatchObject([{ code: 'limit', message: expect.stringContaining('alias') }])
  })

  it('conditions nested deeper than 32 levels', () => {
    let tree = '{field: timestamp.hour, operator: eq, value: 1}'
    for (let i = 0; i < 33; i++) tree = `{all_of: [${tree}]}`
    const { policy, issues } = run(
      `name: deep\nstart_rules:\n  - name: deep\n    conditions: ${tree}\n`,
    )
    expect(policy?.start_rules).toEqual([])
    expect(errors(issues)).toMatchObject([
      { code: 'limit', message: expect.stringContaining('deeper than 32'), line: 4 },
    ])
    let ok = '{field: timestamp.hour, operator: eq, value: 1}'
    for (let i = 0; i < 31; i++) ok = `{all_of: [${ok}]}`
    expect(run(`name: ok\nstart_rules:\n  - name: ok\n    conditions: ${ok}\n`).issues).toEqual([])
  })

  it('absurd YAML nesting', () => {
    const flow = run(`name: x\nstart_rules: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)
    expect(flow.policy).toBeNull()
    expect(errors(flow.issues)).toMatchObject([{ code: 'limit', line: 2, column: 114 }])
    const sequences = run(`${'- '.repeat(5_000)}x\n`)
    expect(sequences.policy).toBeNull()
    expect(errors(sequences.issues)[0]?.code).toBe('limit')
    const block = run(
      `name: x\nmetadata:\n${Array.from({ length: 150 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`,
    )
    expect(errors(block.issues)[0]).toMatchObject({
      code: 'limit',
      message: expect.stringContaining('nesting too deep'),
    })
  })

  it('non-string keys', () => {
    const { policy, issues } = run(`name: keys
1: one
true: yes
start_rules:
  - name: r
    ? [complex]
    : key
    conditions: {field: timestamp.hour, operator: eq, value: 1}
`)
    expect(errors(issues).map((i) => [i.line, i.message])).toEqual([
      [2, 'keys must be strings, found 1'],
      [3, 'keys must be strings, found true'],
      [6, 'start_rules[0]: keys must be strings, found a complex key'],
      [5, 'start_rules[0]: rule skipped: it has errors reported above'],
    ])
    expect(policy?.start_rules).toEqual([])
  })

  it('duplicated keys', () => {
    const { policy, issues } = run(`name: dup
start_rules:
  - name: r
    conditions: {field: timestamp.hour, operator: eq, value: 1, value: 2}
  - name: fine
    conditions: {field: timestamp.hour, operator: eq, value: 1}
name: again
`)
    expect(errors(issues).map((i) => [i.path, i.line])).toEqual([
      ['start_rules[0].conditions.value', 4],
      ['name', 7],
      ['start_rules[0]', 3],
    ])
    expect(policy?.name).toBe('dup')
    expect(policy?.start_rules.map((r) => r.name)).toEqual(['fine'])
  })

  it('numbers as strings', () => {
    const { policy, issues } = run(`name: strings
start_rules:
  - name: r
    priority: "20"
    conditions:
      all_of:
        - {field: energy_state.production, operator: gt, value: "3000"}
        - {field: energy_state.production, operator: lt, value: "lots"}
  - name: ok
    priority: "7"
    enabled: "false"
    conditions: {field: energy_state.production, operator: gt, value: "3000"}
`)
    expect(issues.map((i) => [i.severity, i.path, i.line])).toEqual([
      ['warning', 'start_rules[0].priority', 4],
      ['warning', 'start_rules[0].conditions.all_of[0].value', 7],
      ['error', 'start_rules[0].conditions.all_of[1].value', 8],
      ['warning', 'start_rules[1].priority', 10],
      ['warning', 'start_rules[1].enabled', 11],
      ['warning', 'start_rules[1].conditions.value', 12],
    ])
    expect(policy?.start_rules).toMatchObject([{ name: 'ok', priority: 7, enabled: false }])
  })

  it('value lists of mixed types', () => {
    const { issues } = validateConditions(`
all_of:
  - {field: timestamp.weekday, operator: in, value: [5, "6"]}
  - {field: miner_state.status, operator: in, value: [off, 3]}
`)
    expect(issues.map((i) => [i.severity, i.path, i.line, i.column])).toEqual([
      ['warning', 'all_of[0].value', 3, 53],
      ['warning', 'all_of[0].value[1]', 3, 57],
      ['warning', 'all_of[1].value', 4, 54],
      ['error', 'all_of[1].value[1]', 4, 60],
    ])
  })

  it('input that is not text', () => {
    expect(parsePolicy(42 as never).issues[0]?.message).toContain('expected YAML text')
  })
})

describe('parseRuleFile', () => {
  it('reads the rules: [...] template format in file order', () => {
    const { rules, issues } = parseRuleFile(
      `rules:
  - {name: b, priority: 1, conditions: {field: timestamp.hour, operator: eq, value: 1}}
  - {name: a, priority: 9, for_seconds: 60, conditions: {field: timestamp.hour, operator: eq, value: 2}}
`,
      { source: 'x.yaml' },
    )
    expect(issues).toEqual([])
    expect(rules.map((r) => [r.name, r.priority, r.for_seconds])).toEqual([
      ['b', 1, null],
      ['a', 9, 60],
    ])
  })

  it('requires the rules key', () => {
    expect(parseRuleFile('- name: x\n').issues[0]?.message).toContain('rules list')
  })
})

describe('validateConditions', () => {
  it('accepts an object and reports paths without positions', () => {
    expect(
      validateConditions({ all_of: [{ field: 'timestamp.hour', operator: 'EQ', value: 3 }] })
        .issues,
    ).toEqual([])
    const { issues } = validateConditions({
      any_of: [{ field: 'timestamp.hours', operator: 'eq', value: 3 }],
    })
    expect(issues).toMatchObject([
      {
        path: 'any_of[0].field',
        line: null,
        column: null,
        code: 'field',
        message: expect.stringContaining('did you mean "timestamp.hour"'),
      },
    ])
  })

  it('survives circular and exotic objects', () => {
    const loop: Record<string, unknown> = { field: 'timestamp.hour', operator: 'eq' }
    loop.value = loop
    expect(errors(validateConditions(loop).issues)[0]?.message).toContain('circular')
    expect(
      errors(
        validateConditions({ field: 'timestamp.hour', operator: 'eq', value: () => 1 }).issues,
      )[0]?.message,
    ).toContain('unsupported function')
    expect(errors(validateConditions(null).issues)[0]?.message).toContain('expected a condition')
  })

  it('accepts JSON text with positions', () => {
    const { issues } = validateConditions(
      '{"field": "timestamp.hour", "operator": "gtt", "value": 1}',
    )
    expect(issues).toMatchObject([{ line: 1, column: 41, code: 'operator' }])
  })
})
