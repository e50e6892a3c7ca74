/**
 * HTTP Digest authentication as Shelly Gen2+ devices use it (Shelly's "Authentication" doc,
 * RFC 7616): user `admin`, realm the device id, algorithm SHA-256, qop `auth`. The device
 * answers 401 with `WWW-Authenticate: Digest qop="auth", realm=…, nonce=…, algorithm=SHA-256`;
 * the client repeats the request with
 * response = H(H(admin:realm:password):nonce:nc:cnonce:auth:H(method:uri)). The challenge is
 * kept and reused with a growing `nc` until the device asks for a new one.
 */
import { createHash } from 'node:crypto'

export interface DigestChallenge {
  realm: string
  nonce: string
  qop: string | null
  algorithm: string
  opaque: string | null
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex')

/** The Digest challenge of a `WWW-Authenticate` header, or null when it is not one. */
export function parseDigestChallenge(header: string | null): DigestChallenge | null {
  if (!header || !/^\s*Digest\s/i.test(header)) return null
  const params: Record<string, string> = {}
  for (const match of header
    .replace(/^\s*Digest\s/i, '')
    .matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g)) {
    const [, key = '', quoted, bare] = match
    params[key.toLowerCase()] = quoted ?? bare ?? ''
  }
  if (!params.realm || !params.nonce) return null
  return {
    realm: params.realm,
    nonce: params.nonce,
    qop: params.qop ?? null,
    algorithm: params.algorithm ?? 'MD5',
    opaque: params.opaque ?? null,
  }
}

/** The `Authorization` value for one request under `challenge` (SHA-256 only). */
export function digestAuthorization(options: {
  challenge: DigestChallenge
  username: string
  password: string
  method: string
  uri: string
  /** Requests made under this challenge so far, this one included (1, 2, …). */
  count: number
  cnonce: string
}): string {
  const { challenge, username, password, method, uri, cnonce } = options
  const nc = options.count.toString(16).padStart(8, '0')
  const ha1 = sha256(`${username}:${challenge.realm}:${password}`)
  const ha2 = sha256(`${method}:${uri}`)
  const qop = challenge.qop
    ?.split(',')
    .map((value) => value.trim())
    .includes('auth')
    ? 'auth'
    : null
  const response = qop
    ? sha256(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : sha256(`${ha1}:${challenge.nonce}:${ha2}`)
  const parts = [
    `username="${username}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${uri}"`,
    'algorithm=SHA-256',
    `response="${response}"`,
    ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
    ...(challenge.opaque === null ? [] : [`opaque="${challenge.opaque}"`]),
  ]
  return `Digest ${parts.join(', ')}`
}
