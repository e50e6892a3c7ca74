/**
 * @edge-mining/domain — pure data and functions, no I/O. One folder per subdomain:
 * performance (pools), energy, miner, optimization (units, settings, the decisional context),
 * notification; plus the adapter-definition contract and the repository ports.
 */
export * from './adapters'
export * from './energy'
export * from './miner'
export * from './notification'
export * from './optimization'
export * from './performance'
export * from './repositories'
export * from './shared'
