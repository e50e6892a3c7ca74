/** A seeded generator of malformed requests for the API (bounded: every case is finite and small unless `huge`). */

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface FuzzCase {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array
  /** True when the body is over the server's limit: the answer must be 413. */
  huge: boolean
}

export function createFuzzer(options: {
  seed: number
  /** Ids of trackers that exist (the fuzzer also invents unknown and malformed ones). */
  ids: readonly string[]
  /** Bytes above which the server answers 413. */
  bodyLimitBytes: number
  /** Authorization header value for most cases. */
  authorization?: string
  /**
   * Path templates to fuzz instead of the tracker routes; each `{id}` becomes an id the fuzzer
   * picks (one of `ids`, unknown, malformed…).
   */
  templates?: readonly string[]
  /** More JSON keys the bodies may use (the new routes' fields). */
  keys?: readonly string[]
}) {
  const random = mulberry32(options.seed)
  const int = (n: number) => Math.floor(random() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
  const chance = (p: number) => random() < p

  const randomString = (max: number) => {
    const alphabet = 'abcXYZ019-_.~ %/\\?#&=;:"\'<>{}[]()é€😀\u0000\u001f\u202e'
    let out = ''
    for (let i = 0, n = int(max); i < n; i++) out += pick([...alphabet])
    return out
  }
  const asciiString = (max: number) =>
    Array.from({ length: 1 + int(max) }, () => String.fromCharCode(33 + int(94))).join('')
  const hex = (n: number) => Array.from({ length: n }, () => pick([...'0123456789abcdef'])).join('')
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`

  const id = () =>
    pick([
      () => pick(options.ids),
      uuid,
      () => uuid().toUpperCase(),
      () => uuid().slice(0, 35),
      () => `${uuid()}x`,
      () => encodeURIComponent(randomString(20)),
      () => 'types',
      () => '..',
      () => '%2e%2e%2fetc%2fpasswd',
      () => 'a'.repeat(2000),
      () => String(int(1e9)),
      () => '',
    ])()

  const templated = (templates: readonly string[]) => pick(templates).replace(/\{id\}/g, () => id())

  const path = () => {
    if (options.templates && chance(0.95)) return templated(options.templates)
    const t = '/api/v1/mining-performance-trackers'
    return pick([
      () => t,
      () => `${t}/`,
      () => `${t}/${id()}`,
      () =>
        `${t}/${id()}/${pick(['test', 'stats', 'workers', 'rewards', 'payout-schedule', 'snapshot', 'nope', ''])}`,
      () =>
        `${t}/types/${pick(['dummy', 'ocean', 'braiins_pool', 'DUMMY', encodeURIComponent(randomString(12))])}/${pick(['config-schema', 'external-services', 'x'])}`,
      () => `/api/v1/rule-engine/${pick(['info', 'validate', 'evaluate', 'config', 'x'])}`,
      () => '/api/v1/decisional-context/structure',
      () =>
        pick([
          '/health',
          '/metrics',
          '/openapi.json',
          '/docs',
          '/docs/assets/x.js',
          '/',
          '/api',
          '/api/v1',
        ]),
      () => `/${encodeURIComponent(randomString(30))}`,
    ])()
  }

  const query = () =>
    chance(0.5)
      ? ''
      : `?${Array.from({ length: 1 + int(3) }, () =>
          pick([
            () =>
              `limit=${pick(['0', '1', '500', '501', '-5', '1e3', 'NaN', '', '10&limit=20', encodeURIComponent(randomString(8))])}`,
            () => `${encodeURIComponent(randomString(6))}=${encodeURIComponent(randomString(10))}`,
            () => encodeURIComponent(randomString(10)),
          ])(),
        ).join('&')}`

  const jsonValue = (depth: number): unknown => {
    const kind = int(depth > 3 ? 5 : 8)
    switch (kind) {
      case 0:
        return null
      case 1:
        return chance(0.5)
      case 2:
        return pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1])
      case 3:
        return randomString(40)
      case 4:
        return pick([
          'dummy',
          'ocean',
          'braiins_pool',
          '***',
          '',
          ...(options.templates && options.ids.length > 0
            ? [pick(options.ids), [pick(options.ids)]]
            : []),
        ])
      case 5:
        return Array.from({ length: int(4) }, () => jsonValue(depth + 1))
      default: {
        const keys = [
          'name',
          'adapter_type',
          'config',
          'external_service_id',
          'conditions',
          'policy',
          'context',
          'seed',
          'api_token',
          'bitcoin_address',
          'api_base_url',
          'request_timeout_seconds',
          '__proto__',
          'constructor',
          randomString(6),
          ...(options.keys ?? []),
        ]
        return Object.fromEntries(
          Array.from({ length: int(5) }, () => [pick(keys), jsonValue(depth + 1)]),
        )
      }
    }
  }

  const body = (): { body?: string | Uint8Array; huge: boolean } => {
    const kind = int(10)
    if (kind === 0) return { huge: false }
    if (kind === 1) {
      const size = options.bodyLimitBytes + 1 + int(options.bodyLimitBytes)
      return { body: JSON.stringify({ name: 'x'.repeat(size) }), huge: true }
    }
    if (kind === 2) return { body: JSON.stringify(jsonValue(0)).slice(0, 1 + int(30)), huge: false }
    if (kind === 3)
      return { body: Uint8Array.from({ length: int(200) }, () => int(256)), huge: false }
    if (kind === 4) return { body: randomString(100), huge: false }
    if (kind === 5) return { body: '['.repeat(5000), huge: false }
    return { body: JSON.stringify(jsonValue(0)), huge: false }
  }

  return function next(): FuzzCase {
    const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'])
    const headers: Record<string, string> = {}
    if (options.authorization && chance(0.9)) headers.authorization = options.authorization
    else if (chance(0.5))
      headers.authorization = pick(['Bearer', 'Bearer x', 'Basic Zm9vOmJhcg==', asciiString(20)])
    const contentType = pick([
      'application/json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      '',
    ])
    if (contentType) headers['content-type'] = contentType
    const hasBody = method !== 'GET' && method !== 'HEAD'
    const generated = hasBody ? body() : { huge: false }
    return {
      method,
      path: `${path()}${query()}`,
      headers,
      ...(generated.body === undefined ? {} : { body: generated.body }),
      huge: generated.huge,
    }
  }
}
