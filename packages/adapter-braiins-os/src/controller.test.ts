import { type ConfigurationError, DeviceError, FEATURE_METHODS } from '@edge-mining/domain'
import { type BraiinsOsFake, startBraiinsOsFake } from '@edge-mining/site-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { braiinsOsDefinition, createBraiinsOsController, statusFromDetails } from './index'
import { captureLogger, createTestPlatform, NOON, settle } from './test-support'

const PASSWORD = 'sup3r-secret-pw'
const fakes: BraiinsOsFake[] = []
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()?.close()
})

async function setup(options: Parameters<typeof startBraiinsOsFake>[0] = {}) {
  const platform = createTestPlatform(NOON)
  const logger = captureLogger()
  const fake = await startBraiinsOsFake({
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
    password: PASSWORD,
    hashrateThs: 104,
    powerW: 3250,
    ...options,
  })
  fakes.push(fake)
  const miner = createBraiinsOsController(
    { host: fake.url, password: PASSWORD },
    { platform, logger },
  )
  const paths = () =>
    fake.requests().map((entry) => `${entry.method} ${entry.path} ${entry.status}`)
  return { platform, logger, fake, miner, paths }
}

const thrown = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof Error)) throw new Error('expected a rejection')
  return error
}

describe('reading a Braiins OS miner', () => {
  it('reads status, hash rate in TH/s (from GH/s) and the approximated power', async () => {
    const { miner } = await setup()
    expect(await miner.getStatus()).toBe('on')
    const rate = await miner.getHashrate()
    expect(rate?.unit).toBe('TH/s')
    // The fake mines 104 TH/s ± 2 %: GH/s left unconverted would read 104 000.
    expect(rate?.value).toBeGreaterThan(101)
    expect(rate?.value).toBeLessThan(107)
    const power = await miner.getPower()
    expect(power).toBeGreaterThan(3200)
    expect(power).toBeLessThan(3300)
  })

  it('logs in once, sends the token raw, and the parallel reads of a cycle share one request each', async () => {
    const { miner, fake } = await setup()
    await Promise.all([
      miner.getStatus(),
      miner.getHashrate(),
      miner.getPower(),
      miner.getDeviceInfo(),
    ])
    const log = fake.requests()
    expect(log.map((entry) => entry.endpoint).sort()).toEqual(['details', 'login', 'stats'])
    expect(
      log.filter((entry) => entry.endpoint !== 'login').every((entry) => entry.auth === 'ok'),
    ).toBe(true)
    await miner.getStatus()
    expect(fake.requests().filter((entry) => entry.endpoint === 'login')).toHaveLength(1)
    expect(fake.requests().some((entry) => entry.endpoint === 'status_stream')).toBe(false)
  })

  it('says paused, starting and stopped as off, starting and off; stats 500 while down reads 0 TH/s and no power', async () => {
    const { miner, fake, platform } = await setup({ startingSeconds: 45, initial: 'paused' })
    expect(await miner.getStatus()).toBe('off')
    expect((await miner.getHashrate())?.value).toBeLessThan(0.01)
    expect(fake.state().mining).toBe(false)
    fake.reboot()
    platform.advance(91_000) // back on the network, bosminer starting
    expect(await miner.getStatus()).toBe('starting')
    expect(await miner.getHashrate()).toEqual({ value: 0, unit: 'TH/s' })
    expect(await miner.getPower()).toBeNull()
    expect(
      fake.requests().some((entry) => entry.endpoint === 'stats' && entry.status === 500),
    ).toBe(true)
    platform.advance(46_000)
    expect(await miner.getStatus()).toBe('on')
  })

  it('maps the detailed status and falls back to the integer one on older firmware', () => {
    const stopped = (reason: string) => ({
      detailed_status: { status: { stopped: { reason: { [reason]: {} } } } },
    })
    expect(statusFromDetails(stopped('user_pause'))).toBe('off')
    expect(statusFromDetails(stopped('dead_pools'))).toBe('off')
    expect(statusFromDetails(stopped('thermal_pause'))).toBe('error')
    expect(statusFromDetails(stopped('missing_license'))).toBe('error')
    expect(
      statusFromDetails({
        detailed_status: { status: { running: { reason: { preheating: {} } } } },
      }),
    ).toBe('starting')
    expect(statusFromDetails({ detailed_status: { status: { stopping: { reason: {} } } } })).toBe(
      'stopping',
    )
    expect([2, 3, 1, 4, 5, 0].map((status) => statusFromDetails({ status }))).toEqual([
      'on',
      'off',
      'off',
      'off',
      'error',
      'unknown',
    ])
    expect(statusFromDetails({ status: 2, detailed_status: null })).toBe('on')
  })

  it('reads device info and limits (sticker hash rate in TH/s, the power target maximum)', async () => {
    const { miner } = await setup({ model: 'Antminer S19J Pro', hashrateThs: 104 })
    expect(await miner.getDeviceInfo()).toEqual({
      model: 'Antminer S19J Pro',
      manufacturer: 'Bitmain',
      serial_number: 'JYZZA1BBCJAJA0123',
      mac_address: '94:e3:6d:fb:89:ad',
      hostname: 'miner-garage',
      firmware_version: '2025-07-15-0-8f3a1c2e-25.07-plus',
    })
    expect(await miner.getMaxHashrate()).toEqual({ value: 104, unit: 'TH/s' })
    expect(await miner.getMaxPower()).toBe(3600)
  })
})

describe('controlling it', () => {
  it('stops with PUT /actions/pause and starts with /actions/resume; the site sees it', async () => {
    const { miner, fake, paths } = await setup()
    await miner.stopMining()
    expect(fake.state()).toMatchObject({ paused: true, mining: false })
    expect(await miner.getStatus()).toBe('off')
    await miner.stopMining() // already paused: the device says true, still fine
    await miner.startMining()
    expect(fake.state()).toMatchObject({ paused: false, mining: true })
    expect(paths().filter((line) => line.startsWith('PUT'))).toEqual([
      'PUT /api/v1/actions/pause 200',
      'PUT /api/v1/actions/pause 200',
      'PUT /api/v1/actions/resume 200',
    ])
  })
})

describe('the session', () => {
  it('logs in again once when the token was refused (expired, rebooted) and goes on', async () => {
    const { miner, fake, paths } = await setup()
    await miner.getStatus()
    fake.expireSessions()
    fake.resetRequests()
    expect(await miner.getStatus()).toBe('on')
    expect(paths()).toEqual([
      'GET /api/v1/miner/details 401',
      'POST /api/v1/auth/login 200',
      'GET /api/v1/miner/details 200',
    ])
  })

  it('renews a session idle for nearly timeout_s before it expires, without a 401', async () => {
    const { miner, fake, platform, paths } = await setup({ sessionTimeoutSeconds: 3600 })
    await miner.getStatus()
    platform.advance(3000_000)
    await miner.getStatus() // 3000 s idle: the same token, renewed by the request
    platform.advance(3575_000)
    fake.resetRequests()
    await miner.getStatus()
    expect(paths()).toEqual(['POST /api/v1/auth/login 200', 'GET /api/v1/miner/details 200'])
  })

  it('fails clearly when the re-login is refused (a changed password), never showing password or token', async () => {
    const { miner, fake, logger } = await setup()
    await miner.getStatus()
    fake.expireSessions()
    fake.setPassword('someone-changed-it')
    const error = await thrown(miner.getStatus())
    expect(error).toBeInstanceOf(DeviceError)
    expect(error).toMatchObject({
      code: 'auth_failed',
      message: expect.stringMatching(
        /^Braiins OS at http:\/\/127\.0\.0\.1:\d+ refused the login of user 'root' \(HTTP 401\): check the username and password$/,
      ),
    })
    const said = [error.message, ...logger.lines].join('\n')
    expect(said).not.toContain(PASSWORD)
    // The fake's tokens are 16 letters and digits; no message or log line holds one.
    expect(said).not.toMatch(/[A-Za-z0-9]{16}/)
    expect(fake.requests().filter((entry) => entry.endpoint === 'login')).toHaveLength(2)
  })

  it('gives up after one re-login when even a fresh token is refused', async () => {
    const { miner, fake } = await setup()
    fake.fault({ endpoint: 'details', fault: { kind: 'unauthorized' } })
    const error = await thrown(miner.getStatus())
    expect(error).toMatchObject({
      code: 'auth_failed',
      message: expect.stringContaining(
        'refused a fresh session token for miner details (HTTP 401)',
      ),
    })
    expect(fake.requests().filter((entry) => entry.endpoint === 'details')).toHaveLength(2)
  })
})

describe('failures', () => {
  it('times out on the injected clock: a hanging miner is unreachable after request_timeout_seconds', async () => {
    const { miner, fake, platform } = await setup()
    fake.fault({ endpoint: 'details', fault: { kind: 'hang' } })
    const pending = miner.getStatus()
    const error = await thrown(settle(platform, pending, 1000))
    expect(error).toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/did not answer miner details within 5 s$/),
    })
  })

  it('garbage is bad_response, a 5xx and a dead host unreachable', async () => {
    const { miner, fake } = await setup()
    fake.setFaults([{ endpoint: 'details', times: 1, fault: { kind: 'garbage' } }])
    expect(await thrown(miner.getStatus())).toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('answered miner details with something that is not JSON'),
    })
    fake.setFaults([{ endpoint: 'details', times: 1, fault: { kind: 'truncated' } }])
    expect(await thrown(miner.getStatus())).toMatchObject({ code: 'bad_response' })
    fake.setFaults([
      { endpoint: 'details', times: 1, fault: { kind: 'server_error', status: 502 } },
    ])
    expect(await thrown(miner.getStatus())).toMatchObject({ code: 'unreachable' })
    fake.setFaults([{ fault: { kind: 'down' } }])
    expect(await thrown(miner.startMining())).toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/is unreachable for resume mining \(/),
    })
  })

  it('a wrong answer to pause is a bad response, not a silent success', async () => {
    const { miner, fake } = await setup()
    fake.fault({
      endpoint: 'pause',
      fault: { kind: 'garbage', body: '{"ok":1}', contentType: 'application/json' },
    })
    expect(await thrown(miner.stopMining())).toMatchObject({ code: 'bad_response' })
  })
})

describe('config and definition', () => {
  it('validates the config naming field and value, never the password', () => {
    const context = { platform: createTestPlatform(NOON), logger: captureLogger() }
    const error = (config: unknown) => {
      try {
        createBraiinsOsController(config as never, context)
      } catch (caught) {
        return caught as ConfigurationError
      }
      throw new Error('expected a ConfigurationError')
    }
    expect(error({ host: 'http://10.0.0.5/cgi-bin' })).toMatchObject({
      field: 'host',
      message:
        'braiins_os config host: must be an IP address, a host name or an http(s) URL such as 192.168.1.50, got "http://10.0.0.5/cgi-bin"',
    })
    expect(error({ host: '10.0.0.5', port: 0 }).field).toBe('port')
    expect(error({ host: '10.0.0.5', password: 1234 })).toMatchObject({
      field: 'password',
      message: 'braiins_os config password: must be a string (the password)',
    })
    expect(error({ host: '10.0.0.5', pasword: 'typo' }).message).toBe(
      'braiins_os config pasword: unknown key',
    )
    const ok = createBraiinsOsController({ host: '10.0.0.5' }, context)
    expect(ok.config).toEqual({
      host: '10.0.0.5',
      username: 'root',
      password: '',
      request_timeout_seconds: 5,
    })
  })

  it('implements every method of the features it declares: monitoring and mining control, no power control', () => {
    expect(braiinsOsDefinition).toMatchObject({
      kind: 'miner_controller',
      type: 'braiins_os',
      secretFields: ['password'],
    })
    const created = braiinsOsDefinition.create(
      { host: '10.0.0.5' },
      {
        platform: createTestPlatform(NOON),
        logger: captureLogger(),
        settings: {} as never,
        externalService: null,
      },
    ) as unknown as Record<string, unknown>
    const features = braiinsOsDefinition.features ?? []
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
  })
})
