import { describe, expect, it } from 'vitest'
import { buildSite, expectStatus, UNKNOWN_ID, V1 } from './site'
import { type Loose, makeApp } from './support'

const UNITS = `${V1}/optimization-units`

/** A 4xx (never 500) whose detail names `field` (and, when given, the value). */
async function expectRefused(
  res: Awaited<ReturnType<ReturnType<typeof makeApp>['json']>>,
  status: number,
  ...parts: string[]
): Promise<string> {
  const body = await res.json()
  expect(res.status, JSON.stringify(body)).toBe(status)
  expect(Object.keys(body)).toEqual(['detail'])
  for (const part of parts) expect(body.detail).toContain(part)
  return body.detail
}

describe('references on create and PUT', () => {
  it.each([
    ['policy_id', { policy_id: UNKNOWN_ID }, 'policy_id'],
    ['energy_source_id', { energy_source_id: UNKNOWN_ID }, 'energy_source_id'],
    ['performance_tracker_id', { performance_tracker_id: UNKNOWN_ID }, 'performance_tracker_id'],
    ['target_miner_ids.0', { target_miner_ids: [UNKNOWN_ID] }, 'target_miner_ids.0'],
    ['notifier_ids.0', { notifier_ids: [UNKNOWN_ID] }, 'notifier_ids.0'],
  ])('an unknown %s on create → 400 naming the field and the id', async (_label, body, field) => {
    const { json } = makeApp()
    await expectRefused(await json('POST', UNITS, body), 400, field, UNKNOWN_ID)
    expect(await expectStatus(json, 'GET', UNITS, 200)).toEqual([])
  })

  it('names the index of the unknown miner in a list, on create and on PUT', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    await expectRefused(
      await json('POST', UNITS, { target_miner_ids: [site.miner.id, UNKNOWN_ID] }),
      400,
      'target_miner_ids.1',
    )
    await expectRefused(
      await json('PUT', `${UNITS}/${site.unit.id}`, {
        notifier_ids: [site.notifier.id, UNKNOWN_ID],
      }),
      400,
      'notifier_ids.1',
    )
    for (const [field, value] of [
      ['policy_id', UNKNOWN_ID],
      ['energy_source_id', UNKNOWN_ID],
      ['performance_tracker_id', UNKNOWN_ID],
    ]) {
      await expectRefused(
        await json('PUT', `${UNITS}/${site.unit.id}`, { [field as string]: value }),
        400,
        field as string,
      )
    }
    // Nothing of the refused changes was saved.
    expect(await expectStatus(json, 'GET', `${UNITS}/${site.unit.id}`, 200)).toEqual(site.unit)
  })

  it.each([
    ['a malformed policy id', { policy_id: 'policy-1' }, 'policy_id', '"policy-1"'],
    ['a malformed miner id', { target_miner_ids: ['x'] }, 'target_miner_ids.0', '"x"'],
    ['a list that is not a list', { notifier_ids: 'abc' }, 'notifier_ids', '"abc"'],
    ['a number for a name', { name: 5 }, 'name', '5'],
    ['a negative dwell time', { min_on_seconds: -1 }, 'min_on_seconds', '-1'],
  ])('%s → 422 naming the field and the value', async (_label, body, field, value) => {
    const { json } = makeApp()
    await expectRefused(await json('POST', UNITS, body), 422, field, value)
  })

  it('PUT keeps what it omits (T18), null clears an id, [] clears a list', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const path = `${UNITS}/${site.unit.id}`
    const renamed = await expectStatus(json, 'PUT', path, 200, { name: '  Renamed  ' })
    expect(renamed).toEqual({ ...site.unit, name: 'Renamed' })
    const described = await expectStatus(json, 'PUT', path, 200, { description: null })
    expect(described).toEqual({ ...renamed, description: null })
    const cleared = await expectStatus(json, 'PUT', path, 200, {
      policy_id: null,
      performance_tracker_id: null,
      notifier_ids: [],
    })
    expect(cleared).toEqual({
      ...described,
      policy_id: null,
      performance_tracker_id: null,
      notifier_ids: [],
    })
    // An empty string clears an id too (what a form with a blank select sends).
    const blank = await expectStatus(json, 'PUT', path, 200, { energy_source_id: '' })
    expect(blank.energy_source_id).toBeNull()
    expect(blank.target_miner_ids).toEqual([site.miner.id])
    // An empty body changes nothing.
    expect(await expectStatus(json, 'PUT', path, 200, {})).toEqual(blank)
    // is_enabled is not settable through PUT (enable/disable routes only).
    const sneaky = await json('PUT', path, { is_enabled: true })
    expect(sneaky.status).toBeLessThan(500)
    expect((await expectStatus(json, 'GET', path, 200)).is_enabled).toBe(false)
  })

  it('a PUT that would leave an enabled unit unable to run is refused, not silently disabling it', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const path = `${UNITS}/${site.unit.id}`
    await expectStatus(json, 'POST', `${path}/enable`, 200)
    await expectRefused(await json('PUT', path, { policy_id: null }), 400, 'policy', 'disable it')
    await expectRefused(await json('PUT', path, { target_miner_ids: [] }), 400, 'target_miner_ids')
    const unit = await expectStatus(json, 'GET', path, 200)
    expect(unit).toEqual({ ...site.unit, is_enabled: true })
  })
})

describe('enable', () => {
  it.each([
    ['policy_id', { policy_id: null }],
    ['energy_source_id', { energy_source_id: null }],
    ['target_miner_ids', { target_miner_ids: [] }],
  ])('refused (400) without %s', async (field, change) => {
    const { json } = makeApp()
    const site = await buildSite(json)
    await expectStatus(json, 'PUT', `${UNITS}/${site.unit.id}`, 200, change)
    await expectRefused(await json('POST', `${UNITS}/${site.unit.id}/enable`), 400, field)
    expect((await expectStatus(json, 'GET', `${UNITS}/${site.unit.id}`, 200)).is_enabled).toBe(
      false,
    )
  })

  it('refused (400) with a policy failing its check, naming the policy and why', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const empty = await expectStatus(json, 'POST', `${V1}/policies`, 201, { name: 'Empty' })
    await expectStatus(json, 'POST', `${UNITS}/${site.unit.id}/policy?policy_id=${empty.id}`, 200)
    await expectRefused(
      await json('POST', `${UNITS}/${site.unit.id}/enable`),
      400,
      "Policy 'Empty'",
      'no start rule',
      'no stop rule',
    )
  })

  it('a miner already in another enabled unit → 409 naming the other unit', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    await expectStatus(json, 'POST', `${UNITS}/${site.unit.id}/enable`, 200)
    const other = await expectStatus(json, 'POST', UNITS, 201, {
      name: 'Second',
      policy_id: site.policy.id,
      energy_source_id: site.source.id,
      target_miner_ids: [site.miner.id],
    })
    await expectRefused(
      await json('POST', `${UNITS}/${other.id}/enable`),
      409,
      'Garage S19',
      "'Garage unit'",
      site.unit.id,
    )
    // Adding the miner to an enabled unit is refused the same way.
    const second = await buildSite(json, 'Shed')
    await expectStatus(json, 'POST', `${UNITS}/${second.unit.id}/enable`, 200)
    await expectRefused(
      await json('POST', `${UNITS}/${second.unit.id}/miners/single?miner_id=${site.miner.id}`),
      409,
      "'Garage unit'",
    )
    // Once the first unit is disabled, the second may have it.
    await expectStatus(json, 'POST', `${UNITS}/${site.unit.id}/disable`, 200)
    expect((await expectStatus(json, 'POST', `${UNITS}/${other.id}/enable`, 200)).is_enabled).toBe(
      true,
    )
  })

  it('an enabled unit cannot be switched to a policy that fails its check', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    await expectStatus(json, 'POST', `${UNITS}/${site.unit.id}/enable`, 200)
    const empty = await expectStatus(json, 'POST', `${V1}/policies`, 201, { name: 'Empty' })
    await expectRefused(
      await json('POST', `${UNITS}/${site.unit.id}/policy?policy_id=${empty.id}`),
      400,
      "Policy 'Empty'",
      'no start rule',
      'disable it',
    )
    await expectRefused(
      await json('PUT', `${UNITS}/${site.unit.id}`, { policy_id: empty.id }),
      400,
      "Policy 'Empty'",
    )
    const unit = await expectStatus(json, 'GET', `${UNITS}/${site.unit.id}`, 200)
    expect(unit).toMatchObject({ is_enabled: true, policy_id: site.policy.id })
    // Other changes to the enabled unit still go through.
    await expectStatus(json, 'PUT', `${UNITS}/${site.unit.id}`, 200, { name: 'Renamed' })
  })

  it('enable/disable of an unknown unit is 404', async () => {
    const { json } = makeApp()
    for (const action of ['enable', 'disable']) {
      await expectRefused(await json('POST', `${UNITS}/${UNKNOWN_ID}/${action}`), 404, 'not found')
    }
  })
})

describe('deleting what a unit still uses', () => {
  const cases: [string, (site: Loose) => string, string, (unit: Loose, site: Loose) => void][] = [
    [
      'miner',
      (s) => `${V1}/miners/${s.miner.id}`,
      'target_miner_ids',
      (u) => expect(u.target_miner_ids).toEqual([]),
    ],
    [
      'policy',
      (s) => `${V1}/policies/${s.policy.id}`,
      'policy_id',
      (u) => expect(u.policy_id).toBeNull(),
    ],
    [
      'energy source',
      (s) => `${V1}/energy-sources/${s.source.id}`,
      'energy_source_id',
      (u) => expect(u.energy_source_id).toBeNull(),
    ],
    [
      'tracker',
      (s) => `${V1}/mining-performance-trackers/${s.tracker.id}`,
      'performance_tracker_id',
      (u) => expect(u.performance_tracker_id).toBeNull(),
    ],
    [
      'notifier',
      (s) => `${V1}/notifiers/${s.notifier.id}`,
      'notifier_ids',
      (u) => expect(u.notifier_ids).toEqual([]),
    ],
  ]

  it.each(cases)(
    'a %s: 409 naming the unit; force=true detaches it and disables the unit if it cannot run',
    async (_label, pathOf, field, detached) => {
      const { json } = makeApp()
      const site = await buildSite(json)
      await expectStatus(json, 'POST', `${UNITS}/${site.unit.id}/enable`, 200)
      const path = pathOf(site)
      await expectRefused(
        await json('DELETE', path),
        409,
        "optimization unit 'Garage unit'",
        site.unit.id,
        field,
        'force=true',
      )
      await expectStatus(json, 'GET', path, 200) // still there
      await expectRefused(await json('DELETE', `${path}?force=maybe`), 422, 'query.force')
      await expectStatus(json, 'DELETE', `${path}?force=true`, 200)
      await expectStatus(json, 'GET', path, 404)
      const unit = await expectStatus(json, 'GET', `${UNITS}/${site.unit.id}`, 200)
      detached(unit, site)
      // Required parts (policy, source, miners) disable the unit; optional ones leave it enabled.
      const required = ['policy_id', 'energy_source_id', 'target_miner_ids'].includes(field)
      expect(unit.is_enabled).toBe(!required)
      // The context of the detached unit is still served.
      await expectStatus(json, 'GET', `${UNITS}/${site.unit.id}/decisional-context`, 200)
    },
  )

  it('a controller still serving a miner: 409 naming the miner; force removes its features', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const path = `${V1}/miner-controllers/${site.controller.id}`
    await expectRefused(await json('DELETE', path), 409, "miner 'Garage S19'", 'features')
    await expectStatus(json, 'DELETE', `${path}?force=1`, 200)
    const miner = await expectStatus(json, 'GET', `${V1}/miners/${site.miner.id}`, 200)
    expect(miner).toMatchObject({ features: [], controller_ids: [] })
    const context = await expectStatus(
      json,
      'GET',
      `${UNITS}/${site.unit.id}/decisional-context`,
      200,
    )
    expect(context.miner).toBeNull()
    expect(context.errors).toEqual([expect.objectContaining({ part: 'miner' })])
  })

  it('a monitor or forecast provider still used by a source: 409 naming the source; force unlinks it', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    for (const [path, field] of [
      [`${V1}/energy-monitors/${site.monitor.id}`, 'energy_monitor_id'],
      [`${V1}/forecast-providers/${site.forecast.id}`, 'forecast_provider_id'],
    ] as const) {
      await expectRefused(await json('DELETE', path), 409, "energy source 'Garage roof'", field)
      await expectStatus(json, 'DELETE', `${path}?force=true`, 200)
      const source = await expectStatus(json, 'GET', `${V1}/energy-sources/${site.source.id}`, 200)
      expect(source[field]).toBeNull()
    }
  })

  it('what nothing uses deletes without force; a unit deletes and answers itself', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const deleted = await expectStatus(json, 'DELETE', `${UNITS}/${site.unit.id}`, 200)
    expect(deleted).toEqual(site.unit)
    await expectStatus(json, 'GET', `${UNITS}/${site.unit.id}`, 404)
    for (const path of [
      `${V1}/miners/${site.miner.id}`,
      `${V1}/policies/${site.policy.id}`,
      `${V1}/energy-sources/${site.source.id}`,
      `${V1}/energy-monitors/${site.monitor.id}`,
      `${V1}/notifiers/${site.notifier.id}`,
      `${V1}/mining-performance-trackers/${site.tracker.id}`,
      `${V1}/miner-controllers/${site.controller.id}`,
    ]) {
      await expectStatus(json, 'DELETE', path, 200)
    }
  })
})

describe("upstream's assignment routes (query vs body)", () => {
  it('miners: a JSON list replaces, single?miner_id= appends once, DELETE …/{miner_id} removes', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const path = `${UNITS}/${site.unit.id}`
    const extra = await expectStatus(json, 'POST', `${V1}/miners`, 201, { name: 'Extra' })
    const replaced = await expectStatus(json, 'POST', `${path}/miners`, 200, [
      extra.id,
      site.miner.id,
      extra.id,
    ])
    expect(replaced.target_miner_ids).toEqual([extra.id, site.miner.id])
    const emptied = await expectStatus(json, 'POST', `${path}/miners`, 200, [])
    expect(emptied.target_miner_ids).toEqual([])
    const appended = await expectStatus(
      json,
      'POST',
      `${path}/miners/single?miner_id=${site.miner.id}`,
      200,
    )
    expect(appended.target_miner_ids).toEqual([site.miner.id])
    const again = await expectStatus(
      json,
      'POST',
      `${path}/miners/single?miner_id=${site.miner.id}`,
      200,
    )
    expect(again.target_miner_ids).toEqual([site.miner.id])
    const removed = await expectStatus(json, 'DELETE', `${path}/miners/${site.miner.id}`, 200)
    expect(removed.target_miner_ids).toEqual([])
    // Removing one that is not there is harmless.
    await expectStatus(json, 'DELETE', `${path}/miners/${site.miner.id}`, 200)
    // A forgotten body is refused, not read as [] (which would clear every miner).
    await expectStatus(json, 'POST', `${path}/miners`, 200, [site.miner.id])
    await expectRefused(await json('POST', `${path}/miners`), 422, 'body', 'JSON list')
    expect((await expectStatus(json, 'GET', path, 200)).target_miner_ids).toEqual([site.miner.id])
    // Body shape, query and reference errors.
    await expectRefused(await json('POST', `${path}/miners`, { ids: [] }), 422, 'JSON list')
    await expectRefused(
      await json('POST', `${path}/miners`, [UNKNOWN_ID]),
      400,
      'target_miner_ids.0',
    )
    await expectRefused(await json('POST', `${path}/miners`, ['x']), 422, 'miner_ids.0', '"x"')
    await expectRefused(await json('POST', `${path}/miners/single`), 422, 'query.miner_id')
    await expectRefused(
      await json('POST', `${path}/miners/single?miner_id=${UNKNOWN_ID}`),
      400,
      'target_miner_ids.1',
    )
    await expectRefused(await json('DELETE', `${path}/miners/nope`), 422, 'path.miner_id')
  })

  it('notifiers: the same three routes', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const path = `${UNITS}/${site.unit.id}`
    const second = await expectStatus(json, 'POST', `${V1}/notifiers`, 201, {
      adapter_type: 'dummy',
    })
    const replaced = await expectStatus(json, 'POST', `${path}/notifiers`, 200, [second.id])
    expect(replaced.notifier_ids).toEqual([second.id])
    const appended = await expectStatus(
      json,
      'POST',
      `${path}/notifiers/single?notifier_id=${site.notifier.id}`,
      200,
    )
    expect(appended.notifier_ids).toEqual([second.id, site.notifier.id])
    const removed = await expectStatus(json, 'DELETE', `${path}/notifiers/${second.id}`, 200)
    expect(removed.notifier_ids).toEqual([site.notifier.id])
    await expectRefused(
      await json('POST', `${path}/notifiers`, { id: second.id }),
      422,
      'JSON list',
    )
    await expectRefused(await json('POST', `${path}/notifiers`), 422, 'got no body')
    expect((await expectStatus(json, 'GET', path, 200)).notifier_ids).toEqual([site.notifier.id])
    await expectRefused(
      await json('POST', `${path}/notifiers/single?notifier_id=${UNKNOWN_ID}`),
      400,
      'notifier_ids',
    )
    await expectRefused(await json('DELETE', `${path}/notifiers/x`), 422, 'path.notifier_id')
  })

  it('energy source, policy and home loads profile by query; the profile without the query clears it', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const path = `${UNITS}/${site.unit.id}`
    const other = await expectStatus(json, 'POST', `${V1}/energy-sources`, 201, { name: 'Wind' })
    const sourced = await expectStatus(
      json,
      'POST',
      `${path}/energy-source?energy_source_id=${other.id}`,
      200,
    )
    expect(sourced.energy_source_id).toBe(other.id)
    await expectRefused(
      await json('POST', `${path}/energy-source?energy_source_id=${UNKNOWN_ID}`),
      400,
      'energy_source_id',
    )
    await expectRefused(await json('POST', `${path}/energy-source`), 422, 'query.energy_source_id')
    const policy = await expectStatus(json, 'POST', `${V1}/policies`, 201, { name: 'Other' })
    const assigned = await expectStatus(json, 'POST', `${path}/policy?policy_id=${policy.id}`, 200)
    expect(assigned.policy_id).toBe(policy.id)
    await expectRefused(
      await json('POST', `${path}/policy?policy_id=${UNKNOWN_ID}`),
      400,
      'policy_id',
    )
    await expectRefused(await json('POST', `${path}/policy?policy_id=abc`), 422, 'policy_id')

    const profile = 'c4a0a1e2-7b3d-4f5e-8a9b-0c1d2e3f4a5b'
    const profiled = await expectStatus(
      json,
      'POST',
      `${path}/home-loads-profile?home_loads_profile_id=${profile}`,
      200,
    )
    expect(profiled.home_loads_profile_id).toBe(profile)
    const cleared = await expectStatus(json, 'POST', `${path}/home-loads-profile`, 200)
    expect(cleared.home_loads_profile_id).toBeNull()
    await expectRefused(
      await json('POST', `${path}/home-loads-profile?home_loads_profile_id=zzz`),
      422,
      'home_loads_profile_id',
      '"zzz"',
    )
  })

  it('every assignment route on an unknown unit is 404', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const path = `${UNITS}/${UNKNOWN_ID}`
    for (const [method, suffix, body] of [
      ['POST', `/energy-source?energy_source_id=${site.source.id}`, undefined],
      ['POST', `/policy?policy_id=${site.policy.id}`, undefined],
      ['POST', '/miners', [site.miner.id]],
      ['POST', `/miners/single?miner_id=${site.miner.id}`, undefined],
      ['DELETE', `/miners/${site.miner.id}`, undefined],
      ['POST', '/notifiers', [site.notifier.id]],
      ['POST', `/notifiers/single?notifier_id=${site.notifier.id}`, undefined],
      ['DELETE', `/notifiers/${site.notifier.id}`, undefined],
      ['POST', '/home-loads-profile', undefined],
      ['PUT', '', { name: 'x' }],
      ['DELETE', '', undefined],
      ['GET', '/decisional-context', undefined],
    ] as const) {
      await expectRefused(await json(method, `${path}${suffix}`, body), 404, 'not found')
    }
  })
})
