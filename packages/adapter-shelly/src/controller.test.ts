import { FEATURE_METHODS } from '@edge-mining/domain'
import { type ShellyFake, startShellyFake } from '@edge-mining/site-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createShellyController,
  digestAuthorization,
  parseDigestChallenge,
  shellyDefinition,
} from './index'
import { captureLogger, createTestPlatform, NOON, settle } from './test-support'

const PASSWORD = 'plug-pa55word'
const fakes: ShellyFake[] = []
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()?.close()
})

async function setup(
  options: Parameters<typeof startShellyFake>[0] = {},
  config: Record<string, unknown> = {},
) {
  const platform = createTestPlatform(NOON)
  const logger = captureLogger()
  const fake = await startShellyFake({
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
    load: { powerW: 1400, bootSeconds: 0, rampSeconds: 0 },
    ...options,
  })
  fakes.push(fake)
  const plug = createShellyController({ host: fake.url, ...config }, { platform, logger })
  const seen = () =>
    fake.requests().map((entry) => `${entry.endpoint} ${entry.auth} ${entry.status}`)
  return { platform, logger, fake, plug, seen }
}

const thrown = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof Error)) throw new Error('expected a rejection')
  return error
}

describe('digest (RFC 7616 SHA-256)', () => {
  it("computes RFC 7616 §3.9.1's SHA-256 example response", () => {
    const challenge = parseDigestChallenge(
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    )
    expect(challenge).toMatchObject({ realm: 'http-auth@example.org', algorithm: 'SHA-256' })
    if (!challenge) return
    const header = digestAuthorization({
      challenge,
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      count: 1,
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    })
    expect(header).toContain(
      'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"',
    )
    expect(header).toContain(
      'qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"',
    )
    expect(header).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"')
    expect(parseDigestChallenge('Bearer realm="x"')).toBeNull()
  })
})

describe('a miner on a Shelly plug', () => {
  it('reads the relay and apower, switches with Switch.Set, and the miner behind it follows', async () => {
    const { plug, fake, platform } = await setup()
    expect(await plug.getStatus()).toBe('off')
    expect(await plug.getPower()).toBe(0)
    await plug.powerOn()
    platform.advance(5000)
    expect(await plug.getStatus()).toBe('on')
    const power = await plug.getPower()
    expect(power).toBeGreaterThan(1380)
    expect(power).toBeLessThan(1420)
    await plug.powerOff()
    expect(fake.state()).toMatchObject({ on: false, powerW: 0 })
    expect(fake.requests().flatMap((entry) => (entry.action ? [entry.action] : []))).toEqual([
      'Switch.Set 0 on',
      'Switch.Set 0 off',
    ])
  })

  it('status and power of one cycle share one Switch.GetStatus', async () => {
    const { plug, fake } = await setup()
    await Promise.all([plug.getStatus(), plug.getPower()])
    expect(fake.requests().map((entry) => entry.endpoint)).toEqual(['switch_get_status'])
  })

  it('answers the digest challenge once, then reuses it; a stale nonce is answered again', async () => {
    const { plug, fake, platform, seen } = await setup(
      { password: PASSWORD, nonceLifetimeSeconds: 300 },
      { password: PASSWORD },
    )
    expect(await plug.getStatus()).toBe('off')
    await plug.powerOn()
    expect(seen()).toEqual([
      'switch_get_status missing 401',
      'switch_get_status ok 200',
      'switch_set ok 200',
    ])
    fake.resetRequests()
    platform.advance(301_000)
    expect(await plug.getStatus()).toBe('on')
    expect(seen()).toEqual(['switch_get_status invalid 401', 'switch_get_status ok 200'])
  })

  it('a wrong or missing password is auth_failed and the password appears nowhere', async () => {
    const wrong = await setup({ password: PASSWORD }, { password: 'not-the-password' })
    const error = await thrown(wrong.plug.powerOn())
    expect(error).toMatchObject({
      code: 'auth_failed',
      message: expect.stringMatching(
        /^Shelly at http:\/\/127\.0\.0\.1:\d+ refused the password for Switch\.Set \(HTTP 401\)$/,
      ),
    })
    expect(wrong.fake.state().on).toBe(false)
    expect([error.message, ...wrong.logger.lines].join('\n')).not.toContain('not-the-password')
    const none = await setup({ password: PASSWORD })
    expect(await thrown(none.plug.getStatus())).toMatchObject({
      code: 'auth_failed',
      message: expect.stringContaining('has authentication on and asked for a password'),
    })
  })

  it('reads device info from /shelly, which needs no credentials', async () => {
    const { plug, seen } = await setup({ password: PASSWORD })
    expect(await plug.getDeviceInfo()).toEqual({
      model: 'PlusPlugS (SNPL-00112EU)',
      manufacturer: 'Shelly',
      serial_number: null,
      mac_address: 'AA:BB:CC:DD:EE:FF',
      hostname: 'shellyplusplugs-aabbccddeeff',
      firmware_version: '1.4.4',
    })
    expect(seen()).toEqual(['shelly none 200'])
  })

  it('a channel the device lacks is a bad response naming the RPC error and the channel', async () => {
    const { plug } = await setup({}, { channel: 3 })
    expect(await thrown(plug.getStatus())).toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining(
        "refused Switch.GetStatus: Argument 'id', value 3 not found! (code -105) (check channel: switch 3)",
      ),
    })
  })
})

describe('failures', () => {
  it('times out on the injected clock; down is unreachable; garbage a bad response', async () => {
    const { plug, fake, platform } = await setup()
    fake.setFaults([{ times: 1, fault: { kind: 'hang' } }])
    expect(await thrown(settle(platform, plug.getStatus(), 1000))).toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/did not answer Switch\.GetStatus within 5 s$/),
    })
    fake.setFaults([{ times: 1, fault: { kind: 'down' } }])
    expect(await thrown(plug.powerOff())).toMatchObject({ code: 'unreachable' })
    fake.setFaults([{ times: 1, fault: { kind: 'garbage' } }])
    expect(await thrown(plug.getPower())).toMatchObject({ code: 'bad_response' })
    fake.setFaults([{ times: 1, fault: { kind: 'server_error', status: 503 } }])
    expect(await thrown(plug.getPower())).toMatchObject({ code: 'unreachable' })
  })
})

describe('config and definition', () => {
  it('names field and value of a bad config, and implements every declared feature', () => {
    const context = { platform: createTestPlatform(NOON), logger: captureLogger() }
    expect(() => createShellyController({ host: '10.0.0.9', channel: -1 }, context)).toThrow(
      'shelly config channel: must be 0 or more, got -1',
    )
    expect(() =>
      createShellyController({ host: '10.0.0.9', password: 42 } as never, context),
    ).toThrow('shelly config password: must be a string (the password)')
    const created = shellyDefinition.create(
      { host: '10.0.0.9' },
      { ...context, settings: {} as never, externalService: null },
    ) as unknown as Record<string, unknown>
    const features = shellyDefinition.features ?? []
    expect(features).toEqual(
      expect.arrayContaining(['status_monitoring', 'power_monitoring', 'power_control']),
    )
    expect(features).not.toContain('mining_control')
    for (const feature of features) {
      for (const method of FEATURE_METHODS[feature]) {
        expect(typeof created[method], `${feature}: ${method}`).toBe('function')
      }
    }
    expect(shellyDefinition.secretFields).toEqual(['password'])
  })
})
