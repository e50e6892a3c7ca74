import { expect, it } from 'vitest'
import { openMemoryStore, startApi } from '../src/index'
import { createFuzzer } from './fuzz'
import { captureLogs } from './support'

it('fuzz (memory store)', async () => {
  const logs = captureLogs()
  const api = await startApi({
    env: { API_PORT: '0', API_TOKEN: 'fuzz-token-123' },
    logger: logs.logger,
    openStore: openMemoryStore,
  })
  const t = await api.trackers.create({ config: { seed: 1 } })
  const next = createFuzzer({
    seed: 42,
    ids: [t.id],
    bodyLimitBytes: 64 * 1024,
    authorization: 'Bearer fuzz-token-123',
  })
  const bad: string[] = []
  const times: [number, string][] = []
  const t0 = Date.now()
  const cases = Array.from({ length: 1500 }, () => next())
  const worker = async () => {
    for (let c = cases.shift(); c; c = cases.shift()) {
      const s0 = performance.now()
      const res = await fetch(`${api.url}${c.path}`, {
        method: c.method,
        headers: c.headers,
        ...(c.body === undefined ? {} : { body: c.body }),
      }).catch((e) => e as Error)
      if (res instanceof Error) {
        bad.push(
          `${c.method} ${c.path.slice(0, 80)} ${c.huge} ${typeof c.body === 'string' ? c.body.slice(0, 30) : c.body?.length} → ${res.message} ${String((res as any).cause)}`,
        )
        continue
      }
      const text = await res.text()
      times.push([
        performance.now() - s0,
        `${c.method} ${c.path.slice(0, 60)} ${c.headers['content-type']} ${typeof c.body === 'string' ? c.body.slice(0, 20) : c.body?.length} ${res.status}`,
      ])
      if (res.status >= 500 || (c.huge && res.status !== 413))
        bad.push(
          `${c.method} ${c.path.slice(0, 80)} ${c.headers['content-type']} → ${res.status} ${text.slice(0, 200)}`,
        )
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  console.log(bad.slice(0, 20).join('\n'), bad.length, Date.now() - t0)
  console.log(
    logs.entries
      .filter((e) => e.type === 'error')
      .slice(0, 5)
      .map((e) => e.args.join(' ')),
  )
  times.sort((a, b) => b[0] - a[0])
  console.log(
    times
      .slice(0, 15)
      .map(([t, x]) => `${t.toFixed(0)} ${x}`)
      .join('\n'),
  )
  await api.close()
  expect(bad).toEqual([])
}, 60000)
