import { ConfigurationError, describeValue } from '@edge-mining/domain'
import * as v from 'valibot'
import { withoutCredentials } from './redact'

export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant'
export const DEFAULT_BASE_TOPIC = 'edge_mining'
export const DEFAULT_MIN_INTERVAL_SECONDS = 30
export const DEFAULT_RECONNECT_INITIAL_MS = 1_000
export const DEFAULT_RECONNECT_MAX_MS = 60_000

/** The broker URL schemes the bridge speaks (TCP, TLS, WebSocket, secure WebSocket). */
export const MQTT_URL_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:'] as const

/** Why `url` is not a broker URL, or null when it is one. Never quotes the credentials. */
export function mqttUrlProblem(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'expected a URL such as mqtt://homeassistant.local:1883'
  }
  if (!(MQTT_URL_PROTOCOLS as readonly string[]).includes(parsed.protocol)) {
    return `expected a URL starting ${MQTT_URL_PROTOCOLS.map((p) => `${p}//`).join(', ')}`
  }
  if (!parsed.hostname) return 'expected a URL with a host, such as mqtt://homeassistant.local:1883'
  return null
}

/** Why `topic` cannot prefix our topics, or null: non-empty levels, no wildcards. */
export function topicProblem(topic: string): string | null {
  if (topic.length === 0) return 'expected a topic'
  if (/[+#\0]/.test(topic)) return 'expected a topic without the wildcards + and #'
  if (topic.split('/').some((level) => level.length === 0)) {
    return 'expected a topic without empty levels (no leading, trailing or double /)'
  }
  return null
}

const TopicSchema = (field: string, fallback: string) =>
  v.optional(
    v.pipe(
      v.string(`${field}: expected a string`),
      v.check(
        (topic) => topicProblem(topic) === null,
        (issue) =>
          `${field}: ${topicProblem(String(issue.input))}, got ${describeValue(issue.input)}`,
      ),
    ),
    fallback,
  )

const SecondsSchema = (field: string) =>
  v.pipe(
    v.number(`${field}: expected a number of seconds`),
    v.finite(`${field}: expected a finite number`),
    v.minValue(0, `${field}: expected 0 or more seconds`),
  )

const MillisecondsSchema = (field: string) =>
  v.pipe(
    v.number(`${field}: expected a number of milliseconds`),
    v.integer(`${field}: expected whole milliseconds`),
    v.minValue(1, `${field}: expected 1 ms or more`),
  )

/** The bridge's settings as callers give them (defaults filled in). */
export const BridgeSettingsSchema = v.object({
  url: v.pipe(
    v.string('url: expected a string'),
    v.check(
      (url) => mqttUrlProblem(url) === null,
      (issue) =>
        `url: ${mqttUrlProblem(String(issue.input))}, got ${describeValue(withoutCredentials(String(issue.input)))}`,
    ),
  ),
  username: v.optional(v.string('username: expected a string')),
  password: v.optional(v.string('password: expected a string')),
  discoveryPrefix: TopicSchema('discoveryPrefix', DEFAULT_DISCOVERY_PREFIX),
  baseTopic: TopicSchema('baseTopic', DEFAULT_BASE_TOPIC),
  minIntervalSeconds: v.optional(SecondsSchema('minIntervalSeconds'), DEFAULT_MIN_INTERVAL_SECONDS),
  expireAfterSeconds: v.optional(
    v.pipe(
      v.number('expireAfterSeconds: expected a number of seconds'),
      v.integer('expireAfterSeconds: expected whole seconds'),
      v.minValue(1, 'expireAfterSeconds: expected 1 s or more'),
    ),
  ),
  clientId: v.optional(
    v.pipe(
      v.string('clientId: expected a string'),
      v.minLength(1, 'clientId: expected a non-empty string'),
    ),
  ),
  reconnect: v.optional(
    v.object({
      initialMs: v.optional(
        MillisecondsSchema('reconnect.initialMs'),
        DEFAULT_RECONNECT_INITIAL_MS,
      ),
      maxMs: v.optional(MillisecondsSchema('reconnect.maxMs'), DEFAULT_RECONNECT_MAX_MS),
    }),
    {},
  ),
})

export type BridgeSettings = v.InferInput<typeof BridgeSettingsSchema>

/**
 * The settings validated, defaults applied, and credentials taken out of the URL (a
 * `mqtt://user:password@host` works; explicit `username`/`password` win). Throws
 * ConfigurationError naming the field; the message never holds the password.
 */
export function parseBridgeSettings(settings: BridgeSettings) {
  const result = v.safeParse(BridgeSettingsSchema, settings)
  if (!result.success) {
    const [issue] = result.issues
    throw new ConfigurationError(issue.message, { field: v.getDotPath(issue) ?? 'mqtt' })
  }
  const out = result.output
  // Re-sent every half expiry, but never more often than the interval: below twice the
  // interval a live sensor would expire between two sends.
  if (out.expireAfterSeconds !== undefined && out.expireAfterSeconds < 2 * out.minIntervalSeconds) {
    throw new ConfigurationError(
      `expireAfterSeconds: expected at least twice minIntervalSeconds (${2 * out.minIntervalSeconds}), got ${out.expireAfterSeconds}`,
      { field: 'expireAfterSeconds' },
    )
  }
  const parsed = new URL(out.url)
  const username =
    out.username ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined)
  const password =
    out.password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined)
  return { ...out, url: withoutCredentials(out.url), username, password }
}

export type ParsedBridgeSettings = ReturnType<typeof parseBridgeSettings>
