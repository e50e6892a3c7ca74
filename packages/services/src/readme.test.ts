import { readFileSync } from 'node:fs'
import * as domain from '@edge-mining/domain'
import * as valibot from 'valibot'
import { expect, it, vi } from 'vitest'
import * as services from './index'

const MODULES: Record<string, Record<string, unknown>> = {
  '@edge-mining/domain': domain,
  '@edge-mining/services': services,
  valibot,
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>

/** The README's first ts block, its imports turned into parameters. */
function snippet(): { names: string[]; values: unknown[]; body: string } {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (!code) throw new Error('README has no ts snippet')
  const names: string[] = []
  const values: unknown[] = []
  const body = code.replace(
    /import\s*(?:\{([^}]*)\}|\*\s+as\s+(\w+))\s*from\s*'([^']+)'\n?/g,
    (_all, named: string | undefined, namespace: string | undefined, from: string) => {
      const module = MODULES[from]
      if (!module) throw new Error(`the snippet imports ${from}`)
      if (namespace) {
        names.push(namespace)
        values.push(module)
      }
      for (const name of (named ?? '')
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        if (!(name in module)) throw new Error(`${from} exports no ${name}`)
        names.push(name)
        values.push(module[name])
      }
      return ''
    },
  )
  return { names, values, body }
}

it('the README snippet runs as written and prints what its comments say', async () => {
  const printed: unknown[][] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args)
  })
  const { names, values, body } = snippet()
  expect(names).toEqual(
    expect.arrayContaining(['createServices', 'createMemoryRepositories', 'createAdapterRegistry']),
  )
  await new AsyncFunction(...names, body)(...values)
  expect(printed).toEqual([
    [{ api_key: '***', watts: 3000 }],
    [{ value: 110, unit: 'TH/s' }],
    [true],
    [{ current_power: -1200, importing_power: 0, exporting_power: 1200 }],
    [['miner: not_usable']],
    ['start_mining', 'Exporting'],
  ])
})
