import { type ConsolaInstance, createConsola, LogLevels, type LogType } from 'consola'
import type { LogLevelName } from './env'

export type { ConsolaInstance }

/** consola at `level`, tagged `edge-mining`; it satisfies the domain's Logger. */
export function createLogger(level: LogLevelName = 'info', tag = 'edge-mining'): ConsolaInstance {
  return createConsola({ level: LogLevels[level as LogType] }).withTag(tag)
}
