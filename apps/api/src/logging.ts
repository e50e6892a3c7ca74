import type { ConsolaInstance } from '@edge-mining/runtime'

export type { ConsolaInstance }

/** One request, as logged: no headers, no bodies, no query string — nothing that may hold a token. */
export interface RequestLogLine {
  method: string
  path: string
  status: number
  ms: number
}

/** consola's numeric levels: warn 1, info 3. */
const INFO = 3

/** Below info only failures are logged: callers skip building the line for the rest. */
export function logsRequest(logger: ConsolaInstance, status: number): boolean {
  return status >= 400 || logger.level >= INFO
}

export function logRequest(logger: ConsolaInstance, line: RequestLogLine) {
  const message = `${line.method} ${line.path} ${line.status} ${line.ms}ms`
  const entry = { message, ...line }
  if (line.status >= 500) logger.error(entry)
  else if (line.status >= 400) logger.warn(entry)
  else logger.info(entry)
}
