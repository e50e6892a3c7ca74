export type RequestLogEntry = {
  /** `now()` (ms) when the request arrived. */
  at: number
  method: string
  /** Path without the query string. */
  path: string
  /** Query string including `?`, or '' when there is none. */
  query: string
  /** The endpoint name (`statsnap`, `profile`, …) or `unknown` for an unrouted path. */
  endpoint: string
  /** Status sent; null while pending or when the request was never answered (hang, drop). */
  status: number | null
  /** Braiins: a short non-reversible tag of the presented token (never the token). */
  token?: string
}

export type RequestLog = {
  total: number
  byEndpoint: Record<string, number>
  log: RequestLogEntry[]
}

/** Records every request that reached a simulator, in arrival order. */
export function createRequestLog() {
  let entries: RequestLogEntry[] = []

  return {
    record(entry: RequestLogEntry): RequestLogEntry {
      entries.push(entry)
      return entry
    },
    /** A snapshot: later requests do not change an earlier result. */
    snapshot(): RequestLog {
      const byEndpoint: Record<string, number> = {}
      for (const entry of entries)
        byEndpoint[entry.endpoint] = (byEndpoint[entry.endpoint] ?? 0) + 1
      return { total: entries.length, byEndpoint, log: entries.map((entry) => ({ ...entry })) }
    },
    reset(): void {
      entries = []
    },
  }
}
