export {
  type AdapterActions,
  type ControllerTestReport,
  createAdapterActions,
  type NotifierTestReport,
} from './adapter-actions'
export {
  type AdapterEntityService,
  type CreateAdapterEntityInput,
  createAdapterEntityService,
  type RemoveOptions,
  type UpdateAdapterEntityInput,
} from './adapter-entities'
export { parseInput, withTimeout } from './common'
export {
  type ContextBuilder,
  type ContextError,
  createContextBuilder,
  poolWorkerContext,
  READ_TIMEOUT_MS,
  type ReadUnitOptions,
  type UnitContext,
  type UnitReading,
} from './context'
export {
  CreateEnergySourceInputSchema,
  type EnergySourceService,
  UpdateEnergySourceInputSchema,
} from './energy-sources'
export { createEventBus, type EdgeMiningEvent, type EventBus, type EventListener } from './events'
export {
  createHistoryService,
  HISTORY_SERIES,
  type HistoryAnswer,
  HistoryQueryInputSchema,
  type HistoryService,
} from './history'
export {
  type AdapterConsumer,
  type AdapterDraft,
  type AdapterInstances,
  createAdapterInstances,
} from './instances'
export {
  ACTION_TIMEOUT_MS,
  type CycleObservation,
  type CycleReport,
  createDecisionLoop,
  DEFAULT_OVERRIDE_SECONDS,
  type DecisionLoop,
  type DecisionLoopOptions,
  type MinerCycleReport,
  type OverrideResult,
  type RunCycleOptions,
  type ServedContext,
  type UnitCycleReport,
} from './loop'
export { createMemoryPolicyStore, createMemoryRepositories } from './memory'
export { createMemoryLoopRepositories } from './memory-loop'
export {
  CreateMinerInputSchema,
  DEVICE_TIMEOUT_MS,
  type MinerActionResult,
  type MinerService,
  UpdateMinerInputSchema,
} from './miners'
export {
  createNotificationCenter,
  DEFAULT_NOTIFICATION_COOLDOWN_MS,
  NOTIFY_BACKOFF_MS,
  NOTIFY_MAX_ATTEMPTS,
  NOTIFY_MAX_BACKOFF_MS,
  NOTIFY_MAX_WAIT_MS,
  NOTIFY_QUEUE_LIMIT,
  NOTIFY_TIMEOUT_MS,
  type NotificationCenter,
  type NotificationCenterOptions,
  type NotificationTarget,
  type NotifierQueueStatus,
} from './notifications'
export {
  CreatePolicyInputSchema,
  CreateRuleInputSchema,
  type LoadedPolicy,
  type PolicyCheck,
  type PolicyService,
  type PolicyView,
  RuleTypeSchema,
  type RuleView,
  UpdatePolicyInputSchema,
  UpdateRuleInputSchema,
} from './policies'
export { createReferenceIndex, inUseError, type ReferenceIndex } from './references'
export {
  type AdapterRegistry,
  configJsonSchema,
  createAdapterRegistry,
  type KindRegistry,
} from './registry'
export {
  type ConditionsValidation,
  checkPolicyText,
  contextStructure,
  describeIssue,
  evaluatePolicyOnce,
  isRuleFileText,
  issueLocation,
  type PolicyEvaluation,
  PolicyTextError,
  parsePolicyOrThrow,
  RULE_LIMITS,
  ruleEngineInfo,
  type TextCheck,
  validateConditionTree,
} from './rule-book'
export {
  maskSecrets,
  mergeConfig,
  SECRET_PLACEHOLDER,
  scrubSecrets,
  secretValues,
} from './secrets'
export { createServices, type Services, type ServicesOptions } from './services'
export type { SettingsService } from './settings'
export {
  createSnapshotBuilder,
  type SnapshotBuilder,
  type SnapshotBuilderOptions,
} from './snapshot-builder'
export { sunContext } from './sun'
export { type ConnectivityReport, createTrackerService, type TrackerService } from './trackers'
export { CreateUnitInputSchema, type UnitService, UpdateUnitInputSchema } from './units'
