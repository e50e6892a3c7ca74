import { DeviceError, EntityNotFoundError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import type { CycleReport } from './loop'
import {
  countingPool,
  energyReading,
  hang,
  type LoopTunables,
  loopSetup,
  uuidNumber,
} from './test-support/fakes'

const T0 = '2026-06-21T10:00:00.000Z'
/** ISO of T0 + `seconds`. */
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString()
const DAY = 86_400

const START = { field: 'energy_state.production', operator: 'gt', value: 3000 }
const STOP = { field: 'energy_state.production', operator: 'lt', value: 1000 }
const SUN_FIRED = "start rule 'Sun' fired (energy_state.production = 4000 W > 3000)"

/**
 * A site: a meter whose production the test sets (4000 W: the start rule fires), a policy
 * "Solar" (start above 3000 W, stop below 1000 W), a notifier, and the unit "House" with one
 * miner "Rig" behind a mining-control controller, enabled. `cycle(s)` runs a cycle at T0 + s
 * and waits for its notifications.
 */
function arrange(
  options: { minOn?: number; minOff?: number; forSeconds?: number; loop?: LoopTunables } = {},
) {
  const s = loopSetup({ start: T0 })
  const { services, world, platform } = s
  const site = { production: 4000, reads: 0 }
  const meter = () => {
    site.reads += 1
    return energyReading(new Date(platform.now()).toISOString(), { production: site.production })
  }
  world.energy.set('home', meter)
  const monitor = services.adapters.energy_monitor.create({ adapter_type: 'fake_meter' })
  const source = services.energySources.create({ name: 'Roof', energy_monitor_id: monitor.id })
  const policy = services.policies.create({ name: 'Solar' })
  const sun = services.policies.addRule(policy.id, 'start', {
    name: 'Sun',
    conditions: START,
    ...(options.forSeconds ? { for_seconds: options.forSeconds } : {}),
  })
  const dusk = services.policies.addRule(policy.id, 'stop', { name: 'Dusk', conditions: STOP })
  const notifier = services.adapters.notifier.create({
    adapter_type: 'fake_chat',
    config: { channel: '#rigs', token: 'chat-token' },
  })
  const controllers: Record<string, string> = {}
  /** A miner behind a new controller of `type` talking to the world's device `host`. */
  const minerAt = (name: string, host: string, type = 'fake_asic') => {
    const controller = services.adapters.miner_controller.create({
      adapter_type: type,
      config: { host },
    })
    controllers[host] = controller.id
    return services.miners.create({ name, controller_ids: [controller.id] })
  }
  const addUnit = (name: string, minerIds: string[], extra: Record<string, unknown> = {}) =>
    services.units.enable(
      services.units.create({
        name,
        policy_id: policy.id,
        energy_source_id: source.id,
        target_miner_ids: minerIds,
        notifier_ids: [notifier.id],
        min_on_seconds: options.minOn ?? 300,
        min_off_seconds: options.minOff ?? 300,
        ...extra,
      }).id,
    )
  const rig = minerAt('Rig', 'asic-1')
  const unit = addUnit('House', [rig.id])
  const loop = s.createLoop(options.loop)
  async function cycle(seconds: number, run = loop) {
    await platform.advance(Date.parse(at(seconds)) - platform.now())
    const report = await run.runCycle()
    await run.notifications.drain()
    return report
  }
  /** The decision log, oldest first. */
  const log = (kinds?: ('decision' | 'action' | 'hold' | 'skip' | 'notice' | 'notification')[]) =>
    loop.decisions({ limit: 1000, ...(kinds ? { kinds } : {}) }).reverse()
  const titles = () => world.sent.map((sent) => sent.notification.title)
  return {
    ...s,
    site,
    meter,
    monitor,
    source,
    policy,
    sun,
    dusk,
    notifier,
    controllers,
    minerAt,
    addUnit,
    rig,
    unit,
    loop,
    cycle,
    log,
    titles,
    device: world.device('asic-1'),
  }
}

function minerOf(report: CycleReport) {
  return (unitName: string, minerName: string) => {
    const found = report.units
      .find((unit) => unit.unit_name === unitName)
      ?.miners.find((miner) => miner.miner_name === minerName)
    if (!found) throw new Error(`no plan for ${unitName}/${minerName}`)
    return found
  }
}

describe('decision loop: acting', () => {
  it('starts a miner through its mining control and records, notifies and publishes it', async () => {
    const a = arrange()
    const report = await a.cycle(0)
    expect(report).toMatchObject({ started_at: T0, finished_at: T0, dry_run: false })
    const [house] = report.units
    expect(house).toMatchObject({ unit_id: a.unit.id, unit_name: 'House', notice: null })
    expect(house?.miners).toHaveLength(1)
    expect(house?.miners[0]).toMatchObject({
      miner_id: a.rig.id,
      status: 'off',
      decision: 'start_mining',
      action: 'start',
      kind: 'act',
      control: 'mining_control',
      rule: { id: a.sun.id, name: 'Sun', type: 'start' },
      reason: `Start: ${SUN_FIRED}`,
      executed: { success: true, status_after: 'on', error: null },
    })
    expect(a.device.calls.filter((call) => !call.startsWith('get'))).toEqual(['startMining'])
    expect(a.device.status).toBe('on')
    // The switch is kept: the minimum on/off times count from it.
    expect(a.loopRepositories.minerRuntime.get(a.rig.id)).toEqual({
      miner_id: a.rig.id,
      last_status: 'on',
      last_switch_at: T0,
      last_action: 'start',
    })
    const entries = a.log()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      at: T0,
      kind: 'action',
      unit_id: a.unit.id,
      unit_name: 'House',
      miner_id: a.rig.id,
      miner_name: 'Rig',
      policy_id: a.policy.id,
      policy_name: 'Solar',
      rule_id: a.sun.id,
      rule_name: 'Sun',
      rule_type: 'start',
      decision: 'start_mining',
      action: 'start',
      outcome: 'executed',
      status_before: 'off',
      status_after: 'on',
      reason: `Start: ${SUN_FIRED}`,
      details: { control: 'mining_control' },
    })
    expect(entries[0]?.trace).toEqual([
      expect.objectContaining({
        kind: 'rule',
        status: 'fired',
        result: 'true',
        rule: expect.objectContaining({ id: a.sun.id, name: 'Sun' }),
      }),
    ])
    expect(a.events.filter((event) => event.topic === 'miner.state').map((e) => e.payload)).toEqual(
      [{ miner_id: a.rig.id, miner_name: 'Rig', old_status: 'off', new_status: 'on' }],
    )
    expect(a.world.sent).toHaveLength(1)
    expect(a.world.sent[0]?.channel).toBe('#rigs')
    expect(a.world.sent[0]?.notification).toMatchObject({
      event: 'miner_started',
      title: 'Miner Started: Rig',
      message: `Miner Rig (${a.rig.id}) was started. (Optimization Unit: House)\nStart: ${SUN_FIRED}`,
      at: T0,
      unit: { id: a.unit.id, name: 'House' },
      miner: { id: a.rig.id, name: 'Rig' },
      decision: 'start_mining',
    })
  })

  it('starts a plug-only miner through its power control (upstream could not, trap T2)', async () => {
    const a = arrange()
    const plugged = a.minerAt('Plugged', 'plug-1', 'fake_plug')
    a.addUnit('Shed', [plugged.id])
    const report = await a.cycle(0)
    const plan = minerOf(report)('Shed', 'Plugged')
    expect(plan).toMatchObject({
      action: 'start',
      control: 'power_control',
      executed: { success: true, status_after: 'on' },
    })
    const plug = a.world.device('plug-1')
    expect(plug.calls.filter((call) => !call.startsWith('get'))).toEqual(['powerOn'])
    expect(a.log(['action']).find((entry) => entry.miner_id === plugged.id)).toMatchObject({
      outcome: 'executed',
      status_before: 'off',
      status_after: 'on',
      details: { control: 'power_control' },
    })
    expect(a.titles().sort()).toEqual(['Miner Started: Plugged', 'Miner Started: Rig'])
    a.site.production = 500
    const stopped = await a.cycle(300) // past the minimum on time
    expect(minerOf(stopped)('Shed', 'Plugged')).toMatchObject({
      action: 'stop',
      control: 'power_control',
      executed: { success: true, status_after: 'off' },
    })
    expect(plug.calls.filter((call) => !call.startsWith('get'))).toEqual(['powerOn', 'powerOff'])
  })

  it('records changes of decision, not repeats', async () => {
    const a = arrange()
    await a.cycle(0) // start
    for (let second = 5; second <= 60; second += 5) await a.cycle(second)
    const entries = a.log()
    expect(entries.map((entry) => [entry.at, entry.kind, entry.decision, entry.outcome])).toEqual([
      [T0, 'action', 'start_mining', 'executed'],
      [at(5), 'decision', 'maintain_state', 'decided'],
    ])
    expect(entries[1]?.reason).toBe('Maintain: no stop rule fired (miner on)')
    expect(a.titles()).toEqual(['Miner Started: Rig'])
  })

  it('a new loop over the same log records no repeat either (a restart, a one-off cycle run)', async () => {
    const a = arrange({ minOn: 0 })
    await a.cycle(0) // start
    await a.cycle(5) // maintain, logged as a change
    const restarted = a.createLoop()
    await a.cycle(10, restarted)
    await a.cycle(15, a.createLoop())
    expect(a.log().map((entry) => [entry.at, entry.kind, entry.decision])).toEqual([
      [T0, 'action', 'start_mining'],
      [at(5), 'decision', 'maintain_state'],
    ])
    a.site.production = 500
    await a.cycle(20, a.createLoop())
    expect(a.log().at(-1)).toMatchObject({ kind: 'action', decision: 'stop_mining', at: at(20) })
  })

  it('a failing start is recorded every time, notified once per cool-down', async () => {
    const a = arrange()
    a.device.commandError = new DeviceError('unreachable', 'connection refused')
    for (let second = 0; second <= 60; second += 5) {
      const report = await a.cycle(second)
      expect(report.units[0]?.miners[0]?.executed).toEqual({
        success: false,
        status_after: 'off',
        error: 'connection refused',
      })
    }
    const failures = a.log(['action'])
    expect(failures).toHaveLength(13)
    expect(failures[0]).toMatchObject({
      outcome: 'failed',
      action: 'start',
      status_before: 'off',
      status_after: 'off',
      reason: `Start: ${SUN_FIRED} — the start failed: connection refused`,
    })
    expect(a.titles()).toEqual(['Miner Start Failed: Rig'])
    expect(a.world.sent[0]?.notification.message).toBe(
      `Attempt to start miner Rig (${a.rig.id}) failed: connection refused. (Optimization Unit: House)`,
    )
    // Nothing was switched: no last switch, no miner.state event.
    expect(a.loopRepositories.minerRuntime.get(a.rig.id)).toBeNull()
    expect(a.events.some((event) => event.topic === 'miner.state')).toBe(false)
    await a.cycle(899)
    expect(a.titles()).toHaveLength(1)
    await a.cycle(900) // the 15 min cool-down is over
    expect(a.titles()).toEqual(['Miner Start Failed: Rig', 'Miner Start Failed: Rig'])
  })

  it('a command that never answers fails after the action timeout; the miner is not counted as switched', async () => {
    const a = arrange()
    a.device.commandHangs = true
    const pending = a.loop.runCycle()
    await a.platform.advance(15_000)
    const report = await pending
    expect(report.units[0]?.miners[0]?.executed).toEqual({
      success: false,
      status_after: 'off',
      error: 'Rig start: no answer within 15 s',
    })
    expect(report.duration_ms).toBe(15_000)
    expect(a.log(['action'])[0]).toMatchObject({ outcome: 'failed', at: at(15) })
    expect(a.loopRepositories.minerRuntime.get(a.rig.id)).toBeNull()
  })

  it('each miner is decided on its own context: miner, miner_state and pool_worker', async () => {
    const a = arrange()
    const tracker = a.services.trackers.create({
      adapter_type: 'fake_pool',
      config: { account: 'alice', api_token: 'pool-token-1' },
    })
    const worker = (name: string, state: 'online' | 'offline') => ({
      worker_name: name,
      hashrate: { value: state === 'online' ? 98 : 0, unit: 'TH/s' as const },
      last_share_at: T0,
      valid_shares: 10,
      stale_shares: 0,
      rejected_shares: 0,
      state,
    })
    a.world.pools.set('alice', {
      hashrate: { value: 98, unit: 'TH/s' },
      stats: {
        current_hashrate: { value: 98, unit: 'TH/s' },
        average_hashrate_24h: null,
        average_hashrate_7d: null,
        unpaid_balance: 1000,
        estimated_next_payout: null,
        workers: [worker('rig-1', 'online'), worker('rig-2', 'offline')],
        last_share_at: T0,
        timestamp: T0,
      },
      payout: null,
    })
    const policy = a.services.policies.create({ name: 'Workers' })
    a.services.policies.addRule(policy.id, 'start', {
      name: 'Pool sees it',
      conditions: { field: 'pool_worker.state', operator: 'eq', value: 'online' },
    })
    a.services.policies.addRule(policy.id, 'stop', { name: 'Dusk', conditions: STOP })
    const second = a.minerAt('Second', 'asic-2')
    a.services.miners.update(a.rig.id, { pool_worker_name: 'RIG-1' })
    a.services.miners.update(second.id, { pool_worker_name: 'rig-2' })
    a.services.units.update(a.unit.id, {
      policy_id: policy.id,
      performance_tracker_id: tracker.id,
      target_miner_ids: [a.rig.id, second.id],
    })
    const report = await a.cycle(0)
    expect(minerOf(report)('House', 'Rig')).toMatchObject({
      action: 'start',
      reason: `Start: start rule 'Pool sees it' fired (pool_worker.state = "online" == "online")`,
    })
    expect(minerOf(report)('House', 'Second')).toMatchObject({
      action: 'none',
      reason: 'Maintain: no start rule fired (miner off)',
    })
    expect(a.world.device('asic-2').calls).not.toContain('startMining')
  })

  it('a notifier that throws: the loss is an undelivered entry; the cycle is unaffected', async () => {
    const a = arrange()
    a.world.notifierError = new Error('chat service down')
    const report = await a.cycle(0)
    expect(report.units[0]?.miners[0]?.executed?.success).toBe(true)
    expect(a.device.status).toBe('on')
    const entries = a.log()
    expect(entries.map((entry) => [entry.kind, entry.outcome])).toEqual([
      ['action', 'executed'],
      ['notification', 'undelivered'],
    ])
    expect(entries[1]).toMatchObject({
      unit_id: a.unit.id,
      miner_id: a.rig.id,
      miner_name: 'Rig',
      decision: 'start_mining',
      reason: "Notification 'Miner Started: Rig' not delivered: chat service down",
      details: { event: 'miner_started' },
    })
    expect(a.logger.lines).toContain(
      `warn: Notifier ${a.notifier.id} did not deliver 'Miner Started: Rig': chat service down`,
    )
    // The next cycles run as usual.
    a.site.production = 500
    await a.cycle(400)
    expect(a.device.status).toBe('off')
  })
})

describe('decision loop: guards', () => {
  it('the minimum on time holds a stop, recorded once with the time left, then stops', async () => {
    const a = arrange()
    await a.cycle(0)
    a.site.production = 500
    const held = await a.cycle(60)
    expect(held.units[0]?.miners[0]).toMatchObject({
      kind: 'hold',
      action: 'none',
      decision: 'stop_mining',
      hold: { reason: 'min_on', until: at(300), remaining_seconds: 240 },
      reason:
        "Held: stop rule 'Dusk' fired (energy_state.production = 500 W < 1000), but the minimum on time keeps it on for 4 min more (until 2026-06-21T10:05:00.000Z)",
      executed: null,
    })
    for (const second of [120, 180, 240, 295]) await a.cycle(second)
    expect(a.device.calls).not.toContain('stopMining')
    const holds = a.log(['hold'])
    expect(holds).toHaveLength(1)
    expect(holds[0]).toMatchObject({
      at: at(60),
      outcome: 'held',
      rule_name: 'Dusk',
      status_before: 'on',
      status_after: 'on',
      details: { hold: { reason: 'min_on', until: at(300), remaining_seconds: 240 } },
    })
    await a.cycle(300)
    expect(a.device.status).toBe('off')
    expect(a.log().map((entry) => [entry.at, entry.kind, entry.action])).toEqual([
      [T0, 'action', 'start'],
      [at(60), 'hold', 'none'],
      [at(300), 'action', 'stop'],
    ])
  })

  it('a manual stop holds the miner until the override expires', async () => {
    const a = arrange()
    const result = await a.loop.override(a.rig.id, 'stop', 600)
    expect(result).toMatchObject({
      miner_id: a.rig.id,
      action: 'stop',
      control: 'mining_control',
      status_before: 'off',
      status_after: 'off',
      held_until: at(600),
    })
    expect(a.loopRepositories.overrides.get(a.rig.id)).toMatchObject({
      action: 'stop',
      until: at(600),
    })
    const first = await a.cycle(5)
    expect(first.units[0]?.miners[0]).toMatchObject({
      kind: 'hold',
      decision: 'stop_mining',
      hold: { reason: 'override', until: at(600), remaining_seconds: 595 },
      reason: `Held by override until ${at(600)} (manual stop)`,
    })
    for (let second = 60; second < 600; second += 60) await a.cycle(second)
    expect(a.device.calls).not.toContain('startMining')
    expect(a.log().map((entry) => [entry.kind, entry.reason])).toEqual([
      ['action', `Manual stop: held by override until ${at(600)}`],
      ['hold', `Held by override until ${at(600)} (manual stop)`],
    ])
    await a.cycle(600)
    expect(a.device.status).toBe('on')
    expect(a.log(['action']).at(-1)).toMatchObject({ at: at(600), action: 'start' })
  })

  it('manual actions are logged: under no unit for a miner outside units, and when they fail', async () => {
    const a = arrange()
    const loose = a.minerAt('Loose', 'asic-9')
    await a.loop.override(loose.id, 'start', 60)
    expect(a.log()).toEqual([
      expect.objectContaining({
        kind: 'action',
        unit_id: null,
        unit_name: null,
        miner_id: loose.id,
        miner_name: 'Loose',
        decision: 'start_mining',
        action: 'start',
        outcome: 'executed',
        status_before: 'off',
        status_after: 'on',
        reason: `Manual start: held by override until ${at(60)}`,
        details: { control: 'mining_control', override_until: at(60) },
      }),
    ])
    a.device.commandError = new DeviceError('auth_failed', 'wrong password')
    await expect(a.loop.override(a.rig.id, 'start')).rejects.toThrow('wrong password')
    expect(a.log().at(-1)).toMatchObject({
      unit_id: a.unit.id,
      miner_id: a.rig.id,
      outcome: 'failed',
      reason: 'Manual start failed: auth_failed: wrong password',
    })
    expect(a.loopRepositories.overrides.get(a.rig.id)).toBeNull()
    // A refusal never reached the device: nothing to log.
    a.services.miners.setActive(a.rig.id, false)
    const entries = a.log().length
    await expect(a.loop.override(a.rig.id, 'start')).rejects.toThrow(/not active|deactivated/i)
    expect(a.log()).toHaveLength(entries)
  })

  it('clearOverride releases the miner at the next cycle', async () => {
    const a = arrange({ minOn: 0 })
    await a.cycle(0) // started by the policy
    await a.platform.advance(10_000)
    await a.loop.override(a.rig.id, 'start', 3600)
    a.site.production = 500
    const held = await a.cycle(20)
    expect(held.units[0]?.miners[0]).toMatchObject({ kind: 'hold', decision: 'start_mining' })
    expect(a.device.status).toBe('on')
    expect(a.loop.clearOverride(a.rig.id)).toBe(true)
    expect(a.loop.clearOverride(a.rig.id)).toBe(false)
    expect(() => a.loop.clearOverride(uuidNumber(999))).toThrow(EntityNotFoundError)
    const released = await a.cycle(25)
    expect(released.units[0]?.miners[0]).toMatchObject({ kind: 'act', action: 'stop' })
    expect(a.device.status).toBe('off')
  })

  it('clearOverride of an override that has run out answers false: nothing was holding the miner', async () => {
    const a = arrange()
    await a.loop.override(a.rig.id, 'start', 60)
    await a.platform.advance(61_000)
    expect(a.loop.clearOverride(a.rig.id)).toBe(false)
    expect(a.loopRepositories.overrides.get(a.rig.id)).toBe(null)
  })

  it('an inactive miner is skipped with the reason, never switched', async () => {
    const a = arrange()
    const idle = a.minerAt('Idle', 'asic-2')
    a.services.units.update(a.unit.id, { target_miner_ids: [a.rig.id, idle.id] })
    a.services.miners.setActive(idle.id, false)
    const report = await a.cycle(0)
    expect(minerOf(report)('House', 'Idle')).toMatchObject({
      kind: 'skip',
      action: 'none',
      reason: 'Skipped: the miner is deactivated',
    })
    expect(minerOf(report)('House', 'Rig').action).toBe('start')
    expect(a.world.device('asic-2').calls).toEqual([])
    expect(a.log(['skip']).map((entry) => entry.miner_name)).toEqual(['Idle'])
    expect(a.titles()).toEqual(['Miner Started: Rig'])
  })

  it('a miner whose controller is missing is skipped with a reason; the others still act', async () => {
    const a = arrange()
    const orphan = a.minerAt('Orphan', 'asic-2')
    a.services.units.update(a.unit.id, { target_miner_ids: [orphan.id, a.rig.id] })
    const controllerId = a.controllers['asic-2'] ?? ''
    // A database edited behind the services' back (or by an older version).
    a.repositories.adapters.miner_controller.remove(controllerId)
    const report = await a.cycle(0)
    expect(report.units[0]?.notice).toBeNull()
    expect(minerOf(report)('House', 'Orphan')).toMatchObject({ kind: 'skip', action: 'none' })
    expect(minerOf(report)('House', 'Orphan').reason).toBe(
      `Skipped: its status could not be read (its controller cannot be used — not_found: Miner controller not found: ${controllerId}); nothing is done on missing data`,
    )
    expect(minerOf(report)('House', 'Rig')).toMatchObject({
      action: 'start',
      executed: { success: true },
    })
    expect(a.log(['notice'])).toEqual([])
  })
})

describe('decision loop: which units', () => {
  it('runCycle({ unitId }) runs that unit only, enabled or not', async () => {
    const a = arrange()
    const spare = a.minerAt('Spare', 'asic-2')
    const draft = a.services.units.create({
      name: 'Draft',
      policy_id: a.policy.id,
      energy_source_id: a.source.id,
      target_miner_ids: [spare.id],
    })
    const all = await a.cycle(0)
    expect(all.units.map((unit) => unit.unit_name)).toEqual(['House'])
    const only = await a.loop.runCycle({ unitId: draft.id })
    expect(only.units.map((unit) => unit.unit_name)).toEqual(['Draft'])
    expect(a.world.device('asic-2').status).toBe('on')
    await expect(a.loop.runCycle({ unitId: uuidNumber(999) })).rejects.toThrow(EntityNotFoundError)
  })

  it('a policy that cannot run: the unit decides nothing and says so once', async () => {
    const a = arrange()
    a.repositories.policies.write(a.policy.id, 'start_rules: [ unclosed')
    for (let second = 0; second <= 20; second += 5) {
      const report = await a.cycle(second)
      expect(report.units[0]?.notice?.kind).toBe('policy_unusable')
      expect(report.units[0]?.miners[0]).toMatchObject({ kind: 'skip', action: 'none' })
    }
    expect(a.device.calls).not.toContain('startMining')
    const notices = a.log(['notice'])
    expect(notices).toHaveLength(1)
    expect(notices[0]?.reason).toMatch(new RegExp(`^Policy ${a.policy.id} cannot run: `))
  })
})

describe('decision loop: missing data and slow devices', () => {
  it('energy unreadable: nothing is done, said once; "back" once when it reads again', async () => {
    const a = arrange()
    a.world.energy.delete('home')
    for (let second = 0; second < 50; second += 5) {
      const report = await a.cycle(second)
      expect(report.units[0]?.notice).toEqual({
        kind: 'energy_unreadable',
        message:
          'The energy state could not be read (meter offline); the unit does nothing this cycle',
      })
      expect(report.units[0]?.miners[0]).toMatchObject({ kind: 'skip', action: 'none' })
    }
    expect(a.device.calls.filter((call) => !call.startsWith('get'))).toEqual([])
    expect(a.log(['notice'])).toHaveLength(1)
    expect(a.log(['notice'])[0]).toMatchObject({
      at: T0,
      unit_id: a.unit.id,
      outcome: 'energy_unreadable',
      reason:
        'The energy state could not be read (meter offline); the unit does nothing this cycle',
    })
    expect(a.titles()).toEqual(['Optimizer Error (House)'])
    expect(a.world.sent[0]?.notification).toMatchObject({
      event: 'energy_unreachable',
      message: 'Energy state unavailable: meter offline. The unit does nothing until it is back.',
    })

    a.world.energy.set('home', a.meter)
    await a.cycle(50)
    for (let second = 55; second <= 80; second += 5) await a.cycle(second)
    expect(a.titles()).toEqual([
      'Optimizer Error (House)',
      'Energy state back (House)',
      'Miner Started: Rig',
    ])
    expect(a.log(['notice'])).toHaveLength(1)
  })

  it('a reading the monitor misses: null with why in the context, rules on it unknown, a notice on change', async () => {
    const a = arrange({ minOn: 0, minOff: 0 })
    await a.cycle(0)
    expect(a.log(['action'])).toMatchObject([{ action: 'start', outcome: 'executed' }])
    // The production sensor goes missing: the stop rule (production < 1000 W) cannot be known.
    const production = a.site.production
    a.site.production = null as unknown as number
    a.world.missing.set('home', { 'sensor.pv_power': 'is unavailable' })
    for (const second of [5, 10, 15]) {
      const report = await a.cycle(second)
      expect(report.units[0]?.errors).toEqual([
        {
          part: 'energy_state',
          code: 'missing_reading',
          message: 'sensor.pv_power is unavailable',
        },
      ])
      expect(report.units[0]?.notice).toBeNull()
    }
    expect(a.log(['action'])).toHaveLength(1)
    expect(a.log(['notice'])).toMatchObject([
      {
        outcome: 'readings_missing',
        reason:
          'Energy readings missing, rules on them stay unknown: sensor.pv_power is unavailable',
      },
    ])
    const served = await a.loop.unitContext(a.unit.id)
    expect(served.context.energy_state?.production).toBeNull()
    expect(served.context.errors).toHaveLength(1)
    // Back: said once.
    a.site.production = production
    a.world.missing.delete('home')
    await a.cycle(20)
    await a.cycle(25)
    expect(a.log(['notice']).map((record) => [record.outcome, record.reason])).toEqual([
      [
        'readings_missing',
        'Energy readings missing, rules on them stay unknown: sensor.pv_power is unavailable',
      ],
      ['readings_back', 'Every energy reading is back'],
    ])
  })

  it('energy flapping inside the cool-down: the last state told is always the real one', async () => {
    const a = arrange({ minOff: 0 })
    const down = () => a.world.energy.delete('home')
    const up = () => a.world.energy.set('home', a.meter)
    down()
    await a.cycle(0)
    up()
    await a.cycle(5)
    down()
    await a.cycle(10) // lost again within the cool-down of the first "lost": kept quiet for now
    await a.cycle(15)
    const told = () =>
      a.titles().filter((title) => title.includes('Energy') || title.includes('Error'))
    expect(told()).toEqual(['Optimizer Error (House)', 'Energy state back (House)'])
    // Still down when the cool-down ends: now it is told, once.
    await a.cycle(900)
    await a.cycle(905)
    expect(told()).toEqual([
      'Optimizer Error (House)',
      'Energy state back (House)',
      'Optimizer Error (House)',
    ])
  })

  it('a device that times out is skipped; its unit mates and the other units still act', async () => {
    const a = arrange()
    const slow = a.minerAt('Slow', 'asic-2')
    a.services.units.update(a.unit.id, { target_miner_ids: [a.rig.id, slow.id] })
    const barn = a.minerAt('Barn rig', 'asic-3')
    a.addUnit('Barn', [barn.id])
    a.world.device('asic-2').statusAnswer = () => hang()
    const pending = a.loop.runCycle()
    await a.platform.advance(10_000) // the read timeout
    const report = await pending
    await a.loop.notifications.drain()
    const plan = minerOf(report)
    expect(plan('House', 'Slow')).toMatchObject({
      kind: 'skip',
      action: 'none',
      status: null,
      reason:
        'Skipped: its status could not be read (unreachable: Slow status_monitoring: no answer within 10 s); nothing is done on missing data',
    })
    expect(plan('House', 'Rig').executed?.success).toBe(true)
    expect(plan('Barn', 'Barn rig').executed?.success).toBe(true)
    const actions = a.log(['action'])
    // The other unit did not wait for House's silent device.
    expect(actions.find((entry) => entry.miner_name === 'Barn rig')?.at).toBe(T0)
    expect(actions.find((entry) => entry.miner_name === 'Rig')?.at).toBe(at(10))
    expect(a.log(['skip']).map((entry) => entry.miner_name)).toEqual(['Slow'])
    expect(a.titles()).toContain('Miner unreachable: Slow')

    // It answers again: told once, and decided on like the others.
    delete a.world.device('asic-2').statusAnswer
    await a.cycle(20)
    await a.cycle(25)
    expect(a.titles().filter((title) => title.includes('Slow'))).toEqual([
      'Miner unreachable: Slow',
      'Miner back: Slow',
      'Miner Started: Slow',
    ])
  })
})

describe('decision loop: sharing and state', () => {
  it('one snapshot per tracker per cycle, shared by every unit that uses the tracker', async () => {
    const a = arrange()
    const tracker = a.services.trackers.create({
      adapter_type: 'fake_pool',
      config: { account: 'alice', api_token: 'pool-token-1' },
    })
    const calls = countingPool(a.world, 'alice', { value: 104, unit: 'TH/s' })
    a.services.units.disable(a.unit.id)
    a.services.units.update(a.unit.id, { performance_tracker_id: tracker.id })
    a.services.units.enable(a.unit.id)
    for (const name of ['Shed', 'Barn']) {
      const miner = a.minerAt(`${name} rig`, `${name}-asic`)
      a.addUnit(name, [miner.id], { performance_tracker_id: tracker.id })
    }
    const report = await a.cycle(0)
    expect(report.units).toHaveLength(3)
    expect(calls).toEqual({ hashrate: 1, stats: 1, payout: 1 })
    for (const unit of report.units) {
      const served = await a.loop.unitContext(unit.unit_id)
      expect(served.context.mining_performance?.current_hashrate).toEqual({
        value: 104,
        unit: 'TH/s',
      })
    }
    await a.cycle(5)
    expect(calls).toEqual({ hashrate: 2, stats: 2, payout: 2 })
  })

  it('dryRun plans but acts on nothing and persists nothing', async () => {
    const a = arrange({ forSeconds: 60 })
    const dry = await a.loop.runCycle({ dryRun: true })
    await a.loop.notifications.drain()
    expect(dry.dry_run).toBe(true)
    expect(dry.units[0]?.miners[0]).toMatchObject({ kind: 'hold', hold: { reason: 'for_seconds' } })
    expect(a.loopRepositories.ruleState.list('')).toEqual([])
    expect(a.log()).toEqual([])
    expect(a.loop.status()).toEqual([])
    // Nothing published either: a dry run is a preview, not a cycle the dashboard shows.
    expect(a.events.filter((event) => event.topic !== 'config.updated')).toEqual([])

    await a.cycle(0) // a real one: the rule starts counting
    expect(a.loopRepositories.ruleState.list('')).toHaveLength(1)
    const logged = a.log().length
    await a.platform.advance(60_000)
    const ready = await a.loop.runCycle({ dryRun: true })
    await a.loop.notifications.drain()
    expect(ready.units[0]?.miners[0]).toMatchObject({
      kind: 'act',
      action: 'start',
      executed: null,
    })
    expect(a.device.calls).not.toContain('startMining')
    expect(a.device.status).toBe('off')
    expect(a.loopRepositories.minerRuntime.get(a.rig.id)).toBeNull()
    expect(a.log()).toHaveLength(logged)
    expect(a.world.sent).toEqual([])
    a.site.production = 500 // the rule turns false: a real cycle would forget its start
    await a.loop.runCycle({ dryRun: true })
    expect(a.loopRepositories.ruleState.list('').map(([, since]) => since)).toEqual([
      Date.parse(T0),
    ])
    // What status() answers is the last real cycle.
    expect(a.loop.status()[0]?.miners[0]?.kind).toBe('hold')
  })

  it('for_seconds state lives in the loop repositories: a new loop over them carries on', async () => {
    const a = arrange({ forSeconds: 120 })
    const first = await a.cycle(0)
    expect(first.units[0]?.miners[0]).toMatchObject({
      kind: 'hold',
      hold: { reason: 'for_seconds', until: null, remaining_seconds: 120 },
    })
    const key = `${a.unit.id}:${a.rig.id}:${a.policy.id}/start/${a.sun.id}`
    expect(a.loopRepositories.ruleState.list(`${a.unit.id}:`)).toEqual([[key, Date.parse(T0)]])

    const restarted = a.createLoop()
    const waiting = await a.cycle(60, restarted)
    expect(waiting.units[0]?.miners[0]).toMatchObject({
      kind: 'hold',
      hold: { reason: 'for_seconds', remaining_seconds: 60 },
      reason: "Waiting: start rule 'Sun' has been true for 60 s of 2 min",
    })
    const started = await a.cycle(120, restarted)
    expect(started.units[0]?.miners[0]).toMatchObject({ kind: 'act', action: 'start' })
    expect(a.device.status).toBe('on')
    // The miner is on: the start rule's count is over and forgotten.
    await a.cycle(125, restarted)
    expect(a.loopRepositories.ruleState.list(`${a.unit.id}:`)).toEqual([])
  })

  it('a for_seconds wait does not count across an energy outage', async () => {
    const a = arrange({ forSeconds: 120 })
    await a.cycle(0)
    expect(a.loopRepositories.ruleState.list('')).toHaveLength(1)
    a.world.energy.delete('home')
    await a.cycle(60)
    expect(a.loopRepositories.ruleState.list('')).toEqual([])
    a.world.energy.set('home', a.meter)
    const back = await a.cycle(600)
    expect(back.units[0]?.miners[0]).toMatchObject({
      kind: 'hold',
      hold: { reason: 'for_seconds', remaining_seconds: 120 },
    })
    expect(a.device.calls).not.toContain('startMining')
    await a.cycle(720)
    expect(a.device.status).toBe('on')
  })

  it("publishes upstream's events with upstream's payloads", async () => {
    const a = arrange()
    a.events.length = 0
    await a.cycle(0)
    expect(a.events.map((event) => event.topic)).toEqual([
      'energy.state',
      'policy.context',
      'rule.engaged',
      'miner.state',
    ])
    const [energy, context, engaged, state] = a.events.map((event) => event.payload)
    expect(energy).toEqual({
      optimization_unit_id: a.unit.id,
      optimization_unit_name: 'House',
      energy_source_id: a.source.id,
      energy_state_snapshot: energyReading(T0, { production: 4000 }),
    })
    expect(context).toMatchObject({
      optimization_unit_id: a.unit.id,
      optimization_unit_name: 'House',
      target_miner_ids: [a.rig.id],
      context: {
        energy_state: { production: 4000 },
        miner: { id: a.rig.id, name: 'Rig' },
        miner_state: { status: 'off' },
      },
    })
    expect(engaged).toEqual({
      optimization_unit_id: a.unit.id,
      optimization_unit_name: 'House',
      policy_id: a.policy.id,
      policy_name: 'Solar',
      miner_id: a.rig.id,
      decision: 'start_mining',
      miner_status: 'OFF', // the enum name, upper-case
    })
    expect(state).toEqual({
      miner_id: a.rig.id,
      miner_name: 'Rig',
      old_status: 'off', // enum values, lower-case
      new_status: 'on',
    })
    // rule.engaged fires every cycle, maintain included (upstream did).
    a.events.length = 0
    await a.cycle(5)
    expect(a.events.find((event) => event.topic === 'rule.engaged')?.payload).toMatchObject({
      decision: 'maintain_state',
      miner_status: 'ON',
    })
  })

  it('unitContext is served from the last cycle with its age; rebuilt on a change or refresh', async () => {
    const a = arrange()
    await a.cycle(0)
    expect(a.site.reads).toBe(1)
    await a.platform.advance(3_000)
    const served = await a.loop.unitContext(a.unit.id)
    expect(served).toMatchObject({ at: T0, age_seconds: 3 })
    expect(served.context.energy_state?.production).toBe(4000)
    expect(served.context.miner?.name).toBe('Rig')
    expect(a.site.reads).toBe(1)

    a.services.units.update(a.unit.id, { description: 'the main rig' })
    const rebuilt = await a.loop.unitContext(a.unit.id)
    expect(rebuilt).toMatchObject({ at: at(3), age_seconds: 0 })
    expect(a.site.reads).toBe(2)

    await a.platform.advance(1_000)
    expect((await a.loop.unitContext(a.unit.id)).at).toBe(at(3))
    a.site.production = 1200
    const refreshed = await a.loop.unitContext(a.unit.id, { refresh: true })
    expect(refreshed).toMatchObject({ at: at(4), age_seconds: 0 })
    expect(refreshed.context.energy_state?.production).toBe(1200)
    expect(a.site.reads).toBe(3)

    // Older than the max age (10 s by default): built again.
    await a.platform.advance(11_000)
    expect((await a.loop.unitContext(a.unit.id)).at).toBe(at(15))
    expect(a.site.reads).toBe(4)
    await expect(a.loop.unitContext(uuidNumber(999))).rejects.toThrow(EntityNotFoundError)
  })

  it('status() answers the last plans, per unit or all', async () => {
    const a = arrange()
    expect(a.loop.status()).toEqual([])
    const report = await a.cycle(0)
    expect(a.loop.status()).toEqual(report.units)
    expect(a.loop.status(a.unit.id)).toEqual(report.units)
    const later = await a.cycle(5)
    expect(a.loop.status(a.unit.id)[0]?.miners[0]).toMatchObject({
      kind: 'decide',
      decision: 'maintain_state',
    })
    expect(a.loop.status()).toEqual(later.units)
    expect(() => a.loop.status(uuidNumber(999))).toThrow(EntityNotFoundError)
  })

  it('prune() drops the entries past the retention', async () => {
    const a = arrange()
    await a.cycle(0) // start
    a.site.production = 500
    await a.cycle(10 * DAY) // stop
    expect(a.log().map((entry) => entry.at)).toEqual([T0, at(10 * DAY)])
    await a.platform.advance(21 * DAY * 1000 + 1000) // T0 + 31 days and a second
    expect(a.loop.prune()).toBe(1)
    expect(a.log().map((entry) => entry.at)).toEqual([at(10 * DAY)])
    expect(a.loop.prune()).toBe(0)
  })

  it('a shorter retention prunes sooner', async () => {
    const a = arrange({ loop: { retentionDays: 1 } })
    await a.cycle(0)
    await a.platform.advance(DAY * 1000 - 1000)
    expect(a.loop.prune()).toBe(0)
    await a.platform.advance(2000)
    expect(a.loop.prune()).toBe(1)
  })
})
