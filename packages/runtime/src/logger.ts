import { type ConsolaInstance, createConsola, LogLevels, type LogType } from 'consola/basic'
import type { LogLevelName } from './env'

export type { ConsolaInstance }

/**
 * consola at `level`, tagged `edge-mining`; it satisfies the domain's Logger. Its basic
 * reporter writes plain lines (what a service log wants); the fancy one, for terminals, would
 * cost the server ~5 MB of resident memory for colours and icons.
 */
export function createLogger(level: LogLevelName = 'info', tag = 'edge-mining'): ConsolaInstance {
  return createConsola({ level: LogLevels[level as LogType] }).withTag(tag)
}
