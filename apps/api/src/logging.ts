import { type ConsolaInstance, createConsola, LogLevels, type LogType } from 'consola'

export type { ConsolaInstance }

/** LOG_LEVEL names accepted by the server (consola's levels). */
export const LOG_LEVEL_NAMES = [
  'silent',
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'verbose',
] as const
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number]

export function createLogger(level: LogLevelName = 'info'): ConsolaInstance {
  return createConsola({ level: LogLevels[level as LogType] }).withTag('api')
}

/** One request, as logged: no headers, no bodies, no query string — nothing that may hold a token. */
export interface RequestLogLine {
  method: string
  path: string
  status: number
  ms: number
}

export function logRequest(logger: ConsolaInstance, line: RequestLogLine) {
  const message = `${line.method} ${line.path} ${line.status} ${line.ms}ms`
  const entry = { message, ...line }
  if (line.status >= 500) logger.error(entry)
  else if (line.status >= 400) logger.warn(entry)
  else logger.info(entry)
}
