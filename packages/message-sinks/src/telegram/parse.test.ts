import { describe, expect, it } from 'vitest'
import { EntityParseError, parseHtml, parseMarkdownV2 } from './parse'

describe('MarkdownV2 as Telegram reads it', () => {
  it('bold, italic, underline, strike, spoiler, code, pre and links become entities', () => {
    expect(parseMarkdownV2('*Miner Started: Rig*\n\n_it_ __u__ ~s~ ||x|| `a\\`b`')).toEqual({
      text: 'Miner Started: Rig\n\nit u s x a`b',
      entities: [
        { type: 'bold', offset: 0, length: 18 },
        { type: 'italic', offset: 20, length: 2 },
        { type: 'underline', offset: 23, length: 1 },
        { type: 'strikethrough', offset: 25, length: 1 },
        { type: 'spoiler', offset: 27, length: 1 },
        { type: 'code', offset: 29, length: 3 },
      ],
    })
    expect(parseMarkdownV2('[docs](https://x.io/a_\\(b\\))')).toEqual({
      text: 'docs',
      entities: [{ type: 'text_link', offset: 0, length: 4, url: 'https://x.io/a_(b)' }],
    })
    expect(parseMarkdownV2('```ts\nconst a = 1\n```').text).toBe('const a = 1\n')
  })

  it('escapes any ASCII character with a backslash', () => {
    const escaped = 'Rig\\_1 \\(00000000\\-0000\\-4000\\) 1\\.5 kW\\! \\\\ \\> \\#'
    expect(parseMarkdownV2(escaped).text).toBe('Rig_1 (00000000-0000-4000) 1.5 kW! \\ > #')
  })

  it("a reserved character left unescaped is the Bot API's error", () => {
    for (const [text, char] of [
      ['uuid 1-2', '-'],
      ['1.5 kW', '.'],
      ['done!', '!'],
      ['(a)', '('],
      ['a = b', '='],
      ['#1', '#'],
      ['a|b', '|'],
      ['{x}', '{'],
      ['a]', ']'],
    ] as const) {
      expect(() => parseMarkdownV2(text)).toThrow(
        new EntityParseError(
          `Character '${char}' is reserved and must be escaped with the preceding '\\'`,
        ),
      )
    }
  })

  it('an entity left open is an error', () => {
    expect(() => parseMarkdownV2('*bold')).toThrow("Can't find end of Bold entity at byte offset 0")
    expect(() => parseMarkdownV2('rig_1')).toThrow(
      "Can't find end of Italic entity at byte offset 3",
    )
    expect(() => parseMarkdownV2('`code')).toThrow("Can't find end of Code entity")
  })

  it('a line starting with > is a quote', () => {
    expect(parseMarkdownV2('>quoted\nplain')).toEqual({
      text: 'quoted\nplain',
      entities: [{ type: 'blockquote', offset: 0, length: 6 }],
    })
  })
})

describe('HTML as Telegram reads it', () => {
  it('supported tags become entities; &lt; &gt; &amp; &quot; and numeric entities decode', () => {
    expect(
      parseHtml(
        '<b>Miner &lt;1&gt;</b>\n\n<i>a</i> &amp; <a href="https://x.io/?a=1&amp;b">l</a> &#128512;',
      ),
    ).toEqual({
      text: 'Miner <1>\n\na & l 😀',
      entities: [
        { type: 'bold', offset: 0, length: 9 },
        { type: 'italic', offset: 11, length: 1 },
        { type: 'text_link', offset: 15, length: 1, url: 'https://x.io/?a=1&b' },
      ],
    })
    expect(parseHtml('<span class="tg-spoiler">s</span>').entities).toEqual([
      { type: 'spoiler', offset: 0, length: 1 },
    ])
  })

  it('an unknown tag, an unclosed one or a bare & is an error', () => {
    expect(() => parseHtml('a <rig> b')).toThrow('Unsupported start tag "rig" at byte offset 2')
    expect(() => parseHtml('<b>x')).toThrow('Can\'t find end tag corresponding to start tag "b"')
    expect(() => parseHtml('<b>x</i>')).toThrow('Unmatched end tag')
    expect(() => parseHtml('a & b')).toThrow('Unsupported HTML entity at byte offset 2')
    expect(() => parseHtml('1 < 2')).toThrow(EntityParseError)
  })
})
