import type {
  AdapterEntity,
  EnergyStateSnapshot,
  MinerEntity,
  MinerStateSnapshot,
  MinerStatus,
  MiningDecision,
  MiningPerformanceSnapshot,
  OptimizationUnit,
} from '@edge-mining/domain'

/**
 * What the bridge reads of one cycle — the decision loop's `CycleObservation` fits it as is
 * (the bridge never imports services; this is the part of that shape it uses).
 */
export interface BridgeObservation {
  report: {
    units: readonly {
      miners: readonly {
        miner_id: string
        decision: MiningDecision
        reason: string
        /** Set when the cycle started or stopped the miner: its status after it. */
        executed: { success: boolean; status_after: MinerStatus | null } | null
      }[]
    }[]
  }
  units: readonly {
    unit: Pick<OptimizationUnit, 'id'>
    reading: { energyState: EnergyStateSnapshot | null }
    miners: readonly {
      miner: Pick<MinerEntity, 'id'>
      state: Pick<MinerStateSnapshot, 'status' | 'power_consumption' | 'hash_rate'> | null
    }[]
  }[]
  snapshots: readonly {
    tracker_id: string
    snapshot: Pick<
      MiningPerformanceSnapshot,
      | 'current_hashrate'
      | 'pool_stats'
      | 'payout_progress'
      | 'workers_online'
      | 'seconds_since_last_share'
    > | null
  }[]
}

/** The configured site, for device names and for which devices exist at all. */
export interface SiteEntities {
  trackers: readonly Pick<AdapterEntity, 'id' | 'name' | 'adapter_type'>[]
  miners: readonly Pick<MinerEntity, 'id' | 'name' | 'model'>[]
  units: readonly Pick<OptimizationUnit, 'id' | 'name' | 'is_enabled' | 'target_miner_ids'>[]
}

/** Everything the bridge needs from Edge Mining, as plain functions (the runtime wires them). */
export interface MqttBridgeSource {
  /** Called after every real cycle; answers the unsubscribe function (the loop's `onCycle`). */
  onCycle(observer: (observation: BridgeObservation) => void): () => void
  /**
   * The manual override `POST /miners/{id}/start|stop` makes (the loop's `override`): acts now
   * and holds the miner so. Throws when it cannot (unknown or inactive miner, no control,
   * device failure).
   */
  override(minerId: string, action: 'start' | 'stop'): Promise<{ status_after: MinerStatus }>
  /** The trackers, miners and units as configured now. */
  entities(): SiteEntities
  /**
   * Called when a tracker, miner or unit is created, changed or removed (`config.updated`);
   * answers the unsubscribe function. Changes made by another process (the CLI) are seen at
   * the next cycle instead.
   */
  onEntitiesChanged(listener: () => void): () => void
}
