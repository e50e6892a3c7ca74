import { readFileSync } from 'node:fs'
import { format } from 'node:util'

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>

/** What a README snippet printed, beside what its `console.log(…) // comment` lines promise. */
export interface ReadmeSnippetRun {
  printed: string[]
  promised: string[]
}

/**
 * Runs a README's first `ts` block as written: its named imports are taken from `modules`
 * (package name → module), and what it prints through `console.log` is collected. A README
 * that imports a package or a name `modules` lacks is an error naming it.
 */
export async function runReadmeSnippet(
  readme: URL,
  modules: Record<string, Record<string, unknown>>,
): Promise<ReadmeSnippetRun> {
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'))?.[1]
  if (!code) throw new Error('README has no ts snippet')
  const names: string[] = []
  const values: unknown[] = []
  const body = code.replace(
    /import\s*\{([^}]*)\}\s*from\s*'([^']+)'\n?/g,
    (_all, named: string, from: string) => {
      const module = modules[from]
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
  const printed: string[] = []
  const log = console.log
  console.log = (...args: unknown[]) => {
    printed.push(format(...args))
  }
  try {
    await new AsyncFunction(...names, body)(...values)
  } finally {
    console.log = log
  }
  const promised = [...body.matchAll(/console\.log\(.*\) \/\/ (.*)$/gm)].map(
    (match) => match[1] as string,
  )
  return { printed, promised }
}

/**
 * Whether a printed line is what its comment promised. A comment shows line breaks as `\n`
 * and may end in `…` where the line goes on (each part after a `…` must appear).
 */
export function keepsPromise(printed: string, promised: string): boolean {
  const shown = printed.replace(/\n/g, '\\n')
  const [head, ...rest] = promised.split('…')
  return shown.startsWith(head as string) && rest.every((part) => shown.includes(part))
}
