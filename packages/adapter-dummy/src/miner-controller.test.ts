import type { MinerEntity } from '@edge-mining/domain'
import { ConfigurationError, DeviceError, FEATURE_METHODS, hashRate } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import {
  createDummyMinerController,
  DUMMY_MINER_FEATURES,
  type DummyMinerControllerConfigInput,
  dummyMinerControllerDefinition,
} from './miner-controller'
import { contextOn, type FakeClock, fakeClock } from './test-helpers'

const START = '2026-06-21T10:00:00.000Z'

function minerEntity(overrides: Partial<MinerEntity> = {}): MinerEntity {
  return {
    id: '6f0c5a52-3d1e-4b8e-9a51-0d1c2b3a4f50',
    name: 'S19',
    model: 'Antminer S19 Pro',
    hash_rate_max: hashRate(110),
    power_consumption_max: 3250,
    active: true,
    features: [],
    controller_ids: [],
    pool_worker_name: null,
    ...overrides,
  }
}

function setup(config: DummyMinerControllerConfigInput = {}, miner = minerEntity()) {
  const clock = fakeClock(START)
  const controller = createDummyMinerController(config, contextOn(clock, { miner }))
  return { clock, controller }
}

async function readAll(controller: ReturnType<typeof setup>['controller']) {
  return {
    status: await controller.getStatus(),
    power: await controller.getPower(),
    hashrate: (await controller.getHashrate())?.value,
  }
}

describe('dummy miner controller: state machine on simulated time', () => {
  it('starts off by default and is on after transition_seconds, not before', async () => {
    const { clock, controller } = setup({ transition_seconds: 10 })
    expect(await controller.getStatus()).toBe('off')
    await controller.startMining()
    expect(await controller.getStatus()).toBe('starting')
    clock.advance(9_999)
    // Reads alone never move the state (upstream advanced it per get_status call).
    for (let read = 0; read < 50; read += 1) expect(await controller.getStatus()).toBe('starting')
    clock.advance(1)
    expect(await controller.getStatus()).toBe('on')
  })

  it('stops through stopping to off, then draws standby power and no hash rate', async () => {
    const { clock, controller } = setup({ initial_status: 'on', transition_seconds: 20 })
    expect(await controller.getStatus()).toBe('on')
    await controller.stopMining()
    expect(await controller.getStatus()).toBe('stopping')
    clock.advance(19_000)
    expect(await controller.getStatus()).toBe('stopping')
    clock.advance(1_000)
    expect(await readAll(controller)).toEqual({ status: 'off', power: 5, hashrate: 0 })
  })

  it('power control follows the same path as mining control', async () => {
    const { clock, controller } = setup({ transition_seconds: 5 })
    await controller.powerOn()
    clock.advance(5_000)
    expect(await controller.getStatus()).toBe('on')
    await controller.powerOff()
    expect(await controller.getStatus()).toBe('stopping')
    clock.advance(5_000)
    expect(await controller.getStatus()).toBe('off')
  })

  it('ignores a start while starting or on, and a stop while off', async () => {
    const { clock, controller } = setup({ transition_seconds: 10 })
    await controller.stopMining()
    expect(await controller.getStatus()).toBe('off')
    await controller.startMining()
    clock.advance(6_000)
    // A second start must not restart the 10 s transition: on 10 s after the first one.
    await controller.startMining()
    clock.advance(4_000)
    expect(await controller.getStatus()).toBe('on')
    clock.advance(50_000)
    await controller.startMining()
    expect(await controller.getStatus()).toBe('on')
    expect(await controller.getSystemUptime()).toBe(60)
  })

  it('with transition_seconds 0 switches at once', async () => {
    const { controller } = setup({ transition_seconds: 0 })
    await controller.startMining()
    expect(await controller.getStatus()).toBe('on')
  })

  it('counts uptime from the last start and reports 0 when off', async () => {
    const { clock, controller } = setup({ transition_seconds: 10 })
    expect(await controller.getSystemUptime()).toBe(0)
    await controller.startMining()
    clock.advance(70_000)
    expect(await controller.getSystemUptime()).toBe(70)
    await controller.stopMining()
    clock.advance(10_000)
    expect(await controller.getSystemUptime()).toBe(0)
    await controller.startMining()
    clock.advance(3_000)
    expect(await controller.getSystemUptime()).toBe(3)
    expect(await controller.getBlocksFound()).toBe(0)
  })
})

describe('dummy miner controller: failures', () => {
  it('with fail_rate 1 every command throws DeviceError unreachable and nothing moves', async () => {
    const { controller } = setup({ fail_rate: 1, seed: 3 })
    for (const command of [controller.startMining, controller.powerOn, controller.stopMining]) {
      const error = await command().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(DeviceError)
      expect((error as DeviceError).code).toBe('unreachable')
    }
    expect(await controller.getStatus()).toBe('off')
  })

  it('with fail_rate 0 (the default) no command throws', async () => {
    const { controller } = setup()
    for (let round = 0; round < 100; round += 1) {
      await controller.startMining()
      await controller.stopMining()
    }
    expect(await controller.getStatus()).toBe('stopping')
  })
})

describe('dummy miner controller: readings', () => {
  it("scale with the miner's maxima: 92–100 % of power and 95–100 % of hash rate when on", async () => {
    for (const [power, hashrate] of [
      [3250, 110],
      [15, 1.2],
    ] as const) {
      const miner = minerEntity({ power_consumption_max: power, hash_rate_max: hashRate(hashrate) })
      const { clock, controller } = setup({ initial_status: 'on' }, miner)
      for (let minute = 0; minute < 30; minute += 1) {
        const reading = await readAll(controller)
        expect(reading.power).toBeGreaterThanOrEqual(power * 0.92 - 0.05)
        expect(reading.power).toBeLessThanOrEqual(power + 0.05)
        expect(reading.hashrate).toBeGreaterThanOrEqual(hashrate * 0.95 - 0.0005)
        expect(reading.hashrate).toBeLessThanOrEqual(hashrate + 0.0005)
        clock.advance(60_000)
      }
      expect(await controller.getMaxPower()).toBe(power)
      expect(await controller.getMaxHashrate()).toEqual(hashRate(hashrate))
    }
  })

  it('ramps power linearly while starting and reads 0 TH/s until on', async () => {
    const { clock, controller } = setup({ transition_seconds: 10 })
    await controller.startMining()
    clock.advance(5_000)
    // Half way from 5 W standby to 92 % of 3250 W = 2990 W: 5 + (2990 − 5) / 2.
    expect(await readAll(controller)).toEqual({ status: 'starting', power: 1497.5, hashrate: 0 })
  })

  it('lets the config override the miner maxima', async () => {
    const { controller } = setup({ initial_status: 'on', power_max: 1000, hashrate_max: 50 })
    const power = await controller.getPower()
    expect(power).toBeGreaterThanOrEqual(920)
    expect(power).toBeLessThanOrEqual(1000)
    expect(await controller.getMaxPower()).toBe(1000)
    expect(await controller.getMaxHashrate()).toEqual(hashRate(50))
  })

  it('has 3 hashboards that add up to the hash rate and warm up with the power', async () => {
    const { clock, controller } = setup({ transition_seconds: 10 })
    const cold = await controller.getHashboards()
    const inlet = await controller.getInletTemperature()
    expect(inlet).toBeGreaterThanOrEqual(24)
    expect(inlet).toBeLessThanOrEqual(26)
    expect(cold).toHaveLength(3)
    for (const board of cold) {
      // Off: inlet (24–26 °C) ± 1.5 °C per board, and 5/3250 of the 38 °C rise.
      expect(board.board_temperature).toBeGreaterThanOrEqual(22.5)
      expect(board.board_temperature).toBeLessThanOrEqual(27.6)
      expect(board.hash_rate).toEqual(hashRate(0))
    }
    await controller.startMining()
    clock.advance(10_000)
    const hot = await controller.getHashboards()
    const total = (await controller.getHashrate())?.value ?? 0
    const sum = hot.reduce((acc, board) => acc + (board.hash_rate?.value ?? 0), 0)
    expect(sum).toBeCloseTo(total, 2)
    const nominal = hot.reduce((acc, board) => acc + (board.nominal_hash_rate?.value ?? 0), 0)
    expect(nominal).toBeCloseTo(110, 2)
    for (const board of hot) {
      // On: at least 24 + 38 × 0.92 − 1.5 = 57.46 °C on the board, chips hotter.
      expect(board.board_temperature).toBeGreaterThanOrEqual(57.4)
      expect(board.chip_temperature).toBeGreaterThan(board.board_temperature ?? 0)
      expect(board.frequency).toBe(525)
    }
    const fans = await controller.getInternalFanSpeed()
    expect(fans).toHaveLength(4)
    expect(fans.every((fan) => (fan.speed ?? 0) > 2400)).toBe(true)
  })

  it('reads the same at the same instant and is reproducible for one seed', async () => {
    const first = setup({ initial_status: 'on', seed: 11 })
    const second = setup({ initial_status: 'on', seed: 11 })
    first.clock.advance(123_456)
    second.clock.advance(123_456)
    const reading = await readAll(first.controller)
    expect(await readAll(first.controller)).toEqual(reading)
    expect(await readAll(second.controller)).toEqual(reading)
    expect(await first.controller.getHashboards()).toEqual(await second.controller.getHashboards())
  })

  it('describes the device from the miner: its model and a serial derived from its id', async () => {
    const info = await setup().controller.getDeviceInfo()
    expect(info?.model).toBe('Antminer S19 Pro')
    expect(info?.serial_number).toMatch(/^DUMMY-[0-9A-F]{8}$/)
    expect(info?.mac_address).toMatch(/^02:00(:[0-9A-F]{2}){4}$/)
    const again = await setup().controller.getDeviceInfo()
    expect(again).toEqual(info)
    const other = await setup(
      {},
      minerEntity({ id: '0b7d1e4c-8f2a-4c3b-9d6e-5a4b3c2d1e0f' }),
    ).controller.getDeviceInfo()
    expect(other?.serial_number).not.toBe(info?.serial_number)
  })
})

describe('dummy miner controller: configuration', () => {
  it('throws ConfigurationError naming the missing maximum', () => {
    const noPower = minerEntity({ power_consumption_max: null })
    expect(() => setup({}, noPower)).toThrow(ConfigurationError)
    expect(() => setup({}, noPower)).toThrow(/power_consumption_max.*power_max/)
    try {
      setup({}, minerEntity({ hash_rate_max: null }))
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError)
      expect((error as ConfigurationError).field).toBe('hashrate_max')
    }
    expect(() => setup({ power_max: 1200 }, noPower)).not.toThrow()
  })

  it('needs a miner and rejects unknown keys and out-of-range values', () => {
    const clock = fakeClock(START)
    expect(() => createDummyMinerController({}, contextOn(clock))).toThrow(/needs a miner/)
    expect(() => setup({ colour: 'red' } as never)).toThrow(/colour: unknown key/)
    expect(() => setup({ fail_rate: 1.5 })).toThrow(ConfigurationError)
    expect(() => setup({ initial_status: 'starting' as never })).toThrow(/initial_status/)
  })
})

describe('dummyMinerControllerDefinition', () => {
  function onController(clock: FakeClock, miner: MinerEntity) {
    return dummyMinerControllerDefinition.create({}, contextOn(clock, { miner }))
  }

  it('implements every method its features promise', () => {
    const controller = onController(fakeClock(START), minerEntity())
    expect(dummyMinerControllerDefinition.features).toEqual(DUMMY_MINER_FEATURES)
    for (const feature of DUMMY_MINER_FEATURES) {
      for (const method of FEATURE_METHODS[feature]) {
        expect(typeof controller[method], `${feature}: ${method}`).toBe('function')
      }
    }
  })

  it('gives two miners on one controller independent state', async () => {
    const clock = fakeClock(START)
    const first = onController(clock, minerEntity())
    const second = onController(
      clock,
      minerEntity({ id: '0b7d1e4c-8f2a-4c3b-9d6e-5a4b3c2d1e0f', name: 'S21' }),
    )
    await first.startMining?.()
    clock.advance(10_000)
    expect(await first.getStatus?.()).toBe('on')
    expect(await second.getStatus?.()).toBe('off')
    expect(await second.getPower?.()).toBe(5)
  })
})
