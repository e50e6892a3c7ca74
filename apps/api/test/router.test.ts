import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createMemoRouter } from '../src/router'

/** An app on the memo router whose handlers say which route answered, with its params. */
function appWith(options?: Parameters<typeof createMemoRouter>[0]) {
  const app = new Hono({ strict: false, router: createMemoRouter(options) })
  app.get('/things/types', (c) => c.json({ route: 'types' }))
  app.get('/things/:id', (c) => c.json({ route: 'thing', id: c.req.param('id') }))
  app.get('/things/:id/parts/:part', (c) => c.json({ route: 'part', ...c.req.param() }))
  return app
}

const answer = async (app: Hono, path: string) => (await app.request(path)).json()

describe('memo router', () => {
  it('answers as the trie router does, asked once or many times', async () => {
    const app = appWith()
    for (let round = 0; round < 3; round++) {
      expect(await answer(app, '/things/types')).toEqual({ route: 'types' })
      expect(await answer(app, '/things/7')).toEqual({ route: 'thing', id: '7' })
      expect(await answer(app, '/things/8')).toEqual({ route: 'thing', id: '8' })
      expect(await answer(app, '/things/7/parts/a%20b')).toEqual({
        route: 'part',
        id: '7',
        part: 'a b',
      })
      expect((await app.request('/nothing')).status).toBe(404)
    }
  })

  it('keeps answering right past its size and for paths too long to remember', async () => {
    const app = appWith({ size: 2, maxPathLength: 12 })
    for (const id of ['1', '2', '3', '4', '1', 'a-very-long-identifier']) {
      expect(await answer(app, `/things/${id}`)).toEqual({ route: 'thing', id })
    }
  })

  it('a route added after a path was asked is found: adding forgets what was remembered', async () => {
    const app = appWith()
    expect((await app.request('/later')).status).toBe(404)
    app.get('/later', (c) => c.text('here'))
    expect(await (await app.request('/later')).text()).toBe('here')
  })

  it('keeps methods apart', async () => {
    const app = appWith()
    app.post('/things/:id', (c) => c.json({ route: 'post', id: c.req.param('id') }))
    expect(await answer(app, '/things/5')).toEqual({ route: 'thing', id: '5' })
    expect(await (await app.request('/things/5', { method: 'POST' })).json()).toEqual({
      route: 'post',
      id: '5',
    })
  })
})
