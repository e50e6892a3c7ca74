import {
  type DecisionQuery,
  type DecisionRecord,
  DeviceError,
  EntityNotFoundError,
  isEdgeMiningError,
  type Logger,
  type LoopRepositories,
  type MinerEntity,
  type MinerStateSnapshot,
  type MinerStatus,
  type MiningPerformanceSnapshot,
  type NewDecisionRecord,
  type Notification,
  type OptimizationUnit,
  type Platform,
} from '@edge-mining/domain'
import {
  type Control,
  type MinerInput,
  type MinerPlan,
  planUnit,
  type UnitPlan,
} from '@edge-mining/optimizer'
import { isoAt, messageOf, withTimeout } from './common'
import type { ContextBuilder, ContextError, UnitContext, UnitReading } from './context'
import type { EventBus } from './events'
import type { AdapterInstances } from './instances'
import type { MinerService } from './miners'
import { createNotificationCenter, type NotificationCenter } from './notifications'
import type { PolicyService } from './policies'
import type { TrackerService } from './trackers'
import type { UnitService } from './units'

/** A log entry's kind → the plan kind that wrote it. */
const LOGGED_KINDS = { decision: 'decide', action: 'act', hold: 'hold', skip: 'skip' } as const

/** How long one command to a device may take. */
export const ACTION_TIMEOUT_MS = 15_000
/** A manual start/stop holds the miner this long unless told otherwise. */
export const DEFAULT_OVERRIDE_SECONDS = 3600

/** What one miner's cycle did: the plan, and — when it acted — how that went. */
export interface MinerCycleReport extends MinerPlan {
  /** Set when the plan said act (and it was not a dry run). */
  executed: { success: boolean; status_after: MinerStatus | null; error: string | null } | null
}

export interface UnitCycleReport {
  unit_id: string
  unit_name: string
  at: string
  notice: UnitPlan['notice']
  /** Parts of the unit's context that could not be read. */
  errors: ContextError[]
  miners: MinerCycleReport[]
}

export interface CycleReport {
  started_at: string
  finished_at: string
  duration_ms: number
  dry_run: boolean
  units: UnitCycleReport[]
}

/** What one (real) cycle read and did, for observers (history, metrics). */
export interface CycleObservation {
  report: CycleReport
  units: {
    unit: OptimizationUnit
    reading: UnitReading
    miners: { miner: MinerEntity; state: MinerStateSnapshot | null }[]
  }[]
  /** Each tracker's snapshot as this cycle read it (null when it failed). */
  snapshots: { tracker_id: string; snapshot: MiningPerformanceSnapshot | null }[]
}

export interface RunCycleOptions {
  /** Only this unit (enabled or not); default every enabled unit. */
  unitId?: string
  /** Plan and report, act on nothing and persist nothing. */
  dryRun?: boolean
}

/** The unit's last context, as `GET …/decisional-context` serves it. */
export interface ServedContext {
  context: UnitContext
  /** ISO-8601 UTC of when it was built. */
  at: string
  age_seconds: number
}

export interface OverrideResult {
  miner_id: string
  action: 'start' | 'stop'
  control: Control
  status_before: MinerStatus
  status_after: MinerStatus
  /** ISO-8601 UTC until which the loop leaves the miner as it is. */
  held_until: string
  message: string
}

/** The energy readings a cycle could not have, as one sentence ('' when none). */
function missingReadingsOf(errors: readonly ContextError[]): string {
  return errors
    .filter((error) => error.part === 'energy_state' && error.code === 'missing_reading')
    .map((error) => error.message)
    .join('; ')
}

/**
 * The cycle shell (read → plan → act → tell → keep). Every enabled unit in parallel, every
 * read with a timeout, the pool snapshot built once per tracker per cycle and shared by every
 * unit that uses it, decisions planned by the optimizer, actions through mining control else
 * power control, notifications on transitions, and every action, failure and change of
 * decision recorded with its reason.
 */
export interface DecisionLoop {
  runCycle(options?: RunCycleOptions): Promise<CycleReport>
  /** The unit's last cycle context (cheap); a fresh one when there is none this recent or `refresh`. */
  unitContext(
    unitId: string,
    options?: { refresh?: boolean; maxAgeMs?: number },
  ): Promise<ServedContext>
  /** What the last cycle planned for each miner of a unit (or of every unit). */
  status(unitId?: string): UnitCycleReport[]
  /** Starts or stops a miner now and holds it so for `seconds` (default 3600). */
  override(minerId: string, action: 'start' | 'stop', seconds?: number): Promise<OverrideResult>
  /** Ends a miner's override; false when none was holding it (none, or run out). */
  clearOverride(minerId: string): boolean
  decisions(query: DecisionQuery): DecisionRecord[]
  /**
   * Called after every real cycle (not dry runs) with what it read and did; answers the
   * unsubscribe function. A throwing observer is logged; the loop goes on.
   */
  onCycle(observer: (observation: CycleObservation) => void): () => void
  /** Deletes decision-log entries past the retention; answers how many. */
  prune(): number
  notifications: NotificationCenter
}

export interface DecisionLoopOptions {
  units: UnitService
  energySources: { get(id: string): unknown }
  miners: MinerService
  policies: PolicyService
  trackers: TrackerService
  context: ContextBuilder
  events: EventBus
  repositories: LoopRepositories
  platform: Platform
  logger: Logger
  readTimeoutMs?: number
  actionTimeoutMs?: number
  notificationCooldownMs?: number
  /** Decision-log retention in days (DECISION_LOG_RETENTION_DAYS). Default 30. */
  retentionDays?: number
  /**
   * How old a unit's last context may be and still be served (the dashboard polls every 5 s).
   * Default 10 s; the runtime passes twice the loop's interval.
   */
  contextMaxAgeMs?: () => number
  notifications?: NotificationCenter
  instances: AdapterInstances
}

interface MinerRead {
  miner: MinerEntity
  state: MinerStateSnapshot | null
  problem: string | null
  control: Control | null
  /** True when the device itself failed to answer (not a configuration gap). */
  deviceFailed: boolean
}

const UPPER: Record<MinerStatus, string> = {
  unknown: 'UNKNOWN',
  off: 'OFF',
  on: 'ON',
  starting: 'STARTING',
  stopping: 'STOPPING',
  error: 'ERROR',
}

export function createDecisionLoop(options: DecisionLoopOptions): DecisionLoop {
  const { units, miners, policies, trackers, context, events, repositories, platform, logger } =
    options
  const readTimeoutMs = options.readTimeoutMs ?? 10_000
  const actionTimeoutMs = options.actionTimeoutMs ?? ACTION_TIMEOUT_MS
  const retentionMs = (options.retentionDays ?? 30) * 86_400_000
  const notifications =
    options.notifications ??
    createNotificationCenter({
      instances: options.instances,
      decisions: repositories.decisions,
      platform,
      logger,
      ...(options.notificationCooldownMs === undefined
        ? {}
        : { cooldownMs: options.notificationCooldownMs }),
    })
  const lastReports = new Map<string, UnitCycleReport>()
  const observers = new Set<(observation: CycleObservation) => void>()
  /** What each unit of the cycle in progress read, for observers. */
  type Observed = CycleObservation['units'][number]
  /** The failure last recorded per unit whose cycle threw, so a lasting one is logged once. */
  const failedUnits = new Map<string, string>()
  const lastContexts = new Map<
    string,
    { context: UnitContext; atMs: number; fingerprint: string }
  >()
  const contextMaxAgeMs = options.contextMaxAgeMs ?? (() => 10_000)
  /** What a served context depends on besides time: the unit and its source, as configured. */
  const fingerprintOf = (unit: OptimizationUnit) =>
    JSON.stringify([unit, unit.energy_source_id ? energySourceOf(unit.energy_source_id) : null])
  const energySourceOf = (id: string) => options.energySources.get(id)
  /** What the notifiers were last told is lost: a unit's energy, a unit's device. */
  const energyLost = new Set<string>()
  const deviceLost = new Set<string>()

  /**
   * Tells a subject's loss or its recovery when it differs from what was last told. Each way
   * has its own cool-down, so a recovery is never kept quiet by the loss it answers; what a
   * cool-down holds back is not taken as told and goes out at a later cycle if it still holds —
   * the last message about a subject always matches its state.
   */
  function tellState(
    unit: OptimizationUnit,
    told: Set<string>,
    key: string,
    subject: string,
    lost: boolean,
    message: () => Notification,
  ) {
    if (lost === told.has(key)) return
    if (!notifications.notify({ unit }, `${subject}:${lost ? 'lost' : 'back'}`, message())) return
    if (lost) told.add(key)
    else told.delete(key)
  }

  function append(record: Omit<NewDecisionRecord, 'at'> & { at?: string }) {
    try {
      repositories.decisions.append({ at: isoAt(platform.now()), ...record })
    } catch (error) {
      logger.error(`Cannot record a decision: ${messageOf(error)}`)
    }
  }

  function baseRecord(unit: OptimizationUnit, policy: { id: string; name: string } | null) {
    return {
      unit_id: unit.id,
      unit_name: unit.name,
      policy_id: policy?.id ?? null,
      policy_name: policy?.name ?? null,
    }
  }

  function notification(
    event: Notification['event'],
    title: string,
    message: string,
    unit: OptimizationUnit,
    miner: { id: string; name: string } | null,
    decision: Notification['decision'] = null,
  ): Notification {
    return {
      event,
      title,
      message,
      at: isoAt(platform.now()),
      unit: { id: unit.id, name: unit.name },
      miner,
      decision,
    }
  }

  async function readMiner(minerId: string): Promise<MinerRead | null> {
    let miner: MinerEntity
    try {
      miner = miners.get(minerId)
    } catch (error) {
      if (error instanceof EntityNotFoundError) return null
      throw error
    }
    if (!miner.active) {
      return { miner, state: null, problem: null, control: null, deviceFailed: false }
    }
    let control: Control | null
    let readable: boolean
    try {
      // Resolving a port builds the controller's adapter: a controller that is gone, of an
      // unknown type or with a config its adapter refuses throws — skip this miner, not the unit.
      control = miners.featurePort(miner, 'mining_control')
        ? 'mining_control'
        : miners.featurePort(miner, 'power_control')
          ? 'power_control'
          : null
      readable = miners.featurePort(miner, 'status_monitoring') !== null
    } catch (error) {
      const why = isEdgeMiningError(error) ? `${error.code}: ${error.message}` : messageOf(error)
      return {
        miner,
        state: null,
        problem: `its controller cannot be used — ${why}`,
        control: null,
        deviceFailed: false,
      }
    }
    if (!readable) {
      return {
        miner,
        state: null,
        problem: 'no controller reads its status',
        control,
        deviceFailed: false,
      }
    }
    const state = await miners.readState(miner, { timeoutMs: readTimeoutMs })
    const statusError = state.errors.find((error) => error.feature === 'status_monitoring')
    return {
      miner,
      state: statusError ? null : state,
      problem: statusError ? `${statusError.code}: ${statusError.message}` : null,
      control,
      deviceFailed: statusError !== undefined,
    }
  }

  function minerInput(
    read: MinerRead,
    reading: UnitReading,
    unitId: string,
    nowMs: number,
  ): MinerInput {
    const { miner, state } = read
    let override = repositories.overrides.get(miner.id)
    if (override && Date.parse(override.until) <= nowMs) override = null
    const previous =
      lastReports.get(unitId)?.miners.find((plan) => plan.miner_id === miner.id) ??
      loggedPlanOf(unitId, miner.id)
    return {
      miner: { id: miner.id, name: miner.name, active: miner.active },
      status: state?.status ?? null,
      statusProblem: read.problem,
      control: read.control,
      context: state ? context.contextFor(reading, miner, state) : null,
      override: override ? { action: override.action, until: override.until } : null,
      lastSwitchAt: repositories.minerRuntime.get(miner.id)?.last_switch_at ?? null,
      previous: previous
        ? { decision: previous.decision, kind: previous.kind, hold: previous.hold?.reason ?? null }
        : null,
    }
  }

  /**
   * What this process has not planned yet, the log remembers: the miner's newest entry stands
   * for the previous plan, so a restart (or a one-off `cycle run`) does not log an unchanged
   * decision again.
   */
  function loggedPlanOf(
    unitId: string,
    minerId: string,
  ): Pick<MinerPlan, 'decision' | 'kind' | 'hold'> | null {
    const [entry] = repositories.decisions.query({
      miner_id: minerId,
      kinds: ['decision', 'action', 'hold', 'skip'],
      limit: 1,
    })
    if (!entry || entry.unit_id !== unitId || entry.decision === null) return null
    const kind = LOGGED_KINDS[entry.kind as keyof typeof LOGGED_KINDS]
    const hold = (entry.details as { hold?: MinerPlan['hold'] } | null)?.hold ?? null
    return { decision: entry.decision as MinerPlan['decision'], kind, hold }
  }

  async function execute(
    miner: MinerEntity,
    plan: MinerPlan,
  ): Promise<MinerCycleReport['executed']> {
    try {
      // Inside the try: resolving the port or a command that throws at once is a failed action.
      const resolved = plan.control ? miners.featurePort(miner, plan.control) : null
      const port = resolved?.port
      const command =
        plan.control === 'mining_control'
          ? plan.action === 'start'
            ? port?.startMining?.()
            : port?.stopMining?.()
          : plan.action === 'start'
            ? port?.powerOn?.()
            : port?.powerOff?.()
      if (!command) throw new Error(`its ${plan.control} cannot ${plan.action}`)
      await withTimeout(platform, command, actionTimeoutMs, `${miner.name} ${plan.action}`)
    } catch (error) {
      return { success: false, status_after: plan.status, error: messageOf(error) }
    }
    const after = await miners.readState(miner, { timeoutMs: readTimeoutMs })
    return { success: true, status_after: after.status, error: null }
  }

  /** Keeps the unit's for_seconds state: what the plan changed is written, what it cleared deleted. */
  function persistRuleState(before: Map<string, number>, after: Map<string, number>) {
    for (const [key, since] of after) {
      if (before.get(key) !== since) repositories.ruleState.set(key, since)
    }
    for (const key of before.keys()) {
      if (!after.has(key)) repositories.ruleState.delete(key)
    }
  }

  async function runUnit(
    unit: OptimizationUnit,
    snapshotOf: (trackerId: string) => Promise<MiningPerformanceSnapshot>,
    dryRun: boolean,
    observed: Observed[],
  ): Promise<UnitCycleReport> {
    const [reading, reads] = await Promise.all([
      context.readUnit(unit, { snapshotOf, timeoutMs: readTimeoutMs }),
      Promise.all(unit.target_miner_ids.map((id) => readMiner(id))),
    ])
    observed.push({
      unit,
      reading,
      miners: reads
        .filter((read): read is MinerRead => read !== null)
        .map((read) => ({ miner: read.miner, state: read.state })),
    })
    const nowMs = platform.now()
    let policy: {
      id: string
      name: string
      compiled: ReturnType<PolicyService['load']>['compiled']
    } | null = null
    let policyProblem: string | null = null
    if (unit.policy_id === null) policyProblem = 'The unit has no policy; it does nothing'
    else {
      try {
        const loaded = policies.load(unit.policy_id)
        policy = { id: loaded.policy.id, name: loaded.policy.name, compiled: loaded.compiled }
      } catch (error) {
        policyProblem = `Policy ${unit.policy_id} cannot run: ${messageOf(error)}`
      }
    }
    const energyError = reading.errors.find((error) => error.part === 'energy_state')
    const energyProblem =
      reading.energyState === null
        ? (energyError?.message ?? 'the unit has no energy source with a monitor')
        : null
    const present = reads.filter((read): read is MinerRead => read !== null)
    const prefix = `${unit.id}:`
    const ruleState = new Map(repositories.ruleState.list(prefix))
    const plan = planUnit(
      {
        unit: {
          id: unit.id,
          name: unit.name,
          min_on_seconds: unit.min_on_seconds,
          min_off_seconds: unit.min_off_seconds,
        },
        policy,
        policyProblem,
        energyProblem,
        miners: present.map((read) => minerInput(read, reading, unit.id, nowMs)),
        ruleState,
      },
      nowMs,
    )

    // The unit's context as the API serves it: with its first usable miner (active, with a
    // status controller), as the API's own builder picks it, and that miner's reading errors.
    const usable = present.find((read) => read.miner.active && (read.state || read.deviceFailed))
    const errors: ContextError[] = [...reading.errors]
    if (!usable && unit.target_miner_ids.length > 0) {
      errors.push({
        part: 'miner',
        code: 'not_usable',
        message: 'No miner of the unit is active with a controller that reads its status',
      })
    } else if (usable && (usable.deviceFailed || (usable.state?.errors.length ?? 0) > 0)) {
      errors.push({
        part: 'miner_state',
        code: usable.state?.errors[0]?.code ?? 'unreachable',
        message:
          usable.state?.errors.map((error) => `${error.feature}: ${error.message}`).join('; ') ??
          usable.problem ??
          'unreadable',
      })
    }
    const unitContext: UnitContext = {
      ...context.contextFor(reading, usable?.miner ?? null, usable?.state ?? null),
      errors,
    }
    if (!dryRun) {
      lastContexts.set(unit.id, {
        context: unitContext,
        atMs: nowMs,
        fingerprint: fingerprintOf(unit),
      })
      events.publish('energy.state', {
        optimization_unit_id: unit.id,
        optimization_unit_name: unit.name,
        energy_source_id: unit.energy_source_id,
        energy_state_snapshot: reading.energyState,
      })
      events.publish('policy.context', {
        optimization_unit_id: unit.id,
        optimization_unit_name: unit.name,
        context: unitContext,
        target_miner_ids: unit.target_miner_ids,
      })
    }

    const reports: MinerCycleReport[] = []
    for (const minerPlan of plan.miners) {
      const read = present.find((candidate) => candidate.miner.id === minerPlan.miner_id)
      if (!read) continue
      if (!dryRun)
        events.publish('rule.engaged', {
          optimization_unit_id: unit.id,
          optimization_unit_name: unit.name,
          policy_id: policy?.id ?? null,
          policy_name: policy?.name ?? null,
          miner_id: minerPlan.miner_id,
          decision: minerPlan.decision,
          miner_status: UPPER[minerPlan.status ?? 'unknown'],
        })
      reports.push({ ...minerPlan, executed: null })
    }
    if (dryRun) {
      return finish(unit, plan, reading, reports)
    }

    persistRuleState(ruleState, plan.ruleState)
    tellUnitTransitions(unit, plan, energyProblem, policy, reading.errors)
    await Promise.all(
      reports.map(async (report) => {
        const read = present.find((candidate) => candidate.miner.id === report.miner_id)
        if (!read) return
        tellDeviceTransitions(unit, read)
        if (report.kind === 'act') {
          report.executed = await execute(read.miner, report)
          afterAction(unit, policy, read.miner, report)
        } else if (report.changed) {
          append({
            ...baseRecord(unit, policy),
            kind: report.kind === 'decide' ? 'decision' : report.kind,
            miner_id: report.miner_id,
            miner_name: report.miner_name,
            rule_id: report.rule?.id ?? null,
            rule_name: report.rule?.name ?? null,
            rule_type: report.rule?.type ?? null,
            decision: report.decision,
            action: 'none',
            outcome:
              report.kind === 'hold' ? 'held' : report.kind === 'skip' ? 'skipped' : 'decided',
            status_before: report.status,
            status_after: report.status,
            reason: report.reason,
            trace: report.trace,
            details: report.hold ? { hold: report.hold } : null,
          })
        }
      }),
    )
    return finish(unit, plan, reading, reports)
  }

  function finish(
    unit: OptimizationUnit,
    plan: UnitPlan,
    reading: UnitReading,
    reports: MinerCycleReport[],
  ): UnitCycleReport {
    return {
      unit_id: unit.id,
      unit_name: unit.name,
      at: plan.at,
      notice: plan.notice,
      errors: reading.errors,
      miners: reports,
    }
  }

  function afterAction(
    unit: OptimizationUnit,
    policy: { id: string; name: string } | null,
    miner: MinerEntity,
    report: MinerCycleReport,
  ) {
    const executed = report.executed
    if (!executed) return
    const verb = report.action === 'start' ? 'start' : 'stop'
    const who = { id: miner.id, name: miner.name }
    append({
      ...baseRecord(unit, policy),
      kind: 'action',
      miner_id: miner.id,
      miner_name: miner.name,
      rule_id: report.rule?.id ?? null,
      rule_name: report.rule?.name ?? null,
      rule_type: report.rule?.type ?? null,
      decision: report.decision,
      action: report.action,
      outcome: executed.success ? 'executed' : 'failed',
      status_before: report.status,
      status_after: executed.status_after,
      reason: executed.success
        ? report.reason
        : `${report.reason} — the ${verb} failed: ${executed.error ?? 'unknown error'}`,
      trace: report.trace,
      details: { control: report.control },
    })
    if (executed.success) {
      repositories.minerRuntime.set({
        miner_id: miner.id,
        last_status: executed.status_after,
        last_switch_at: isoAt(platform.now()),
        last_action: report.action === 'start' ? 'start' : 'stop',
      })
      events.publish('miner.state', {
        miner_id: miner.id,
        miner_name: miner.name,
        old_status: report.status,
        new_status: executed.status_after,
      })
      const done = verb === 'start' ? 'started' : 'stopped'
      notifications.always(
        { unit },
        notification(
          verb === 'start' ? 'miner_started' : 'miner_stopped',
          `Miner ${verb === 'start' ? 'Started' : 'Stopped'}: ${miner.name}`,
          `Miner ${miner.name} (${miner.id}) was ${done}. (Optimization Unit: ${unit.name})\n${report.reason}`,
          unit,
          who,
          report.decision,
        ),
      )
    } else {
      notifications.notify(
        { unit },
        `${miner.id}:${verb}_failed`,
        notification(
          verb === 'start' ? 'miner_start_failed' : 'miner_stop_failed',
          `Miner ${verb === 'start' ? 'Start' : 'Stop'} Failed: ${miner.name}`,
          `Attempt to ${verb} miner ${miner.name} (${miner.id}) failed: ${executed.error ?? 'unknown error'}. (Optimization Unit: ${unit.name})`,
          unit,
          who,
          report.decision,
        ),
      )
    }
  }

  function tellUnitTransitions(
    unit: OptimizationUnit,
    plan: UnitPlan,
    energyProblem: string | null,
    policy: { id: string; name: string } | null,
    readingErrors: readonly ContextError[],
  ) {
    const previousNotice = lastReports.get(unit.id)?.notice ?? null
    // Readings the monitor could not have while the rest of the energy state stands: rules on
    // them stay unknown. Recorded when the set changes, not every cycle.
    const missingNow = energyProblem === null ? missingReadingsOf(readingErrors) : null
    const missingBefore = missingReadingsOf(lastReports.get(unit.id)?.errors ?? [])
    if (missingNow !== null && missingNow !== missingBefore) {
      append({
        ...baseRecord(unit, policy),
        kind: 'notice',
        miner_id: null,
        miner_name: null,
        rule_id: null,
        rule_name: null,
        rule_type: null,
        decision: null,
        action: 'none',
        outcome: missingNow ? 'readings_missing' : 'readings_back',
        status_before: null,
        status_after: null,
        reason: missingNow
          ? `Energy readings missing, rules on them stay unknown: ${missingNow}`
          : 'Every energy reading is back',
        trace: null,
        details: null,
      })
    }
    if (plan.notice && plan.notice.message !== previousNotice?.message) {
      append({
        ...baseRecord(unit, policy),
        kind: 'notice',
        miner_id: null,
        miner_name: null,
        rule_id: null,
        rule_name: null,
        rule_type: null,
        decision: null,
        action: 'none',
        outcome: plan.notice.kind,
        status_before: null,
        status_after: null,
        reason: plan.notice.message,
        trace: null,
        details: null,
      })
    }
    tellState(unit, energyLost, unit.id, 'energy', energyProblem !== null, () =>
      energyProblem !== null
        ? notification(
            'energy_unreachable',
            `Optimizer Error (${unit.name})`,
            `Energy state unavailable: ${energyProblem}. The unit does nothing until it is back.`,
            unit,
            null,
          )
        : notification(
            'energy_back',
            `Energy state back (${unit.name})`,
            'The energy monitor answers again.',
            unit,
            null,
          ),
    )
  }

  function tellDeviceTransitions(unit: OptimizationUnit, read: MinerRead) {
    if (!read.miner.active) return
    // A configuration gap (no status controller) is a skip, not a lost device.
    const lost = read.deviceFailed
    const who = { id: read.miner.id, name: read.miner.name }
    tellState(
      unit,
      deviceLost,
      `${unit.id}:${read.miner.id}`,
      `${read.miner.id}:device`,
      lost,
      () =>
        lost
          ? notification(
              'device_unreachable',
              `Miner unreachable: ${read.miner.name}`,
              `Miner ${read.miner.name} (${read.miner.id}) cannot be read: ${read.problem}. (Optimization Unit: ${unit.name})`,
              unit,
              who,
            )
          : notification(
              'device_back',
              `Miner back: ${read.miner.name}`,
              `Miner ${read.miner.name} (${read.miner.id}) answers again. (Optimization Unit: ${unit.name})`,
              unit,
              who,
            ),
    )
  }

  async function runCycle(runOptions: RunCycleOptions = {}): Promise<CycleReport> {
    const startedMs = platform.now()
    const dryRun = runOptions.dryRun ?? false
    const chosen = runOptions.unitId
      ? [units.get(runOptions.unitId)]
      : units.list().filter((unit) => unit.is_enabled)
    // One snapshot per tracker per cycle, shared by every unit that uses the tracker.
    const snapshots = new Map<string, Promise<MiningPerformanceSnapshot>>()
    const snapshotOf = (trackerId: string) => {
      let snapshot = snapshots.get(trackerId)
      if (!snapshot) {
        snapshot = trackers.buildSnapshot(trackerId)
        snapshots.set(trackerId, snapshot)
      }
      return snapshot
    }
    const observed: Observed[] = []
    const settled = await Promise.allSettled(
      chosen.map((unit) => runUnit(unit, snapshotOf, dryRun, observed)),
    )
    const reports: UnitCycleReport[] = []
    settled.forEach((result, index) => {
      const unit = chosen[index]
      if (!unit) return
      if (result.status === 'fulfilled') {
        failedUnits.delete(unit.id)
        reports.push(result.value)
        if (!dryRun) lastReports.set(unit.id, result.value)
        return
      }
      const why = isEdgeMiningError(result.reason)
        ? result.reason.message
        : messageOf(result.reason)
      logger.error(`Cycle of unit '${unit.name}' failed: ${why}`)
      // Recorded once per failure, not every cycle while it lasts.
      const reason = `The cycle of unit '${unit.name}' failed: ${why}`
      if (!dryRun && failedUnits.get(unit.id) !== reason) {
        failedUnits.set(unit.id, reason)
        append({
          ...baseRecord(unit, null),
          kind: 'notice',
          miner_id: null,
          miner_name: null,
          rule_id: null,
          rule_name: null,
          rule_type: null,
          decision: null,
          action: 'none',
          outcome: 'cycle_failed',
          status_before: null,
          status_after: null,
          reason,
          trace: null,
          details: null,
        })
      }
    })
    const finishedMs = platform.now()
    const report = {
      started_at: isoAt(startedMs),
      finished_at: isoAt(finishedMs),
      duration_ms: Math.max(0, finishedMs - startedMs),
      dry_run: dryRun,
      units: reports,
    }
    if (!dryRun && observers.size > 0) {
      const snapshotsRead = await Promise.all(
        [...snapshots].map(async ([tracker_id, pending]) => ({
          tracker_id,
          snapshot: await pending.catch(() => null),
        })),
      )
      const observation = { report, units: observed, snapshots: snapshotsRead }
      for (const observer of observers) {
        try {
          observer(observation)
        } catch (error) {
          logger.warn(`A cycle observer failed: ${messageOf(error)}`)
        }
      }
    }
    return report
  }

  return {
    runCycle,
    async unitContext(unitId, contextOptions = {}) {
      const unit = units.get(unitId)
      const maxAgeMs = contextOptions.maxAgeMs ?? contextMaxAgeMs()
      const last = lastContexts.get(unitId)
      const now = platform.now()
      const fresh =
        last !== undefined &&
        now - last.atMs <= maxAgeMs &&
        last.fingerprint === fingerprintOf(unit)
      if (!contextOptions.refresh && last && fresh) {
        return {
          context: last.context,
          at: isoAt(last.atMs),
          age_seconds: Math.max(0, Math.round((now - last.atMs) / 1000)),
        }
      }
      const built = await context.unitContext(unitId, { timeoutMs: readTimeoutMs })
      const at = platform.now()
      lastContexts.set(unitId, { context: built, atMs: at, fingerprint: fingerprintOf(unit) })
      return { context: built, at: isoAt(at), age_seconds: 0 }
    },
    status(unitId) {
      if (unitId) {
        units.get(unitId)
        const report = lastReports.get(unitId)
        return report ? [report] : []
      }
      return [...lastReports.values()]
    },
    async override(minerId, action, seconds = DEFAULT_OVERRIDE_SECONDS) {
      const miner = miners.get(minerId)
      const owners = units.list().filter((unit) => unit.target_miner_ids.includes(minerId))
      /** A manual action is logged under each unit of the miner, or once without a unit. */
      const record = (
        fields: Pick<
          NewDecisionRecord,
          'outcome' | 'status_before' | 'status_after' | 'reason' | 'details'
        >,
      ) => {
        for (const unit of owners.length > 0 ? owners : [null]) {
          append({
            unit_id: unit?.id ?? null,
            unit_name: unit?.name ?? null,
            policy_id: null,
            policy_name: null,
            kind: 'action',
            miner_id: minerId,
            miner_name: miner.name,
            rule_id: null,
            rule_name: null,
            rule_type: null,
            decision: action === 'start' ? 'start_mining' : 'stop_mining',
            action,
            trace: null,
            ...fields,
          })
        }
      }
      let result: Awaited<ReturnType<MinerService['act']>>
      try {
        result = await miners.act(minerId, action)
      } catch (error) {
        // The device failed (refusals — inactive, no control — never reached it).
        if (error instanceof DeviceError) {
          record({
            outcome: 'failed',
            status_before: null,
            status_after: null,
            reason: `Manual ${action} failed: ${error.code}: ${error.message}`,
            details: null,
          })
        }
        throw error
      }
      const nowMs = platform.now()
      const until = isoAt(nowMs + seconds * 1000)
      repositories.overrides.set({
        miner_id: minerId,
        action,
        until,
        created_at: isoAt(nowMs),
        reason: `manual ${action}`,
      })
      repositories.minerRuntime.set({
        miner_id: minerId,
        last_status: result.status_after,
        last_switch_at: isoAt(nowMs),
        last_action: action,
      })
      record({
        outcome: 'executed',
        status_before: result.status_before,
        status_after: result.status_after,
        reason: `Manual ${action}: held by override until ${until}`,
        details: { control: result.control, override_until: until },
      })
      for (const unit of owners) {
        notifications.always(
          { unit },
          notification(
            'manual_action',
            'Edge Mining Info',
            `Miner ${miner.id} (${miner.name}) ${action === 'start' ? 'started' : 'stopped'}. Held until ${until}.`,
            unit,
            { id: miner.id, name: miner.name },
          ),
        )
      }
      return { ...result, held_until: until }
    },
    clearOverride(minerId) {
      miners.get(minerId)
      const override = repositories.overrides.get(minerId)
      const holding = override !== null && Date.parse(override.until) > platform.now()
      // An expired row is cleared too, but nothing was holding the miner.
      return repositories.overrides.clear(minerId) && holding
    },
    decisions: (query) => repositories.decisions.query(query),
    onCycle(observer) {
      observers.add(observer)
      return () => {
        observers.delete(observer)
      }
    },
    prune() {
      return repositories.decisions.pruneBefore(isoAt(platform.now() - retentionMs))
    },
    notifications,
  }
}
