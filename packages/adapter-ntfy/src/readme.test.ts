import { readFileSync } from 'node:fs'
import { format } from 'node:util'
import * as sinks from '@edge-mining/message-sinks'
import { expect, it, vi } from 'vitest'
import * as self from './index'

const MODULES: Record<string, Record<string, unknown>> = {
  '@edge-mining/adapter-ntfy': self,
  '@edge-mining/message-sinks': sinks,
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>

/** The README's first ts block, its named imports turned into parameters. */
function snippet(): { names: string[]; values: unknown[]; body: string } {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (!code) throw new Error('README has no ts snippet')
  const names: string[] = []
  const values: unknown[] = []
  const body = code.replace(
    /import\s*\{([^}]*)\}\s*from\s*'([^']+)'\n?/g,
    (_all, named: string, from: string) => {
      const module = MODULES[from]
      if (!module) throw new Error(`the snippet imports ${from}`)
      for (const name of named
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

/** What each `console.log(…) // comment` line says it prints. */
function promised(body: string): string[] {
  return [...body.matchAll(/console\.log\(.*\) \/\/ (.*)$/gm)].map((match) => match[1] as string)
}

it('the README snippet runs as written and prints what its comments say', async () => {
  const printed: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(format(...args))
  })
  const { names, values, body } = snippet()
  await new AsyncFunction(...names, body)(...values)
  const comments = promised(body)
  expect(printed).toHaveLength(comments.length)
  comments.forEach((comment, index) => {
    // A comment shows line breaks as \n and may end in … where the line goes on.
    const shown = (printed[index] as string).replace(/\n/g, '\\n')
    const [head, ...rest] = comment.split('…')
    expect(shown.startsWith(head as string), `${shown} ≠ ${comment}`).toBe(true)
    for (const part of rest) expect(shown).toContain(part)
  })
})
