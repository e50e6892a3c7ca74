import { describe, expect, test } from 'vitest'
import { formatDuration, formatHashrate, formatRelative, formatSats, renderTable } from './format'

const NOW = Date.parse('2026-08-20T12:00:00Z')

describe('format', () => {
  test('hash rates in TH/s, sats with BTC', () => {
    expect(formatHashrate({ value: 199.715979264, unit: 'TH/s' })).toBe('199.72 TH/s')
    expect(formatHashrate(null)).toBe('—')
    expect(formatSats(12_345)).toBe('12,345 sats (0.00012345 BTC)')
    expect(formatSats(1_048_576)).toBe('1,048,576 sats (0.01048576 BTC)')
    expect(formatSats(null)).toBe('—')
  })

  test('ages read like "last share 3 min ago"', () => {
    expect(formatRelative('2026-08-20T11:57:00Z', NOW)).toBe('3 min ago')
    expect(formatRelative('2026-08-20T11:59:58Z', NOW)).toBe('just now')
    expect(formatRelative('2026-08-20T11:59:18Z', NOW)).toBe('42 s ago')
    expect(formatRelative('2026-08-20T09:55:00Z', NOW)).toBe('2 h 5 min ago')
    expect(formatRelative('2026-08-17T12:00:00Z', NOW)).toBe('3 days ago')
    expect(formatRelative('2026-08-20T14:00:00Z', NOW)).toBe('in 2 h')
    expect(formatRelative(null, NOW)).toBe('—')
    expect(formatRelative('garbage', NOW)).toBe('—')
    expect(formatDuration(3600)).toBe('1 h')
  })

  test('tables align columns, numbers to the right', () => {
    const table = renderTable(
      [
        { name: 's21', rate: '190 TH/s' },
        { name: 'bitaxe-desk', rate: '1 TH/s' },
      ],
      [
        { header: 'Worker', value: (row) => row.name },
        { header: 'Rate', value: (row) => row.rate, align: 'right' },
      ],
    )
    expect(table.split('\n')).toEqual([
      'Worker           Rate',
      '-----------  --------',
      's21          190 TH/s',
      'bitaxe-desk    1 TH/s',
    ])
  })
})
