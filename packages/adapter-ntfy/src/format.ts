import type { NotificationEvent } from '@edge-mining/domain'

/** ntfy keeps messages up to this many bytes as text (longer ones become an attachment). */
export const NTFY_MAX_MESSAGE_BYTES = 4096
/** Longest title sent, in characters (ntfy refuses titles over 1 KB). */
export const NTFY_MAX_TITLE = 250
/** What ends a message that had to be cut. */
export const TRUNCATED_SUFFIX = '\n\n… (truncated)'

/** Priority per event when the config sets none: what needs a look is high (4). */
export const NTFY_EVENT_PRIORITY: Record<NotificationEvent, number> = {
  test: 3,
  miner_started: 3,
  miner_stopped: 3,
  miner_start_failed: 4,
  miner_stop_failed: 4,
  device_unreachable: 4,
  device_back: 3,
  energy_unreachable: 4,
  energy_back: 3,
  manual_action: 3,
  error: 4,
}

/** Tags per event: ntfy shows an emoji shortcode as the emoji in front of the title. */
export const NTFY_EVENT_TAGS: Record<NotificationEvent, readonly string[]> = {
  test: ['test_tube'],
  miner_started: ['zap'],
  miner_stopped: ['stop_button'],
  miner_start_failed: ['warning'],
  miner_stop_failed: ['warning'],
  device_unreachable: ['rotating_light'],
  device_back: ['white_check_mark'],
  energy_unreachable: ['rotating_light'],
  energy_back: ['white_check_mark'],
  manual_action: ['raised_hand'],
  error: ['x'],
}

/**
 * A header value as ntfy reads it: one line; anything beyond printable ASCII as an RFC 2047
 * encoded word (`=?UTF-8?B?…?=`), which ntfy decodes (fetch refuses non-Latin-1 headers).
 */
export function headerValue(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (/^[\x20-\x7e]*$/.test(line)) return line
  return `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`
}

/**
 * At most `maxBytes` of UTF-8, cut cleanly: on a character boundary, at the last line break or
 * space of the final 200 characters when there is one.
 */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text
  let end = 0
  let bytes = 0
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8')
    if (bytes + size > maxBytes) break
    bytes += size
    end += char.length
  }
  const window = text.slice(Math.max(0, end - 200), end)
  const breakAt = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '))
  if (breakAt > 0) end = Math.max(0, end - 200) + breakAt
  return text.slice(0, end).trimEnd()
}

/** The title, one line of at most {@link NTFY_MAX_TITLE} characters. */
export function ntfyTitle(title: string): string {
  const line = title.replace(/\s+/g, ' ').trim() || 'Edge Mining'
  if (line.length <= NTFY_MAX_TITLE) return line
  const chars = [...line]
  return chars.length <= NTFY_MAX_TITLE ? line : `${chars.slice(0, NTFY_MAX_TITLE - 1).join('')}…`
}

/** The body: the message, cut to fit {@link NTFY_MAX_MESSAGE_BYTES} with a "(truncated)" mark. */
export function ntfyBody(message: string): string {
  const text = message.replace(/\r\n?/g, '\n').trim()
  if (Buffer.byteLength(text, 'utf8') <= NTFY_MAX_MESSAGE_BYTES) return text
  const room = NTFY_MAX_MESSAGE_BYTES - Buffer.byteLength(TRUNCATED_SUFFIX, 'utf8')
  return `${cutToBytes(text, room)}${TRUNCATED_SUFFIX}`
}
