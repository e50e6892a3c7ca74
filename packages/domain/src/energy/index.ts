export * from './energy'
