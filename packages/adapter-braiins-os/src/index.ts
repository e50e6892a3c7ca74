export {
  BRAIINS_OS_SECRET_FIELDS,
  BRAIINS_OS_TYPE,
  type BraiinsOsConfig,
  type BraiinsOsConfigInput,
  BraiinsOsConfigSchema,
} from './config'
export {
  BRAIINS_OS_FEATURES,
  type BraiinsOsController,
  braiinsOsDefinition,
  createBraiinsOsController,
  statusFromDetails,
} from './controller'
export { type BraiinsOsSession, createBraiinsOsSession } from './session'
