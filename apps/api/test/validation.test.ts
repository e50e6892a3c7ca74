import { describe, expect, it } from 'vitest'
import { createFuzzer } from './fuzz'
import { buildSite, expectStatus, UNKNOWN_ID, V1 } from './site'
import { type Loose, makeApp } from './support'

type Case = [
  label: string,
  method: string,
  path: string,
  body: unknown,
  status: number,
  parts: string[],
]

/** Runs each case on one site; every answer is `{"detail"}` naming the field (and the value). */
async function expectCases(cases: (site: Loose) => Case[]) {
  const { json } = makeApp()
  const site = await buildSite(json)
  const failures: string[] = []
  for (const [label, method, path, body, status, parts] of cases(site)) {
    const res = await json(method, path, body)
    const text = await res.text()
    let detail = ''
    try {
      const parsed = JSON.parse(text)
      if (Object.keys(parsed).join() !== 'detail') throw new Error('not {detail}')
      detail = parsed.detail
    } catch {
      failures.push(`${label}: not a {"detail"} body: ${text.slice(0, 200)}`)
      continue
    }
    const missing = parts.filter((part) => !detail.includes(part))
    if (res.status !== status || missing.length > 0) {
      failures.push(
        `${label}: ${method} ${path} → ${res.status} ${detail} (wanted ${status} with ${parts.join(', ')})`,
      )
    }
  }
  expect(failures).toEqual([])
  return { json, site }
}

describe('miners', () => {
  it('bodies, queries and paths: wrong types, negative watts, bad features and priorities', async () => {
    await expectCases((s) => {
      const m = `${V1}/miners/${s.miner.id}`
      const f = `${m}/features/${s.controller.id}`
      return [
        ['name not a string', 'POST', `${V1}/miners`, { name: 5 }, 422, ['name', '5']],
        [
          'negative watts',
          'POST',
          `${V1}/miners`,
          { power_consumption_max: -5 },
          422,
          ['power_consumption_max', '-5'],
        ],
        [
          'watts as text',
          'POST',
          `${V1}/miners`,
          { power_consumption_max: '3 kW' },
          422,
          ['power_consumption_max', '"3 kW"'],
        ],
        [
          'a bad hash-rate unit',
          'POST',
          `${V1}/miners`,
          { hash_rate_max: { value: 1, unit: 'XH/s' } },
          422,
          ['hash_rate_max'],
        ],
        [
          'a negative hash rate',
          'POST',
          `${V1}/miners`,
          { hash_rate_max: -1 },
          422,
          ['hash_rate_max', '-1'],
        ],
        ['active as text', 'POST', `${V1}/miners`, { active: 'yes' }, 422, ['active', '"yes"']],
        [
          'an unknown controller',
          'POST',
          `${V1}/miners`,
          { controller_ids: [UNKNOWN_ID] },
          400,
          ['controller_ids.0', UNKNOWN_ID],
        ],
        [
          'a malformed controller id',
          'POST',
          `${V1}/miners`,
          { controller_ids: ['c1'] },
          422,
          ['controller_ids.0', '"c1"'],
        ],
        ['a list body', 'POST', `${V1}/miners`, [{ name: 'x' }], 422, ['body', 'JSON object']],
        ['malformed JSON', 'POST', `${V1}/miners`, '{"name":', 400, ['Malformed JSON']],
        [
          'PUT negative watts',
          'PUT',
          m,
          { power_consumption_max: -1 },
          422,
          ['power_consumption_max', '-1'],
        ],
        ['PUT a malformed id', 'PUT', `${V1}/miners/m-1`, { name: 'x' }, 422, ['path.id', '"m-1"']],
        [
          'GET an unknown miner',
          'GET',
          `${V1}/miners/${UNKNOWN_ID}`,
          undefined,
          404,
          ['Miner not found', UNKNOWN_ID],
        ],
        [
          'status of an unknown miner',
          'GET',
          `${V1}/miners/${UNKNOWN_ID}/status`,
          undefined,
          404,
          [UNKNOWN_ID],
        ],
        [
          'start of an unknown miner',
          'POST',
          `${V1}/miners/${UNKNOWN_ID}/start`,
          undefined,
          404,
          [UNKNOWN_ID],
        ],
        [
          'set-controller without the query',
          'POST',
          `${m}/set-controller`,
          undefined,
          422,
          ['query.controller_id'],
        ],
        [
          'set-controller, malformed',
          'POST',
          `${m}/set-controller?controller_id=42`,
          undefined,
          422,
          ['query.controller_id', '"42"'],
        ],
        [
          'set-controller, unknown',
          'POST',
          `${m}/set-controller?controller_id=${UNKNOWN_ID}`,
          undefined,
          404,
          [UNKNOWN_ID],
        ],
        [
          'unlink a controller it lacks',
          'POST',
          `${m}/unlink-controller?controller_id=${UNKNOWN_ID}`,
          undefined,
          404,
          [UNKNOWN_ID],
        ],
        [
          'a bad feature type',
          'POST',
          `${f}/fast_mining/enable`,
          undefined,
          422,
          ['path.feature_type', '"fast_mining"'],
        ],
        [
          'a feature the miner lacks',
          'POST',
          `${m}/features/${UNKNOWN_ID}/mining_control/disable`,
          undefined,
          404,
          ['mining_control', UNKNOWN_ID],
        ],
        [
          'priority 0',
          'PUT',
          `${f}/mining_control/priority`,
          { priority: 0 },
          422,
          ['priority', '0'],
        ],
        [
          'priority 101',
          'PUT',
          `${f}/mining_control/priority`,
          { priority: 101 },
          422,
          ['priority', '101'],
        ],
        [
          'priority 50.5',
          'PUT',
          `${f}/mining_control/priority`,
          { priority: 50.5 },
          422,
          ['priority', '50.5'],
        ],
        [
          'priority as text',
          'PUT',
          `${f}/mining_control/priority`,
          { priority: '50' },
          422,
          ['priority', '"50"'],
        ],
        [
          'priority missing',
          'PUT',
          `${f}/mining_control/priority`,
          {},
          422,
          ['priority', 'undefined'],
        ],
        ['priority as a list', 'PUT', `${f}/mining_control/priority`, [50], 422, ['body']],
        ['no body', 'PUT', `${f}/mining_control/priority`, undefined, 422, ['priority']],
      ]
    })
  })

  it('a priority from 1 to 100 is kept; the active feature is the enabled one with the highest', async () => {
    const { json, site } = await expectCases(() => [])
    const f = `${V1}/miners/${site.miner.id}/features/${site.controller.id}/mining_control`
    const raised = await expectStatus(json, 'PUT', `${f}/priority`, 200, { priority: 100 })
    expect(raised.features.find((x: Loose) => x.feature_type === 'mining_control').priority).toBe(
      100,
    )
    const disabled = await expectStatus(json, 'POST', `${f}/disable`, 200)
    expect(disabled.features.find((x: Loose) => x.feature_type === 'mining_control').enabled).toBe(
      false,
    )
    // Without mining control, a manual start falls back to power control.
    const start = await expectStatus(json, 'POST', `${V1}/miners/${site.miner.id}/start`, 200)
    expect(start.control).toBe('power_control')
    await expectStatus(
      json,
      'POST',
      `${V1}/miners/${site.miner.id}/features/${site.controller.id}/power_control/disable`,
      200,
    )
    const refused = await json('POST', `${V1}/miners/${site.miner.id}/start`)
    expect(refused.status).toBe(409)
    expect((await refused.json()).detail).toContain('no controller that can start it')
    await expectStatus(json, 'POST', `${f}/enable`, 200)
    await expectStatus(json, 'POST', `${V1}/miners/${site.miner.id}/deactivate`, 200)
    const inactive = await json('POST', `${V1}/miners/${site.miner.id}/stop`)
    expect(inactive.status).toBe(409)
    expect((await inactive.json()).detail).toContain('not active')
    // A partial PUT keeps the features and what it omits; null clears an optional field.
    const renamed = await expectStatus(json, 'PUT', `${V1}/miners/${site.miner.id}`, 200, {
      name: 'S19 j',
      model: null,
    })
    expect(renamed).toMatchObject({
      name: 'S19 j',
      model: null,
      power_consumption_max: 3250,
      pool_worker_name: 'dummy-1',
      active: false,
    })
    expect(renamed.features).toHaveLength(site.miner.features.length)
  })
})

describe('energy sources and adapter kinds', () => {
  it('bodies and references', async () => {
    await expectCases((s) => [
      [
        'a bad source type',
        'POST',
        `${V1}/energy-sources`,
        { type: 'nuclear' },
        422,
        ['type', '"nuclear"'],
      ],
      [
        'negative nominal power',
        'POST',
        `${V1}/energy-sources`,
        { nominal_power_max: -1 },
        422,
        ['nominal_power_max', '-1'],
      ],
      [
        'a zero battery',
        'POST',
        `${V1}/energy-sources`,
        { storage: { nominal_capacity: 0 } },
        422,
        ['storage.nominal_capacity', '0'],
      ],
      [
        'grid power as text',
        'POST',
        `${V1}/energy-sources`,
        { grid: { contracted_power: 'lots' } },
        422,
        ['grid.contracted_power', '"lots"'],
      ],
      [
        'an unknown monitor',
        'POST',
        `${V1}/energy-sources`,
        { energy_monitor_id: UNKNOWN_ID },
        400,
        ['energy_monitor_id', UNKNOWN_ID],
      ],
      [
        'a malformed monitor id',
        'POST',
        `${V1}/energy-sources`,
        { energy_monitor_id: 'inv' },
        422,
        ['energy_monitor_id', '"inv"'],
      ],
      [
        'a solar forecast on wind',
        'POST',
        `${V1}/energy-sources`,
        { type: 'wind', forecast_provider_id: s.forecast.id },
        400,
        ['forecast_provider_id', 'dummy_solar'],
      ],
      [
        'PUT a monitor id of another kind',
        'PUT',
        `${V1}/energy-sources/${s.source.id}`,
        { energy_monitor_id: s.forecast.id },
        400,
        ['energy_monitor_id', s.forecast.id],
      ],
      ['PUT on a malformed id', 'PUT', `${V1}/energy-sources/nope`, {}, 422, ['path.id']],
      [
        'text that is not JSON',
        'POST',
        `${V1}/energy-sources`,
        'type=solar',
        400,
        ['Malformed JSON'],
      ],
      [
        'a monitor without adapter_type',
        'POST',
        `${V1}/energy-monitors`,
        { config: {} },
        422,
        ['adapter_type'],
      ],
      [
        'an unknown monitor type',
        'POST',
        `${V1}/energy-monitors`,
        { adapter_type: 'sma_inverter' },
        422,
        ['adapter_type', 'sma_inverter'],
      ],
      [
        'a bad monitor config value',
        'POST',
        `${V1}/energy-monitors`,
        { adapter_type: 'dummy_solar', config: { initial_soc: 500 } },
        400,
        ['initial_soc'],
      ],
      [
        'an unknown monitor config key',
        'POST',
        `${V1}/energy-monitors`,
        { adapter_type: 'dummy_solar', config: { latitude: 1 } },
        400,
        ['latitude'],
      ],
      [
        'a config that is a list',
        'POST',
        `${V1}/forecast-providers`,
        { adapter_type: 'dummy_solar', config: [] },
        422,
        ['body.config'],
      ],
      [
        'an external service where none is used',
        'POST',
        `${V1}/notifiers`,
        { adapter_type: 'dummy', external_service_id: UNKNOWN_ID },
        400,
        ['external_service_id'],
      ],
      [
        'a controller config out of range',
        'POST',
        `${V1}/miner-controllers`,
        { adapter_type: 'dummy', config: { fail_rate: 2 } },
        400,
        ['fail_rate'],
      ],
      [
        'PUT a controller config of the wrong type',
        'PUT',
        `${V1}/miner-controllers/${s.controller.id}`,
        { config: { transition_seconds: 'slow' } },
        400,
        ['transition_seconds'],
      ],
      [
        'PUT a name that is a list',
        'PUT',
        `${V1}/notifiers/${s.notifier.id}`,
        { name: ['x'] },
        422,
        ['body.name'],
      ],
      [
        'config schema of an unknown type',
        'GET',
        `${V1}/energy-monitors/types/nope/config-schema`,
        undefined,
        422,
        ['adapter_type', 'nope'],
      ],
      [
        'a bad type name',
        'GET',
        `${V1}/notifiers/types/Bad-Name/config-schema`,
        undefined,
        422,
        ['adapter_type', 'Bad-Name'],
      ],
      [
        'an unknown notifier',
        'POST',
        `${V1}/notifiers/${UNKNOWN_ID}/test`,
        undefined,
        404,
        [UNKNOWN_ID],
      ],
      [
        'a malformed controller id',
        'GET',
        `${V1}/miner-controllers/c/supported-features`,
        undefined,
        422,
        ['path.id'],
      ],
      [
        'an unknown external service',
        'GET',
        `${V1}/external-services/${UNKNOWN_ID}/linked-entities`,
        undefined,
        404,
        [UNKNOWN_ID],
      ],
    ])
  })
})

describe('settings', () => {
  it.each([
    ['timezone Mars/Base', { timezone: 'Mars/Base' }, ['timezone', '"Mars/Base"']],
    ['latitude 91', { latitude: 91 }, ['latitude', '91']],
    ['longitude -181', { longitude: -181 }, ['longitude', '-181']],
    ['latitude as text', { latitude: 'north' }, ['latitude', '"north"']],
    ['interval 0', { scheduler_interval_seconds: 0 }, ['scheduler_interval_seconds', '0']],
    ['interval 2.5', { scheduler_interval_seconds: 2.5 }, ['scheduler_interval_seconds', '2.5']],
    ['an unknown key', { colour: 'blue' }, ['colour', 'unknown setting']],
  ])(
    'PUT with %s → 4xx naming the field and the value; nothing changes',
    async (_label, body, parts) => {
      const { json } = makeApp()
      const before = await expectStatus(json, 'GET', `${V1}/system/settings`, 200)
      const res = await json('PUT', `${V1}/system/settings`, body)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      const answer = await res.json()
      expect(Object.keys(answer)).toEqual(['detail'])
      for (const part of parts) expect(answer.detail).toContain(part)
      expect(await expectStatus(json, 'GET', `${V1}/system/settings`, 200)).toEqual(before)
    },
  )

  it('defaults as upstream; a partial PUT keeps the rest and moves the context clock', async () => {
    const { json } = makeApp()
    expect(await expectStatus(json, 'GET', `${V1}/system/settings`, 200)).toEqual({
      timezone: 'Europe/Rome',
      latitude: 41.9028,
      longitude: 12.4964,
      scheduler_interval_seconds: 5,
    })
    const changed = await expectStatus(json, 'PUT', `${V1}/system/settings`, 200, {
      timezone: 'Asia/Kolkata',
      latitude: -33.9,
    })
    expect(changed).toEqual({
      timezone: 'Asia/Kolkata',
      latitude: -33.9,
      longitude: 12.4964,
      scheduler_interval_seconds: 5,
    })
    const unit = await expectStatus(json, 'POST', `${V1}/optimization-units`, 201, {})
    const context = await expectStatus(
      json,
      'GET',
      `${V1}/optimization-units/${unit.id}/decisional-context`,
      200,
    )
    expect(context.timestamp.time_zone).toBe('Asia/Kolkata')
    for (const body of [[], 'x', null]) {
      const res = await json('PUT', `${V1}/system/settings`, body)
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
    }
    const text = await json('PUT', `${V1}/system/settings`, undefined, {
      'content-type': 'text/plain',
    })
    expect(text.status).toBeLessThan(500)
  })

  it('a body that is not JSON is 415 on every new route', async () => {
    const { request } = makeApp()
    for (const path of [
      `${V1}/miners`,
      `${V1}/energy-sources`,
      `${V1}/optimization-units`,
      `${V1}/policies`,
    ]) {
      const res = await request(path, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'name=x',
      })
      expect(res.status, path).toBe(415)
      expect((await res.json()).detail).toContain('application/json')
    }
    const settings = await request(`${V1}/system/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'timezone=UTC',
    })
    expect(settings.status).toBe(415)
  })
})

describe('a fuzz pass over the new routes', () => {
  it('2 000 malformed requests: no 5xx, every oversized body a 413, still healthy', async () => {
    const bodyLimitBytes = 16 * 1024
    const { json, request } = makeApp({ bodyLimitBytes })
    const site = await buildSite(json)
    const rule = site.policy.start_rules[0].id
    const next = createFuzzer({
      seed: 20260620,
      ids: [
        site.controller.id,
        site.miner.id,
        site.monitor.id,
        site.forecast.id,
        site.source.id,
        site.policy.id,
        site.tracker.id,
        site.notifier.id,
        site.unit.id,
        rule,
      ],
      bodyLimitBytes,
      templates: [
        `${V1}/miners`,
        `${V1}/miners/{id}`,
        `${V1}/miners/{id}/start`,
        `${V1}/miners/{id}/status`,
        `${V1}/miners/{id}/features`,
        `${V1}/miners/{id}/set-controller?controller_id={id}`,
        `${V1}/miners/{id}/features/{id}/mining_control/priority`,
        `${V1}/miners/{id}/features/{id}/hashrate_monitoring/disable`,
        `${V1}/miner-controllers/{id}`,
        `${V1}/miner-controllers/test-connection`,
        `${V1}/energy-sources`,
        `${V1}/energy-sources/{id}`,
        `${V1}/energy-monitors/{id}`,
        `${V1}/forecast-providers`,
        `${V1}/notifiers/{id}/test`,
        `${V1}/external-services/{id}/linked-entities`,
        `${V1}/policies`,
        `${V1}/policies/import`,
        `${V1}/policies/{id}`,
        `${V1}/policies/{id}/check`,
        `${V1}/policies/{id}/export`,
        `${V1}/policies/{id}/rules?rule_type=start`,
        `${V1}/policies/{id}/rules/{id}`,
        `${V1}/policies/{id}/rules/{id}/enable`,
        `${V1}/policies/{id}/types/stop`,
        `${V1}/optimization-units`,
        `${V1}/optimization-units/{id}`,
        `${V1}/optimization-units/{id}/enable`,
        `${V1}/optimization-units/{id}/miners`,
        `${V1}/optimization-units/{id}/miners/single?miner_id={id}`,
        `${V1}/optimization-units/{id}/miners/{id}`,
        `${V1}/optimization-units/{id}/notifiers`,
        `${V1}/optimization-units/{id}/energy-source?energy_source_id={id}`,
        `${V1}/optimization-units/{id}/policy?policy_id={id}`,
        `${V1}/optimization-units/{id}/home-loads-profile`,
        `${V1}/optimization-units/{id}/decisional-context`,
        `${V1}/system/settings`,
      ],
      keys: [
        'type',
        'model',
        'hash_rate_max',
        'power_consumption_max',
        'pool_worker_name',
        'controller_ids',
        'active',
        'priority',
        'enabled',
        'nominal_power_max',
        'storage',
        'grid',
        'energy_monitor_id',
        'forecast_provider_id',
        'policy_id',
        'target_miner_ids',
        'energy_source_id',
        'performance_tracker_id',
        'notifier_ids',
        'description',
        'text',
        'new_id',
        'timezone',
        'latitude',
        'scheduler_interval_seconds',
        'for_seconds',
      ],
    })
    const failures: string[] = []
    const seen = new Map<number, number>()
    for (let i = 0; i < 2000; i++) {
      const fuzz = next()
      const res = await request(fuzz.path, {
        method: fuzz.method,
        headers: fuzz.headers,
        ...(fuzz.body === undefined ? {} : { body: fuzz.body }),
      })
      const text = await res.text()
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
      if (res.status >= 500 || (fuzz.huge && res.status !== 413)) {
        failures.push(
          `${fuzz.method} ${fuzz.path.slice(0, 120)} → ${res.status} ${text.slice(0, 200)}`,
        )
      }
    }
    expect(failures).toEqual([])
    // The pass reached real handlers, not only the validators.
    const answered = [...seen].filter(([status]) => status === 200 || status === 201)
    expect(answered.reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(100)
    expect((await request('/health')).status).toBe(200)
    expect((await request(`${V1}/optimization-units`)).status).toBe(200)
  }, 60_000)
})

describe('ids in any case', () => {
  it('an upper-case UUID in a path or a query names the same entity (as upstream)', async () => {
    const { json } = makeApp()
    const site = await buildSite(json)
    const up = (id: string) => id.toUpperCase()
    expect((await expectStatus(json, 'GET', `${V1}/miners/${up(site.miner.id)}`, 200)).id).toBe(
      site.miner.id,
    )
    await expectStatus(json, 'GET', `${V1}/optimization-units/${up(site.unit.id)}`, 200)
    await expectStatus(json, 'GET', `${V1}/energy-sources/${up(site.source.id)}`, 200)
    await expectStatus(json, 'GET', `${V1}/notifiers/${up(site.notifier.id)}`, 200)
    await expectStatus(json, 'GET', `${V1}/policies/${up(site.policy.id)}/check`, 200)
    const unit = await expectStatus(
      json,
      'POST',
      `${V1}/optimization-units/${up(site.unit.id)}/energy-source?energy_source_id=${up(site.source.id)}`,
      200,
    )
    expect(unit.energy_source_id).toBe(site.source.id)
    const miner = await expectStatus(
      json,
      'POST',
      `${V1}/miners/${up(site.miner.id)}/unlink-controller?controller_id=${up(site.controller.id)}`,
      200,
    )
    expect(miner.controller_ids).toEqual([])
    await expectStatus(json, 'DELETE', `${V1}/optimization-units/${up(site.unit.id)}`, 200)
  })
})
