import { describe, expect, it } from 'vitest'
import {
  deviceId,
  discoveryConfigs,
  isOwnObjectId,
  minerIdOfCommandTopic,
  objectIdOfConfigTopic,
  stateText,
  switchStateOf,
  topicsFor,
} from './discovery'
import { minerPlanState, minerReadingState, trackerState, unitState } from './states'
import { fakeSite, MINER_ID, OTHER_MINER_ID, observation, TRACKER_ID } from './test-support'

const topics = topicsFor('homeassistant', 'edge_mining')
const S9 = '6f0c5a523d1e4b8e9a510d1c2b3a4f50'
const HOME = '3a6f0b2c1d4e4f5a8b6c7d8e9f0a1b2c'

function configsByTopic(entities = fakeSite().entities, options = {}) {
  return new Map(
    discoveryConfigs(topics, entities, options).map((config) => [
      config.topic,
      JSON.parse(config.payload) as Record<string, unknown>,
    ]),
  )
}

describe('discovery configs', () => {
  it('announce every sensor of a tracker, a unit and two miners, and a switch per miner', () => {
    const configs = configsByTopic()
    // 5 pool sensors + 6 energy sensors + 2 × (5 miner sensors + the switch)
    expect(configs.size).toBe(23)
    const switches = [...configs.keys()].filter((topic) =>
      topic.startsWith('homeassistant/switch/'),
    )
    expect(switches).toEqual([
      `homeassistant/switch/edge_mining_miner_${S9}_mining/config`,
      'homeassistant/switch/edge_mining_miner_7a1d6b634e2f4c9f8b621e2d3c4b5a60_mining/config',
    ])
  })

  it('give every entity the keys Home Assistant needs, on topics it accepts', () => {
    for (const [topic, config] of configsByTopic()) {
      // <prefix>/<component>/<object_id>/config, object_id in [a-zA-Z0-9_-], equal to unique_id
      const match = /^homeassistant\/(sensor|switch)\/([a-zA-Z0-9_-]+)\/config$/.exec(topic)
      expect(match, topic).not.toBeNull()
      expect(config.unique_id).toBe(match?.[2])
      expect(typeof config.name).toBe('string')
      expect(config.state_topic).toMatch(
        /^edge_mining\/(tracker|miner|unit)\/[0-9a-f-]{36}\/state$/,
      )
      expect(config.value_template).toMatch(/^\{\{ value_json\.[a-z_]+ \}\}$/)
      expect(config.availability_topic).toBe('edge_mining/status')
      expect(config.payload_available).toBe('online')
      expect(config.payload_not_available).toBe('offline')
      const device = config.device as Record<string, unknown>
      expect(device.identifiers).toEqual([
        expect.stringMatching(/^edge_mining_(tracker|miner|unit)_[0-9a-f]{32}$/),
      ])
      expect(device.manufacturer).toBe('Edge Mining')
      if (match?.[1] === 'switch') {
        expect(config.command_topic).toMatch(/^edge_mining\/miner\/[0-9a-f-]{36}\/override\/set$/)
        expect(config.payload_on).toBe('ON')
        expect(config.payload_off).toBe('OFF')
      }
    }
  })

  it("describe a miner's power sensor with its device, hanging off its unit", () => {
    const power = configsByTopic().get(`homeassistant/sensor/edge_mining_miner_${S9}_power/config`)
    expect(power).toEqual({
      name: 'Power',
      unit_of_measurement: 'W',
      device_class: 'power',
      state_class: 'measurement',
      unique_id: `edge_mining_miner_${S9}_power`,
      state_topic: `edge_mining/miner/${MINER_ID}/state`,
      value_template: '{{ value_json.power }}',
      availability_topic: 'edge_mining/status',
      payload_available: 'online',
      payload_not_available: 'offline',
      device: {
        identifiers: [`edge_mining_miner_${S9}`],
        name: 'Garage S9',
        manufacturer: 'Edge Mining',
        model: 'Antminer S9',
        via_device: `edge_mining_unit_${HOME}`,
      },
      origin: { name: 'Edge Mining' },
    })
  })

  it('describe the override switch on the command topic the bridge listens to', () => {
    const mining = configsByTopic().get(
      `homeassistant/switch/edge_mining_miner_${S9}_mining/config`,
    )
    expect(mining).toMatchObject({
      unique_id: `edge_mining_miner_${S9}_mining`,
      command_topic: `edge_mining/miner/${MINER_ID}/override/set`,
      state_topic: `edge_mining/miner/${MINER_ID}/state`,
      value_template: '{{ value_json.mining }}',
      state_on: 'ON',
      state_off: 'OFF',
      retain: false,
    })
  })

  it('use HA units and classes for the pool and the energy', () => {
    const configs = configsByTopic()
    const tracker = (key: string) =>
      configs.get(
        `homeassistant/sensor/edge_mining_tracker_1b7f2c1e4a5b4c6d8e9f0a1b2c3d4e5f_${key}/config`,
      )
    expect(tracker('hashrate')).toMatchObject({
      unit_of_measurement: 'TH/s',
      state_class: 'measurement',
    })
    expect(tracker('unpaid')).toMatchObject({
      unit_of_measurement: 'sats',
      device_class: 'monetary',
      state_class: 'total',
    })
    expect(tracker('payout_progress')).toMatchObject({ unit_of_measurement: '%' })
    expect(tracker('seconds_since_last_share')).toMatchObject({
      unit_of_measurement: 's',
      device_class: 'duration',
    })
    expect(tracker('hashrate')?.device).toMatchObject({
      name: 'Ocean',
      model: 'Pool tracker (ocean)',
    })
    const soc = configs.get(`homeassistant/sensor/edge_mining_unit_${HOME}_battery_soc/config`)
    expect(soc).toMatchObject({ unit_of_measurement: '%', device_class: 'battery' })
    const status = configs.get(`homeassistant/sensor/edge_mining_miner_${S9}_status/config`)
    expect(status).toMatchObject({
      device_class: 'enum',
      options: ['unknown', 'off', 'on', 'starting', 'stopping', 'error'],
    })
  })

  it('derive ids from UUIDs only: renaming a device keeps them, and a restart gives the same', () => {
    const site = fakeSite()
    const before = [...configsByTopic(site.entities).keys()]
    const renamed = site.entities.miners[0]
    if (renamed) renamed.name = 'Shed S9'
    const after = configsByTopic(site.entities)
    expect([...after.keys()]).toEqual(before)
    expect(
      after.get(`homeassistant/sensor/edge_mining_miner_${S9}_power/config`)?.device,
    ).toMatchObject({
      name: 'Shed S9',
    })
  })

  it('hang a miner of no unit off nothing, and add expire_after when asked', () => {
    const site = fakeSite()
    site.entities.units = []
    const configs = configsByTopic(site.entities, { expireAfterSeconds: 300 })
    const power = configs.get(`homeassistant/sensor/edge_mining_miner_${S9}_power/config`)
    expect(power?.device).not.toHaveProperty('via_device')
    expect(power?.expire_after).toBe(300)
    // The switch has no expiry in HA.
    expect(
      configs.get(`homeassistant/switch/edge_mining_miner_${S9}_mining/config`),
    ).not.toHaveProperty('expire_after')
  })

  it('follow another base topic and discovery prefix', () => {
    const other = topicsFor('ha', 'sites/home')
    const [first] = discoveryConfigs(other, fakeSite().entities)
    expect(first?.topic).toBe(
      'ha/sensor/sites_home_tracker_1b7f2c1e4a5b4c6d8e9f0a1b2c3d4e5f_hashrate/config',
    )
    expect(JSON.parse(first?.payload ?? '{}')).toMatchObject({
      state_topic: `sites/home/tracker/${TRACKER_ID}/state`,
      availability_topic: 'sites/home/status',
    })
  })
})

describe('topics', () => {
  it('know their own object ids and no one else’s', () => {
    expect(isOwnObjectId(topics, `edge_mining_miner_${S9}_power`)).toBe(true)
    expect(isOwnObjectId(topics, `edge_mining_unit_${HOME}_battery_soc`)).toBe(true)
    expect(isOwnObjectId(topics, `other_miner_${S9}_power`)).toBe(false)
    expect(isOwnObjectId(topics, 'edge_mining_solar_power')).toBe(false)
    expect(isOwnObjectId(topics, `edge_mining_miner_${S9.slice(1)}_power`)).toBe(false)
    expect(deviceId(topics, 'miner', MINER_ID.toUpperCase())).toBe(`edge_mining_miner_${S9}`)
  })

  it('read the miner of a command topic and the object id of a config topic', () => {
    expect(minerIdOfCommandTopic(topics, `edge_mining/miner/${MINER_ID}/override/set`)).toBe(
      MINER_ID,
    )
    expect(minerIdOfCommandTopic(topics, `edge_mining/miner/${MINER_ID}/state`)).toBeNull()
    expect(minerIdOfCommandTopic(topics, 'edge_mining/miner/a/b/override/set')).toBeNull()
    expect(objectIdOfConfigTopic(topics, 'homeassistant/sensor/abc/config')).toBe('abc')
    expect(objectIdOfConfigTopic(topics, 'homeassistant/light/abc/config')).toBeNull()
    expect(objectIdOfConfigTopic(topics, 'homeassistant/sensor/node/abc/config')).toBeNull()
    expect(objectIdOfConfigTopic(topics, 'other/sensor/abc/config')).toBeNull()
  })
})

describe('states', () => {
  it("turn a cycle's readings into each device's JSON state, unknowns as null", () => {
    const seen = observation()
    const unit = seen.units[0]
    expect(unit && unitState(unit.reading)).toEqual({
      production: 4200,
      consumption: 800,
      battery_power: -150,
      battery_soc: 64,
      grid_power: 20,
      surplus: 3400,
    })
    expect(unitState({ energyState: null })).toEqual({
      production: null,
      consumption: null,
      battery_power: null,
      battery_soc: null,
      grid_power: null,
      surplus: null,
    })
    expect(trackerState(seen.snapshots[0]?.snapshot ?? null)).toEqual({
      hashrate: 13.2,
      unpaid: 43_210,
      payout_progress: 43.21,
      workers_online: 1,
      seconds_since_last_share: 12,
    })
    expect(trackerState(null).hashrate).toBeNull()
    expect(minerReadingState(unit?.miners[0]?.state ?? null)).toEqual({
      status: 'on',
      power: 1350,
      hashrate: 13.5,
      mining: 'ON',
    })
    expect(minerReadingState(null)).toEqual({
      status: null,
      power: null,
      hashrate: null,
      mining: null,
    })
  })

  it('take the status a cycle left a miner in when it acted, not the reading before it', () => {
    const plan = { miner_id: MINER_ID, decision: 'start_mining', reason: 'sunny' } as const
    expect(
      minerPlanState({ ...plan, executed: { success: true, status_after: 'starting' } }),
    ).toEqual({
      decision: 'start_mining',
      reason: 'sunny',
      status: 'starting',
      mining: 'ON',
    })
    // A failed start leaves the reading as it was.
    expect(minerPlanState({ ...plan, executed: { success: false, status_after: 'off' } })).toEqual({
      decision: 'start_mining',
      reason: 'sunny',
    })
  })

  it('switch ON while mining or starting, OFF otherwise, unknown when the status is', () => {
    expect(switchStateOf('on')).toBe('ON')
    expect(switchStateOf('starting')).toBe('ON')
    expect(switchStateOf('stopping')).toBe('OFF')
    expect(switchStateOf('off')).toBe('OFF')
    expect(switchStateOf('error')).toBe('OFF')
    expect(switchStateOf('unknown')).toBeNull()
    expect(switchStateOf(null)).toBeNull()
  })

  it('cut a reason to the 255 characters HA keeps', () => {
    const long = 'x'.repeat(300)
    const cut = stateText(long)
    expect(cut).toHaveLength(255)
    expect(cut?.endsWith('…')).toBe(true)
    expect(stateText('short')).toBe('short')
    expect(
      minerPlanState({
        miner_id: OTHER_MINER_ID,
        decision: 'stop_mining',
        reason: long,
        executed: null,
      }).reason,
    ).toBe(cut)
  })
})
