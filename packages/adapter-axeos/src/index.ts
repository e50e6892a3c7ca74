export {
  AXEOS_FEATURES,
  AXEOS_TYPE,
  type AxeOsConfig,
  type AxeOsConfigInput,
  AxeOsConfigSchema,
  type AxeOsController,
  axeOsDefinition,
  createAxeOsController,
} from './controller'
