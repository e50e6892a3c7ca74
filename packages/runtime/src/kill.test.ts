import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import { openRuntime, type Runtime } from './runtime'
import { createSite, createTestPlatform, siteDefinitions } from './test-support/site'

const T0 = '2026-06-21T10:00:00.000Z'
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString()

/** tsx, as the bench runs TypeScript sources (the repo keeps it in bench's dependencies). */
function tsxLoader(): string {
  const bench = fileURLToPath(new URL('../../../bench/package.json', import.meta.url))
  if (!existsSync(bench)) throw new Error(`no ${bench}: the kill -9 test needs bench's tsx`)
  return pathToFileURL(createRequire(bench).resolve('tsx')).href
}

interface ChildIds {
  unit: string
  policy: string
  rule: string
  rig: string
  spare: string
  holder: string
  cycles: number
  held_until: string
}

/** Starts the child, waits for its line of ids, kills it with SIGKILL and waits for it to die. */
async function runAndKill(env: Record<string, string>): Promise<ChildIds> {
  const script = fileURLToPath(new URL('./test-support/kill-child.ts', import.meta.url))
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', tsxLoader(), script, T0],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const end = stdout.indexOf('\n')
      if (end >= 0) resolve(stdout.slice(0, end))
    })
    void exited.then(({ code, signal }) =>
      reject(new Error(`the child ended (${code ?? signal}) before it was ready:\n${stderr}`)),
    )
  })
  expect(child.kill('SIGKILL')).toBe(true)
  expect(await exited).toEqual({ code: null, signal: 'SIGKILL' })
  return JSON.parse(line) as ChildIds
}

const folders: string[] = []
const open: Runtime[] = []
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close()
  while (folders.length > 0) rmSync(folders.pop() ?? '', { recursive: true, force: true })
})

it('kill -9 and a restart keep the for_seconds state, the override and the decision log', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-kill-'))
  folders.push(folder)
  const env = {
    DB_PATH: join(folder, 'edgemining.db'),
    POLICIES_DIR: join(folder, 'policies'),
    LOG_LEVEL: 'silent',
  }
  const ids = await runAndKill(env)
  expect(ids.cycles).toBe(19) // T0, T0 + 5 s, …, T0 + 90 s
  expect(ids.held_until).toBe(at(90 + 3600))

  // A fresh server on the same file, 10 min after the child's first cycle.
  const clock = createTestPlatform(at(600))
  const site = createSite(4000)
  const runtime = openRuntime({ env, platform: clock, adapters: () => siteDefinitions(site) })
  open.push(runtime)
  const { ruleState, overrides, decisions, minerRuntime, lease } = runtime.loopRepositories

  // The start rule has been true since the child's first cycle, for both miners.
  const key = (miner: string) => `${ids.unit}:${miner}:${ids.policy}/start/${ids.rule}`
  expect(ruleState.list(`${ids.unit}:`)).toEqual(
    [
      [key(ids.rig), Date.parse(T0)],
      [key(ids.spare), Date.parse(T0)],
    ].sort(([a], [b]) => String(a).localeCompare(String(b))),
  )
  expect(overrides.get(ids.spare)).toMatchObject({ action: 'start', until: at(3690) })
  expect(minerRuntime.get(ids.spare)).toMatchObject({
    last_switch_at: at(90),
    last_action: 'start',
  })
  const logged = decisions.query({ limit: 100 }).reverse()
  expect(logged.map((entry) => [entry.at, entry.kind, entry.miner_id, entry.outcome])).toEqual([
    [T0, 'hold', ids.rig, 'held'],
    [T0, 'hold', ids.spare, 'held'],
    [at(90), 'action', ids.spare, 'executed'],
  ])
  expect(logged[0]?.reason).toBe("Waiting: start rule 'Sun' has been true for 0 s of 10 min")
  // The dead child's lease ran out long ago (at T0 + 90 s + 30 s).
  expect(lease.current(clock.now())?.holder ?? null).toBeNull()

  // Its loop carries on where the child left off: the rule has now held for 600 s.
  const runner = runtime.startLoop()
  await clock.advance(0)
  expect(runner.isLeader()).toBe(true)
  expect(runner.stats().holder).not.toBe(ids.holder)
  const [house] = runtime.loop.status(ids.unit)
  const plan = (miner: string) => house?.miners.find((entry) => entry.miner_id === miner)
  expect(plan(ids.rig)).toMatchObject({
    kind: 'act',
    action: 'start',
    executed: { success: true, status_after: 'on' },
  })
  expect(plan(ids.spare)).toMatchObject({
    kind: 'hold',
    hold: { reason: 'override', until: at(3690) },
  })
  expect(site.commands).toEqual(['rig startMining'])
}, 60_000)
