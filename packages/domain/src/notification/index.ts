export * from './notification'
