import type { Notification } from '@edge-mining/domain'

/** The Bot API's limit on a message's text after entity parsing. */
export const TELEGRAM_MAX_TEXT = 4096
/** Longest title shown; a longer one is cut with `…`. */
export const TELEGRAM_MAX_TITLE = 256
/** What ends a message that had to be cut. */
export const TRUNCATED_SUFFIX = '\n\n… (truncated)'

export type TelegramParseMode = 'MarkdownV2' | 'HTML'

/**
 * MarkdownV2 escaping: a backslash before `\` and each of `_*[]()~\`>#+-=|{}.!` — every
 * character the Bot API reserves (upstream forgot the backslash itself).
 */
export function escapeMarkdownV2(text: string): string {
  return text.replace(/[\\_*[\]()~`>#+\-=|{}.!]/g, (char) => `\\${char}`)
}

/** HTML escaping: `&`, `<` and `>` as entities (all the Bot API needs outside tags). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === '&' ? '&amp;' : char === '<' ? '&lt;' : '&gt;'))
}

/**
 * At most `max` UTF-16 code units of `text`, cut cleanly: never inside a surrogate pair, and at
 * the last line break or space of the final 200 characters when there is one.
 */
export function cutCleanly(text: string, max: number): string {
  if (text.length <= max) return text
  let end = Math.max(0, max)
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  const window = text.slice(Math.max(0, end - 200), end)
  const breakAt = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '))
  if (breakAt > 0) end = Math.max(0, end - 200) + breakAt
  return text.slice(0, end).trimEnd()
}

/** What a person reads: the title on its own line, a blank line, the message — cut to fit. */
export function plainTelegramParts(notification: Pick<Notification, 'title' | 'message'>): {
  title: string
  message: string
} {
  const oneLine = notification.title.replace(/\s+/g, ' ').trim() || 'Edge Mining'
  const title =
    oneLine.length > TELEGRAM_MAX_TITLE
      ? `${cutCleanly(oneLine, TELEGRAM_MAX_TITLE - 1)}…`
      : oneLine
  const message = notification.message.replace(/\r\n?/g, '\n').trim()
  // Telegram counts the text after entity parsing: escapes and markup do not count.
  const budget = TELEGRAM_MAX_TEXT - title.length - 2
  const fitted =
    message.length <= budget
      ? message
      : `${cutCleanly(message, budget - TRUNCATED_SUFFIX.length)}${TRUNCATED_SUFFIX}`
  return { title, message: fitted }
}

/**
 * The `text` of a `sendMessage`: `*<title>*\n\n<message>` in MarkdownV2 (upstream's format) or
 * `<b><title></b>\n\n<message>` in HTML, everything escaped so names, UUIDs, decimals and error
 * texts show as written, at most {@link TELEGRAM_MAX_TEXT} characters once parsed.
 */
export function formatTelegramText(
  notification: Pick<Notification, 'title' | 'message'>,
  parseMode: TelegramParseMode,
): string {
  const { title, message } = plainTelegramParts(notification)
  const gap = message === '' ? '' : '\n\n'
  if (parseMode === 'HTML') return `<b>${escapeHtml(title)}</b>${gap}${escapeHtml(message)}`
  return `*${escapeMarkdownV2(title)}*${gap}${escapeMarkdownV2(message)}`
}
