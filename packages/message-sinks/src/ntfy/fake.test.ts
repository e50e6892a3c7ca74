import { afterEach, describe, expect, it } from 'vitest'
import { decodeHeaderValue, type NtfyFake, startNtfyFake } from './fake'

const open: NtfyFake[] = []
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close()
})

async function fake(options: Parameters<typeof startNtfyFake>[0] = {}) {
  const started = await startNtfyFake(options)
  open.push(started)
  return started
}

async function publish(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers, body })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

describe('ntfy fake', () => {
  it('POST /<topic> with Title, Priority and Tags headers: 200 with the stored message JSON', async () => {
    const now = Date.parse('2026-09-20T12:00:00.000Z')
    const ntfy = await fake({ now: () => now })
    const answer = await publish(`${ntfy.url}/rigs`, 'Grid import 1.2 kW', {
      Title: 'Miner paused',
      Priority: 'high',
      Tags: 'warning,zap',
    })
    expect(answer).toEqual({
      status: 200,
      json: {
        id: expect.any(String),
        time: now / 1000,
        expires: now / 1000 + 43_200,
        event: 'message',
        topic: 'rigs',
        title: 'Miner paused',
        message: 'Grid import 1.2 kW',
        priority: 4,
        tags: ['warning', 'zap'],
      },
    })
    expect(ntfy.received()).toEqual([
      {
        id: answer.json.id,
        topic: 'rigs',
        title: 'Miner paused',
        message: 'Grid import 1.2 kW',
        priority: 4,
        tags: ['warning', 'zap'],
        click: null,
        markdown: false,
        attachment: null,
        authorized: false,
        at: '2026-09-20T12:00:00.000Z',
      },
    ])
  })

  it('X- aliases, query aliases, RFC 2047 titles and the JSON publish', async () => {
    const ntfy = await fake()
    const title = `=?UTF-8?B?${Buffer.from('Miner Started: Gärage ⚡').toString('base64')}?=`
    await publish(`${ntfy.url}/rigs`, 'a', { 'X-Title': title, 'X-Priority': '5', 'X-Tags': 'zap' })
    await publish(`${ntfy.url}/rigs?t=Query&p=2&ta=x`, 'b')
    await publish(
      ntfy.url,
      JSON.stringify({ topic: 'rigs', message: 'c', title: 'Json', priority: 1, tags: ['t'] }),
    )
    expect(
      ntfy.received().map((entry) => [entry.title, entry.message, entry.priority, entry.tags]),
    ).toEqual([
      ['Miner Started: Gärage ⚡', 'a', 5, ['zap']],
      ['Query', 'b', 2, ['x']],
      ['Json', 'c', 1, ['t']],
    ])
    expect(decodeHeaderValue('=?UTF-8?Q?Caf=C3=A9_ok?=')).toBe('Café ok')
  })

  it('the bucket: 60 at once, then 42901 until it refills at one per 5 s', async () => {
    let now = 0
    const ntfy = await fake({ now: () => now, burst: 3 })
    for (let index = 0; index < 3; index++) {
      expect((await publish(`${ntfy.url}/rigs`, `m${index}`)).status).toBe(200)
    }
    expect(await publish(`${ntfy.url}/rigs`, 'm3')).toEqual({
      status: 429,
      json: {
        code: 42901,
        http: 429,
        error: 'limit reached: too many requests',
        link: 'https://ntfy.sh/docs/publish/#limitations',
      },
    })
    now = 4999
    expect((await publish(`${ntfy.url}/rigs`, 'm3')).status).toBe(429)
    now = 5000
    expect((await publish(`${ntfy.url}/rigs`, 'm3')).status).toBe(200)
    expect((await publish(`${ntfy.url}/rigs`, 'm4')).status).toBe(429)
    expect(ntfy.received().map((entry) => entry.message)).toEqual(['m0', 'm1', 'm2', 'm3'])
  })

  it('tokens: 401 40101 for an unknown one, 403 40301 for a protected topic without one', async () => {
    const ntfy = await fake({ tokens: ['tk_good'], protectedTopics: ['private'] })
    expect(await publish(`${ntfy.url}/rigs`, 'a', { Authorization: 'Bearer tk_bad' })).toEqual({
      status: 401,
      json: {
        code: 40101,
        http: 401,
        error: 'unauthorized',
        link: 'https://ntfy.sh/docs/publish/#authentication',
      },
    })
    expect((await publish(`${ntfy.url}/private`, 'b')).json).toMatchObject({
      code: 40301,
      http: 403,
      error: 'forbidden',
    })
    expect(
      (await publish(`${ntfy.url}/private`, 'c', { Authorization: 'Bearer tk_good' })).status,
    ).toBe(200)
    const basic = `Basic ${Buffer.from(':tk_good').toString('base64')}`
    expect((await publish(`${ntfy.url}/private`, 'd', { Authorization: basic })).status).toBe(200)
    expect(ntfy.received().map((entry) => [entry.message, entry.authorized])).toEqual([
      ['c', true],
      ['d', true],
    ])
  })

  it('a bad priority is 400 40007; over 4096 bytes becomes an attachment', async () => {
    const ntfy = await fake()
    expect((await publish(`${ntfy.url}/rigs`, 'a', { Priority: 'loud' })).json).toMatchObject({
      code: 40007,
      http: 400,
    })
    await publish(`${ntfy.url}/rigs`, 'é'.repeat(2049))
    expect(ntfy.received()[0]).toMatchObject({
      message: 'You received a file: attachment.txt',
      attachment: { name: 'attachment.txt', size: 4098 },
    })
  })

  it('faults on demand: 429 (with Retry-After when asked), 401, 403, 5xx, down', async () => {
    const ntfy = await fake()
    ntfy.set([
      { kind: 'rate_limited', retry_after_seconds: 30, times: 1 },
      { kind: 'unauthorized', times: 1 },
      { kind: 'forbidden', times: 1 },
      { kind: 'server_error', status: 503, times: 1 },
      { kind: 'down', times: 1 },
    ])
    const limited = await fetch(`${ntfy.url}/rigs`, { method: 'POST', body: 'a' })
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '30'])
    expect((await publish(`${ntfy.url}/rigs`, 'a')).json.code).toBe(40101)
    expect((await publish(`${ntfy.url}/rigs`, 'a')).json.code).toBe(40301)
    expect((await publish(`${ntfy.url}/rigs`, 'a')).status).toBe(503)
    await expect(publish(`${ntfy.url}/rigs`, 'a')).rejects.toThrow()
    expect((await publish(`${ntfy.url}/rigs`, 'ok')).status).toBe(200)
    expect(ntfy.received().map((entry) => entry.message)).toEqual(['ok'])
  })
})
