export {
  createDummyTracker,
  type DummyTrackerConfig,
  type DummyTrackerConfigInput,
  DummyTrackerConfigSchema,
  type DummyTrackerOptions,
  dummyTrackerDefinition,
  validateRewardsLimit,
} from './tracker'
