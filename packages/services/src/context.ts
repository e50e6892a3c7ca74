import {
  activeFeature,
  createDecisionalContext,
  type DecisionalContext,
  type EnergyMonitorPort,
  type EnergySource,
  type EnergyStateSnapshot,
  EnergyStateSnapshotSchema,
  EntityNotFoundError,
  type ForecastSnapshot,
  ForecastSnapshotSchema,
  forecastContext,
  isEdgeMiningError,
  type MinerEntity,
  type MinerStateSnapshot,
  type MiningPerformanceSnapshot,
  type OptimizationUnit,
  type Platform,
  type PoolWorker,
  type Sun,
  type SystemSettings,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { messageOf, withTimeout } from './common'
import type { AdapterInstances } from './instances'
import type { MinerService } from './miners'
import { sunContext } from './sun'
import type { TrackerService } from './trackers'

/** How long an energy, forecast or pool read may take before the part counts as missing. */
export const READ_TIMEOUT_MS = 10_000

/** A part of the context that could not be had: it is null, and this says why. */
export interface ContextError {
  part:
    | 'energy_source'
    | 'energy_state'
    | 'forecast'
    | 'mining_performance'
    | 'miner'
    | 'miner_state'
  code: string
  message: string
}

/** What a unit's site looks like at one instant: everything but the miners. */
export interface UnitReading {
  unit: OptimizationUnit
  /** Epoch ms of the reading. */
  at: number
  settings: SystemSettings
  energySource: EnergySource | null
  energyState: EnergyStateSnapshot | null
  forecast: ForecastSnapshot | null
  snapshot: MiningPerformanceSnapshot | null
  sun: Sun
  errors: ContextError[]
}

/** The decisional context as `GET …/decisional-context` serves it: the missing parts named. */
export type UnitContext = DecisionalContext & { errors: ContextError[] }

export interface ReadUnitOptions {
  /** The tracker's snapshot; the loop passes one shared by every unit of a cycle. */
  snapshotOf?: (trackerId: string) => Promise<MiningPerformanceSnapshot>
  timeoutMs?: number
}

/**
 * One context builder shared by the loop and the API (upstream had two that disagreed and
 * crashed on a missing part — traps T1, T3, T9): every read has a timeout, and a part that
 * cannot be had is null and listed in `errors`, never a 500 and never a made-up zero.
 */
export interface ContextBuilder {
  readUnit(unit: OptimizationUnit, options?: ReadUnitOptions): Promise<UnitReading>
  /** The context one miner is decided on. */
  contextFor(
    reading: UnitReading,
    miner: MinerEntity | null,
    minerState: MinerStateSnapshot | null,
  ): DecisionalContext
  /** The unit's context with its first usable miner (active, controlled, with a status). */
  unitContext(unitId: string, options?: ReadUnitOptions): Promise<UnitContext>
}

function errorOf(part: ContextError['part'], error: unknown): ContextError {
  return { part, code: isEdgeMiningError(error) ? error.code : 'error', message: messageOf(error) }
}

/** The pool's view of the miner's worker, joined to what the miner itself reports. */
export function poolWorkerContext(
  snapshot: MiningPerformanceSnapshot | null,
  miner: MinerEntity | null,
  minerState: MinerStateSnapshot | null,
  atMs: number,
): PoolWorker | null {
  const name = miner?.pool_worker_name?.trim().toLowerCase()
  if (!name || !snapshot?.pool_stats) return null
  // Pools may prefix the account (Braiins: `username.worker`); a miner names the worker alone.
  const workers = snapshot.pool_stats.workers
  const worker =
    workers.find((candidate) => candidate.worker_name.toLowerCase() === name) ??
    workers.find((candidate) => candidate.worker_name.toLowerCase().endsWith(`.${name}`))
  if (!worker) {
    return {
      worker_name: miner?.pool_worker_name ?? null,
      hashrate: null,
      state: null,
      last_share_at: null,
      seconds_since_last_share: null,
      hashrate_ratio: null,
    }
  }
  const own = minerState?.hash_rate?.value
  const since =
    worker.last_share_at === null
      ? null
      : Math.max(0, Math.floor((atMs - Date.parse(worker.last_share_at)) / 1000))
  return {
    worker_name: worker.worker_name,
    hashrate: worker.hashrate,
    state: worker.state,
    last_share_at: worker.last_share_at,
    seconds_since_last_share: since,
    hashrate_ratio:
      worker.hashrate && own !== undefined && own > 0 ? worker.hashrate.value / own : null,
  }
}

export function createContextBuilder(options: {
  units: { get(id: string): OptimizationUnit }
  energySources: { get(id: string): EnergySource | null }
  miners: MinerService
  trackers: TrackerService
  instances: AdapterInstances
  settings: () => SystemSettings
  platform: Platform
}): ContextBuilder {
  const { instances, platform, miners, trackers } = options

  async function readUnit(
    unit: OptimizationUnit,
    readOptions: ReadUnitOptions = {},
  ): Promise<UnitReading> {
    const timeoutMs = readOptions.timeoutMs ?? READ_TIMEOUT_MS
    const at = platform.now()
    const settings = options.settings()
    const errors: ContextError[] = []
    const source =
      unit.energy_source_id === null ? null : options.energySources.get(unit.energy_source_id)
    if (unit.energy_source_id !== null && !source) {
      errors.push({
        part: 'energy_source',
        code: 'not_found',
        message: `Energy source ${unit.energy_source_id} not found`,
      })
    }
    /**
     * What an adapter answered, held to the domain's schema (upstream validated only at the API
     * edge, so one odd sensor value made the context a 500, trap T22): an answer outside it is
     * that part unreadable, named, never a crash.
     */
    const checked = <TSchema extends v.GenericSchema>(
      schema: TSchema,
      value: unknown,
      part: ContextError['part'],
      who: string,
    ): v.InferOutput<TSchema> | null => {
      const result = v.safeParse(schema, value)
      if (result.success) return result.output
      const [issue] = result.issues
      const path = v.getDotPath(issue) ?? '(the whole reading)'
      errors.push({
        part,
        code: 'bad_response',
        message: `${who} answered a reading outside the schema: ${path}: ${issue.message}`,
      })
      return null
    }
    const timed = <T>(work: () => Promise<T>, what: string) =>
      withTimeout(platform, Promise.resolve().then(work), timeoutMs, what)

    const energy = async (): Promise<EnergyStateSnapshot | null> => {
      if (!source) return null
      if (source.energy_monitor_id === null) {
        errors.push({
          part: 'energy_state',
          code: 'not_configured',
          message: `Energy source '${source.name}' has no energy monitor`,
        })
        return null
      }
      const monitorId = source.energy_monitor_id
      try {
        let monitor: EnergyMonitorPort | null = null
        const state = await timed(() => {
          monitor = instances.get('energy_monitor', monitorId, { energySource: source })
          return monitor.getCurrentEnergyState()
        }, `Energy monitor of '${source.name}'`)
        // The parts the monitor could not read are null in the snapshot; say why.
        const missing = state
          ? ((monitor as EnergyMonitorPort | null)?.missingReadings?.() ?? {})
          : {}
        for (const [what, why] of Object.entries(missing)) {
          errors.push({ part: 'energy_state', code: 'missing_reading', message: `${what} ${why}` })
        }
        if (!state) {
          errors.push({
            part: 'energy_state',
            code: 'no_data',
            message: 'The energy monitor has no reading',
          })
          return null
        }
        return checked(EnergyStateSnapshotSchema, state, 'energy_state', 'The energy monitor')
      } catch (error) {
        errors.push(errorOf('energy_state', error))
        return null
      }
    }
    const forecast = async (): Promise<ForecastSnapshot | null> => {
      if (!source || source.forecast_provider_id === null) return null
      const providerId = source.forecast_provider_id
      try {
        const forecast = await timed(
          () =>
            instances.get('forecast_provider', providerId, { energySource: source }).getForecast(),
          `Forecast provider of '${source.name}'`,
        )
        return (
          forecast && checked(ForecastSnapshotSchema, forecast, 'forecast', 'The forecast provider')
        )
      } catch (error) {
        errors.push(errorOf('forecast', error))
        return null
      }
    }
    const pool = async (): Promise<MiningPerformanceSnapshot | null> => {
      const trackerId = unit.performance_tracker_id
      if (trackerId === null) return null
      try {
        const snapshotOf = readOptions.snapshotOf ?? ((id: string) => trackers.buildSnapshot(id))
        return await timed(() => snapshotOf(trackerId), 'Mining performance tracker')
      } catch (error) {
        errors.push(errorOf('mining_performance', error))
        return null
      }
    }
    const [energyState, forecastSnapshot, snapshot] = await Promise.all([
      energy(),
      forecast(),
      pool(),
    ])
    return {
      unit,
      at,
      settings,
      energySource: source,
      energyState,
      forecast: forecastSnapshot,
      snapshot,
      sun: sunContext(at, settings.latitude, settings.longitude, settings.timezone),
      errors,
    }
  }

  function contextFor(
    reading: UnitReading,
    miner: MinerEntity | null,
    minerState: MinerStateSnapshot | null,
  ): DecisionalContext {
    const { energySource: source, energyState: energy } = reading
    return createDecisionalContext(
      {
        energy_source: source
          ? {
              id: source.id,
              name: source.name,
              type: source.type,
              nominal_power_max: source.nominal_power_max,
              storage_capacity: source.storage?.nominal_capacity ?? null,
              grid_contracted_power: source.grid?.contracted_power ?? null,
            }
          : null,
        energy_state: energy
          ? {
              production: energy.production,
              consumption: energy.consumption,
              battery: energy.battery,
              grid: energy.grid,
              external_source: energy.external_source,
            }
          : null,
        forecast: reading.forecast ? forecastContext(reading.forecast, reading.at) : null,
        mining_performance: reading.snapshot,
        miner: miner
          ? {
              id: miner.id,
              name: miner.name,
              model: miner.model,
              hash_rate_max: miner.hash_rate_max,
              power_consumption_max: miner.power_consumption_max,
              active: miner.active,
              pool_worker_name: miner.pool_worker_name,
            }
          : null,
        miner_state: minerState
          ? {
              status: minerState.status,
              hash_rate: minerState.hash_rate,
              power_consumption: minerState.power_consumption,
              inlet_temperature: minerState.inlet_temperature,
              outlet_temperature: minerState.outlet_temperature,
              blocks_found: minerState.blocks_found,
              system_uptime: minerState.system_uptime,
              max_chip_temperature: minerState.max_chip_temperature,
              max_board_temperature: minerState.max_board_temperature,
              avg_chip_temperature: minerState.avg_chip_temperature,
              avg_board_temperature: minerState.avg_board_temperature,
            }
          : null,
        pool_worker: poolWorkerContext(reading.snapshot, miner, minerState, reading.at),
        sun: reading.sun,
        timestamp: new Date(reading.at),
      },
      { timeZone: reading.settings.timezone },
    )
  }

  return {
    readUnit,
    contextFor,
    async unitContext(unitId, readOptions) {
      const unit = options.units.get(unitId)
      const reading = await readUnit(unit, readOptions)
      const errors = [...reading.errors]
      let chosen: MinerEntity | null = null
      for (const minerId of unit.target_miner_ids) {
        let miner: MinerEntity
        try {
          miner = miners.get(minerId)
        } catch (error) {
          if (!(error instanceof EntityNotFoundError)) throw error
          continue
        }
        if (miner.active && activeFeature(miner.features, 'status_monitoring')) {
          chosen = miner
          break
        }
      }
      if (!chosen && unit.target_miner_ids.length > 0) {
        errors.push({
          part: 'miner',
          code: 'not_usable',
          message: 'No miner of the unit is active with a controller that reads its status',
        })
      }
      const minerState = chosen
        ? await miners.readState(chosen, { timeoutMs: readOptions?.timeoutMs ?? READ_TIMEOUT_MS })
        : null
      if (minerState && minerState.errors.length > 0) {
        errors.push({
          part: 'miner_state',
          code: minerState.errors[0]?.code ?? 'error',
          message: minerState.errors
            .map((error) => `${error.feature}: ${error.message}`)
            .join('; '),
        })
      }
      return { ...contextFor(reading, chosen, minerState), errors }
    },
  }
}
