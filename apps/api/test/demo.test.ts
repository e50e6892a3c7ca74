import { existsSync } from 'node:fs'
import { expect, it } from 'vitest'
import { startDemo } from '../src/demo'
import { captureLogs } from './support'

it('the demo serves live simulated data for one tracker of each kind, then cleans up', async () => {
  const demo = await startDemo({ env: { API_PORT: '0' }, logger: captureLogs().logger })
  expect(existsSync(demo.databasePath)).toBe(true)
  try {
    const labels = demo.urls.map((entry) => entry.label)
    expect(labels).toEqual(expect.arrayContaining(['API docs', 'Ocean stats', 'Braiins stats']))
    for (const entry of demo.urls) expect(entry.url.startsWith(demo.api.url)).toBe(true)
    const oceanStats = demo.urls.find((entry) => entry.label === 'Ocean stats')?.url ?? ''
    const stats = await fetch(oceanStats)
    expect(stats.status).toBe(200)
    expect(
      ((await stats.json()) as { current_hashrate: { unit: string } }).current_hashrate.unit,
    ).toBe('TH/s')
    const base = `${demo.api.url}/api/v1/mining-performance-trackers`
    const test = await fetch(`${base}/${demo.braiins.id}/test`, { method: 'POST' })
    expect(test.status).toBe(200)
    expect(((await test.json()) as { status: string }).status).toBe('success')
    const listed = await (await fetch(base)).text()
    expect(listed).toContain('"api_token":"***"')
    expect((await fetch(`${demo.api.url}/docs`)).status).toBe(200)
  } finally {
    await demo.close()
  }
  await expect(fetch(`${demo.api.url}/health`)).rejects.toThrow()
  expect(existsSync(demo.databasePath)).toBe(false)
})
