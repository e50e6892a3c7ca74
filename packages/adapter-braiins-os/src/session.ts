/**
 * The Braiins OS REST session (control-apis.md §2.2): `POST /api/v1/auth/login` answers a token
 * and its `timeout_s`; the token goes raw in `Authorization` (no `Bearer`), and every request
 * renews it for `timeout_s`. A token dies after that much inactivity and on reboot, so a 401
 * drops it and logs in once more (as evcc, Homey and asic-rs do); a second 401 is the end. One
 * login at a time; an idle session is renewed 30 s before it would expire (evcc's margin).
 */
import {
  createDeviceHttp,
  type DeviceHttp,
  type DeviceResponse,
  deviceErrorForStatus,
  parseDeviceBody,
  parseJsonText,
} from '@edge-mining/adapter-kit'
import { DeviceError, type Logger, type Platform } from '@edge-mining/domain'
import * as v from 'valibot'

const LoginSchema = v.looseObject({
  token: v.pipe(v.string(), v.nonEmpty()),
  timeout_s: v.optional(v.nullable(v.pipe(v.number(), v.gtValue(0)))),
})

/** evcc renews this long before `timeout_s` runs out. */
const EXPIRY_MARGIN_MS = 30_000
const DEFAULT_TIMEOUT_S = 3600

interface Session {
  token: string
  timeoutMs: number
  lastUsed: number
}

export interface BraiinsOsSession {
  readonly device: string
  /** An authenticated request; a 401 logs in again once. Any other status is the caller's. */
  call(method: 'GET' | 'PUT', path: string, what: string): Promise<DeviceResponse>
  /** Forgets the token (the next call logs in). */
  drop(): void
}

export function createBraiinsOsSession(options: {
  baseUrl: string
  username: string
  password: string
  timeoutMs: number
  platform: Platform
  logger: Logger
}): BraiinsOsSession {
  const { platform, logger, username } = options
  // The password lives only here and in the login request's body.
  const password = options.password
  const device = `Braiins OS at ${options.baseUrl}`
  const http: DeviceHttp = createDeviceHttp({
    device,
    baseUrl: options.baseUrl,
    platform,
    timeoutMs: options.timeoutMs,
    logger,
  })
  let session: Session | null = null
  let loggingIn: Promise<Session> | null = null

  async function login(): Promise<Session> {
    const response = await http.request({
      method: 'POST',
      path: '/api/v1/auth/login',
      json: { username, password },
      what: 'login',
    })
    if (response.status === 401 || response.status === 403) {
      throw new DeviceError(
        'auth_failed',
        `${device} refused the login of user '${username}' (HTTP ${response.status}): check the username and password`,
      )
    }
    if (response.status !== 200) {
      throw deviceErrorForStatus(response, { device, what: 'login', nowMs: platform.now() })
    }
    const context = { device, what: 'login' }
    const body = parseDeviceBody(LoginSchema, parseJsonText(response.text, context), context)
    logger.debug(`${device}: logged in as '${username}'`)
    return {
      token: body.token,
      timeoutMs: (body.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000,
      lastUsed: platform.now(),
    }
  }

  function current(): Promise<Session> {
    const alive =
      session !== null &&
      platform.now() - session.lastUsed < Math.max(0, session.timeoutMs - EXPIRY_MARGIN_MS)
    if (alive && session) return Promise.resolve(session)
    loggingIn ??= login()
      .then((fresh) => {
        session = fresh
        return fresh
      })
      .finally(() => {
        loggingIn = null
      })
    return loggingIn
  }

  return {
    device,
    async call(method, path, what) {
      for (let attempt = 0; ; attempt += 1) {
        const used = await current()
        const response = await http.request({
          method,
          path,
          headers: { authorization: used.token },
          what,
        })
        if (response.status !== 401) {
          used.lastUsed = platform.now()
          return response
        }
        if (session === used) session = null
        if (attempt > 0) {
          throw new DeviceError(
            'auth_failed',
            `${device} refused a fresh session token for ${what} (HTTP 401)`,
          )
        }
        logger.debug(
          `${device}: the session token was refused (expired or rebooted); logging in again`,
        )
      }
    },
    drop() {
      session = null
    },
  }
}
