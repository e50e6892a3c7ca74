export { type ParseTrackerConfigOptions, parseTrackerConfig } from './config'
export * from './context'
export {
  createDummyTracker,
  type DummyTrackerConfig,
  type DummyTrackerConfigInput,
  DummyTrackerConfigSchema,
  type DummyTrackerOptions,
  validateRewardsLimit,
} from './dummy'
export * from './enums'
export * from './errors'
export * from './port'
export { createSnapshot, type SnapshotParts } from './snapshot'
export * from './units'
export * from './value-objects'
