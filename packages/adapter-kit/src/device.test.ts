import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DeviceError, type Platform } from '@edge-mining/domain'
import * as v from 'valibot'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createDeviceHttp,
  createInFlight,
  deviceBaseUrl,
  deviceErrorForStatus,
  deviceHostField,
  devicePortField,
  deviceTimeoutSecondsField,
  encodeQuery,
  hostPortCheck,
  parseDeviceBody,
  parseJsonText,
} from './index'

/** A clock whose timers fire only when the test says. */
function manualTimers() {
  const timers = new Map<number, () => void>()
  let next = 0
  const platform: Platform = {
    now: () => 1_000_000,
    setTimeout(callback) {
      next += 1
      timers.set(next, callback)
      return next
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    fetch: (input, init) => globalThis.fetch(input, init),
    randomUUID: () => '00000000-0000-4000-8000-000000000001',
  }
  return {
    platform,
    fireAll() {
      for (const [handle, callback] of [...timers]) {
        timers.delete(handle)
        callback()
      }
    },
    pending: () => timers.size,
  }
}

const servers: { close(): void }[] = []
afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

/** A loopback server: `answer` decides per request; `hang` keeps it open. */
async function serve(
  answer: (url: string, res: import('node:http').ServerResponse) => void,
): Promise<string> {
  const server = createServer((req, res) => answer(req.url ?? '/', res))
  servers.push({ close: () => server.close() || server.closeAllConnections() })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('createDeviceHttp', () => {
  it('sends the query with %20 for spaces and answers status, headers and text', async () => {
    let seen = ''
    const baseUrl = await serve((url, res) => {
      seen = url
      res.writeHead(200, { 'content-type': 'application/json', 'x-device': 'plug' })
      res.end('{"POWER":"ON"}')
    })
    const http = createDeviceHttp({
      device: 'Tasmota at test',
      baseUrl,
      platform: manualTimers().platform,
      timeoutMs: 5000,
    })
    const response = await http.request({
      path: '/cm',
      query: { cmnd: 'Power On', password: 'a&b' },
      what: 'Power On',
    })
    expect(seen).toBe('/cm?cmnd=Power%20On&password=a%26b')
    expect(response).toMatchObject({ status: 200, text: '{"POWER":"ON"}' })
    expect(response.headers.get('x-device')).toBe('plug')
    expect(encodeQuery({ a: 'b c' })).toBe('a=b%20c')
  })

  it('gives up when the injected clock says the timeout passed, naming device and request', async () => {
    const baseUrl = await serve(() => {
      // never answers
    })
    const timers = manualTimers()
    const http = createDeviceHttp({
      device: 'Bitaxe at test',
      baseUrl,
      platform: timers.platform,
      timeoutMs: 2500,
    })
    const pending = http.request({ path: '/api/system/info', what: 'system info' })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(timers.pending()).toBe(1)
    timers.fireAll()
    const error = await pending.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DeviceError)
    expect(error).toMatchObject({
      code: 'unreachable',
      message: 'Bitaxe at test did not answer system info within 2.5 s',
    })
  })

  it('maps a refused connection to unreachable without quoting the URL or its query', async () => {
    const baseUrl = await serve(() => {})
    servers.splice(0).forEach((server) => {
      server.close()
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const http = createDeviceHttp({
      device: 'Tasmota at test',
      baseUrl,
      platform: manualTimers().platform,
      timeoutMs: 5000,
    })
    const error = (await http
      .request({ path: '/cm', query: { password: 'hunter2' }, what: 'Power' })
      .catch((caught: unknown) => caught)) as DeviceError
    expect(error.code).toBe('unreachable')
    expect(error.message).toMatch(/^Tasmota at test is unreachable for Power \(/)
    expect(error.message).not.toContain('hunter2')
    expect(error.message).not.toContain('127.0.0.1')
  })
})

describe('status and body mapping', () => {
  const context = { device: 'Miner', what: 'stats', nowMs: Date.parse('2026-06-21T10:00:00Z') }
  const headers = (entries: Record<string, string> = {}) => new Headers(entries)

  it('401/403 auth_failed, 429 rate_limited with Retry-After, 5xx unreachable, else bad_response', () => {
    expect(deviceErrorForStatus({ status: 401, headers: headers() }, context).code).toBe(
      'auth_failed',
    )
    expect(deviceErrorForStatus({ status: 403, headers: headers() }, context).code).toBe(
      'auth_failed',
    )
    const limited = deviceErrorForStatus(
      { status: 429, headers: headers({ 'retry-after': 'Sun, 21 Jun 2026 10:00:30 GMT' }) },
      context,
    )
    expect(limited).toMatchObject({ code: 'rate_limited', retry_after_seconds: 30 })
    expect(
      deviceErrorForStatus({ status: 429, headers: headers({ 'retry-after': '7' }) }, context)
        .retry_after_seconds,
    ).toBe(7)
    expect(deviceErrorForStatus({ status: 503, headers: headers() }, context).code).toBe(
      'unreachable',
    )
    expect(deviceErrorForStatus({ status: 404, headers: headers() }, context)).toMatchObject({
      code: 'bad_response',
      message: 'Miner answered HTTP 404 for stats',
    })
  })

  it('non-JSON and wrong shapes are bad_response naming the field', () => {
    expect(() => parseJsonText('<html>portal</html>', context)).toThrow(
      'Miner answered stats with something that is not JSON ("<html>portal</html>"…)',
    )
    expect(() => parseJsonText('', context)).toThrow('(empty body)')
    const Schema = v.object({ power_stats: v.object({ watt: v.number() }) })
    expect(() => parseDeviceBody(Schema, { power_stats: { watt: 'x' } }, context)).toThrow(
      /unexpected shape at power_stats\.watt/,
    )
  })
})

describe('in-flight sharing', () => {
  it('joins a request in flight and forgets it once settled', async () => {
    const join = createInFlight()
    let calls = 0
    const work = async () => {
      calls += 1
      await new Promise((resolve) => setTimeout(resolve, 5))
      return calls
    }
    const [a, b] = await Promise.all([join('info', work), join('info', work)])
    expect([a, b, calls]).toEqual([1, 1, 1])
    expect(await join('info', work)).toBe(2)
  })
})

describe('device config fields', () => {
  const Schema = v.pipe(
    v.strictObject({
      host: deviceHostField('host'),
      port: devicePortField,
      request_timeout_seconds: deviceTimeoutSecondsField(5),
    }),
    hostPortCheck(),
  )
  const parse = (input: unknown) => v.safeParse(Schema, input)

  it('accepts IPs, names, host:port and http(s) origins, and builds the base URL', () => {
    for (const [host, port, url] of [
      ['192.168.1.50', undefined, 'http://192.168.1.50'],
      [' bitaxe.local/ ', undefined, 'http://bitaxe.local'],
      ['10.0.0.5:8080', undefined, 'http://10.0.0.5:8080'],
      ['https://miner.lan', undefined, 'https://miner.lan'],
      ['10.0.0.5', 8081, 'http://10.0.0.5:8081'],
      ['10.0.0.5:8081', 8081, 'http://10.0.0.5:8081'],
    ] as const) {
      const result = parse({ host, ...(port ? { port } : {}) })
      expect(result.success, host).toBe(true)
      if (result.success) {
        expect(deviceBaseUrl(result.output.host, result.output.port)).toBe(url)
        expect(result.output.request_timeout_seconds).toBe(5)
      }
    }
  })

  it('refuses paths, credentials and other schemes, and a port given twice, naming the value', () => {
    const first = (input: unknown) => {
      const result = parse(input)
      if (result.success) return null
      const [issue] = result.issues
      return `${v.getDotPath(issue)}: ${issue.message}`
    }
    expect(first({ host: 'http://10.0.0.5/api' })).toBe(
      'host: must be an IP address, a host name or an http(s) URL such as 192.168.1.50, got "http://10.0.0.5/api"',
    )
    expect(first({ host: 'http://root:pw@10.0.0.5' })).toMatch(/^host: must be/)
    expect(first({ host: 'ftp://10.0.0.5' })).toMatch(/^host: must be/)
    expect(first({ host: '' })).toMatch(/^host: is required/)
    expect(first({ host: '10.0.0.5', port: 70_000 })).toBe(
      'port: must be a port number from 1 to 65535, got 70000',
    )
    expect(first({ host: '10.0.0.5:8080', port: 80 })).toBe(
      'port: is 80 but host "10.0.0.5:8080" names port 8080; give the port once',
    )
    expect(first({ host: '10.0.0.5', request_timeout_seconds: 0 })).toBe(
      'request_timeout_seconds: must be more than 0 seconds, got 0',
    )
    expect(first({ host: '10.0.0.5', request_timeout_seconds: 3601 })).toBe(
      'request_timeout_seconds: must be at most 3600 seconds, got 3601',
    )
  })
})
