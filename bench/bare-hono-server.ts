/**
 * The baseline bench/api.ts compares the API against: a bare Hono app on the same
 * @hono/node-server, answering GET /health as ours does and GET /stats with a fixed JSON body
 * (BENCH_BODY, the body our cached stats route answers), so a bigger body's own cost is known.
 * Listens on API_PORT.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const body: unknown = JSON.parse(process.env.BENCH_BODY ?? '{}')
const app = new Hono()
app.get('/health', (c) => c.json({ status: 'ok' }))
app.get('/stats', (c) => c.json(body as Record<string, unknown>))
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.API_PORT) })
