/** `scheme://user:password@` in any text → `scheme://` (mqtt's errors may quote the URL). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi

/**
 * A URL as it may be shown: without user and password. What is not a URL with a host
 * (`user:password@host:1883` parses as a scheme `user:`) loses everything before its `@` too.
 */
export function withoutCredentials(url: string): string {
  let out = url
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    out = parsed.toString()
  } catch {
    // Not a URL: the rule below still applies.
  }
  return out.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1')
}

/**
 * Text as it may be logged or thrown: URL credentials stripped and every occurrence of a
 * secret replaced by `***`. The bridge passes every message through it.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(USERINFO, '$1')
  for (const secret of secrets) {
    if (secret) out = out.replaceAll(secret, '***')
  }
  return out
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
