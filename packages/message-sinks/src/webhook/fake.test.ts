import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import {
  startWebhookFake,
  verifyWebhookSignature,
  type WebhookFake,
  webhookSignature,
} from './fake'

const open: WebhookFake[] = []
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close()
})

async function fake(options: Parameters<typeof startWebhookFake>[0] = {}) {
  const started = await startWebhookFake(options)
  open.push(started)
  return started
}

const body = JSON.stringify({ event: 'miner_started', title: 'Miner Started: Rig' })

describe('webhook fake', () => {
  it('records the raw body, its JSON, the event id and whether the signature matches', async () => {
    const now = Date.parse('2026-06-21T10:00:00.000Z')
    const hook = await fake({ secret: 's3cret', now: () => now })
    const signature = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`
    expect(webhookSignature('s3cret', body)).toBe(signature)
    const headers = {
      'content-type': 'application/json',
      'x-signature': signature,
      'x-event-id': 'evt-1',
      'x-edge-mining-event': 'miner_started',
    }
    const response = await fetch(`${hook.url}/hooks/edge`, { method: 'POST', headers, body })
    expect([response.status, await response.json()]).toEqual([200, { ok: true }])
    await fetch(`${hook.url}/hooks/edge`, { method: 'POST', headers, body })
    expect(hook.received()).toEqual([
      {
        method: 'POST',
        path: '/hooks/edge',
        body,
        json: { event: 'miner_started', title: 'Miner Started: Rig' },
        event_id: 'evt-1',
        event: 'miner_started',
        content_type: 'application/json',
        signature,
        signature_valid: true,
        duplicate: false,
        at: '2026-06-21T10:00:00.000Z',
      },
      expect.objectContaining({ event_id: 'evt-1', duplicate: true }),
    ])
  })

  it('with a secret, a missing or wrong signature is 401 and not received', async () => {
    const hook = await fake({ secret: 's3cret' })
    const wrong = await fetch(hook.url, {
      method: 'POST',
      headers: { 'x-signature': webhookSignature('other', body) },
      body,
    })
    expect(wrong.status).toBe(401)
    expect((await fetch(hook.url, { method: 'POST', body })).status).toBe(401)
    expect(hook.received()).toEqual([])
    expect(verifyWebhookSignature('s3cret', body, webhookSignature('s3cret', body))).toBe(true)
    expect(verifyWebhookSignature('s3cret', `${body} `, webhookSignature('s3cret', body))).toBe(
      false,
    )
    expect(verifyWebhookSignature('s3cret', body, null)).toBe(false)
  })

  it('without a secret every delivery is received, signature_valid null', async () => {
    const hook = await fake()
    await fetch(hook.url, { method: 'POST', body: 'not json' })
    expect(hook.received()[0]).toMatchObject({
      json: null,
      signature_valid: null,
      body: 'not json',
    })
    expect((await fetch(hook.url)).status).toBe(405)
  })

  it('faults on demand: 429 with Retry-After, 401, 403, 5xx, slow, down', async () => {
    const hook = await fake()
    hook.set([
      { kind: 'rate_limited', retry_after_seconds: 3, times: 1 },
      { kind: 'unauthorized', times: 1 },
      { kind: 'forbidden', times: 1 },
      { kind: 'server_error', status: 503, times: 1 },
      { kind: 'down', times: 1 },
      { kind: 'slow', delay_ms: 100, times: 1 },
    ])
    const post = () => fetch(hook.url, { method: 'POST', body })
    const limited = await post()
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3'])
    expect((await post()).status).toBe(401)
    expect((await post()).status).toBe(403)
    expect((await post()).status).toBe(503)
    await expect(post()).rejects.toThrow()
    const started = Date.now()
    expect((await post()).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    expect(hook.received()).toHaveLength(1)
    expect(hook.requests().map((request) => [request.status, request.fault])).toEqual([
      [429, 'rate_limited'],
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [503, 'server_error'],
      [null, 'down'],
      [200, 'slow'],
    ])
  })
})
