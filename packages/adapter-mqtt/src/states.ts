import type { MinerStatus } from '@edge-mining/domain'
import { rounded, SWITCH_KEY, stateText, switchStateOf } from './discovery'
import type { BridgeObservation } from './source'

/** One device's JSON state: a key per sensor; null is unknown (HA shows `unknown`). */
export type DeviceState = Record<string, string | number | null>

type Snapshot = BridgeObservation['snapshots'][number]['snapshot']
type ObservedUnit = BridgeObservation['units'][number]
type ObservedMiner = ObservedUnit['miners'][number]
type MinerPlan = BridgeObservation['report']['units'][number]['miners'][number]

/** A tracker's state from the snapshot its cycle read (null: the pool could not be read). */
export function trackerState(snapshot: Snapshot): DeviceState {
  const hashrate = snapshot?.current_hashrate ?? snapshot?.pool_stats?.current_hashrate ?? null
  const progress = snapshot?.payout_progress
  return {
    hashrate: rounded(hashrate?.value, 3),
    unpaid: rounded(snapshot?.pool_stats?.unpaid_balance, 0),
    payout_progress: rounded(typeof progress === 'number' ? progress * 100 : null, 2),
    workers_online: rounded(snapshot?.workers_online, 0),
    seconds_since_last_share: rounded(snapshot?.seconds_since_last_share, 0),
  }
}

/** A unit's energy readings (W, battery %); surplus is production less the house's consumption. */
export function unitState(reading: ObservedUnit['reading']): DeviceState {
  const energy = reading.energyState
  const production = energy?.production ?? null
  const consumption = energy?.consumption?.current_power ?? null
  return {
    production: rounded(production, 1),
    consumption: rounded(consumption, 1),
    battery_power: rounded(energy?.battery?.current_power, 1),
    battery_soc: rounded(energy?.battery?.state_of_charge, 1),
    grid_power: rounded(energy?.grid?.current_power, 1),
    surplus:
      production !== null && consumption !== null ? rounded(production - consumption, 1) : null,
  }
}

/** What a cycle read of a miner: status, power, hash rate and the switch that follows the status. */
export function minerReadingState(state: ObservedMiner['state']): DeviceState {
  return {
    status: state?.status ?? null,
    power: rounded(state?.power_consumption, 1),
    hashrate: rounded(state?.hash_rate?.value, 3),
    [SWITCH_KEY]: switchStateOf(state?.status),
  }
}

/** A miner's status as a command left it (its power and hash rate wait for the next cycle). */
export function minerStatusState(status: MinerStatus): DeviceState {
  return { status, [SWITCH_KEY]: switchStateOf(status) }
}

/**
 * What a cycle planned for a miner: the decision and why (cut to what HA can hold) and, when
 * the cycle started or stopped it, the status it left it in (its reading came before that).
 */
export function minerPlanState(plan: MinerPlan): DeviceState {
  const after = plan.executed?.success ? plan.executed.status_after : null
  return {
    decision: plan.decision,
    reason: stateText(plan.reason),
    ...(after ? minerStatusState(after) : {}),
  }
}
