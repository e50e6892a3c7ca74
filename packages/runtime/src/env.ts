import {
  DEFAULT_BASE_TOPIC,
  DEFAULT_DISCOVERY_PREFIX,
  mqttUrlProblem,
  topicProblem,
  withoutCredentials,
} from '@edge-mining/adapter-mqtt'
import { describeValue } from '@edge-mining/domain'
import * as v from 'valibot'

export const DEFAULT_API_HOST = '127.0.0.1'
export const DEFAULT_API_PORT = 8001
export const DEFAULT_DB_PATH = 'data/db/edgemining.db'
export const DEFAULT_POLICIES_DIR = 'data/policies'
export const DEFAULT_DECISION_LOG_RETENTION_DAYS = 30

/** LOG_LEVEL names (consola's levels). */
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

const nonBlank = v.pipe(v.string(), v.trim(), v.minLength(1, 'expected a non-empty value'))

const wholeNumber = (minimum: number, maximum: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^\d{1,9}$/, `expected a whole number from ${minimum} to ${maximum}`),
    v.transform(Number),
    v.minValue(minimum, `expected a whole number from ${minimum} to ${maximum}`),
    v.maxValue(maximum, `expected a whole number from ${minimum} to ${maximum}`),
  )

const mqttTopic = v.pipe(
  v.string(),
  v.trim(),
  v.check(
    (topic) => topicProblem(topic) === null,
    (issue) => topicProblem(String(issue.input)) ?? 'expected a topic',
  ),
)

/** The environment every app reads (DESIGN.md). Blank variables count as unset. */
export const EnvSchema = v.object({
  API_HOST: v.optional(nonBlank, DEFAULT_API_HOST),
  API_PORT: v.optional(wholeNumber(0, 65535), String(DEFAULT_API_PORT)),
  DB_PATH: v.optional(nonBlank, DEFAULT_DB_PATH),
  POLICIES_DIR: v.optional(nonBlank, DEFAULT_POLICIES_DIR),
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
  DECISION_LOG_RETENTION_DAYS: v.optional(
    wholeNumber(1, 3650),
    String(DEFAULT_DECISION_LOG_RETENTION_DAYS),
  ),
  /** The broker Home Assistant uses; unset, MQTT is off. */
  MQTT_URL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.check(
        (url) => mqttUrlProblem(url) === null,
        (issue) => mqttUrlProblem(String(issue.input)) ?? 'expected a broker URL',
      ),
    ),
  ),
  MQTT_USERNAME: v.optional(v.pipe(v.string(), v.trim())),
  MQTT_PASSWORD: v.optional(v.string()),
  MQTT_DISCOVERY_PREFIX: v.optional(mqttTopic, DEFAULT_DISCOVERY_PREFIX),
  MQTT_BASE_TOPIC: v.optional(mqttTopic, DEFAULT_BASE_TOPIC),
})

/** Variables whose values are secrets: never echoed in an error. */
const SECRET_VARIABLES = new Set(['API_TOKEN', 'MQTT_PASSWORD'])
/** Variables whose values may hold a secret: shown only once it is taken out. */
const SHOWN_WITHOUT_SECRETS: Record<string, (value: string) => string> = {
  MQTT_URL: withoutCredentials,
}

/** Where the MQTT bridge connects (MQTT_*); the password is write-only: never shown. */
export interface MqttConfig {
  url: string
  username: string | undefined
  password: string | undefined
  discoveryPrefix: string
  baseTopic: string
}

export interface RuntimeConfig {
  host: string
  port: number
  dbPath: string
  policiesDir: string
  apiToken: string | undefined
  logLevel: LogLevelName
  decisionLogRetentionDays: number
  /** Null unless MQTT_URL is set. */
  mqtt: MqttConfig | null
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

/** Reads the settings from environment variables; throws EnvironmentError naming the variable. */
export function parseEnv(env: Record<string, string | undefined>): RuntimeConfig {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.entries)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  )
  const result = v.safeParse(EnvSchema, present)
  if (!result.success) {
    const [issue] = result.issues
    const variable = v.getDotPath(issue) ?? 'environment'
    const value = present[variable]
    const display = SHOWN_WITHOUT_SECRETS[variable]
    const shown = SECRET_VARIABLES.has(variable)
      ? ''
      : `, got ${describeValue(display && value !== undefined ? display(value) : value)}`
    throw new EnvironmentError(variable, `${variable}: ${issue.message}${shown}`)
  }
  const out = result.output
  return {
    host: out.API_HOST,
    port: out.API_PORT,
    dbPath: out.DB_PATH,
    policiesDir: out.POLICIES_DIR,
    apiToken: out.API_TOKEN || undefined,
    logLevel: out.LOG_LEVEL,
    decisionLogRetentionDays: out.DECISION_LOG_RETENTION_DAYS,
    mqtt: out.MQTT_URL
      ? {
          url: out.MQTT_URL,
          username: out.MQTT_USERNAME || undefined,
          password: out.MQTT_PASSWORD || undefined,
          discoveryPrefix: out.MQTT_DISCOVERY_PREFIX,
          baseTopic: out.MQTT_BASE_TOPIC,
        }
      : null,
  }
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare)
}
