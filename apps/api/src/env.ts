import { describeValue } from '@edge-mining/domain'
import * as v from 'valibot'
import { LOG_LEVEL_NAMES, type LogLevelName } from './logging'

export const DEFAULT_API_HOST = '127.0.0.1'
export const DEFAULT_API_PORT = 8001
export const DEFAULT_DB_PATH = 'data/db/edgemining.db'

const nonBlank = (name: string) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, `${name}: expected a non-empty value`))

/** The server's environment (DESIGN.md "API server"). Blank variables count as unset. */
export const EnvSchema = v.object({
  API_HOST: v.optional(nonBlank('API_HOST'), DEFAULT_API_HOST),
  API_PORT: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^\d{1,5}$/, 'expected a whole number from 0 to 65535'),
      v.transform(Number),
      v.maxValue(65535, 'expected a whole number from 0 to 65535'),
    ),
    String(DEFAULT_API_PORT),
  ),
  DB_PATH: v.optional(nonBlank('DB_PATH'), DEFAULT_DB_PATH),
  API_TOKEN: v.optional(v.pipe(v.string(), v.trim())),
  LOG_LEVEL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(LOG_LEVEL_NAMES, `expected one of ${LOG_LEVEL_NAMES.join(', ')}`),
    ),
    'info',
  ),
})

export interface ApiConfig {
  host: string
  port: number
  dbPath: string
  apiToken: string | undefined
  logLevel: LogLevelName
}

/** The environment is unusable; the message names the variable and its value. */
export class EnvironmentError extends Error {
  readonly variable: string

  constructor(variable: string, message: string) {
    super(message)
    this.name = 'EnvironmentError'
    this.variable = variable
  }
}

/** Reads the server's settings from environment variables; throws EnvironmentError. */
export function parseEnv(env: Record<string, string | undefined>): ApiConfig {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.entries)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  )
  const result = v.safeParse(EnvSchema, present)
  if (!result.success) {
    const [issue] = result.issues
    const variable = v.getDotPath(issue) ?? 'environment'
    const message = issue.message.replace(/^[A-Z_]+: /, '')
    // API_TOKEN is a secret: never echo its value.
    const shown = variable === 'API_TOKEN' ? '' : `, got ${describeValue(present[variable])}`
    throw new EnvironmentError(variable, `${variable}: ${message}${shown}`)
  }
  const out = result.output
  return {
    host: out.API_HOST,
    port: out.API_PORT,
    dbPath: out.DB_PATH,
    apiToken: out.API_TOKEN || undefined,
    logLevel: out.LOG_LEVEL,
  }
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare)
}
