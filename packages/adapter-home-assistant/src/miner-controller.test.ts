import { ConfigurationError, silentLogger } from '@edge-mining/domain'
import { afterEach, describe, expect, it } from 'vitest'
import { createGenericSocketController, genericSocketDefinition } from './miner-controller'
import { closeAll, harness, until } from './test-support'

afterEach(closeAll)

const PLUG = { entity_switch: 'switch.garage_s21', entity_power: 'sensor.garage_s21_power' }

describe('generic_socket_home_assistant_api', () => {
  it('status from the switch, power from its sensor; power control switches and confirms by re-reading', async () => {
    const { sim, context, platform } = await harness()
    const plug = createGenericSocketController(PLUG, context)
    expect(await plug.getStatus()).toBe('off')
    expect(await plug.getPower()).toBe(0)
    sim.resetRequests()
    await plug.powerOn()
    // The call, then one re-read that confirms it.
    expect(sim.requests().log.map((entry) => [entry.endpoint, entry.entity])).toEqual([
      ['call_service', 'switch.garage_s21'],
      ['state', 'switch.garage_s21'],
    ])
    expect(await plug.getStatus()).toBe('on')
    platform.advance(90_000)
    expect(await plug.getPower()).toBeGreaterThan(3400)
    await plug.powerOff()
    expect(await plug.getStatus()).toBe('off')
    expect(sim.switchLog().map((event) => event.state)).toEqual(['on', 'off'])
    expect(genericSocketDefinition.features).toEqual([
      'status_monitoring',
      'power_monitoring',
      'power_control',
    ])
  })

  it('a plug that reports late is polled until it does; one that never switches is an error', async () => {
    const { sim, context, platform } = await harness({
      miners: [{ name: 'Shed S9', powerW: 1350, switchDelayMs: 2500 }],
    })
    const plug = createGenericSocketController({ entity_switch: 'switch.shed_s9' }, context)
    const switching = plug.powerOn()
    // Each turn: the re-read answered and the controller waiting its second for the next one
    // (moving the clock before it waits would skip that wait).
    const waiting = () => (platform.nextTimerIn() ?? Number.POSITIVE_INFINITY) <= 1000
    for (let second = 0; second < 3; second++) {
      await until(
        () => sim.requests().log.filter((e) => e.endpoint === 'state').length > second && waiting(),
        're-read',
      )
      platform.advance(1000)
    }
    await switching
    expect(await plug.getStatus()).toBe('on')
    expect(sim.requests().log.filter((e) => e.endpoint === 'state').length).toBeGreaterThanOrEqual(
      3,
    )
    // Offline: HA skips it, the state never changes, the confirmation gives up.
    sim.set({ entities: { 'switch.shed_s9': { state: 'unavailable' } } })
    const reads = () => sim.requests().log.filter((e) => e.endpoint === 'state').length
    const before = reads()
    const stuck = plug.powerOff().catch((error: unknown) => error)
    // One re-read a second, for the 10 s confirm_timeout_seconds.
    for (let second = 0; second < 10; second++) {
      await until(() => reads() > before + second && waiting(), 'the next re-read')
      platform.advance(1000)
    }
    expect(await stuck).toMatchObject({
      code: 'unreachable',
      message:
        "switch.shed_s9 still reads 'unavailable' 10 s after switch.turn_off: the plug did not switch",
    })
    await expect(plug.getStatus()).rejects.toMatchObject({
      code: 'unreachable',
      message: 'switch.shed_s9 is unavailable in Home Assistant (the plug is offline)',
    })
  })

  it('an unknown entity or a state that is not on/off is a clear error; a missing power reading is null', async () => {
    const { sim, context, logger } = await harness()
    const typo = createGenericSocketController({ entity_switch: 'switch.garage_s12' }, context)
    await expect(typo.getStatus()).rejects.toMatchObject({
      code: 'bad_response',
      message: 'Home Assistant has no entity switch.garage_s12 (check entity_switch)',
    })
    await expect(typo.powerOn()).rejects.toMatchObject({ code: 'bad_response' })
    sim.set({
      entities: {
        'switch.garage_s21': { state: 'unknown' },
        'sensor.garage_s21_power': { state: 'unavailable' },
      },
    })
    const plug = createGenericSocketController(PLUG, context)
    await expect(plug.getStatus()).rejects.toMatchObject({ code: 'unreachable' })
    expect(await plug.getPower()).toBeNull()
    expect(await plug.getPower()).toBeNull()
    // Said once (not per read) at warn or info; requests themselves are debug lines.
    const told = logger.lines.filter(
      (line) => !line.startsWith('debug') && line.includes('sensor.garage_s21_power'),
    )
    expect(told).toHaveLength(1)
    const withoutSensor = createGenericSocketController(
      { entity_switch: 'switch.garage_s21' },
      context,
    )
    expect(await withoutSensor.getPower()).toBeNull()
  })

  it('refuses a config that cannot switch anything', () => {
    const make = (config: unknown) => () =>
      createGenericSocketController(config as never, {
        platform: {} as never,
        logger: silentLogger,
        externalService: null,
      })
    expect(make({})).toThrow(/entity_switch: required/)
    expect(make({ entity_switch: 'sensor.garage_plug' })).toThrow(
      /entity_switch: must be a switch, light, fan, input_boolean entity/,
    )
    expect(make({ entity_switch: 'switch.garage_plug', unit_power: 'A' })).toThrow(
      /unit_power: must be one of W, kW, MW/,
    )
    expect(make({ entity_switch: 'light.garage_plug' })).toThrow(ConfigurationError)
    expect(make({ entity_switch: 'light.garage_plug' })).toThrow(/external service/)
  })
})
