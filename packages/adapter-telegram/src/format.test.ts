import { parseHtml, parseMarkdownV2 } from '@edge-mining/message-sinks'
import { describe, expect, it } from 'vitest'
import {
  cutCleanly,
  escapeHtml,
  escapeMarkdownV2,
  formatTelegramText,
  TELEGRAM_MAX_TEXT,
  TRUNCATED_SUFFIX,
} from './format'

const UUID = '0b9f3c1e-7a2d-4c5e-9f10-2a3b4c5d6e7f'
const nasty = {
  title: 'Miner Started: rig_1 (garage) [S19-pro] *hot*',
  message: `Miner rig_1 (${UUID}) was started. (Optimization Unit: Home #1)\nStart: rule 'Sun > 1.5 kW' fired (energy_state.production = 4000 W > 3000) ~ok! a|b {x} = y + z \`c:\\temp\` <b>&amp;`,
}

describe('Telegram formatting', () => {
  it('MarkdownV2: every reserved character and the backslash escaped — the text shows as written', () => {
    expect(escapeMarkdownV2('a_b*c[d]e(f)g~h`i>j#k+l-m=n|o{p}q.r!s\\t')).toBe(
      'a\\_b\\*c\\[d\\]e\\(f\\)g\\~h\\`i\\>j\\#k\\+l\\-m\\=n\\|o\\{p\\}q\\.r\\!s\\\\t',
    )
    const text = formatTelegramText(nasty, 'MarkdownV2')
    expect(
      text.startsWith('*Miner Started: rig\\_1 \\(garage\\) \\[S19\\-pro\\] \\*hot\\**\n\n'),
    ).toBe(true)
    // Parsed the way the Bot API parses it (the fake's parser): the title bold, the rest verbatim.
    expect(parseMarkdownV2(text)).toEqual({
      text: `${nasty.title}\n\n${nasty.message}`,
      entities: [{ type: 'bold', offset: 0, length: nasty.title.length }],
    })
  })

  it('HTML: & < > escaped, the title bold', () => {
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c')
    const text = formatTelegramText(nasty, 'HTML')
    expect(text.startsWith('<b>Miner Started: rig_1 (garage) [S19-pro] *hot*</b>\n\n')).toBe(true)
    expect(parseHtml(text)).toEqual({
      text: `${nasty.title}\n\n${nasty.message}`,
      entities: [{ type: 'bold', offset: 0, length: nasty.title.length }],
    })
  })

  it('a message over 4096 characters is cut at a word, marked truncated, and fits once parsed', () => {
    const words = Array.from({ length: 2000 }, (_, index) => `w${index}.`).join(' ')
    for (const mode of ['MarkdownV2', 'HTML'] as const) {
      const text = formatTelegramText({ title: 'Long-one', message: words }, mode)
      const shown = (mode === 'HTML' ? parseHtml : parseMarkdownV2)(text).text
      expect(shown.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT)
      expect(shown.length).toBeGreaterThan(TELEGRAM_MAX_TEXT - 200)
      expect(shown.endsWith(TRUNCATED_SUFFIX)).toBe(true)
      const kept = shown.slice('Long-one\n\n'.length, -TRUNCATED_SUFFIX.length)
      expect(words.startsWith(kept)).toBe(true)
      expect(kept).toMatch(/w\d+\.$/) // whole words only
    }
    // The escaped text is longer than 4096 (every '.' doubled) and that is fine: Telegram counts parsed.
    expect(formatTelegramText({ title: 't', message: words }, 'MarkdownV2').length).toBeGreaterThan(
      4096,
    )
  })

  it('cuts never split a surrogate pair, and a title is one line of at most 256', () => {
    expect(cutCleanly('ab😀', 3)).toBe('ab')
    expect(cutCleanly('short', 10)).toBe('short')
    const text = formatTelegramText({ title: `a\nb ${'x'.repeat(400)}`, message: '' }, 'HTML')
    const shown = parseHtml(text).text
    expect(shown.startsWith('a b ')).toBe(true)
    expect(shown.length).toBe(256)
    expect(shown.endsWith('…')).toBe(true)
    expect(formatTelegramText({ title: '  ', message: 'm' }, 'MarkdownV2')).toBe(
      '*Edge Mining*\n\nm',
    )
  })
})
