import * as sinks from '@edge-mining/message-sinks'
import { keepsPromise, runReadmeSnippet } from '@edge-mining/message-sinks'
import { expect, it } from 'vitest'
import * as self from './index'

it('the README snippet runs as written and prints what its comments say', async () => {
  const { printed, promised } = await runReadmeSnippet(new URL('../README.md', import.meta.url), {
    '@edge-mining/adapter-telegram': self,
    '@edge-mining/message-sinks': sinks,
  })
  expect(printed).toHaveLength(promised.length)
  promised.forEach((comment, index) => {
    const shown = printed[index] as string
    expect(keepsPromise(shown, comment), `${shown} ≠ ${comment}`).toBe(true)
  })
})
