/**
 * What Telegram makes of a message's text: the plain text a person reads and its formatting
 * entities, or the `can't parse entities: …` error the Bot API answers for text its parse mode
 * rejects. Offsets and lengths are in UTF-16 code units, as the Bot API's.
 */

export interface TelegramEntity {
  type:
    | 'bold'
    | 'italic'
    | 'underline'
    | 'strikethrough'
    | 'spoiler'
    | 'code'
    | 'pre'
    | 'text_link'
    | 'blockquote'
  offset: number
  length: number
  url?: string
}

export interface ParsedText {
  text: string
  entities: TelegramEntity[]
}

/** The text is not valid in its parse mode; `message` is the Bot API's description tail. */
export class EntityParseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EntityParseError'
  }
}

const byteOffset = (source: string, index: number) =>
  Buffer.byteLength(source.slice(0, index), 'utf8')

/** Characters MarkdownV2 reserves outside entities (Bot API "MarkdownV2 style"). */
export const MARKDOWN_V2_RESERVED = '_*[]()~`>#+-=|{}.!'

type Toggle = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler'

const TOGGLE_NAMES: Record<Toggle, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
}

/**
 * MarkdownV2 as the Bot API reads it: `\` escapes any ASCII character; `*bold*`, `_italic_`,
 * `__underline__`, `~strike~`, `||spoiler||`, `` `code` ``, ```` ```pre``` ````,
 * `[text](url)` and `>` quotes at a line start; every other reserved character must be escaped.
 */
export function parseMarkdownV2(source: string): ParsedText {
  let text = ''
  const entities: TelegramEntity[] = []
  const open: { type: Toggle | 'link'; offset: number; at: number }[] = []
  let quote: { offset: number } | null = null
  let index = 0
  const reserved = (char: string): never => {
    throw new EntityParseError(
      `Character '${char}' is reserved and must be escaped with the preceding '\\'`,
    )
  }
  const endQuote = () => {
    if (quote && text.length > quote.offset) {
      entities.push({
        type: 'blockquote',
        offset: quote.offset,
        length: text.length - quote.offset,
      })
    }
    quote = null
  }
  const toggle = (type: Toggle, width: number) => {
    const top = open[open.length - 1]
    if (top?.type === type) {
      open.pop()
      if (text.length > top.offset) {
        entities.push({ type, offset: top.offset, length: text.length - top.offset })
      }
    } else if (open.some((entry) => entry.type === type)) {
      throw new EntityParseError(
        `Can't find end of ${TOGGLE_NAMES[type]} entity at byte offset ${byteOffset(source, index)}`,
      )
    } else {
      open.push({ type, offset: text.length, at: index })
    }
    index += width
  }
  /** Reads a code span up to `fence`; inside, only `` ` `` and `\` are special. */
  const code = (fence: string): string => {
    const start = index
    index += fence.length
    let content = ''
    while (index < source.length) {
      const char = source[index] as string
      if (char === '\\' && index + 1 < source.length) {
        content += source[index + 1]
        index += 2
        continue
      }
      if (source.startsWith(fence, index)) {
        index += fence.length
        return content
      }
      content += char
      index += 1
    }
    throw new EntityParseError(
      `Can't find end of ${fence.length === 3 ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(source, start)}`,
    )
  }

  while (index < source.length) {
    const char = source[index] as string
    const lineStart = index === 0 || source[index - 1] === '\n'
    if (char === '\n') endQuote()
    if (char === '\\') {
      const next = source[index + 1]
      if (next === undefined) reserved('\\')
      else {
        const codePoint = source.codePointAt(index + 1) ?? 0
        const escaped = String.fromCodePoint(codePoint)
        text += escaped
        index += 1 + escaped.length
      }
      continue
    }
    if (char === '>' && lineStart) {
      endQuote()
      quote = { offset: text.length }
      index += 1
      continue
    }
    switch (char) {
      case '*':
        toggle('bold', 1)
        continue
      case '_':
        if (source[index + 1] === '_') toggle('underline', 2)
        else toggle('italic', 1)
        continue
      case '~':
        toggle('strikethrough', 1)
        continue
      case '|':
        if (source[index + 1] === '|') {
          toggle('spoiler', 2)
          continue
        }
        reserved(char)
        break
      case '`': {
        const fence = source.startsWith('```', index) ? '```' : '`'
        const offset = text.length
        let content = code(fence)
        if (fence === '```') {
          // The first line may name the language.
          const newline = content.indexOf('\n')
          if (newline >= 0 && /^[\w+-]*$/.test(content.slice(0, newline))) {
            content = content.slice(newline + 1)
          }
        }
        text += content
        if (content.length > 0) {
          entities.push({ type: fence === '```' ? 'pre' : 'code', offset, length: content.length })
        }
        continue
      }
      case '[':
        open.push({ type: 'link', offset: text.length, at: index })
        index += 1
        continue
      case ']': {
        const top = open[open.length - 1]
        if (top?.type !== 'link' || source[index + 1] !== '(') reserved(char)
        else {
          open.pop()
          index += 2
          let url = ''
          for (;;) {
            const c = source[index]
            if (c === undefined) {
              throw new EntityParseError(
                `Can't find end of a URL at byte offset ${byteOffset(source, top.at)}`,
              )
            }
            if (c === '\\' && index + 1 < source.length) {
              url += source[index + 1]
              index += 2
              continue
            }
            index += 1
            if (c === ')') break
            url += c
          }
          if (text.length > top.offset) {
            entities.push({
              type: 'text_link',
              offset: top.offset,
              length: text.length - top.offset,
              url,
            })
          }
        }
        continue
      }
      default:
        if (MARKDOWN_V2_RESERVED.includes(char)) reserved(char)
    }
    text += char
    index += 1
  }
  endQuote()
  const unclosed = open[open.length - 1]
  if (unclosed) {
    const name = unclosed.type === 'link' ? 'TextUrl' : TOGGLE_NAMES[unclosed.type]
    throw new EntityParseError(
      `Can't find end of ${name} entity at byte offset ${byteOffset(source, unclosed.at)}`,
    )
  }
  return { text, entities: sortEntities(entities) }
}

const HTML_TAGS: Record<string, TelegramEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  code: 'code',
  pre: 'pre',
  a: 'text_link',
  blockquote: 'blockquote',
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' }

/**
 * HTML as the Bot API reads it: the tags it supports (`b`, `i`, `u`, `s`, `a href`, `code`,
 * `pre`, `blockquote`, `tg-spoiler` / `span class="tg-spoiler"` and their synonyms), the entities
 * `&lt;` `&gt;` `&amp;` `&quot;` and numeric ones; any other tag, an unclosed one or a bare `<`
 * or `&` that is not an entity is an error.
 */
export function parseHtml(source: string): ParsedText {
  let text = ''
  const entities: TelegramEntity[] = []
  const open: { tag: string; type: TelegramEntity['type']; offset: number; url?: string }[] = []
  let index = 0
  while (index < source.length) {
    const char = source[index] as string
    if (char === '<') {
      const close = source.indexOf('>', index)
      if (close < 0) {
        throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(source, index)}`)
      }
      const inside = source.slice(index + 1, close)
      const ending = /^\/\s*([a-z-]+)\s*$/i.exec(inside)
      if (ending) {
        const name = (ending[1] as string).toLowerCase()
        const top = open.pop()
        if (!top || top.tag !== name) {
          throw new EntityParseError(
            `Unmatched end tag at byte offset ${byteOffset(source, index)}, expected "</${top?.tag ?? ''}>", found "</${name}>"`,
          )
        }
        if (text.length > top.offset) {
          entities.push({
            type: top.type,
            offset: top.offset,
            length: text.length - top.offset,
            ...(top.url === undefined ? {} : { url: top.url }),
          })
        }
      } else {
        const start = /^([a-z-]+)((?:\s+[a-z-]+\s*=\s*"[^"]*")*)\s*$/i.exec(inside)
        const name = start?.[1]?.toLowerCase() ?? inside.split(/\s/)[0] ?? ''
        const type = HTML_TAGS[name]
        const attributes = Object.fromEntries(
          [...(start?.[2] ?? '').matchAll(/([a-z-]+)\s*=\s*"([^"]*)"/gi)].map((match) => [
            (match[1] as string).toLowerCase(),
            decodeEntities(match[2] as string, source, index),
          ]),
        )
        if (!start || !type || (name === 'span' && attributes.class !== 'tg-spoiler')) {
          throw new EntityParseError(
            `Unsupported start tag "${name}" at byte offset ${byteOffset(source, index)}`,
          )
        }
        open.push({
          tag: name,
          type,
          offset: text.length,
          ...(name === 'a' ? { url: attributes.href ?? '' } : {}),
        })
      }
      index = close + 1
      continue
    }
    if (char === '&') {
      const end = source.indexOf(';', index)
      const decoded = end < 0 ? undefined : decodeEntity(source.slice(index + 1, end))
      if (decoded === undefined) {
        throw new EntityParseError(
          `Unsupported HTML entity at byte offset ${byteOffset(source, index)}`,
        )
      }
      text += decoded
      index = end + 1
      continue
    }
    text += char
    index += 1
  }
  const unclosed = open.pop()
  if (unclosed) {
    throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`)
  }
  return { text, entities: sortEntities(entities) }
}

function decodeEntity(name: string): string | undefined {
  const named = NAMED_ENTITIES[name]
  if (named !== undefined) return named
  const numeric = /^#(?:x([0-9a-f]{1,6})|([0-9]{1,7}))$/i.exec(name)
  if (!numeric) return undefined
  const codePoint = numeric[1] ? Number.parseInt(numeric[1], 16) : Number(numeric[2])
  return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : undefined
}

function decodeEntities(value: string, source: string, at: number): string {
  return value.replace(/&([^;]*);/g, (_all, name: string) => {
    const decoded = decodeEntity(name)
    if (decoded === undefined) {
      throw new EntityParseError(`Unsupported HTML entity at byte offset ${byteOffset(source, at)}`)
    }
    return decoded
  })
}

function sortEntities(entities: TelegramEntity[]): TelegramEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length)
}

/** The text a parse mode makes of `source` (no parse mode: the text as sent). */
export function parseText(source: string, parseMode: 'MarkdownV2' | 'HTML' | null): ParsedText {
  if (parseMode === 'MarkdownV2') return parseMarkdownV2(source)
  if (parseMode === 'HTML') return parseHtml(source)
  return { text: source, entities: [] }
}
