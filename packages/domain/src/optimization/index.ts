export * from './context'
export * from './decision'
export * from './settings'
export * from './unit'
