import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openRuntime } from '@edge-mining/runtime'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createApp } from '../src/index'
import { buildSite, expectStatus, V1 } from './site'
import { captureLogs, fixedClock, type LooseResponse } from './support'

/** The app over a runtime on files: what `startApi` serves, without the socket. */
function open(env: Record<string, string>, platform = fixedClock('2026-06-20T10:00:00Z').platform) {
  const runtime = openRuntime({ env, platform, logger: captureLogs().logger })
  const app = createApp({
    services: runtime.services,
    loop: {
      loop: runtime.loop,
      runCycle: () => runtime.loop.runCycle(),
      now: () => runtime.platform.now(),
    },
    logger: captureLogs().logger,
  })
  const json = async (method: string, path: string, body?: unknown): Promise<LooseResponse> =>
    app.request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  return { runtime, json }
}

/** Everything a client can list, for a before/after comparison. */
async function everything(json: ReturnType<typeof open>['json']) {
  const paths = [
    `${V1}/miners`,
    `${V1}/miner-controllers`,
    `${V1}/energy-sources`,
    `${V1}/energy-monitors`,
    `${V1}/forecast-providers`,
    `${V1}/notifiers`,
    `${V1}/mining-performance-trackers`,
    `${V1}/external-services`,
    `${V1}/policies`,
    `${V1}/optimization-units`,
    `${V1}/system/settings`,
  ]
  const out: Record<string, unknown> = {}
  for (const path of paths) out[path] = await expectStatus(json, 'GET', path, 200)
  return out
}

describe('a restart keeps the whole site', () => {
  it('units, miners with their features, sources, policies with their edits, settings', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'api-restart-'))
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }))
    const env = { DB_PATH: join(folder, 'db', 'edge.db'), POLICIES_DIR: join(folder, 'policies') }

    const first = open(env)
    const site = await buildSite(first.json)
    const unitPath = `${V1}/optimization-units/${site.unit.id}`
    await expectStatus(first.json, 'POST', `${unitPath}/enable`, 200)
    await expectStatus(first.json, 'PUT', unitPath, 200, { min_on_seconds: 600 })
    await expectStatus(
      first.json,
      'PUT',
      `${V1}/miners/${site.miner.id}/features/${site.controller.id}/mining_control/priority`,
      200,
      { priority: 80 },
    )
    await expectStatus(
      first.json,
      'POST',
      `${V1}/miners/${site.miner.id}/features/${site.controller.id}/power_control/disable`,
      200,
    )
    const rule = await expectStatus(
      first.json,
      'POST',
      `${V1}/policies/${site.policy.id}/rules?rule_type=stop`,
      201,
      {
        name: 'Dusk',
        enabled: false,
        conditions: { field: 'sun.is_daylight', operator: 'eq', value: false },
      },
    )
    const second = await buildSite(first.json, 'Shed')
    await expectStatus(first.json, 'PUT', `${V1}/system/settings`, 200, {
      timezone: 'Europe/Berlin',
      latitude: 52.52,
      longitude: 13.405,
      scheduler_interval_seconds: 30,
    })
    const before = await everything(first.json)
    const context = await expectStatus(first.json, 'GET', `${unitPath}/decisional-context`, 200)
    await first.runtime.close()

    const reopened = open(env)
    onTestFinished(() => reopened.runtime.close())
    expect(await everything(reopened.json)).toEqual(before)
    const unit = await expectStatus(reopened.json, 'GET', unitPath, 200)
    expect(unit).toMatchObject({ is_enabled: true, min_on_seconds: 600 })
    const miner = await expectStatus(reopened.json, 'GET', `${V1}/miners/${site.miner.id}`, 200)
    const feature = (type: string) =>
      miner.features.find((f: { feature_type: string }) => f.feature_type === type)
    expect(feature('mining_control')).toMatchObject({ priority: 80, enabled: true })
    expect(feature('power_control')).toMatchObject({ priority: 50, enabled: false })
    expect(
      await expectStatus(
        reopened.json,
        'GET',
        `${V1}/policies/${site.policy.id}/rules/${rule.id}`,
        200,
      ),
    ).toMatchObject({ name: 'Dusk', enabled: false, rule_type: 'stop' })
    expect(
      (await expectStatus(reopened.json, 'GET', `${V1}/optimization-units/${second.unit.id}`, 200))
        .name,
    ).toBe('Shed unit')
    // The reopened site reads as before: same readings at the same instant, Berlin's clock.
    const again = await expectStatus(reopened.json, 'GET', `${unitPath}/decisional-context`, 200)
    expect(again.errors).toEqual([])
    expect(again.timestamp).toMatchObject({ time_zone: 'Europe/Berlin', hour: 12 })
    expect(again.energy_source).toEqual(context.energy_source)
    expect(again.miner).toEqual(context.miner)
    // The first unit is still enabled: the second may list its miner, not be enabled with it.
    const taken = await reopened.json(
      'POST',
      `${V1}/optimization-units/${second.unit.id}/miners/single?miner_id=${site.miner.id}`,
    )
    expect(taken.status).toBe(200)
    const conflict = await reopened.json(
      'POST',
      `${V1}/optimization-units/${second.unit.id}/enable`,
    )
    expect(conflict.status).toBe(409)
  })
})
