import type { MINER_STATUSES } from '@edge-mining/domain'
import type { CycleObservation, DecisionLoop, Services } from '@edge-mining/services'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

type MinerStatus = (typeof MINER_STATUSES)[number]

interface RequestCount {
  method: string
  route: string
  status: string
  count: number
}
const STATUSES: readonly MinerStatus[] = ['unknown', 'off', 'on', 'starting', 'stopping', 'error']

/** Counters of the pool-data cache, as `http-cache`'s `stats()` answers them. */
export interface CacheCounters {
  hits: number
  misses: number
  staleServed: number
  rateLimited: number
  openCooldowns: number
}

/** What the MQTT bridge counts (`runtime.mqtt.stats()`), as the metrics read it. */
export interface MqttCounters {
  connected: boolean
  reconnects: number
  connect_failures: number
  publish_failures: number
  commands: number
  command_failures: number
}

/**
 * The Prometheus metrics (`GET /metrics`, text exposition via prom-client) on a registry of
 * their own — no process-wide default. Pool, miner and energy gauges follow every cycle; labels
 * are ids and names only (bounded), never free text.
 */
export interface Metrics {
  registry: Registry
  /** Counts one answered request; `route` is the matched route pattern (bounded). */
  countRequest(method: string, route: string, status: number): void
  /** Feeds one cycle's observation (subscribed to the loop by `createMetrics`). */
  observe(observation: CycleObservation): void
  /** Stops following the loop. */
  close(): void
}

export function createMetrics(options: {
  services: Pick<Services, 'trackers' | 'units' | 'miners'>
  loop: Pick<DecisionLoop, 'onCycle'>
  cacheStats?: () => CacheCounters
  /** The MQTT bridge's counters; its metrics exist only when it is configured. */
  mqttStats?: () => MqttCounters
}): Metrics {
  const registry = new Registry()
  const at = (name: string, help: string, labelNames: readonly string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] })
  const tracker = ['tracker_id', 'tracker'] as const
  const miner = ['miner_id', 'miner'] as const
  const unit = ['unit_id', 'unit'] as const

  const poolHashrate = at(
    'edge_mining_pool_hashrate_ths',
    'Hash rate the pool sees (TH/s)',
    tracker,
  )
  const poolUnpaid = at(
    'edge_mining_pool_unpaid_sats',
    'Unpaid balance at the pool (sats)',
    tracker,
  )
  const poolProgress = at(
    'edge_mining_pool_payout_progress_ratio',
    'Unpaid balance ÷ payout threshold (1 = threshold reached)',
    tracker,
  )
  const poolWorkers = at('edge_mining_pool_workers_online', 'Workers online at the pool', tracker)
  const minerStatus = at(
    'edge_mining_miner_status',
    'Miner status: 1 for the current one, 0 for the others',
    [...miner, 'status'],
  )
  const minerPower = at('edge_mining_miner_power_watts', 'Power the miner draws (W)', miner)
  const minerHashrate = at(
    'edge_mining_miner_hashrate_ths',
    'Hash rate the miner reports (TH/s)',
    miner,
  )
  const energy = at('edge_mining_unit_power_watts', "A unit's energy readings (W)", [
    ...unit,
    'reading',
  ])
  const batterySoc = at('edge_mining_unit_battery_soc_percent', 'Battery state of charge (%)', unit)
  const decisions = new Counter({
    name: 'edge_mining_decisions_total',
    help: 'Decisions planned, by decision and kind (act, hold, skip, decide)',
    labelNames: ['decision', 'kind'],
    registers: [registry],
  })
  const actions = new Counter({
    name: 'edge_mining_actions_total',
    help: 'Starts and stops carried out, by action and outcome',
    labelNames: ['action', 'outcome'],
    registers: [registry],
  })
  const cycleDuration = new Histogram({
    name: 'edge_mining_cycle_duration_seconds',
    help: 'How long a decision-loop cycle took',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  // Counted in plain maps per request (prom-client's labelled inc costs more than a whole
  // /health answer) and handed to the counter when Prometheus scrapes. Keyed by the route
  // pattern (a string whose hash V8 keeps), then by status and method as one number: a key
  // built per request would be hashed per request.
  const answered = new Map<string, Map<number, RequestCount>>()
  // A small number per method name, in the order first seen (Node's parser knows ~35).
  const methods = new Map<string, number>()
  const methodIndex = (method: string): number => {
    let index = methods.get(method)
    if (index === undefined) {
      index = methods.size
      methods.set(method, index)
    }
    return index
  }
  new Counter({
    name: 'edge_mining_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    collect() {
      this.reset()
      for (const counts of answered.values()) {
        for (const { method, route, status, count } of counts.values()) {
          this.inc({ method, route, status }, count)
        }
      }
    },
  })
  // The cache counts for itself: read at scrape time.
  const cacheCounter = (name: string, help: string, read: (stats: CacheCounters) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const stats = options.cacheStats?.()
        if (stats) this.set(read(stats))
      },
    })
  cacheCounter('edge_mining_pool_cache_hits', 'Pool-data cache hits since start', (s) => s.hits)
  cacheCounter(
    'edge_mining_pool_cache_misses',
    'Pool-data cache misses since start',
    (s) => s.misses,
  )
  cacheCounter(
    'edge_mining_pool_cache_stale_served',
    'Answers served stale (pool throttling or failing) since start',
    (s) => s.staleServed,
  )
  cacheCounter(
    'edge_mining_pool_cache_rate_limited',
    'Pool answers that were 429 since start',
    (s) => s.rateLimited,
  )
  cacheCounter(
    'edge_mining_pool_cache_open_cooldowns',
    'Pool hosts cooling down after a 429 right now',
    (s) => s.openCooldowns,
  )

  // The MQTT bridge counts for itself too; a counter is set to its total at scrape time.
  const mqttStats = options.mqttStats
  if (mqttStats) {
    new Gauge({
      name: 'edge_mining_mqtt_connected',
      help: '1 while the MQTT bridge is connected to the broker, else 0',
      registers: [registry],
      collect() {
        this.set(mqttStats().connected ? 1 : 0)
      },
    })
    const mqttCounter = (name: string, help: string, read: (stats: MqttCounters) => number) =>
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset()
          this.inc(read(mqttStats()))
        },
      })
    mqttCounter(
      'edge_mining_mqtt_publish_failures_total',
      'MQTT updates that did not reach the broker (it was unreachable, or the publish failed)',
      (s) => s.publish_failures,
    )
    mqttCounter(
      'edge_mining_mqtt_connect_failures_total',
      'MQTT connection attempts that failed',
      (s) => s.connect_failures,
    )
    mqttCounter(
      'edge_mining_mqtt_reconnects_total',
      'MQTT connections made again after a lost connection or failed attempts',
      (s) => s.reconnects,
    )
    mqttCounter(
      'edge_mining_mqtt_commands_total',
      'Override commands received from Home Assistant',
      (s) => s.commands,
    )
    mqttCounter(
      'edge_mining_mqtt_command_failures_total',
      'Override commands from Home Assistant that could not be carried out',
      (s) => s.command_failures,
    )
  }

  const set = (gauge: Gauge, labels: Record<string, string>, value: number | null | undefined) => {
    if (typeof value === 'number' && Number.isFinite(value)) gauge.set(labels, value)
    else gauge.remove(labels)
  }

  function observe(observation: CycleObservation): void {
    cycleDuration.observe(observation.report.duration_ms / 1000)
    for (const report of observation.report.units) {
      for (const plan of report.miners) {
        decisions.inc({ decision: plan.decision, kind: plan.kind })
        if (plan.executed) {
          actions.inc({
            action: plan.action,
            outcome: plan.executed.success ? 'executed' : 'failed',
          })
        }
      }
    }
    for (const { unit: observed, reading, miners } of observation.units) {
      const labels = { unit_id: observed.id, unit: observed.name }
      const state = reading.energyState
      const readings: Record<string, number | null | undefined> = {
        production: state?.production,
        consumption: state?.consumption?.current_power,
        battery: state?.battery?.current_power,
        grid: state?.grid?.current_power,
        surplus:
          state?.production != null && state.consumption?.current_power != null
            ? state.production - state.consumption.current_power
            : null,
      }
      for (const [reading_, value] of Object.entries(readings)) {
        set(energy, { ...labels, reading: reading_ }, value)
      }
      set(batterySoc, labels, state?.battery?.state_of_charge)
      for (const { miner: entity, state: minerState } of miners) {
        const minerLabels = { miner_id: entity.id, miner: entity.name }
        for (const status of STATUSES) {
          minerStatus.set({ ...minerLabels, status }, minerState?.status === status ? 1 : 0)
        }
        set(minerPower, minerLabels, minerState?.power_consumption)
        set(minerHashrate, minerLabels, minerState?.hash_rate?.value)
      }
    }
    for (const { tracker_id, snapshot } of observation.snapshots) {
      let name = tracker_id
      try {
        name = options.services.trackers.get(tracker_id).name
      } catch {
        // A tracker deleted meanwhile keeps its id as its name.
      }
      const labels = { tracker_id, tracker: name }
      set(
        poolHashrate,
        labels,
        snapshot?.current_hashrate?.value ?? snapshot?.pool_stats?.current_hashrate?.value,
      )
      set(poolUnpaid, labels, snapshot?.pool_stats?.unpaid_balance)
      set(poolProgress, labels, snapshot?.payout_progress)
      set(poolWorkers, labels, snapshot?.workers_online)
    }
  }

  const unsubscribe = options.loop.onCycle(observe)
  return {
    registry,
    countRequest(method, route, status) {
      let counts = answered.get(route)
      if (!counts) {
        counts = new Map()
        answered.set(route, counts)
      }
      const key = methodIndex(method) * 1000 + status
      const entry = counts.get(key)
      if (entry) entry.count += 1
      else counts.set(key, { method, route, status: String(status), count: 1 })
    },
    observe,
    close: unsubscribe,
  }
}
