import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_POLICY_ID, EXAMPLE_POLICY_TEXT, expectStatus, UNKNOWN_ID, V1 } from './site'
import { type Loose, makeApp } from './support'

const POLICIES = `${V1}/policies`
const BROKEN_ID = '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f'
/** The top-level `key: value` of a YAML text (the apps do not depend on a YAML parser). */
const topLevel = (text: string, key: string) => text.match(new RegExp(`^${key}: *(.*)$`, 'm'))?.[1]
const metadataVersion = (text: string) => Number(text.match(/^ {2}version: *(\d+)/m)?.[1])
const CONDITION = { field: 'energy_state.production', operator: 'gt', value: 2500 }

/** The app with the example policy imported; `file(id)` is where the store keeps a policy. */
async function withExample() {
  const made = makeApp()
  const policy = await expectStatus(made.json, 'POST', `${POLICIES}/import`, 201, {
    text: EXAMPLE_POLICY_TEXT,
  })
  const file = (id: string) => join(made.folder, 'policies', `${id}.yaml`)
  return { ...made, policy, file }
}

describe('the policy folder', () => {
  it('a broken file is listed valid:false with line and column; the others are still listed', async () => {
    const { json, file } = await withExample()
    writeFileSync(
      file(BROKEN_ID),
      [
        `id: ${BROKEN_ID}`,
        'name: Broken',
        'start_rules:',
        '  - name: Bad operator',
        '    conditions:',
        '      field: energy_state.production',
        '      operator: gtt',
        '      value: 1',
        'stop_rules: []',
        'metadata: { version: 1 }',
        '',
      ].join('\n'),
    )
    const list = (await expectStatus(json, 'GET', POLICIES, 200)) as Loose[]
    expect(list.map((p) => p.id).sort()).toEqual([EXAMPLE_POLICY_ID, BROKEN_ID].sort())
    const example = list.find((p) => p.id === EXAMPLE_POLICY_ID)
    expect(example).toMatchObject({ valid: true, name: 'Advanced Solar Mining Policy' })
    const broken = list.find((p) => p.id === BROKEN_ID)
    expect(broken.valid).toBe(false)
    const [issue] = broken.issues.filter((i: Loose) => i.severity === 'error')
    expect(issue.line).toBe(7) // the operator's line
    expect(issue.column).toBeGreaterThan(1)
    expect(issue.message).toContain('gtt')
    expect(issue.source).toBe(`${BROKEN_ID}.yaml`)
    // The broken policy answers by id too, and its check says why it cannot run.
    expect((await expectStatus(json, 'GET', `${POLICIES}/${BROKEN_ID}`, 200)).valid).toBe(false)
    const check = await expectStatus(json, 'GET', `${POLICIES}/${BROKEN_ID}/check`, 200)
    expect(check.valid).toBe(false)
    expect(check.errors[0]).toContain('line 7')
    // A unit cannot be enabled on it.
    const unit = await expectStatus(json, 'POST', `${V1}/optimization-units`, 201, {
      policy_id: BROKEN_ID,
    })
    expect(unit.policy_id).toBe(BROKEN_ID)
    // Editing a broken file through the API is refused with where it is broken, not a 500.
    const edit = await json('PUT', `${POLICIES}/${BROKEN_ID}`, { name: 'Fixed?' })
    expect(edit.status).toBe(422)
    expect((await edit.json()).detail).toContain('line 7')
  })

  it('a file whose name is not a UUID is listed invalid, never a 500', async () => {
    const { json, folder } = await withExample()
    writeFileSync(join(folder, 'policies', 'my-policy.yaml'), EXAMPLE_POLICY_TEXT)
    const list = (await expectStatus(json, 'GET', POLICIES, 200)) as Loose[]
    const odd = list.find((p) => p.id === 'my-policy')
    expect(odd?.valid).toBe(false)
    expect(odd.issues.map((i: Loose) => i.message).join()).toContain('is not <uuid>.yaml')
    expect(list.find((p) => p.id === EXAMPLE_POLICY_ID)?.valid).toBe(true)
  })

  it('a hand edit of a file is seen by the next GET, no restart', async () => {
    const { json, policy, file } = await withExample()
    const text = readFileSync(file(policy.id), 'utf8')
    writeFileSync(
      file(policy.id),
      text.replace('name: Advanced Solar Mining Policy', 'name: Edited by hand'),
    )
    expect((await expectStatus(json, 'GET', `${POLICIES}/${policy.id}`, 200)).name).toBe(
      'Edited by hand',
    )
    const listed = (await expectStatus(json, 'GET', POLICIES, 200)) as Loose[]
    expect(listed.map((p) => p.name)).toEqual(['Edited by hand'])
    // And the API's next edit starts from the hand-edited text (comments kept).
    await expectStatus(json, 'PUT', `${POLICIES}/${policy.id}`, 200, { description: 'Both' })
    const after = readFileSync(file(policy.id), 'utf8')
    expect(after).toContain('name: Edited by hand')
    expect(after).toContain('# Example policy')
    expect(metadataVersion(after)).toBe(6)
  })
})

describe('hand-written files the API edits', () => {
  const MINIMAL = `name: Minimal
start_rules:
  - name: Sun
    conditions: { field: energy_state.production, operator: gt, value: 1 }
stop_rules:
  - name: Dusk
    conditions: { field: energy_state.production, operator: lt, value: 1 }
`

  it('a policy without metadata can be renamed and given rules', async () => {
    const { json } = makeApp()
    const imported = await expectStatus(json, 'POST', `${POLICIES}/import`, 201, { text: MINIMAL })
    const renamed = await expectStatus(json, 'PUT', `${POLICIES}/${imported.id}`, 200, {
      name: 'Renamed',
    })
    expect(renamed.name).toBe('Renamed')
    await expectStatus(json, 'POST', `${POLICIES}/${imported.id}/rules?rule_type=start`, 201, {
      name: 'Noon',
      conditions: { field: 'timestamp.hour', operator: 'eq', value: 12 },
    })
    const after = await expectStatus(json, 'GET', `${POLICIES}/${imported.id}`, 200)
    expect(after.start_rules.map((rule: Loose) => rule.name)).toEqual(['Sun', 'Noon'])
  })

  it('rules of a file without rule ids are disabled, updated and deleted by the ids it lists', async () => {
    const { json } = makeApp()
    const imported = await expectStatus(json, 'POST', `${POLICIES}/import`, 201, { text: MINIMAL })
    const [sun] = imported.start_rules
    const [dusk] = imported.stop_rules
    const rules = `${POLICIES}/${imported.id}/rules`
    expect((await expectStatus(json, 'POST', `${rules}/${sun.id}/disable`, 200)).enabled).toBe(
      false,
    )
    expect(
      (await expectStatus(json, 'PUT', `${rules}/${dusk.id}`, 200, { name: 'Night' })).name,
    ).toBe('Night')
    await expectStatus(json, 'DELETE', `${rules}/${sun.id}`, 200)
    const after = await expectStatus(json, 'GET', `${POLICIES}/${imported.id}`, 200)
    expect(after.start_rules).toEqual([])
    expect(after.stop_rules).toMatchObject([{ id: dusk.id, name: 'Night' }])
  })
})

describe('policy CRUD', () => {
  it('create (201) with no rules, get, rename, clear the description, delete', async () => {
    const { json } = makeApp()
    const created = await expectStatus(json, 'POST', POLICIES, 201, {
      name: '  Night  ',
      description: 'Off-peak',
    })
    expect(created).toMatchObject({
      name: 'Night',
      description: 'Off-peak',
      start_rules: [],
      stop_rules: [],
      valid: true,
    })
    const renamed = await expectStatus(json, 'PUT', `${POLICIES}/${created.id}`, 200, {
      name: 'Nights',
    })
    expect(renamed).toMatchObject({ name: 'Nights', description: 'Off-peak' })
    const cleared = await expectStatus(json, 'PUT', `${POLICIES}/${created.id}`, 200, {
      description: null,
    })
    expect(cleared).toMatchObject({ name: 'Nights', description: null })
    expect(await expectStatus(json, 'DELETE', `${POLICIES}/${created.id}`, 200)).toMatchObject({
      id: created.id,
    })
    await expectStatus(json, 'GET', `${POLICIES}/${created.id}`, 404)
    await expectStatus(json, 'DELETE', `${POLICIES}/${created.id}`, 404)
  })

  it.each([
    ['no name', {}, 422, 'name'],
    ['a blank name', { name: '   ' }, 422, 'name'],
    ['a number for a name', { name: 7 }, 422, 'name'],
    ['a list body', [], 422, 'body'],
  ])('create with %s', async (_label, body, status, field) => {
    const { json } = makeApp()
    const res = await json('POST', POLICIES, body)
    expect(res.status).toBe(status)
    expect((await res.json()).detail).toContain(field)
  })

  it('unknown and malformed ids: 404 and 422', async () => {
    const { json } = makeApp()
    for (const suffix of ['', '/check', '/export', '/types/start', `/rules/${UNKNOWN_ID}`]) {
      const res = await json('GET', `${POLICIES}/${UNKNOWN_ID}${suffix}`)
      expect(res.status, suffix).toBe(404)
      expect((await res.json()).detail).toContain('not found')
    }
    for (const suffix of ['', '/check', '/export']) {
      const res = await json('GET', `${POLICIES}/nope${suffix}`)
      expect(res.status, suffix).toBe(422)
      expect((await res.json()).detail).toContain('path.id')
    }
  })
})

describe('rules', () => {
  it('add (?rule_type=start, enabled:false honoured), get, update, enable/disable by GET and POST, delete', async () => {
    const { json, policy } = await withExample()
    const base = `${POLICIES}/${policy.id}`
    const added = await expectStatus(json, 'POST', `${base}/rules?rule_type=start`, 201, {
      name: 'Sunny afternoon',
      description: 'Mine on a strong sun',
      priority: 30,
      enabled: false,
      conditions: CONDITION,
    })
    expect(added).toMatchObject({
      name: 'Sunny afternoon',
      description: 'Mine on a strong sun',
      priority: 30,
      enabled: false,
      for_seconds: null,
      conditions: CONDITION,
    })
    expect(added.id).toMatch(/^[0-9a-f-]{36}$/)
    const rulePath = `${base}/rules/${added.id}`
    expect(await expectStatus(json, 'GET', rulePath, 200)).toMatchObject({
      ...added,
      rule_type: 'start',
    })
    const starts = await expectStatus(json, 'GET', `${base}/types/start`, 200)
    expect(starts).toHaveLength(4)
    expect(starts.map((r: Loose) => r.id)).toContain(added.id)
    expect(await expectStatus(json, 'GET', `${base}/types/stop`, 200)).toHaveLength(3)
    await expectStatus(json, 'GET', `${base}/types/middle`, 422)

    const updated = await expectStatus(json, 'PUT', rulePath, 200, {
      description: null,
      priority: 31,
      for_seconds: 120,
    })
    expect(updated).toMatchObject({
      name: 'Sunny afternoon',
      description: null,
      priority: 31,
      for_seconds: 120,
      enabled: false,
    })
    const noDelay = await expectStatus(json, 'PUT', rulePath, 200, { for_seconds: null })
    expect(noDelay.for_seconds).toBeNull()

    expect((await expectStatus(json, 'GET', `${rulePath}/enable`, 200)).enabled).toBe(true)
    expect((await expectStatus(json, 'GET', `${rulePath}/disable`, 200)).enabled).toBe(false)
    expect((await expectStatus(json, 'POST', `${rulePath}/enable`, 200)).enabled).toBe(true)
    expect((await expectStatus(json, 'POST', `${rulePath}/disable`, 200)).enabled).toBe(false)
    expect((await expectStatus(json, 'GET', rulePath, 200)).enabled).toBe(false)

    const deleted = await expectStatus(json, 'DELETE', rulePath, 200)
    expect(deleted.id).toBe(added.id)
    await expectStatus(json, 'GET', rulePath, 404)
    await expectStatus(json, 'DELETE', rulePath, 404)
    expect(await expectStatus(json, 'GET', `${base}/types/start`, 200)).toHaveLength(3)
  })

  it('a stop rule lands among the stop rules; an unknown rule is 404, a malformed one 422', async () => {
    const { json, policy } = await withExample()
    const base = `${POLICIES}/${policy.id}`
    const added = await expectStatus(json, 'POST', `${base}/rules?rule_type=stop`, 201, {
      name: 'Stop at dusk',
      conditions: { field: 'sun.is_daylight', operator: 'eq', value: false },
    })
    expect(added).toMatchObject({ priority: 0, enabled: true })
    expect((await expectStatus(json, 'GET', `${base}/rules/${added.id}`, 200)).rule_type).toBe(
      'stop',
    )
    for (const [method, suffix] of [
      ['GET', ''],
      ['PUT', ''],
      ['DELETE', ''],
      ['GET', '/enable'],
      ['POST', '/disable'],
    ] as const) {
      const res = await json(
        method,
        `${base}/rules/${UNKNOWN_ID}${suffix}`,
        method === 'PUT' ? { name: 'x' } : undefined,
      )
      expect(res.status, `${method} ${suffix}`).toBe(404)
      expect((await res.json()).detail).toContain(UNKNOWN_ID)
      expect((await json(method, `${base}/rules/r1${suffix}`)).status).toBe(422)
    }
  })

  it.each([
    ['no rule_type', '', { name: 'x', conditions: CONDITION }, 422, 'query.rule_type'],
    ['a bad rule_type', '?rule_type=begin', { name: 'x', conditions: CONDITION }, 422, 'rule_type'],
    ['no name', '?rule_type=start', { conditions: CONDITION }, 422, 'name'],
    [
      'a priority that is not whole',
      '?rule_type=start',
      { name: 'x', priority: 1.5, conditions: CONDITION },
      422,
      'priority',
    ],
    [
      'a negative for_seconds',
      '?rule_type=start',
      { name: 'x', for_seconds: -5, conditions: CONDITION },
      422,
      'for_seconds',
    ],
    [
      'enabled as a string',
      '?rule_type=start',
      { name: 'x', enabled: 'yes', conditions: CONDITION },
      422,
      'enabled',
    ],
    [
      'an unknown field',
      '?rule_type=start',
      { name: 'x', conditions: { field: 'energy_state.nope', operator: 'gt', value: 1 } },
      422,
      'energy_state.nope',
    ],
    [
      'an unknown operator',
      '?rule_type=start',
      { name: 'x', conditions: { field: 'energy_state.production', operator: 'bigger', value: 1 } },
      422,
      'bigger',
    ],
    ['no conditions', '?rule_type=start', { name: 'x' }, 422, 'conditions'],
  ])('adding a rule with %s: 422 naming it', async (_label, query, body, status, part) => {
    const { json, policy, file } = await withExample()
    const before = readFileSync(file(policy.id), 'utf8')
    const res = await json('POST', `${POLICIES}/${policy.id}/rules${query}`, body)
    expect(res.status).toBe(status)
    expect((await res.json()).detail).toContain(part)
    expect(readFileSync(file(policy.id), 'utf8')).toBe(before)
  })

  it('conditions sent as YAML text are refused or stored as a tree, with line and column when wrong', async () => {
    const { json, policy } = await withExample()
    const bad = await json('POST', `${POLICIES}/${policy.id}/rules?rule_type=start`, {
      name: 'Text',
      conditions: 'all_of:\n  - field: energy_state.production\n    operator: gtx\n    value: 1\n',
    })
    expect(bad.status).toBe(422)
    const detail = (await bad.json()).detail as string
    expect(detail).toContain('gtx')
    expect(detail).toMatch(/line 3, column \d+/)
  })

  it('updating a rule with bad conditions → 422 and the file is unchanged', async () => {
    const { json, policy, file } = await withExample()
    const before = readFileSync(file(policy.id), 'utf8')
    const ruleId = '550e8400-e29b-41d4-a716-446655440001'
    const res = await json('PUT', `${POLICIES}/${policy.id}/rules/${ruleId}`, {
      conditions: { all_of: [{ field: 'energy_state.production', operator: 'gt' }] },
    })
    expect(res.status).toBe(422)
    expect((await res.json()).detail).toContain('value')
    expect(readFileSync(file(policy.id), 'utf8')).toBe(before)
  })
})

describe('check, export, import', () => {
  it('check: counts, disabled-rule warnings, and the reasons a policy cannot run', async () => {
    const { json, policy } = await withExample()
    const base = `${POLICIES}/${policy.id}`
    expect(await expectStatus(json, 'GET', `${base}/check`, 200)).toEqual({
      valid: true,
      policy_id: policy.id,
      policy_name: 'Advanced Solar Mining Policy',
      errors: [],
      warnings: [],
      start_rules_count: 3,
      stop_rules_count: 3,
      enabled_start_rules_count: 3,
      enabled_stop_rules_count: 3,
    })
    await expectStatus(
      json,
      'GET',
      `${base}/rules/550e8400-e29b-41d4-a716-446655440004/disable`,
      200,
    )
    const warned = await expectStatus(json, 'GET', `${base}/check`, 200)
    expect(warned).toMatchObject({
      valid: true,
      warnings: ['1 stop rule(s) are disabled'],
      enabled_stop_rules_count: 2,
      stop_rules_count: 3,
    })
    const empty = await expectStatus(json, 'POST', POLICIES, 201, { name: 'Empty' })
    expect(await expectStatus(json, 'GET', `${POLICIES}/${empty.id}/check`, 200)).toMatchObject({
      valid: false,
      policy_name: 'Empty',
      errors: [
        'The policy has no start rule: add at least one rule that starts mining',
        'The policy has no stop rule: add at least one rule that stops mining',
      ],
    })
  })

  it('export answers the stored YAML; it re-imports (a taken id gets a new one)', async () => {
    const { json, request, policy } = await withExample()
    const res = await request(`${POLICIES}/${policy.id}/export`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/yaml')
    const text = await res.text()
    expect(text).toContain('# Example policy')
    expect(topLevel(text, 'id')).toBe(policy.id)
    const copy = await expectStatus(json, 'POST', `${POLICIES}/import`, 201, { text })
    expect(copy.id).not.toBe(policy.id)
    expect(copy).toMatchObject({ name: policy.name, valid: true })
    expect(copy.start_rules).toEqual(policy.start_rules)
    const fresh = await expectStatus(json, 'POST', `${POLICIES}/import`, 201, {
      text: EXAMPLE_POLICY_TEXT.replace(EXAMPLE_POLICY_ID, 'c0ffee00-1111-4222-8333-444455556666'),
      new_id: true,
    })
    expect(fresh.id).not.toBe('c0ffee00-1111-4222-8333-444455556666')
    // Deleted, the exported text comes back under its own id.
    await expectStatus(json, 'DELETE', `${POLICIES}/${policy.id}`, 200)
    expect((await expectStatus(json, 'POST', `${POLICIES}/import`, 201, { text })).id).toBe(
      policy.id,
    )
    expect((await expectStatus(json, 'GET', POLICIES, 200)).length).toBe(3)
  })

  it('a JSON policy text imports too', async () => {
    const { json, policy } = await withExample()
    await expectStatus(json, 'DELETE', `${POLICIES}/${policy.id}`, 200)
    const { id, name, description, start_rules, stop_rules } = policy
    const imported = await expectStatus(json, 'POST', `${POLICIES}/import`, 201, {
      text: JSON.stringify({ id, name, description, start_rules, stop_rules }),
    })
    expect(imported).toMatchObject({ id: EXAMPLE_POLICY_ID, valid: true })
    expect(imported.stop_rules).toHaveLength(3)
  })

  it.each([
    [
      'an unknown operator',
      EXAMPLE_POLICY_TEXT.replace(
        'operator: gt\n          value: 3000',
        'operator: gtt\n          value: 3000',
      ),
      'gtt',
    ],
    ['broken YAML', 'name: X\nstart_rules: [\n', 'line'],
    ['no name', 'start_rules: []\nstop_rules: []\n', 'name'],
  ])('importing %s → 422 with where it is wrong', async (_label, text, part) => {
    const { json } = makeApp()
    const res = await json('POST', `${POLICIES}/import`, { text })
    expect(res.status).toBe(422)
    const detail = (await res.json()).detail as string
    expect(detail).toContain(part)
    expect(await expectStatus(json, 'GET', POLICIES, 200)).toEqual([])
  })

  it('an unknown operator in an import names its line and column', async () => {
    const { json } = makeApp()
    const text = EXAMPLE_POLICY_TEXT.replace(
      'operator: gt\n          value: 3000',
      'operator: gtt\n          value: 3000',
    )
    const line = text.split('\n').findIndex((l) => l.includes('gtt')) + 1
    const res = await json('POST', `${POLICIES}/import`, { text })
    expect((await res.json()).detail).toMatch(new RegExp(`line ${line}, column \\d+`))
  })

  it.each([
    ['no text', {}, 'body.text'],
    ['text as a number', { text: 5 }, 'body.text'],
    ['new_id as a string', { text: 'x', new_id: 'yes' }, 'body.new_id'],
  ])('import with %s → 422', async (_label, body, field) => {
    const { json } = makeApp()
    const res = await json('POST', `${POLICIES}/import`, body)
    expect(res.status).toBe(422)
    expect((await res.json()).detail).toContain(field)
  })
})
