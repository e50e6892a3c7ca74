export { createBraiinsAdapter, createDefaultAdapterRegistry, oceanAdapter } from './adapters'
export {
  type AdapterContext,
  type AdapterRegistry,
  createAdapterRegistry,
  dummyAdapter,
  type TrackerAdapterDefinition,
} from './registry'
export {
  createMemoryTrackerRepository,
  type TrackerRepository,
} from './repository'
export {
  createSnapshotBuilder,
  type SnapshotBuilder,
  type SnapshotBuilderOptions,
} from './snapshot-builder'
export {
  type ConnectivityReport,
  type CreateTrackerInput,
  createTrackerService,
  SECRET_PLACEHOLDER,
  type TrackerService,
  type TrackerServiceOptions,
  type UpdateTrackerInput,
} from './tracker-service'
