export * from './miner'
export * from './port'
