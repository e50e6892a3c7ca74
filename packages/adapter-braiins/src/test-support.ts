// Test helpers for this package: the reference workers as the port must report them.

const th = (value: number) => ({ value, unit: 'TH/s' as const })

/**
 * The reference workers (pool-apis.md §2.3) as the port must report them; hand-derived:
 * Gh/s ÷ 1000, `last_share` unix seconds → ISO (checked with `date -u`), ok/low/off/dis →
 * online/low/offline/disabled, `shares_24h` → valid_shares.
 */
export const REFERENCE_WORKERS_EXPECTED = [
  {
    worker_name: 'miner_alice.s21',
    hashrate: th(89.31),
    last_share_at: '2026-08-29T10:39:50.000Z',
    valid_shares: 20_945_364,
    stale_shares: null,
    rejected_shares: null,
    state: 'online',
  },
  {
    worker_name: 'miner_alice.s19',
    hashrate: th(11.924),
    last_share_at: '2026-08-29T10:39:35.000Z',
    valid_shares: 3_711_250,
    stale_shares: null,
    rejected_shares: null,
    state: 'low',
  },
  {
    worker_name: 'miner_alice.bitaxe',
    hashrate: th(0),
    last_share_at: '2026-08-26T08:00:00.000Z',
    valid_shares: 0,
    stale_shares: null,
    rejected_shares: null,
    state: 'offline',
  },
  {
    worker_name: 'miner_alice.[auto]',
    hashrate: th(0),
    last_share_at: null,
    valid_shares: 0,
    stale_shares: null,
    rejected_shares: null,
    state: 'disabled',
  },
]
