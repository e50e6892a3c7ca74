import { readFileSync } from 'node:fs'
import { InvalidValueError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import {
  checkPolicyText,
  contextStructure,
  describeIssue,
  evaluatePolicyOnce,
  isRuleFileText,
  issueLocation,
  PolicyTextError,
  parsePolicyOrThrow,
  ruleEngineInfo,
  validateConditionTree,
} from './rule-book'
import { energyReading, setup } from './test-support/fakes'

const read = (path: string) =>
  readFileSync(new URL(`../../../data/${path}`, import.meta.url), 'utf8')
const EXAMPLE = read('examples/policies/550e8400-e29b-41d4-a716-446655440000.yaml')
const BASIC_START = read('examples/rules/start/basic_start_rules.yaml')

// Wednesday 17 June 2026, 10:00 UTC = 12:00 in Rome: no weekend rule applies.
const WEDNESDAY = Date.parse('2026-06-17T10:00:00.000Z')

function thrown(work: () => unknown): Error & Record<string, unknown> {
  try {
    work()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to throw')
}

describe('rule book: checking text', () => {
  it('checks a policy and a rules: template, telling them apart', () => {
    expect(isRuleFileText(EXAMPLE)).toBe(false)
    expect(isRuleFileText(BASIC_START)).toBe(true)
    expect(checkPolicyText(EXAMPLE, 'example.yaml')).toEqual({
      kind: 'policy',
      issues: [],
      errors: 0,
      warnings: 0,
    })
    expect(checkPolicyText(BASIC_START, 'basic_start_rules.yaml')).toEqual({
      kind: 'rules',
      issues: [],
      errors: 0,
      warnings: 0,
    })
  })

  it('reports file, line and column of each problem', () => {
    const text = `name: Typos
start_rules:
  - name: One
    priority: "5"
    conditions:
      field: energy_state.producton
      operator: gt
      value: 1
`
    const check = checkPolicyText(text, 'typos.yaml')
    expect(check).toMatchObject({ kind: 'policy', errors: 1, warnings: 1 })
    const error = check.issues.find((issue) => issue.severity === 'error')
    const warning = check.issues.find((issue) => issue.severity === 'warning')
    expect(error).toMatchObject({ code: 'field', source: 'typos.yaml', line: 6 })
    expect(warning).toMatchObject({ code: 'value', line: 4 })
    if (!error) throw new Error('no error')
    expect(issueLocation(error)).toBe(`typos.yaml:6:${error.column}`)
    expect(describeIssue(error)).toBe(`${error.message} (line 6, column ${error.column})`)
    expect(issueLocation({ ...error, source: null, line: null, column: null }, 'x.yaml')).toBe(
      'x.yaml',
    )

    const template = checkPolicyText(
      'rules:\n  - name: r\n    conditions: { field: nope, operator: gt, value: 1 }\n',
      'r.yaml',
    )
    expect(template).toMatchObject({ kind: 'rules', errors: 1 })
    expect(template.issues[0]).toMatchObject({ code: 'field', line: 3 })
  })
})

describe('rule book: validating a condition tree', () => {
  it("splits errors into upstream's lists", () => {
    const result = validateConditionTree({
      all_of: [
        { field: 'energy_state.production', operator: 'gtt', value: 1 },
        { field: 'energy_state.nope', operator: 'gt', value: 1 },
        { field: 'energy_state.production', operator: 'gt', value: 'high' },
        { all_of: [], any_of: [] },
      ],
    })
    expect(result.is_valid).toBe(false)
    expect(result.validation_errors).toHaveLength(2)
    expect(result.validation_errors[0]).toContain('all_of[0].operator: unknown operator "gtt"')
    expect(result.validation_errors[1]).toContain('all_of[2].value')
    expect(result.field_errors).toHaveLength(1)
    expect(result.field_errors[0]).toMatch(
      /^all_of\[1\]\.field: unknown field "energy_state\.nope"/,
    )
    expect(result.syntax_errors).toHaveLength(1)
    expect(result.syntax_errors[0]).toContain('all_of[3]: a condition group takes exactly one of')
    expect(result.warnings).toEqual([])
    expect(result.issues.map((issue) => issue.code)).toEqual([
      'operator',
      'field',
      'value',
      'structure',
    ])
  })

  it('accepts a valid tree, as an object or as YAML text; YAML errors carry their line', () => {
    expect(
      validateConditionTree({ field: 'sun.is_daylight', operator: 'eq', value: true }),
    ).toEqual({
      is_valid: true,
      validation_errors: [],
      syntax_errors: [],
      field_errors: [],
      warnings: [],
      issues: [],
    })
    expect(
      validateConditionTree(
        'any_of:\n  - { field: energy_state.production, operator: gt, value: 2000 }\n',
      ).is_valid,
    ).toBe(true)
    const broken = validateConditionTree('all_of: [\n  {field: x\n')
    expect(broken.is_valid).toBe(false)
    expect(broken.syntax_errors[0]).toMatch(/^YAML syntax error: .*\(line 3, column 1\)$/)
  })
})

describe('rule book: evaluating a policy once', () => {
  const sunnyOff = {
    energy_state: { production: 3500, battery: { state_of_charge: 50 } },
    miner_state: { status: 'off' },
  }

  it('decides with its explanation', () => {
    const start = evaluatePolicyOnce({ policy: EXAMPLE, context: sunnyOff, now: () => WEDNESDAY })
    expect(start.outcome).toMatchObject({
      decision: 'start_mining',
      rule_type: 'start',
      rule: { name: 'Priority Solar Mining', priority: 20 },
      miner_status: 'off',
      evaluated: 'start',
    })
    expect(start.explanation.split('\n')[0]).toBe(
      'start_mining: start rule "Priority Solar Mining" (priority 20) fired',
    )
    expect(start.issues).toEqual([])

    // Running with the battery nearly empty: the battery-protection stop rule fires.
    const stop = evaluatePolicyOnce({
      policy: EXAMPLE,
      context: {
        energy_state: { battery: { state_of_charge: 10 } },
        miner_state: { status: 'on' },
      },
      now: () => WEDNESDAY,
    })
    expect(stop.outcome).toMatchObject({
      decision: 'stop_mining',
      rule: { name: 'Critical Battery Protection', priority: 100 },
      miner_status: 'on',
    })

    const changing = evaluatePolicyOnce({
      policy: EXAMPLE,
      context: { ...sunnyOff, miner_state: { status: 'starting' } },
      now: () => WEDNESDAY,
    })
    expect(changing.outcome).toMatchObject({ decision: 'maintain_state', evaluated: null })
    expect(changing.explanation).toContain('no rules are tried while it is changing state')
  })

  it('uses the time zone for the calendar fields rules read', () => {
    const policy = {
      name: 'Lunch',
      start_rules: [
        { name: 'Noon', conditions: { field: 'timestamp.hour', operator: 'eq', value: 12 } },
      ],
      stop_rules: [],
    }
    const at = (timeZone: string) =>
      evaluatePolicyOnce({ policy, context: {}, timeZone, now: () => WEDNESDAY }).outcome.decision
    expect(at('Europe/Rome')).toBe('start_mining')
    expect(at('UTC')).toBe('maintain_state')
  })

  it('a bad policy throws PolicyTextError with line and column', () => {
    const error = thrown(() =>
      evaluatePolicyOnce({
        policy:
          'name: Bad\nstart_rules:\n  - name: r\n    conditions: { field: nope, operator: gt, value: 1 }\n',
        context: {},
        now: () => WEDNESDAY,
      }),
    )
    expect(error).toBeInstanceOf(PolicyTextError)
    expect(error.code).toBe('invalid_value')
    expect(error.message).toMatch(/^policy: .*unknown field "nope".*\(line 4, column \d+\)$/)
    expect((error.issues as { line: number }[])[0]?.line).toBe(4)
    expect(thrown(() => parsePolicyOrThrow({ start_rules: [] }, 'body'))).toBeInstanceOf(
      PolicyTextError,
    )
    expect(parsePolicyOrThrow({ name: 'Ok', start_rules: [] }, 'body').name).toBe('Ok')
  })

  it('a bad context throws InvalidValueError naming the field', () => {
    const bad = thrown(() =>
      evaluatePolicyOnce({
        policy: EXAMPLE,
        context: { energy_state: { production: 'lots' } },
        now: () => WEDNESDAY,
      }),
    )
    expect(bad).toBeInstanceOf(InvalidValueError)
    expect(bad.field).toBe('context.energy_state.production')
    for (const context of [[1], 'text', null]) {
      const error = thrown(() =>
        evaluatePolicyOnce({ policy: EXAMPLE, context, now: () => WEDNESDAY }),
      )
      expect(error).toBeInstanceOf(InvalidValueError)
      expect(error.field).toBe('context')
    }
    for (const timestamp of [1_781_690_400, 'last tuesday', true]) {
      const error = thrown(() =>
        evaluatePolicyOnce({ policy: EXAMPLE, context: { timestamp }, now: () => WEDNESDAY }),
      )
      expect(error).toBeInstanceOf(InvalidValueError)
      expect(error.field).toBe('context.timestamp')
    }
  })

  it('evaluates a context as the decisional-context route serves it', async () => {
    const { services, world } = setup({ start: '2026-06-17T10:00:00.000Z' })
    const monitor = services.adapters.energy_monitor.create({ adapter_type: 'fake_meter' })
    const source = services.energySources.create({ name: 'Roof', energy_monitor_id: monitor.id })
    const unit = services.units.create({ name: 'House', energy_source_id: source.id })
    world.energy.set(
      'home',
      energyReading('2026-06-17T10:00:00.000Z', { production: 3500, soc: 50 }),
    )
    const served = JSON.parse(JSON.stringify(await services.context.unitContext(unit.id)))
    expect(served.timestamp).toMatchObject({ hour: 12, time_zone: 'Europe/Rome' })

    // Evaluated an hour later, the served context keeps its own instant and zone.
    const result = evaluatePolicyOnce({
      policy: EXAMPLE,
      context: served,
      now: () => WEDNESDAY + 3_600_000,
    })
    expect(result.outcome).toMatchObject({ decision: 'start_mining', miner_status: 'unknown' })
    expect(result.outcome.rule?.name).toBe('Priority Solar Mining')
    const noon = {
      name: 'Noon',
      start_rules: [
        { name: 'Noon', conditions: { field: 'timestamp.hour', operator: 'eq', value: 12 } },
      ],
    }
    expect(
      evaluatePolicyOnce({ policy: noon, context: served, now: () => 0 }).outcome.decision,
    ).toBe('start_mining')
  })
})

describe('rule book: describing the engine and the context', () => {
  it('lists the operators and every field a rule can name', () => {
    const info = ruleEngineInfo()
    expect(info.supported_engines).toEqual(['custom'])
    expect(info.supported_operators.map((op) => op.operator)).toEqual(
      expect.arrayContaining(['eq', 'gt', 'lt', 'in']),
    )
    expect(info.max_nesting_level).toBe(32)
    const structure = contextStructure()
    expect(structure.total_fields).toBe(structure.fields.length)
    expect(
      structure.fields.find((field) => field.path === 'pool_worker.seconds_since_last_share'),
    ).toMatchObject({
      type: 'number',
      unit: 's',
      is_optional: true,
    })
    expect(structure.fields.find((field) => field.path === 'miner_state.status')?.values).toEqual(
      expect.arrayContaining(['on', 'off']),
    )
  })
})
