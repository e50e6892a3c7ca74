import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { buildSite, expectStatus, type Site, V1 } from './site'
import { fixedClock, type Loose, makeApp } from './support'

/** Saturday 20 June 2026, 12:00 in Rome (the default time zone). */
const NOON = '2026-06-20T10:00:00Z'

/** Longer than the dummy miner takes to start or stop. */
const TRANSITION_MS = 5 * 60_000

/** Start at noon local time, stop at 18:00: the only inputs are the clock and the miner. */
const NOON_POLICY = `name: Noon miner
start_rules:
  - name: Noon hour
    conditions: { field: timestamp.hour, operator: eq, value: 12 }
stop_rules:
  - name: Evening
    conditions: { field: timestamp.hour, operator: gte, value: 18 }
`

async function noonSite() {
  const clock = fixedClock(NOON)
  const api = makeApp({ platform: clock.platform })
  const site: Site = await buildSite(api.json)
  const policy = await expectStatus(api.json, 'POST', `${V1}/policies/import`, 201, {
    text: NOON_POLICY,
  })
  await expectStatus(api.json, 'PUT', `${V1}/optimization-units/${site.unit.id}`, 200, {
    ...site.unit,
    policy_id: policy.id,
  })
  await expectStatus(api.json, 'POST', `${V1}/optimization-units/${site.unit.id}/enable`, 200)
  return { ...api, clock, site }
}

/** The samples of one metric in Prometheus text: `name{labels} value` lines. */
function samples(text: string, name: string): { labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const cut = line.lastIndexOf(' ')
      return { labels: line.slice(name.length, cut), value: Number(line.slice(cut + 1)) }
    })
}

describe('POST /api/v1/evaluate runs a cycle and the log, status and metrics follow it', () => {
  it('starts the miner at noon, logs why, and reports it the same way everywhere', async () => {
    const { json, request, site, clock } = await noonSite()
    const report = await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    expect(report.message).toBe('All optimization units run successfully.')
    const plan = report.units[0].miners[0]
    expect(plan).toMatchObject({
      miner_id: site.miner.id,
      decision: 'start_mining',
      action: 'start',
    })
    expect(plan.executed).toMatchObject({ success: true, status_after: 'starting' })
    clock.advance(TRANSITION_MS)
    const status = await expectStatus(json, 'GET', `${V1}/miners/${site.miner.id}/status`, 200)
    expect(status.status).toBe('on')

    const log = await expectStatus(json, 'GET', `${V1}/decisions?miner_id=${site.miner.id}`, 200)
    expect(log.next_before_id).toBe(null)
    expect(log.decisions).toHaveLength(1)
    expect(log.decisions[0]).toMatchObject({
      kind: 'action',
      unit_id: site.unit.id,
      miner_id: site.miner.id,
      decision: 'start_mining',
      outcome: 'executed',
      rule_name: 'Noon hour',
      status_before: 'off',
      status_after: 'starting',
    })
    expect(log.decisions[0].trace[0].condition).toMatchObject({
      field: 'timestamp.hour',
      actual: 12,
      expected: 12,
    })

    await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    const text = await (await request('/metrics')).text()
    const statusSamples = samples(text, 'edge_mining_miner_status')
    expect(statusSamples.filter((s) => s.value === 1)).toEqual([
      { labels: expect.stringContaining('status="on"'), value: 1 },
    ])
    expect(samples(text, 'edge_mining_actions_total')).toEqual([
      { labels: '{action="start",outcome="executed"}', value: 1 },
    ])
    expect(samples(text, 'edge_mining_cycle_duration_seconds_count')).toEqual([
      { labels: '', value: 2 },
    ])
    expect(samples(text, 'edge_mining_decisions_total')).toEqual(
      expect.arrayContaining([
        { labels: '{decision="start_mining",kind="act"}', value: 1 },
        { labels: '{decision="maintain_state",kind="decide"}', value: 1 },
      ]),
    )
    const power = samples(text, 'edge_mining_miner_power_watts')
    expect(power).toHaveLength(1)
    expect(power[0]?.labels).toBe(`{miner_id="${site.miner.id}",miner="Garage S19"}`)
    expect(power[0]?.value).toBeGreaterThan(0)
  })

  it('cycles that change nothing log nothing new', async () => {
    const { json, clock } = await noonSite()
    await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    clock.advance(TRANSITION_MS)
    await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    const logged = (await expectStatus(json, 'GET', `${V1}/decisions`, 200)).decisions.length
    for (let cycle = 0; cycle < 3; cycle++) {
      clock.advance(30_000)
      const report = await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
      expect(report.units[0].miners[0]).toMatchObject({ decision: 'maintain_state', status: 'on' })
    }
    const log = await expectStatus(json, 'GET', `${V1}/decisions`, 200)
    expect(log.decisions).toHaveLength(logged)
  })

  it('an override holds the miner off against the policy until cleared', async () => {
    const { json, site, clock } = await noonSite()
    const stopped = await expectStatus(
      json,
      'POST',
      `${V1}/miners/${site.miner.id}/stop?override_seconds=600`,
      200,
    )
    expect(stopped.status_after).toMatch(/^(stopping|off)$/)
    clock.advance(TRANSITION_MS)
    const held = await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    expect(held.units[0].miners[0].action).not.toBe('start')
    expect(
      (await expectStatus(json, 'GET', `${V1}/miners/${site.miner.id}/status`, 200)).status,
    ).toBe('off')

    const cleared = await expectStatus(
      json,
      'DELETE',
      `${V1}/miners/${site.miner.id}/override`,
      200,
    )
    expect(cleared).toEqual({ miner_id: site.miner.id, cleared: true })
    clock.advance(TRANSITION_MS)
    const free = await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    expect(free.units[0].miners[0].action).toBe('start')
  })

  it('the decision log rejects bad filters by name', async () => {
    const { json } = await noonSite()
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['since=yesterday', 'since'],
      ['unit_id=nope', 'unit_id'],
    ]) {
      const res = await json('GET', `${V1}/decisions?${query}`)
      expect(res.status, query).toBe(422)
      expect((await res.json()).detail, query).toContain(field)
    }
  })
})

describe('GET /api/v1/history', () => {
  it('serves what the cycles recorded, per series, in the asked range', async () => {
    const { json, site, clock } = await noonSite()
    await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    clock.advance(60_000)
    await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    const series = `miner:${site.miner.id}:status,unit:${site.unit.id}:production`
    const history = await expectStatus(json, 'GET', `${V1}/history?series=${series}`, 200)
    const byName = Object.fromEntries(history.series.map((s: Loose) => [s.series, s]))
    const statuses = byName[`miner:${site.miner.id}:status`].points.map((p: Loose) => p[1])
    expect(statuses.length).toBeGreaterThanOrEqual(1)
    const production = byName[`unit:${site.unit.id}:production`]
    expect(production.unit).toBe('W')
    expect(production.points.length).toBeGreaterThanOrEqual(1)
    for (const [at, value] of production.points) {
      expect(Date.parse(at)).toBeLessThanOrEqual(Date.parse(NOON) + 60_000)
      expect(value).toBeGreaterThan(0)
    }
  })

  it('goes compressed to a client that accepts it once it is large', async () => {
    const { json, request, site, clock } = await noonSite()
    for (let cycle = 0; cycle < 40; cycle++) {
      await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
      clock.advance(5_000)
    }
    const from = new Date(Date.parse(NOON) - 60_000).toISOString()
    const series = ['production', 'consumption', 'surplus_power'].map(
      (name) => `unit:${site.unit.id}:${name}`,
    )
    const path = `${V1}/history?series=${series.join(',')}&from=${from}&step=5`
    const plain = await request(path)
    const body = await plain.text()
    expect(body.length, body.slice(0, 200)).toBeGreaterThan(2048)
    expect(plain.headers.get('content-encoding')).toBe(null)
    const packed = await request(path, { headers: { 'accept-encoding': 'gzip' } })
    expect(packed.headers.get('content-encoding')).toBe('gzip')
    const bytes = Buffer.from(await packed.arrayBuffer())
    expect(bytes.length).toBeLessThan(body.length / 2)
    expect(gunzipSync(bytes).toString()).toBe(body)
  })

  it('names the bad part of a query', async () => {
    const { json } = await noonSite()
    const missing = await json('GET', `${V1}/history`)
    expect(missing.status).toBe(422)
    expect((await missing.json()).detail).toContain('series')
    const step = await json('GET', `${V1}/history?series=unit:x:production&step=0`)
    expect(step.status).toBe(422)
    expect((await step.json()).detail).toContain('step')
  })
})

describe('GET /api/v1/events', () => {
  it('streams the cycle live, only the topics asked for', async () => {
    const { app, json } = await noonSite()
    const res = await app.request(`${V1}/events?topics=rule.*`)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let text = ''
    const until = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`stream ended before ${needle}`)
        text += decoder.decode(value)
      }
    }
    await until('event: ready')
    expect(text).toContain('"topics":["rule.engaged"]')
    await expectStatus(json, 'POST', `${V1}/evaluate`, 200)
    await until('event: rule.engaged')
    expect(text).not.toContain('event: energy.state')
    const engaged = JSON.parse(text.split('event: rule.engaged\ndata: ')[1]?.split('\n')[0] ?? '')
    expect(engaged.payload).toMatchObject({ decision: 'start_mining', policy_name: 'Noon miner' })
    await reader.cancel()
  })
})

describe('GET /metrics', () => {
  it('answers the Prometheus text format with bounded request labels', async () => {
    const { request } = makeApp()
    await request('/health')
    await request(`${V1}/miners/0b7f9e4c-5d2a-4c3b-9e8f-1a2b3c4d5e6f`)
    await request('/no/such/page/at-all')
    // Refused by the body limit before the route runs: still counted under its route.
    await request(`${V1}/miners`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(70_000) }),
    })
    const res = await request('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toContain('# TYPE edge_mining_http_requests_total counter')
    const requests = samples(text, 'edge_mining_http_requests_total')
    expect(requests).toEqual(
      expect.arrayContaining([
        { labels: '{method="GET",route="/health",status="200"}', value: 1 },
        { labels: '{method="GET",route="/api/v1/miners/:id",status="404"}', value: 1 },
        { labels: '{method="GET",route="unmatched",status="404"}', value: 1 },
        { labels: '{method="POST",route="/api/v1/miners",status="413"}', value: 1 },
      ]),
    )
    expect(text).not.toContain('0b7f9e4c')
    expect(text).not.toContain('at-all')
    for (const name of [
      'edge_mining_pool_cache_hits',
      'edge_mining_pool_cache_misses',
      'edge_mining_pool_cache_stale_served',
      'edge_mining_pool_cache_rate_limited',
      'edge_mining_pool_cache_open_cooldowns',
    ]) {
      expect(samples(text, name), name).toEqual([{ labels: '', value: 0 }])
    }
  })
})
