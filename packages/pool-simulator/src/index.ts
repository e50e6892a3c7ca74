export type { BraiinsAccount, BraiinsWorker, BraiinsWorkerState } from './braiins/model.ts'
export {
  BRAIINS_ENDPOINTS,
  type BraiinsEndpoint,
  type BraiinsRateLimit,
  type BraiinsScenario,
  type BraiinsSimulator,
  type BraiinsSimulatorOptions,
  DEFAULT_BRAIINS_TOKEN,
  DEFAULT_BRAIINS_USERNAME,
  defaultBraiinsAccounts,
  startBraiinsSimulator,
} from './braiins/simulator.ts'
export { TOKEN_HEADERS, tokenTag } from './braiins/token.ts'
export { CLI_USAGE, type RunningSimulators, runCli } from './cli.ts'
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
export { SCENARIO_PRESETS, type ScenarioPresetName } from './scenarios.ts'
export { createSimulatedTime } from './simulated-time.ts'
