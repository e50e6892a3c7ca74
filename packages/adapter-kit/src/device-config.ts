import { describeValue } from '@edge-mining/domain'
import * as v from 'valibot'

/** The URL a host field stands for, or null when it is not a bare host or an http(s) origin. */
function parseHost(text: string): URL | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return null
  }
  return url
}

const got = (issue: { input: unknown }) => `, got ${describeValue(issue.input)}`

/**
 * `host`: an IP address or host name, optionally with `:port`, or an http(s) origin
 * (`http://10.0.0.5:8080`) — no path, query or credentials. Trimmed, trailing slash dropped.
 */
export function deviceHostField(description: string) {
  const expected = 'must be an IP address, a host name or an http(s) URL such as 192.168.1.50'
  return v.pipe(
    v.string((issue) => `${expected}${got(issue)}`),
    v.description(description),
    v.trim(),
    v.nonEmpty('is required: the device’s IP address or host name'),
    v.check(
      (text) => parseHost(text) !== null,
      (issue) => `${expected}${got(issue)}`,
    ),
    v.transform((text) => text.replace(/\/+$/, '')),
  )
}

/** `port`: optional; when omitted, the host's own port or the scheme's (80, 443). */
export const devicePortField = v.optional(
  v.pipe(
    v.number((issue) => `must be a port number from 1 to 65535${got(issue)}`),
    v.integer((issue) => `must be a whole port number${got(issue)}`),
    v.minValue(1, (issue) => `must be a port number from 1 to 65535${got(issue)}`),
    v.maxValue(65_535, (issue) => `must be a port number from 1 to 65535${got(issue)}`),
    v.description('TCP port of the device’s HTTP API; default the host’s, else 80 (443 for https)'),
  ),
)

/**
 * `request_timeout_seconds` of a device: more than 0, at most 3600. Seconds of the platform's
 * clock, so a demo on a clock 60× faster needs 60× the real wait (as Home Assistant's field).
 */
export function deviceTimeoutSecondsField(defaultSeconds: number) {
  return v.optional(
    v.pipe(
      v.number((issue) => `must be a number of seconds${got(issue)}`),
      v.gtValue(0, (issue) => `must be more than 0 seconds${got(issue)}`),
      v.maxValue(3600, (issue) => `must be at most 3600 seconds${got(issue)}`),
      v.description(
        'Timeout of each request to the device, in seconds of the platform clock (scale it on an accelerated clock)',
      ),
    ),
    defaultSeconds,
  )
}

/** A write-only password (empty = none); messages never show its value. */
export function devicePasswordField(description: string) {
  return v.optional(
    v.pipe(v.string('must be a string (the password)'), v.description(description)),
    '',
  )
}

/**
 * Checks, on a whole device config, that `port` does not contradict a port already in `host`
 * (reported on `port`). Use as `v.pipe(v.strictObject({…}), hostPortCheck())`.
 */
export function hostPortCheck<T extends { host: string; port?: number | undefined }>() {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return
    const config = dataset.value
    const url = parseHost(config.host)
    if (config.port === undefined || url === null || url.port === '') return
    if (Number(url.port) === config.port) return
    addIssue({
      message: `is ${config.port} but host ${JSON.stringify(config.host)} names port ${url.port}; give the port once`,
      path: [{ type: 'object', origin: 'value', input: config, key: 'port', value: config.port }],
    })
  })
}

/** `http://host:port` of a validated host and port (no trailing slash). */
export function deviceBaseUrl(host: string, port?: number): string {
  const url = parseHost(host)
  if (url === null) throw new TypeError(`deviceBaseUrl: not a validated host: ${host}`)
  if (port !== undefined) url.port = String(port)
  return `${url.protocol}//${url.host}`
}
