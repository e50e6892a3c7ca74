import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createDecisionalContext,
  createSnapshot,
  type DecisionalContextInput,
  hashRate,
  payoutSchedule,
  poolStats,
  poolWorkerStats,
} from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { createMemoryRuleStateStore } from './compile'
import { evaluatePolicy } from './evaluate'
import { parsePolicy, parseRuleFile } from './parse'
import { policy as policyOf } from './test-support/helpers'
import type { Rule, RuleType } from './types'

const EXAMPLES = join(import.meta.dirname, '../../../data/examples')
const MONDAY_10 = '2026-01-05T10:00:00Z'
const at = (day: 'mon' | 'sat' | 'sun', hour: number) =>
  `2026-01-${{ mon: '05', sat: '10', sun: '11' }[day]}T${String(hour).padStart(2, '0')}:00:00Z`

interface Pool {
  current?: number
  avg24?: number
  avg7?: number
  unpaid?: number
  threshold?: number
  frequency?: 'unknown' | 'per_block' | 'hourly' | 'daily' | 'threshold'
  lastShareSecondsAgo?: number
  stale?: boolean
  age?: number
}

/** A mining-performance snapshot at `timestamp`, derived fields computed by the domain. */
function pool(p: Pool, timestamp = MONDAY_10) {
  const lastShare = new Date(
    Date.parse(timestamp) - (p.lastShareSecondsAgo ?? 30) * 1000,
  ).toISOString()
  return createSnapshot({
    current_hashrate: p.current === undefined ? null : hashRate(p.current),
    pool_stats: poolStats({
      timestamp,
      current_hashrate: p.current === undefined ? null : hashRate(p.current),
      average_hashrate_24h: p.avg24 === undefined ? null : hashRate(p.avg24),
      average_hashrate_7d: p.avg7 === undefined ? null : hashRate(p.avg7),
      unpaid_balance: p.unpaid ?? null,
      workers: [poolWorkerStats({ worker_name: 'rig', last_share_at: lastShare, state: 'online' })],
    }),
    payout_schedule: payoutSchedule({
      frequency: p.frequency ?? 'daily',
      threshold: p.threshold ?? null,
    }),
    timestamp,
    data_age_seconds: p.age ?? 20,
    stale: p.stale ?? false,
  })
}

interface Case {
  at?: string
  input: DecisionalContextInput
}
const battery = (state_of_charge: number, extra = {}) => ({
  battery: { state_of_charge, ...extra },
})

/**
 * For each shipped rule (by name): a context built for it (it fires) and one built against it
 * (it does not). Values are chosen from the rule text in upstream-behaviour.md §3.8 and the
 * rewritten rules' comments, each "against" context changing one reading across a threshold.
 */
const CASES: Record<string, [forIt: Case, againstIt: Case]> = {
  'Priority Solar Mining': [
    { input: { energy_state: { production: 3500, ...battery(50) } } },
    { input: { energy_state: { production: 2000, ...battery(50) } } },
  ],
  'High Solar + Low Battery': [
    { input: { forecast: { next_hour_power: 2500 }, energy_state: battery(50) } },
    { input: { forecast: { next_hour_power: 2500 }, energy_state: battery(95) } },
  ],
  'Battery Full + Excess Solar (On-Grid)': [
    { input: { energy_state: { ...battery(96), grid: { current_power: -800 } } } },
    { input: { energy_state: { ...battery(96), grid: { current_power: -100 } } } },
  ],
  'Battery Full + Excess Solar (Off-Grid)': [
    { input: { energy_state: battery(96), forecast: { next_hour_power: 2500 } } },
    { input: { energy_state: battery(96), forecast: { next_hour_power: 1000 } } },
  ],
  'Weekend High Production': [
    {
      at: at('sat', 10),
      input: { forecast: { avg_next_4_hours_power: 2000 }, energy_state: battery(60) },
    },
    {
      at: at('mon', 10),
      input: { forecast: { avg_next_4_hours_power: 2000 }, energy_state: battery(60) },
    },
  ],
  'Smart Weekend Mining (On-Grid)': [
    {
      at: at('sat', 10),
      input: { forecast: { avg_next_4_hours_power: 2500 }, energy_state: battery(80) },
    },
    {
      at: at('sat', 3),
      input: { forecast: { avg_next_4_hours_power: 2500 }, energy_state: battery(80) },
    },
  ],
  'Off-Peak Hours Mining': [
    {
      at: at('mon', 12),
      input: { home_load_forecast: 1500, energy_state: { production: 3000, ...battery(70) } },
    },
    {
      at: at('mon', 12),
      input: { home_load_forecast: 2500, energy_state: { production: 3000, ...battery(70) } },
    },
  ],
  'Economic Opportunity Mining': [
    { at: at('mon', 12), input: { energy_state: { production: 2000, ...battery(90) } } },
    { at: at('mon', 9), input: { energy_state: { production: 2000, ...battery(90) } } },
  ],
  'Pre-Payout Push': [
    {
      input: {
        mining_performance: pool({ unpaid: 95_000, threshold: 100_000 }),
        energy_state: battery(50),
      },
    },
    {
      input: {
        mining_performance: pool({ unpaid: 50_000, threshold: 100_000 }),
        energy_state: battery(50),
      },
    },
  ],
  'Hashrate Below 24h Average — Recovery Mode': [
    {
      input: {
        mining_performance: pool({ current: 50, avg24: 100 }),
        energy_state: { production: 2000, ...battery(60) },
      },
    },
    {
      input: {
        mining_performance: pool({ current: 95, avg24: 100 }),
        energy_state: { production: 2000, ...battery(60) },
      },
    },
  ],
  'Healthy Pool + Healthy Energy': [
    {
      input: {
        mining_performance: pool({ frequency: 'daily' }),
        energy_state: { production: 2500, ...battery(70) },
      },
    },
    {
      input: {
        mining_performance: pool({ frequency: 'unknown' }),
        energy_state: { production: 2500, ...battery(70) },
      },
    },
  ],
  'Low Battery Stop': [
    { input: { energy_state: battery(15) } },
    { input: { energy_state: battery(50, { remaining_capacity: 5000 }) } },
  ],
  'Grid Import Limit': [
    { input: { energy_state: { grid: { current_power: 500 } } } },
    { input: { energy_state: { grid: { current_power: -500 } } } },
  ],
  'High Home Consumption': [
    { at: at('mon', 18), input: { home_load_forecast: 3000, energy_state: battery(50) } },
    { at: at('mon', 12), input: { home_load_forecast: 3000, energy_state: battery(50) } },
  ],
  'Maintenance Window': [
    { at: at('mon', 3), input: {} },
    { at: at('mon', 10), input: {} },
  ],
  'Quiet Window': [
    { at: at('mon', 7), input: {} },
    { at: at('mon', 10), input: {} },
  ],
  'Critical Battery Protection': [
    { input: { energy_state: battery(20, { current_power: -1500 }) } },
    { input: { energy_state: battery(50, { current_power: -1500, remaining_capacity: 5000 }) } },
  ],
  'Grid Import Limit Protection': [
    {
      at: at('mon', 12),
      input: { energy_state: { grid: { current_power: 3000 }, ...battery(50) } },
    },
    {
      at: at('mon', 3),
      input: {
        energy_state: {
          grid: { current_power: 3000 },
          ...battery(20, { remaining_capacity: 5000 }),
        },
      },
    },
  ],
  'Peak Home Consumption Stop': [
    { at: at('mon', 18), input: { home_load_forecast: 3000, energy_state: battery(60) } },
    { at: at('mon', 18), input: { home_load_forecast: 2000, energy_state: battery(60) } },
  ],
  'Weather-Based Stop': [
    {
      input: {
        forecast: { avg_next_4_hours_power: 500 },
        energy_state: { production: 1000, ...battery(40) },
      },
    },
    {
      input: {
        forecast: { avg_next_4_hours_power: 1000 },
        energy_state: { production: 1000, ...battery(40) },
      },
    },
  ],
  'Maintenance Window Stop': [
    { at: at('sun', 4), input: {} },
    { at: at('sun', 10), input: {} },
  ],
  'Economic Stop': [
    {
      at: at('mon', 18),
      input: {
        energy_state: { grid: { current_power: 2500 }, ...battery(30) },
        forecast: { next_hour_power: 300 },
      },
    },
    {
      at: at('mon', 12),
      input: {
        energy_state: { grid: { current_power: 2500 }, ...battery(30) },
        forecast: { next_hour_power: 300 },
      },
    },
  ],
  'Hashrate Drop vs 24h Average': [
    { input: { mining_performance: pool({ current: 30, avg24: 100 }) } },
    { input: { mining_performance: pool({ current: 80, avg24: 100 }) } },
  ],
  'Shares Dried Up': [
    { input: { mining_performance: pool({ lastShareSecondsAgo: 7200 }) } },
    { input: { mining_performance: pool({ lastShareSecondsAgo: 600 }) } },
  ],
  'Stale Pool Data': [
    { input: { mining_performance: pool({ stale: true, age: 3600 }) } },
    { input: { mining_performance: pool({ stale: true, age: 300 }) } },
  ],
  'Payout Far + Low Energy': [
    {
      input: {
        mining_performance: pool({ unpaid: 5_000, threshold: 100_000 }),
        energy_state: battery(30),
      },
    },
    {
      input: {
        mining_performance: pool({ unpaid: 5_000, threshold: 100_000 }),
        energy_state: battery(50),
      },
    },
  ],
  'Unprofitable Weekly Trend': [
    { input: { mining_performance: pool({ avg24: 15, avg7: 15 }) } },
    { input: { mining_performance: pool({ avg24: 15, avg7: 50 }) } },
  ],
}
CASES['Smart Weekend Mining'] = CASES['Smart Weekend Mining (On-Grid)'] as [Case, Case]

function build(c: Case, ruleType: RuleType) {
  const status = ruleType === 'start' ? 'off' : 'on'
  return createDecisionalContext(
    { ...c.input, miner_state: { status } as never, timestamp: c.at ?? MONDAY_10 },
    { timeZone: 'UTC' },
  )
}

/** Decision of one rule alone, evaluated twice `for_seconds` apart (a held rule needs that). */
function decide(rule: Rule, ruleType: RuleType, c: Case) {
  const p = ruleType === 'start' ? policyOf([rule]) : policyOf([], [rule])
  let now = 0
  const options = { now: () => now, store: createMemoryRuleStateStore() }
  const ctx = build(c, ruleType)
  evaluatePolicy(p, ctx, options)
  now = (rule.for_seconds ?? 0) * 1000
  return evaluatePolicy(p, ctx, options).decision
}

function checkRules(rules: Rule[], ruleType: RuleType) {
  for (const rule of rules) {
    const cases = CASES[rule.name]
    expect(cases, `a case for "${rule.name}"`).toBeDefined()
    if (!cases) continue
    const fired = ruleType === 'start' ? 'start_mining' : 'stop_mining'
    expect([rule.name, decide(rule, ruleType, cases[0])]).toEqual([rule.name, fired])
    expect([rule.name, decide(rule, ruleType, cases[1])]).toEqual([rule.name, 'maintain_state'])
  }
}

for (const ruleType of ['start', 'stop'] as const) {
  describe(`data/examples/rules/${ruleType}`, () => {
    const dir = join(EXAMPLES, 'rules', ruleType)
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    it('holds the basic, advanced and mining performance files', () => {
      expect(files.sort()).toEqual([
        `advanced_${ruleType}_rules.yaml`,
        `basic_${ruleType}_rules.yaml`,
        `mining_performance_${ruleType}_rules.yaml`,
      ])
    })
    for (const file of files) {
      it(`${file}: parses with zero issues, starts with a comment header, each rule fires for its context and not against it`, () => {
        const text = readFileSync(join(dir, file), 'utf8')
        expect(text.startsWith('# ')).toBe(true)
        const { rules, issues } = parseRuleFile(text, { source: file })
        expect(issues).toEqual([])
        expect(rules.length).toBeGreaterThan(0)
        checkRules(rules, ruleType)
      })
    }
  })
}

describe('data/examples/policies/550e8400-e29b-41d4-a716-446655440000.yaml', () => {
  const file = '550e8400-e29b-41d4-a716-446655440000.yaml'
  const text = readFileSync(join(EXAMPLES, 'policies', file), 'utf8')
  const { policy, issues } = parsePolicy(text, { source: file })

  it('parses with zero issues, as upstream describes it', () => {
    expect(text.startsWith('# ')).toBe(true)
    expect(issues).toEqual([])
    expect(policy).toMatchObject({
      id: '550e8400-e29b-41d4-a716-446655440000',
      name: 'Advanced Solar Mining Policy',
      metadata: {
        author: 'Edge Mining User',
        version: 5,
        created: '2025-08-04',
        last_modified: '2026-01-18',
      },
    })
    expect(policy?.start_rules.map((r) => [r.name, r.priority])).toEqual([
      ['Priority Solar Mining', 20],
      ['Smart Weekend Mining', 15],
      ['Economic Opportunity Mining', 5],
    ])
    expect(policy?.stop_rules.map((r) => [r.name, r.priority])).toEqual([
      ['Critical Battery Protection', 100],
      ['Grid Import Limit Protection', 80],
      ['Peak Home Consumption Stop', 60],
    ])
  })

  it('each rule fires for its context and not against it', () => {
    checkRules(policy?.start_rules ?? [], 'start')
    checkRules(policy?.stop_rules ?? [], 'stop')
  })

  it('decides as a whole: start on a sunny Saturday, stop on a drained battery, else maintain', () => {
    if (!policy) throw new Error('policy did not load')
    const sunny = createDecisionalContext({
      energy_state: { production: 3500, ...battery(80) },
      miner_state: { status: 'off' },
      timestamp: at('sat', 12),
    })
    expect(evaluatePolicy(policy, sunny)).toMatchObject({
      decision: 'start_mining',
      rule: { name: 'Priority Solar Mining' },
    })
    const drained = createDecisionalContext({
      energy_state: { production: 0, ...battery(10) },
      miner_state: { status: 'on' },
      timestamp: at('mon', 20),
    })
    expect(evaluatePolicy(policy, drained)).toMatchObject({
      decision: 'stop_mining',
      rule: { name: 'Critical Battery Protection' },
    })
    const night = createDecisionalContext({
      energy_state: { production: 0, ...battery(50) },
      miner_state: { status: 'off' },
      timestamp: at('mon', 22),
    })
    expect(evaluatePolicy(policy, night).decision).toBe('maintain_state')
  })
})

describe("data/examples/policies/7f3c2a10-5b4e-4c6d-9e8f-0a1b2c3d4e5f.yaml (the demo's)", () => {
  const file = '7f3c2a10-5b4e-4c6d-9e8f-0a1b2c3d4e5f.yaml'
  const text = readFileSync(join(EXAMPLES, 'policies', file), 'utf8')
  const { policy, issues } = parsePolicy(text, { source: file })
  const s19 = { power_consumption_max: 3250 }
  const pool = (progress: number, secondsSinceShare: number) => ({
    mining_performance: {
      current_hashrate: null,
      pool_stats: null,
      payout_schedule: null,
      timestamp: '2026-06-21T12:00:00.000Z',
      data_age_seconds: 0,
      stale: false,
      errors: [],
      seconds_since_last_share: secondsSinceShare,
      hashrate_ratio_24h: null,
      workers_online: 1,
      workers_total: 1,
      payout_progress: progress,
    },
    pool_worker: { worker_name: 's19-garage', seconds_since_last_share: secondsSinceShare },
  })
  const surplus = (production: number, soc: number) => ({
    production,
    consumption: { current_power: 500 },
    ...battery(soc),
  })
  const decide = (input: object, now: number, store = createMemoryRuleStateStore()) =>
    evaluatePolicy(policy as NonNullable<typeof policy>, createDecisionalContext(input as never), {
      now: () => now,
      store,
    })
  const noon = Date.parse('2026-06-21T12:00:00Z')

  it('parses with zero issues', () => {
    expect(text.startsWith('# ')).toBe(true)
    expect(issues).toEqual([])
  })

  it('starts a miner only after 2 minutes of surplus over its own power', () => {
    const store = createMemoryRuleStateStore()
    // 4000 − 500 = 3500 W of surplus > the S19's 3250 W, battery at 60 %.
    const sunny = {
      energy_state: surplus(4000, 60),
      miner: s19,
      miner_state: { status: 'off' },
      ...pool(0.5, 30),
    }
    expect(decide(sunny, noon, store).decision).toBe('maintain_state')
    expect(decide(sunny, noon + 120_000, store)).toMatchObject({
      decision: 'start_mining',
      rule: { name: 'Solar surplus covers the miner' },
    })
    // 3000 − 500 = 2500 W does not cover 3250 W: never starts.
    const weak = { ...sunny, energy_state: surplus(3000, 60) }
    expect(decide(weak, noon + 240_000).decision).toBe('maintain_state')
  })

  it('pauses a miner whose shares dried up an hour ago, at once', () => {
    const dry = {
      energy_state: surplus(6000, 80),
      miner: s19,
      miner_state: { status: 'on' },
      ...pool(0.5, 3700),
    }
    expect(decide(dry, noon)).toMatchObject({
      decision: 'stop_mining',
      rule: { name: 'Shares dried up' },
    })
  })

  it('a deficit stops after 2 minutes, but not with the payout 1 % away', () => {
    const store = createMemoryRuleStateStore()
    const cloudy = {
      energy_state: surplus(800, 60),
      miner: s19,
      miner_state: { status: 'on' },
      ...pool(0.5, 30),
    }
    expect(decide(cloudy, noon, store).decision).toBe('maintain_state')
    expect(decide(cloudy, noon + 120_000, store).rule?.name).toBe('Solar deficit')
    const payoutSoon = { ...cloudy, ...pool(0.99, 30) }
    expect(decide(payoutSoon, noon + 240_000, createMemoryRuleStateStore()).decision).toBe(
      'maintain_state',
    )
    expect(decide(payoutSoon, noon + 480_000).decision).toBe('maintain_state')
  })

  it('a full battery starts a miner on a small surplus, and the deficit rule leaves it on', () => {
    const store = createMemoryRuleStateStore()
    const full = {
      energy_state: surplus(1200, 96),
      sun: { is_daylight: true },
      miner: s19,
      miner_state: { status: 'off' },
      ...pool(0.5, 30),
    }
    expect(decide(full, noon, store).rule?.name).toBe('Full battery')
    const running = { ...full, miner_state: { status: 'on' } }
    expect(decide(running, noon + 60_000, store).decision).toBe('maintain_state')
    expect(decide(running, noon + 600_000, store).decision).toBe('maintain_state')
    // Once the miner has taken the battery under 90 %, the deficit stops it (after 2 minutes).
    const drained = { ...running, energy_state: surplus(1200, 88) }
    expect(decide(drained, noon + 660_000, store).decision).toBe('maintain_state')
    expect(decide(drained, noon + 780_000, store).rule?.name).toBe('Solar deficit')
  })
})
