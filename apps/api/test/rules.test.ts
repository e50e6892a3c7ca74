import { describe, expect, it } from 'vitest'
import { makeApp } from './support'

const POLICY = `name: Solar
start_rules:
  - name: Sunny
    priority: 20
    conditions:
      all_of:
        - {field: energy_state.production, operator: gt, value: 3000}
        - {field: energy_state.battery.state_of_charge, operator: gt, value: 40}
stop_rules:
  - name: Low battery
    for_seconds: 120
    conditions: {field: energy_state.battery.state_of_charge, operator: lt, value: 20}
`

describe('GET /api/v1/rule-engine/info', () => {
  it('lists the 12 operators with upstream symbols (§3.4) and the field types', async () => {
    const { request } = makeApp()
    const info = await (await request('/api/v1/rule-engine/info')).json()
    expect(info.supported_engines).toEqual(['custom'])
    expect(info.supported_field_types).toEqual(['string', 'number', 'boolean', 'array', 'object'])
    const symbols = Object.fromEntries(
      info.supported_operators.map((o: { operator: string; symbol: string }) => [
        o.operator,
        o.symbol,
      ]),
    )
    expect(symbols).toEqual({
      eq: '==',
      ne: '!=',
      gt: '>',
      gte: '>=',
      lt: '<',
      lte: '<=',
      in: '∈',
      not_in: '∉',
      contains: '⊃',
      starts_with: '^',
      ends_with: '$',
      regex: '~',
    })
    for (const operator of info.supported_operators) {
      expect(typeof operator.description).toBe('string')
      expect(operator.example_usage.operator).toBe(operator.operator)
    }
    expect(info.max_nesting_level).toBeGreaterThanOrEqual(10)
    expect(await (await request('/api/v1/rule-engine/config')).json()).toEqual({
      engine_type: 'custom',
    })
  })
})

describe('POST /api/v1/rule-engine/validate', () => {
  it('YAML text: each problem with its list, line and column', async () => {
    const { json } = makeApp()
    const conditions = [
      'all_of:',
      '  - field: energy_state.production',
      '    operator: gtt',
      '    value: 5',
      '  - {field: energy_state.nope, operator: gt, value: 1}',
    ].join('\n')
    const res = await json('POST', '/api/v1/rule-engine/validate', { conditions })
    expect(res.status).toBe(200)
    const result = await res.json()
    expect(result.is_valid).toBe(false)
    expect(result.validation_errors).toHaveLength(1)
    expect(result.validation_errors[0]).toContain('gtt')
    expect(result.field_errors).toHaveLength(1)
    expect(result.field_errors[0]).toContain('energy_state.nope')
    expect(result.syntax_errors).toEqual([])
    const where = result.issues.map((i: { line: number; column: number }) => [i.line, i.column])
    // "gtt" sits on line 3 after "    operator: " (column 15); the bad field on line 5 at column 13.
    expect(where).toEqual([
      [3, 15],
      [5, 13],
    ])
  })

  it('a YAML syntax error is a syntax error with its line', async () => {
    const { json } = makeApp()
    const result = await (
      await json('POST', '/api/v1/rule-engine/validate', { conditions: 'all_of: [\n' })
    ).json()
    expect(result.is_valid).toBe(false)
    expect(result.syntax_errors).toHaveLength(1)
    expect(result.issues[0].line).toBeGreaterThanOrEqual(1)
  })

  it('an object (or JSON text) that is valid', async () => {
    const { json } = makeApp()
    const tree = { any_of: [{ field: 'timestamp.weekday', operator: 'in', value: [5, 6] }] }
    for (const conditions of [tree, JSON.stringify(tree)]) {
      const result = await (
        await json('POST', '/api/v1/rule-engine/validate', { conditions })
      ).json()
      expect(result).toMatchObject({
        is_valid: true,
        validation_errors: [],
        syntax_errors: [],
        field_errors: [],
      })
    }
  })

  it('missing or mistyped conditions → 422 naming body.conditions', async () => {
    const { json } = makeApp()
    for (const body of [{}, { conditions: 5 }, { conditions: [1] }]) {
      const res = await json('POST', '/api/v1/rule-engine/validate', body)
      expect(res.status).toBe(422)
      expect((await res.json()).detail).toContain('body.conditions')
    }
  })
})

describe('POST /api/v1/rule-engine/evaluate', () => {
  it('a miner that is off and a sunny context → start_mining by "Sunny", with the trace', async () => {
    const { json } = makeApp()
    const res = await json('POST', '/api/v1/rule-engine/evaluate', {
      policy: POLICY,
      context: {
        energy_state: { production: 3500, battery: { state_of_charge: 80 } },
        miner_state: { status: 'off' },
      },
    })
    expect(res.status).toBe(200)
    const outcome = await res.json()
    expect(outcome).toMatchObject({
      decision: 'start_mining',
      rule_type: 'start',
      rule: { name: 'Sunny', priority: 20 },
      miner_status: 'off',
      evaluated: 'start',
    })
    expect(outcome.explanation).toContain('"Sunny"')
    const leaves = outcome.trace[0].condition.children
    expect(leaves.map((l: { field: string; actual: number }) => [l.field, l.actual])).toEqual([
      ['energy_state.production', 3500],
      ['energy_state.battery.state_of_charge', 80],
    ])
  })

  it('for_seconds is not met by one evaluation: maintain_state; the policy may be an object', async () => {
    const { json } = makeApp()
    const policy = {
      name: 'Guard',
      stop_rules: [
        {
          name: 'Low battery',
          for_seconds: 120,
          conditions: { field: 'energy_state.battery.state_of_charge', operator: 'lt', value: 20 },
        },
      ],
    }
    const outcome = await (
      await json('POST', '/api/v1/rule-engine/evaluate', {
        policy,
        context: {
          energy_state: { battery: { state_of_charge: 10 } },
          miner_state: { status: 'on' },
        },
      })
    ).json()
    expect(outcome.decision).toBe('maintain_state')
    expect(outcome.trace[0].status).toBe('holding')
  })

  it('an invalid policy or context is 422 naming where', async () => {
    const { json } = makeApp()
    const badPolicy = await json('POST', '/api/v1/rule-engine/evaluate', {
      policy:
        'name: x\nstart_rules:\n  - name: a\n    conditions: {field: x.y, operator: gt, value: 1}\n',
      context: {},
    })
    expect(badPolicy.status).toBe(422)
    expect((await badPolicy.json()).detail).toMatch(/^policy: .*x\.y.*line 4/)
    const badContext = await json('POST', '/api/v1/rule-engine/evaluate', {
      policy: POLICY,
      context: { energy_state: { battery: { state_of_charge: 'x' } } },
    })
    expect(badContext.status).toBe(422)
    expect((await badContext.json()).detail).toContain(
      'context.energy_state.battery.state_of_charge',
    )
  })
})

describe('GET /api/v1/decisional-context/structure', () => {
  it('lists every rule path with its type, and counts them', async () => {
    const { request } = makeApp()
    const structure = await (await request('/api/v1/decisional-context/structure')).json()
    expect(structure.total_fields).toBe(structure.fields.length)
    const byPath = new Map(structure.fields.map((f: { path: string }) => [f.path, f]))
    expect(byPath.get('energy_state.battery.state_of_charge')).toMatchObject({
      type: 'number',
      unit: '%',
      is_optional: true,
    })
    expect(byPath.get('timestamp.weekday')).toMatchObject({ type: 'number' })
    expect(byPath.get('mining_performance.payout_schedule.frequency')).toMatchObject({
      type: 'enum',
      values: ['unknown', 'per_block', 'hourly', 'daily', 'threshold'],
    })
    expect(byPath.has('mining_performance.seconds_since_last_share')).toBe(true)
  })
})
