import { FEATURE_METHODS, UnsupportedFeatureError } from '@edge-mining/domain'
import { type AxeOsFake, startAxeOsFake } from '@edge-mining/site-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { axeOsDefinition, createAxeOsController } from './index'
import { captureLogger, createTestPlatform, NOON, settle } from './test-support'

const fakes: AxeOsFake[] = []
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()?.close()
})

async function setup(options: Parameters<typeof startAxeOsFake>[0] = {}) {
  const platform = createTestPlatform(NOON)
  const fake = await startAxeOsFake({
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
    hashrateGhs: 1150,
    powerW: 15,
    ...options,
  })
  fakes.push(fake)
  const bitaxe = createAxeOsController({ host: fake.url }, { platform, logger: captureLogger() })
  return { platform, fake, bitaxe }
}

const thrown = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof Error)) throw new Error('expected a rejection')
  return error
}

describe('reading a Bitaxe', () => {
  it('reads hash rate GH/s as TH/s, power in W, temperatures and fans, in one request', async () => {
    const { bitaxe, fake } = await setup()
    const [status, rate, power, boards, fans] = await Promise.all([
      bitaxe.getStatus(),
      bitaxe.getHashrate(),
      bitaxe.getPower(),
      bitaxe.getHashboards(),
      bitaxe.getInternalFanSpeed(),
    ])
    expect(status).toBe('on')
    // 1150 GH/s ± 3 % is 1.15 TH/s; unconverted it would read 1150.
    expect(rate?.unit).toBe('TH/s')
    expect(rate?.value).toBeGreaterThan(1.1)
    expect(rate?.value).toBeLessThan(1.2)
    expect(power).toBeGreaterThan(14.5)
    expect(power).toBeLessThan(15.5)
    expect(boards).toHaveLength(1)
    expect(boards[0]?.chip_temperature).toBeGreaterThan(40)
    expect(boards[0]?.voltage).toBeCloseTo(1.148, 3) // coreVoltageActual 1148 mV
    expect(boards[0]?.nominal_hash_rate).toEqual({ value: 1.15, unit: 'TH/s' })
    expect(fans).toEqual([{ index: 0, speed: 4100 }])
    expect(fake.requests().map((entry) => entry.endpoint)).toEqual(['info'])
  })

  it('reads old firmware too (bestDiff strings, no miningPaused, no expectedHashrate before 2.9)', async () => {
    const { bitaxe } = await setup({ version: 'v2.4.0' })
    expect(await bitaxe.getStatus()).toBe('on')
    expect((await bitaxe.getHashrate())?.value).toBeGreaterThan(1.1)
    expect(await bitaxe.getMaxHashrate()).toBeNull()
    expect(await bitaxe.getDeviceInfo()).toEqual({
      model: 'BM1370 (board 601)',
      manufacturer: null,
      serial_number: null,
      mac_address: 'AA:BB:CC:DD:EE:FF',
      hostname: 'bitaxe',
      firmware_version: 'v2.4.0',
    })
  })
})

describe('mining control', () => {
  it('pauses with POST /api/system/pause and resumes with /resume (AxeOS ≥ 2.14); the site sees it', async () => {
    const { bitaxe, fake } = await setup({ version: 'v2.14.2' })
    await bitaxe.stopMining()
    expect(fake.state()).toMatchObject({ paused: true, powerW: 0 })
    expect(await bitaxe.getStatus()).toBe('off')
    expect((await bitaxe.getHashrate())?.value).toBe(0)
    await bitaxe.startMining()
    expect(fake.state().paused).toBe(false)
    expect(await bitaxe.getStatus()).toBe('on')
    expect(
      fake
        .requests()
        .filter((entry) => entry.method === 'POST')
        .map((entry) => `${entry.path} ${entry.status}`),
    ).toEqual(['/api/system/pause 200', '/api/system/resume 200'])
  })

  it('on firmware before 2.14 says clearly that it cannot pause and to put it on a plug', async () => {
    const { bitaxe, fake } = await setup({ version: 'v2.9.0' })
    const error = await thrown(bitaxe.stopMining())
    expect(error).toBeInstanceOf(UnsupportedFeatureError)
    expect(error.message).toMatch(
      /^AxeOS at http:\/\/127\.0\.0\.1:\d+ runs AxeOS v2\.9\.0, which cannot pause mining \(pause and resume arrived in AxeOS v2\.14\.0\): update the firmware, or put the Bitaxe on a smart plug/,
    )
    expect((await thrown(bitaxe.startMining())).message).toContain('cannot resume mining')
    expect(fake.state()).toMatchObject({ paused: false })
  })

  it('a firmware update makes pause work without recreating the controller', async () => {
    const { bitaxe, fake, platform } = await setup({ version: 'v2.9.0', restartSeconds: 5 })
    await thrown(bitaxe.stopMining())
    fake.setFirmware('v2.14.2')
    platform.advance(10_000)
    await bitaxe.stopMining()
    expect(await bitaxe.getStatus()).toBe('off')
  })
})

describe('failures', () => {
  it('times out on the injected clock', async () => {
    const { bitaxe, fake, platform } = await setup()
    fake.fault({ fault: { kind: 'hang' } })
    const error = await thrown(settle(platform, bitaxe.getPower(), 1000))
    expect(error).toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/did not answer system info within 5 s$/),
    })
  })

  it('garbage and wrong shapes are bad_response; down and 5xx unreachable; a restart is unreachable for a while', async () => {
    const { bitaxe, fake, platform } = await setup({ restartSeconds: 5 })
    fake.setFaults([{ times: 1, fault: { kind: 'garbage' } }])
    expect(await thrown(bitaxe.getStatus())).toMatchObject({ code: 'bad_response' })
    fake.setFaults([
      {
        times: 1,
        fault: { kind: 'garbage', body: '{"power":"lots"}', contentType: 'application/json' },
      },
    ])
    expect(await thrown(bitaxe.getPower())).toMatchObject({ code: 'bad_response' })
    fake.setFaults([{ times: 1, fault: { kind: 'server_error' } }])
    expect(await thrown(bitaxe.getStatus())).toMatchObject({ code: 'unreachable' })
    fake.setFaults([])
    await fetch(`${fake.url}/api/system/restart`, { method: 'POST' })
    platform.advance(2000)
    expect(await thrown(bitaxe.getStatus())).toMatchObject({ code: 'unreachable' })
    platform.advance(60_000)
    expect(await bitaxe.getStatus()).toBe('on')
  })

  it('an overheated or faulted board reads error', async () => {
    const { bitaxe, fake } = await setup()
    fake.fault({
      times: 1,
      fault: {
        kind: 'garbage',
        contentType: 'application/json',
        body: JSON.stringify({ power: 3, hashRate: 0, overheat_mode: 1, miningPaused: false }),
      },
    })
    expect(await bitaxe.getStatus()).toBe('error')
  })
})

describe('definition', () => {
  it('offers mining control but no power control, and implements every declared feature', () => {
    const created = axeOsDefinition.create(
      { host: '192.168.1.50' },
      {
        platform: createTestPlatform(NOON),
        logger: captureLogger(),
        settings: {} as never,
        externalService: null,
      },
    ) as unknown as Record<string, unknown>
    const features = axeOsDefinition.features ?? []
    expect(features).toEqual(
      expect.arrayContaining([
        'status_monitoring',
        'hashrate_monitoring',
        'power_monitoring',
        'mining_control',
      ]),
    )
    expect(features).not.toContain('power_control')
    for (const feature of features) {
      for (const method of FEATURE_METHODS[feature]) {
        expect(typeof created[method], `${feature}: ${method}`).toBe('function')
      }
    }
    expect(() => axeOsDefinition.create({ host: 'bitaxe.local', token: 'x' }, {} as never)).toThrow(
      'axeos config token: unknown key',
    )
  })
})
