export {
  BRAIINS_SECRET_FIELDS,
  type BraiinsTrackerConfig,
  type BraiinsTrackerConfigInput,
  BraiinsTrackerConfigSchema,
  braiinsTrackerConfigJsonSchema,
  parseBraiinsTrackerConfig,
  REDACTED,
  redactBraiinsTrackerConfig,
} from './config'
export { braiinsTrackerDefinition } from './definition'
export {
  DEFAULT_HASH_RATE_UNIT,
  DEFAULT_REWARDS_WINDOW_DAYS,
  mapDailyRewards,
  mapProfile,
  mapWorkerState,
  mapWorkers,
  type ProfileFigures,
  rewardsWindow,
} from './mapping'
export {
  BRAIINS_REQUEST_INTERVAL_MS,
  createPacerRegistry,
  type PacerRegistry,
  type PacerRegistryOptions,
} from './pacing'
export {
  BRAIINS_PATHS,
  type BraiinsTracker,
  type BraiinsTrackerOptions,
  createBraiinsTracker,
  TOKEN_HEADER,
  tokenTag,
} from './tracker'
