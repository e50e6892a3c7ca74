import * as v from 'valibot'

/** How a pool pays out. `unknown` when the tracker cannot tell. */
export const PAYOUT_FREQUENCIES = ['unknown', 'per_block', 'hourly', 'daily', 'threshold'] as const
export const PayoutFrequencySchema = v.picklist(PAYOUT_FREQUENCIES)
export type PayoutFrequency = v.InferOutput<typeof PayoutFrequencySchema>

export const MINER_STATUSES = ['unknown', 'off', 'on', 'starting', 'stopping', 'error'] as const
export const MinerStatusSchema = v.picklist(MINER_STATUSES)
export type MinerStatus = v.InferOutput<typeof MinerStatusSchema>

export const MINING_DECISIONS = ['start_mining', 'stop_mining', 'maintain_state'] as const
export const MiningDecisionSchema = v.picklist(MINING_DECISIONS)
export type MiningDecision = v.InferOutput<typeof MiningDecisionSchema>

/** Adapter type names of mining performance trackers (stored in the database, used in routes). */
export const TRACKER_ADAPTER_TYPES = ['dummy', 'ocean', 'braiins_pool'] as const
export const TrackerAdapterTypeSchema = v.picklist(TRACKER_ADAPTER_TYPES)
export type TrackerAdapterType = v.InferOutput<typeof TrackerAdapterTypeSchema>

/** A pool worker's state, normalised across pools (Braiins ok/low/off/dis). */
export const WORKER_STATES = ['online', 'low', 'offline', 'disabled'] as const
export const WorkerStateSchema = v.picklist(WORKER_STATES)
export type WorkerState = v.InferOutput<typeof WorkerStateSchema>

/** The parts of a mining-performance snapshot, as named in its `errors` list. */
export const SNAPSHOT_PARTS = ['current_hashrate', 'pool_stats', 'payout_schedule'] as const
export const SnapshotPartSchema = v.picklist(SNAPSHOT_PARTS)
export type SnapshotPart = v.InferOutput<typeof SnapshotPartSchema>
