import { createHash } from 'node:crypto'

/**
 * A short, non-reversible tag of a token for the request log: the first 12 hex digits of its
 * SHA-256. Tests compare tags; the token itself is never stored or echoed.
 */
export function tokenTag(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12)
}

/** Header names Braiins accepts for the token (current and legacy Slush Pool ones). */
export const TOKEN_HEADERS = [
  'pool-auth-token',
  'x-pool-auth-token',
  'slushpool-auth-token',
  'x-slushpool-auth-token',
] as const
