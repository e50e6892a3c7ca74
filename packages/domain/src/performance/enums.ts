import * as v from 'valibot'

/** How a pool pays out. `unknown` when the tracker cannot tell. */
export const PAYOUT_FREQUENCIES = ['unknown', 'per_block', 'hourly', 'daily', 'threshold'] as const
export const PayoutFrequencySchema = v.picklist(PAYOUT_FREQUENCIES)
export type PayoutFrequency = v.InferOutput<typeof PayoutFrequencySchema>

/** Adapter type names of the trackers Edge Mining ships (the registry is open to more). */
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
