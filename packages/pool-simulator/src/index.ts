export { SimulatorOptionsError } from './core/errors.ts'
export type { Fault, FaultKind, FaultRule } from './core/faults.ts'
export type { RequestLog, RequestLogEntry } from './core/request-log.ts'
export type { OceanAccount, OceanWorker } from './ocean/model.ts'
export {
  DEFAULT_OCEAN_ACCOUNTS,
  DEFAULT_OCEAN_ADDRESS,
  NO_SUCH_USER,
  OCEAN_ENDPOINTS,
  type OceanEndpoint,
  type OceanScenario,
  type OceanSimulator,
  type OceanSimulatorOptions,
  startOceanSimulator,
} from './ocean/simulator.ts'
