import { readFileSync } from 'node:fs'
import {
  ConflictError,
  EntityNotFoundError,
  InvalidValueError,
  type PolicyFileStore,
} from '@edge-mining/domain'
import { parsePolicy } from '@edge-mining/rules'
import { describe, expect, it } from 'vitest'
import { createMemoryPolicyStore, createMemoryRepositories } from './memory'
import { createAdapterRegistry } from './registry'
import { PolicyTextError } from './rule-book'
import { createServices } from './services'
import {
  createFakePlatform,
  createRecordingLogger,
  createWorld,
  testDefinitions,
  uuidNumber,
} from './test-support/fakes'

const EXAMPLE_ID = '550e8400-e29b-41d4-a716-446655440000'
const EXAMPLE = readFileSync(
  new URL(`../../../data/examples/policies/${EXAMPLE_ID}.yaml`, import.meta.url),
  'utf8',
)

const PRODUCTION_HIGH = {
  all_of: [{ field: 'energy_state.production', operator: 'gt', value: 3000 }],
}
const SOC_LOW = { field: 'energy_state.battery.state_of_charge', operator: 'lt', value: 20 }

/** Services over memory repositories whose policy folder is `createMemoryPolicyStore`. */
function arrange() {
  const platform = createFakePlatform()
  const store: PolicyFileStore = createMemoryPolicyStore(() => platform.now())
  const repositories = createMemoryRepositories({ now: () => platform.now(), policies: store })
  const world = createWorld()
  const services = createServices({
    repositories,
    registry: createAdapterRegistry(testDefinitions(world, platform)),
    platform,
    logger: createRecordingLogger(),
  })
  return { platform, store, repositories, services, policies: services.policies }
}

function thrown(work: () => unknown): Error & Record<string, unknown> {
  try {
    work()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to throw')
}

/** A policy file written by hand: comments, one start and one stop rule. */
function handWritten(id: string): string {
  return `# Hand-written policy: keep this comment.
id: ${id}
name: Hand made
description: Written by a person
start_rules:
  # Start on a sunny afternoon.
  - id: 11111111-1111-4111-8111-111111111111
    name: Sunny
    priority: 10
    conditions:
      field: energy_state.production
      operator: gt
      value: 2500 # watts
stop_rules:
  - id: 22222222-2222-4222-8222-222222222222
    name: Battery low
    priority: 90
    conditions: { field: energy_state.battery.state_of_charge, operator: lt, value: 20 }
metadata:
  author: Somebody
  version: 3
  created: '2026-01-01'
  last_modified: '2026-01-02'
`
}

describe('policies: create and import', () => {
  it('create writes a parseable <uuid>.yaml file', () => {
    const { policies, store } = arrange()
    const view = policies.create({ name: ' Night shift ', description: 'Mine at night' })
    expect(view).toEqual({
      id: uuidNumber(1),
      name: 'Night shift',
      description: 'Mine at night',
      start_rules: [],
      stop_rules: [],
      metadata: {
        author: 'Edge Mining User',
        version: 1,
        created: '2026-06-21',
        last_modified: '2026-06-21',
      },
      valid: true,
      issues: [],
      modified_at: '2026-06-21T10:00:00.000Z',
    })
    const file = store.read(view.id)
    expect(file?.path).toBe(`memory:policies/${view.id}.yaml`)
    const parsed = parsePolicy(file?.text ?? '', { source: `${view.id}.yaml` })
    expect(parsed.issues).toEqual([])
    expect(parsed.policy).toMatchObject({ id: view.id, name: 'Night shift' })
    expect(policies.get(view.id)).toEqual(view)
    expect(policies.text(view.id)).toBe(file?.text)

    expect(thrown(() => policies.create({ name: '  ' }))).toMatchObject({ field: 'name' })
    expect(thrown(() => policies.create({}))).toBeInstanceOf(InvalidValueError)
    expect(store.list()).toHaveLength(1)
  })

  it('import of the shipped example keeps its id and comments; a second import gets a new id', () => {
    const { policies, store } = arrange()
    const first = policies.importText(EXAMPLE, { source: `${EXAMPLE_ID}.yaml` })
    expect(first.id).toBe(EXAMPLE_ID)
    expect(first.valid).toBe(true)
    expect(first.name).toBe('Advanced Solar Mining Policy')
    // Sorted by priority, highest first.
    expect(first.start_rules.map((rule) => rule.priority)).toEqual([20, 15, 5])
    expect(first.stop_rules.map((rule) => rule.name)).toEqual([
      'Critical Battery Protection',
      'Grid Import Limit Protection',
      'Peak Home Consumption Stop',
    ])
    expect(store.read(EXAMPLE_ID)?.text).toContain(
      '# Example policy: "Advanced Solar Mining Policy"',
    )

    const second = policies.importText(EXAMPLE)
    expect(second.id).toBe(uuidNumber(1))
    expect(second.name).toBe(first.name)
    expect(store.read(second.id)?.text).toContain(`id: ${second.id}`)
    expect(policies.importText(EXAMPLE, { newId: true }).id).toBe(uuidNumber(2))
    expect(policies.list().map((view) => view.id)).toEqual(
      [uuidNumber(1), uuidNumber(2), EXAMPLE_ID].sort(),
    )
  })

  it('import refuses a broken file with its issues, writing nothing', () => {
    const { policies, store } = arrange()
    const error = thrown(() => policies.importText('name: [unclosed\n', { source: 'upload.yaml' }))
    expect(error).toBeInstanceOf(PolicyTextError)
    expect(error.code).toBe('invalid_value')
    // The flow list opened on line 1 is still open where the text ends, on line 2.
    expect((error.issues as { line: number | null }[])[0]).toMatchObject({
      code: 'syntax',
      source: 'upload.yaml',
      line: 2,
    })
    expect(store.list()).toEqual([])
  })
})

describe('policies: files as people leave them', () => {
  it('a broken file is listed with valid:false and line/column issues; the others are intact', () => {
    const { policies, store } = arrange()
    const good = policies.create({ name: 'Good' })
    const badId = uuidNumber(40)
    store.write(
      badId,
      `name: Broken
start_rules:
  - name: Typo
    conditions:
      field: energy_state.production
      operator: gtt
      value: 1
`,
    )
    const syntaxId = uuidNumber(41)
    store.write(syntaxId, 'name: Half\nstart_rules: [\n')
    store.write('notes', handWritten(uuidNumber(42)))

    const listed = policies.list()
    expect(listed.map((view) => [view.id, view.valid])).toEqual([
      [good.id, true],
      [badId, false],
      [syntaxId, false],
      ['notes', false],
    ])
    const broken = listed[1]
    const operatorIssue = broken?.issues.find((issue) => issue.severity === 'error')
    expect(operatorIssue).toMatchObject({ code: 'operator', line: 6, source: `${badId}.yaml` })
    expect(operatorIssue?.column).toBeGreaterThan(0)
    expect(operatorIssue?.message).toContain('gtt')
    expect(listed[2]?.issues[0]?.line).not.toBeNull()
    // A file whose name is not a UUID cannot be a policy: the name is the id.
    expect(listed[3]?.issues.at(-1)?.message).toContain('notes.yaml is not <uuid>.yaml')

    expect(policies.get(badId).valid).toBe(false)
    expect(policies.get(good.id).valid).toBe(true)
    const loadError = thrown(() => policies.load(badId))
    expect(loadError).toBeInstanceOf(PolicyTextError)
    expect(loadError.message).toContain('(line 6, column')
  })

  it('a hand edit is seen by the next read', () => {
    const { policies, store, platform } = arrange()
    const view = policies.create({ name: 'Before' })
    platform.setNow('2026-06-21T12:00:00.000Z')
    store.write(view.id, handWritten(view.id))
    const after = policies.get(view.id)
    expect(after.name).toBe('Hand made')
    expect(after.start_rules.map((rule) => rule.name)).toEqual(['Sunny'])
    expect(after.modified_at).toBe('2026-06-21T12:00:00.000Z')
  })

  it('an unknown id is not found; a malformed id names policy_id', () => {
    const { policies } = arrange()
    expect(thrown(() => policies.get(uuidNumber(9)))).toBeInstanceOf(EntityNotFoundError)
    expect(thrown(() => policies.get('../etc/passwd'))).toMatchObject({ field: 'policy_id' })
  })
})

describe('policies: rules', () => {
  it('add, update, enable, disable and remove a rule keep the comments of the rest of the file', () => {
    const { policies, store } = arrange()
    const id = uuidNumber(30)
    store.write(id, handWritten(id))
    const comments = [
      '# Hand-written policy: keep this comment.',
      '# Start on a sunny afternoon.',
      '# watts',
    ]
    const keepsComments = () => {
      const text = store.read(id)?.text ?? ''
      for (const comment of comments) expect(text).toContain(comment)
    }

    const added = policies.addRule(id, 'stop', {
      name: 'Dusk',
      description: 'Stop once production fades',
      conditions: { field: 'energy_state.production', operator: 'lt', value: 300 },
      priority: 40,
      for_seconds: 600,
    })
    expect(added).toMatchObject({
      name: 'Dusk',
      priority: 40,
      enabled: true,
      for_seconds: 600,
      description: 'Stop once production fades',
    })
    keepsComments()
    expect(policies.get(id).stop_rules.map((rule) => rule.name)).toEqual(['Battery low', 'Dusk'])
    expect(policies.get(id).metadata).toMatchObject({
      author: 'Somebody',
      version: 4,
      last_modified: '2026-06-21',
    })

    const updated = policies.updateRule(id, added.id, {
      name: 'Dusk (late)',
      for_seconds: null,
      description: null,
    })
    expect(updated).toMatchObject({
      name: 'Dusk (late)',
      for_seconds: null,
      description: null,
      priority: 40,
    })
    keepsComments()

    expect(policies.setRuleEnabled(id, '11111111-1111-4111-8111-111111111111', false).enabled).toBe(
      false,
    )
    keepsComments()
    expect(policies.rule(id, '11111111-1111-4111-8111-111111111111')).toMatchObject({
      rule_type: 'start',
      enabled: false,
      name: 'Sunny',
    })
    expect(policies.setRuleEnabled(id, '11111111-1111-4111-8111-111111111111', true).enabled).toBe(
      true,
    )

    expect(policies.removeRule(id, '22222222-2222-4222-8222-222222222222').name).toBe('Battery low')
    keepsComments()
    expect(policies.rules(id, 'stop').map((rule) => rule.name)).toEqual(['Dusk (late)'])
    expect(policies.get(id).metadata?.version).toBe(8)
    expect(thrown(() => policies.rule(id, '22222222-2222-4222-8222-222222222222'))).toBeInstanceOf(
      EntityNotFoundError,
    )
  })

  it('edits a hand-written file that has no metadata, adding it', () => {
    const { policies, store } = arrange()
    const id = uuidNumber(32)
    store.write(id, `name: Bare\nstart_rules: []\nstop_rules: []\n`)
    expect(policies.get(id).metadata).toBeNull()
    expect(policies.update(id, { description: 'now described' })).toMatchObject({
      name: 'Bare',
      description: 'now described',
      metadata: {
        author: 'Edge Mining User',
        version: 1,
        created: '2026-06-21',
        last_modified: '2026-06-21',
      },
    })
    expect(policies.update(id, { name: 'Bare 2' }).metadata?.version).toBe(2)
  })

  it('honours enabled:false on add (upstream ignored it)', () => {
    const { policies } = arrange()
    const { id } = policies.create({ name: 'P' })
    const rule = policies.addRule(id, 'start', {
      name: 'Off for now',
      conditions: PRODUCTION_HIGH,
      enabled: false,
    })
    expect(rule.enabled).toBe(false)
    expect(policies.rules(id, 'start')).toEqual([
      expect.objectContaining({ id: rule.id, name: 'Off for now', enabled: false }),
    ])
    expect(policies.check(id).warnings).toEqual(['1 start rule(s) are disabled'])
  })

  it('refuses conditions with an unknown field, with the issue, and stores nothing', () => {
    const { policies, store } = arrange()
    const { id } = policies.create({ name: 'P' })
    const before = store.read(id)?.text
    const error = thrown(() =>
      policies.addRule(id, 'start', {
        name: 'Typo',
        conditions: { field: 'energy_state.prodution', operator: 'gt', value: 1 },
      }),
    )
    expect(error).toBeInstanceOf(PolicyTextError)
    const issues = error.issues as { code: string; message: string; severity: string }[]
    expect(issues[0]).toMatchObject({ code: 'field', severity: 'error' })
    expect(issues[0]?.message).toContain('energy_state.prodution')
    expect(error.message).toContain('unknown field')
    expect(store.read(id)?.text).toBe(before)

    expect(
      thrown(() => policies.addRule(id, 'middle', { name: 'x', conditions: SOC_LOW })),
    ).toMatchObject({
      field: 'rule_type',
    })
    expect(thrown(() => policies.addRule(id, 'start', { conditions: SOC_LOW }))).toMatchObject({
      field: 'name',
    })
    const start = policies.addRule(id, 'start', { name: 'ok', conditions: SOC_LOW })
    expect(
      thrown(() => policies.updateRule(id, start.id, { conditions: { any_of: [], all_of: [] } })),
    ).toBeInstanceOf(PolicyTextError)
    expect(thrown(() => policies.updateRule(id, uuidNumber(77), { name: 'x' }))).toBeInstanceOf(
      EntityNotFoundError,
    )
  })

  it('edits a rule written without an id (its id derived from its place in the file)', () => {
    const { policies, store } = arrange()
    const id = uuidNumber(31)
    store.write(
      id,
      `name: Templates pasted in
start_rules:
  - name: Priority Solar Mining
    priority: 20
    conditions: { field: energy_state.production, operator: gt, value: 3000 }
  - name: Battery full
    conditions: { field: energy_state.battery.state_of_charge, operator: gte, value: 95 }
stop_rules:
  - name: Battery low
    conditions: { field: energy_state.battery.state_of_charge, operator: lt, value: 20 }
`,
    )
    const [first, second] = policies.rules(id, 'start')
    if (!first || !second) throw new Error('expected two start rules')
    expect(policies.rule(id, second.id).name).toBe('Battery full')

    const renamed = policies.updateRule(id, second.id, { name: 'Battery at 95 %' })
    expect(renamed).toMatchObject({ id: second.id, name: 'Battery at 95 %' })
    // The id is now written in the file, first in the rule's mapping.
    expect(store.read(id)?.text).toContain(`  - id: ${second.id}\n    name: Battery at 95 %\n`)
    // The id stays what the client saw, through later edits too.
    expect(policies.setRuleEnabled(id, second.id, false)).toMatchObject({
      id: second.id,
      enabled: false,
    })
    expect(policies.rule(id, first.id).name).toBe('Priority Solar Mining')
    const [stop] = policies.rules(id, 'stop')
    expect(policies.removeRule(id, stop?.id ?? '').name).toBe('Battery low')
    expect(policies.rules(id, 'stop')).toEqual([])
    expect(policies.get(id).valid).toBe(true)
  })
})

describe('policies: check, load, remove', () => {
  it('check says what is missing (no start / no stop rule) and which rules are disabled', () => {
    const { policies } = arrange()
    const { id, name } = policies.create({ name: 'Empty' })
    expect(policies.check(id)).toEqual({
      valid: false,
      policy_id: id,
      policy_name: name,
      errors: [
        'The policy has no start rule: add at least one rule that starts mining',
        'The policy has no stop rule: add at least one rule that stops mining',
      ],
      warnings: [],
      start_rules_count: 0,
      stop_rules_count: 0,
      enabled_start_rules_count: 0,
      enabled_stop_rules_count: 0,
    })
    policies.addRule(id, 'start', { name: 'Sun', conditions: PRODUCTION_HIGH })
    policies.addRule(id, 'start', { name: 'Sun 2', conditions: PRODUCTION_HIGH, enabled: false })
    expect(policies.check(id).errors).toEqual([
      'The policy has no stop rule: add at least one rule that stops mining',
    ])
    // Disabled rules count, as upstream: the policy is valid with only a disabled stop rule.
    policies.addRule(id, 'stop', { name: 'Low', conditions: SOC_LOW, enabled: false })
    expect(policies.check(id)).toMatchObject({
      valid: true,
      errors: [],
      warnings: ['1 start rule(s) are disabled', '1 stop rule(s) are disabled'],
      start_rules_count: 2,
      stop_rules_count: 1,
      enabled_start_rules_count: 1,
      enabled_stop_rules_count: 0,
    })
  })

  it('check lists the errors of a broken file with their line', () => {
    const { policies, store } = arrange()
    const id = uuidNumber(33)
    store.write(
      id,
      'name: Broken\nstart_rules:\n  - name: x\n    conditions: { field: nope, operator: gt, value: 1 }\n',
    )
    const check = policies.check(id)
    expect(check.valid).toBe(false)
    expect(check.errors[0]).toMatch(/unknown field "nope".*\(line 4, column \d+\)$/)
  })

  it('load compiles once per file text and refuses a file with errors', () => {
    const { policies, store } = arrange()
    const { id } = policies.create({ name: 'P' })
    policies.addRule(id, 'start', { name: 'Sun', conditions: PRODUCTION_HIGH })
    const loaded = policies.load(id)
    expect(loaded.policy.start_rules.map((rule) => rule.name)).toEqual(['Sun'])
    expect(loaded.compiled.kind).toBe('compiled_policy')
    expect(policies.load(id)).toBe(loaded)
    policies.addRule(id, 'stop', { name: 'Low', conditions: SOC_LOW })
    const reloaded = policies.load(id)
    expect(reloaded).not.toBe(loaded)
    expect(reloaded.policy.stop_rules).toHaveLength(1)
    store.write(id, 'name: P\nstart_rules: 7\n')
    expect(thrown(() => policies.load(id))).toBeInstanceOf(PolicyTextError)
  })

  it('remove is refused while a unit uses the policy; force detaches and disables the unit', () => {
    const { policies, services, store } = arrange()
    const { id } = policies.create({ name: 'P' })
    policies.addRule(id, 'start', { name: 'Sun', conditions: PRODUCTION_HIGH })
    policies.addRule(id, 'stop', { name: 'Low', conditions: SOC_LOW })
    const source = services.energySources.create({ name: 'Roof' })
    const miner = services.miners.create({ name: 'Rig' })
    const unit = services.units.create({
      name: 'House',
      policy_id: id,
      energy_source_id: source.id,
      target_miner_ids: [miner.id],
    })
    services.units.enable(unit.id)
    const error = thrown(() => policies.remove(id))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.usages).toEqual([
      { entity: 'optimization_unit', id: unit.id, name: 'House', field: 'policy_id' },
    ])
    expect(policies.remove(id, { force: true }).id).toBe(id)
    expect(store.read(id)).toBeNull()
    expect(services.units.get(unit.id)).toMatchObject({ policy_id: null, is_enabled: false })
    expect(thrown(() => policies.get(id))).toBeInstanceOf(EntityNotFoundError)
  })

  it('a forced remove that fails midway leaves the units and the file as they were', () => {
    const { policies, services, store, repositories } = arrange()
    const { id } = policies.create({ name: 'P' })
    const units = ['North', 'South'].map((name) => services.units.create({ name, policy_id: id }))
    const original = repositories.units.update
    let writes = 0
    repositories.units.update = (unit) => {
      writes += 1
      if (writes === 2) throw new Error('disk full')
      return original(unit)
    }
    expect(() => policies.remove(id, { force: true })).toThrow('disk full')
    repositories.units.update = original
    for (const unit of units) expect(services.units.get(unit.id).policy_id).toBe(id)
    expect(store.read(id)).not.toBeNull()
  })
})
