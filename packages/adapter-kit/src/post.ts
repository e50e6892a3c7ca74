import { createFetch } from 'ofetch'
import { networkCodeOf } from './device-http'

/** What one POST came back with: a response, or why there was none. */
export type PostOutcome =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string | undefined }

/**
 * One POST through ofetch with its retry off and redirects not followed — what the notifier
 * adapters (Telegram, ntfy, webhooks) send with. Never throws: a failure comes back as an
 * outcome, and the ofetch error is dropped on purpose — its message holds the whole URL (the
 * Bot API's holds the token) and its `options` the headers (where tokens live).
 */
export async function postOnce(options: {
  fetch: typeof globalThis.fetch | undefined
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
}): Promise<PostOutcome> {
  const ofetch = createFetch(options.fetch === undefined ? {} : { fetch: options.fetch })
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, options.timeoutMs)
  try {
    const response = await ofetch.raw(options.url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      retry: 0,
      redirect: 'manual',
      responseType: 'text',
      ignoreResponseError: true,
      signal: controller.signal,
    })
    return {
      kind: 'response',
      status: response.status,
      headers: response.headers,
      text: typeof response._data === 'string' ? response._data : '',
    }
  } catch (error) {
    if (timedOut) return { kind: 'timeout' }
    return { kind: 'network', code: networkCodeOf(error) }
  } finally {
    clearTimeout(timer)
  }
}
