export * from './enums'
export * from './port'
export { createSnapshot, type SnapshotParts } from './snapshot'
export * from './value-objects'
