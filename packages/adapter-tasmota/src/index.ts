export {
  createTasmotaController,
  TASMOTA_FEATURES,
  TASMOTA_SECRET_FIELDS,
  TASMOTA_TYPE,
  type TasmotaConfig,
  type TasmotaConfigInput,
  TasmotaConfigSchema,
  type TasmotaController,
  tasmotaDefinition,
} from './controller'
