import { FEATURE_METHODS } from '@edge-mining/domain'
import { startTasmotaFake, type TasmotaFake } from '@edge-mining/site-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { createTasmotaController, tasmotaDefinition } from './index'
import { captureLogger, createTestPlatform, NOON, settle } from './test-support'

const PASSWORD = 'web-pa55'
const fakes: TasmotaFake[] = []
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()?.close()
})

async function setup(
  options: Parameters<typeof startTasmotaFake>[0] = {},
  config: Record<string, unknown> = {},
) {
  const platform = createTestPlatform(NOON)
  const logger = captureLogger()
  const fake = await startTasmotaFake({
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
    load: { powerW: 1400, bootSeconds: 0, rampSeconds: 0 },
    ...options,
  })
  fakes.push(fake)
  const plug = createTasmotaController({ host: fake.url, ...config }, { platform, logger })
  return { platform, logger, fake, plug }
}

const thrown = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof Error)) throw new Error('expected a rejection')
  return error
}

describe('a miner on a Tasmota plug', () => {
  it('switches with Power1 On/Off, reads the relay and the Status 8 power', async () => {
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
    expect(fake.requests().map((entry) => entry.command)).toEqual([
      'Power1',
      'Status 8',
      'Power1 On',
      'Power1',
      'Status 8',
      'Power1 Off',
    ])
  })

  it('reads relay n of a multi-relay device (POWER<n>, ENERGY.Power an array)', async () => {
    const { plug, fake } = await setup({ relays: 2 }, { relay: 2 })
    await plug.powerOn()
    expect(await plug.getStatus()).toBe('on')
    // Relay 2 switches, the miner (relay 1) does not draw.
    expect(await plug.getPower()).toBe(0)
    expect(fake.state().on).toBe(false)
  })

  it('sends the password in the query when set, and never shows it', async () => {
    const { plug, fake, logger } = await setup({ password: PASSWORD }, { password: PASSWORD })
    await plug.powerOn()
    expect(fake.requests().map((entry) => entry.auth)).toEqual(['ok'])
    const wrong = await setup({ password: PASSWORD }, { password: 'nope-nope' })
    const error = await thrown(wrong.plug.getStatus())
    expect(error).toMatchObject({
      code: 'auth_failed',
      message: expect.stringMatching(
        /^Tasmota at http:\/\/127\.0\.0\.1:\d+ refused the user 'admin' and password for Power1$/,
      ),
    })
    const said = [error.message, ...logger.lines, ...wrong.logger.lines].join('\n')
    expect(said).not.toContain(PASSWORD)
    expect(said).not.toContain('nope-nope')
  })

  it('a missing password is auth_failed whether the firmware answers 401 or (before 8.2.3) 200', async () => {
    for (const version of ['14.2.0', '8.1.0']) {
      const { plug } = await setup({ password: PASSWORD, version })
      expect(await thrown(plug.powerOff()), version).toMatchObject({
        code: 'auth_failed',
        message: expect.stringContaining('has a web password and refused Power1 Off'),
      })
    }
  })

  it('reads device info from Status 0', async () => {
    const { plug } = await setup()
    expect(await plug.getDeviceInfo()).toEqual({
      model: 'Miner plug',
      manufacturer: null,
      serial_number: null,
      mac_address: '24:A1:60:1A:2B:3C',
      hostname: 'tasmota-1A2B3C-0123',
      firmware_version: '14.2.0(tasmota)',
    })
  })
})

describe('failures', () => {
  it('an unknown relay, garbage and a dead plug map to bad_response and unreachable; timeouts too', async () => {
    const { plug, fake, platform } = await setup({}, { relay: 3 })
    expect(await thrown(plug.getStatus())).toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('does not know Power3 (has it a relay 3? check relay)'),
    })
    const ok = await setup()
    ok.fake.setFaults([{ times: 1, fault: { kind: 'garbage' } }])
    expect(await thrown(ok.plug.getStatus())).toMatchObject({ code: 'bad_response' })
    ok.fake.setFaults([{ times: 1, fault: { kind: 'down' } }])
    expect(await thrown(ok.plug.powerOn())).toMatchObject({ code: 'unreachable' })
    ok.fake.setFaults([{ times: 1, fault: { kind: 'hang' } }])
    expect(await thrown(settle(ok.platform, ok.plug.getPower(), 1000))).toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/did not answer Status 8 within 5 s$/),
    })
    expect(fake.requests()).toHaveLength(1)
    expect(platform.pendingTimers()).toBe(0)
  })
})

describe('config and definition', () => {
  it('names field and value of a bad config, and implements every declared feature', () => {
    const context = { platform: createTestPlatform(NOON), logger: captureLogger() }
    expect(() => createTasmotaController({ host: '10.0.0.9', relay: 9 }, context)).toThrow(
      'tasmota config relay: must be a relay number from 1 to 8, got 9',
    )
    const created = tasmotaDefinition.create(
      { host: '10.0.0.9' },
      { ...context, settings: {} as never, externalService: null },
    ) as unknown as Record<string, unknown>
    const features = tasmotaDefinition.features ?? []
    expect(features).toEqual(
      expect.arrayContaining(['status_monitoring', 'power_monitoring', 'power_control']),
    )
    for (const feature of features) {
      for (const method of FEATURE_METHODS[feature]) {
        expect(typeof created[method], `${feature}: ${method}`).toBe('function')
      }
    }
    expect(tasmotaDefinition.secretFields).toEqual(['password'])
  })
})
