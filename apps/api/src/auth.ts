import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ApiError } from './http'

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first so the comparison is
 * constant-time and runs on equal-length buffers whatever the client sends.
 */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = digest(token)
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer[ \t]+(.+)$/i.exec(header.trim())
    const presented = match?.[1]?.trim() ?? ''
    if (!timingSafeEqual(digest(presented), expected)) {
      throw new ApiError(401, 'Not authenticated: send Authorization: Bearer <API_TOKEN>', {
        'WWW-Authenticate': 'Bearer',
      })
    }
    await next()
  }
}
