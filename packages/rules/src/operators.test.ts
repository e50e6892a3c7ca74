import { describe, expect, it } from 'vitest'
import { OPERATORS, operatorInfo } from './operators'
import { truthOf } from './test-support/helpers'

const ctx = {
  energy_state: { production: 3000, battery: { state_of_charge: '45.5', current_power: null } },
  miner: { model: 'Antminer S19 Pro', name: 'garage-1', active: true },
  miner_state: { status: 'error' },
  mining_performance: { payout_schedule: { frequency: 'daily' }, stale: false },
  timestamp: { hour: 14, weekday: 5, time_zone: 'Europe/Rome' },
  home_load_forecast: 'not a number',
}

type Case = [
  field: string,
  operator: string,
  value: unknown,
  expected: 'true' | 'false' | 'unknown',
]

// Expected values follow upstream-behaviour.md §3.4 (with the §10.4 traps fixed as the issue says).
const cases: Case[] = [
  ['energy_state.production', 'eq', 3000, 'true'],
  ['energy_state.production', 'eq', 2999, 'false'],
  ['energy_state.grid.current_power', 'eq', 0, 'unknown'],
  ['energy_state.production', 'ne', 2999, 'true'],
  ['energy_state.production', 'ne', 3000, 'false'],
  ['energy_state.battery.current_power', 'ne', 5, 'unknown'],
  ['energy_state.production', 'gt', 2999.5, 'true'],
  ['energy_state.production', 'gt', 3000, 'false'],
  ['forecast.next_hour_power', 'gt', 1, 'unknown'],
  ['energy_state.production', 'gte', 3000, 'true'],
  ['energy_state.production', 'gte', 3001, 'false'],
  ['energy_state.battery.remaining_capacity', 'gte', 1, 'unknown'],
  ['energy_state.production', 'lt', 3001, 'true'],
  ['energy_state.production', 'lt', 3000, 'false'],
  ['home_load_forecast', 'lt', 1, 'unknown'],
  ['energy_state.production', 'lte', 3000, 'true'],
  ['energy_state.production', 'lte', 2999, 'false'],
  ['miner_state.power_consumption', 'lte', 1, 'unknown'],
  ['timestamp.weekday', 'in', [5, 6], 'true'],
  ['timestamp.weekday', 'in', [0, 1, 2, 3, 4], 'false'],
  ['timestamp.minute', 'in', [0], 'unknown'],
  ['timestamp.hour', 'not_in', [2, 3, 4], 'true'],
  ['timestamp.hour', 'not_in', [14], 'false'],
  ['timestamp.minute', 'not_in', [0], 'unknown'],
  ['miner.model', 'contains', 'S19', 'true'],
  ['miner.model', 'contains', 's19', 'false'],
  ['forecast.next_hour_power', 'contains', '1', 'unknown'],
  ['miner.name', 'starts_with', 'garage', 'true'],
  ['miner.name', 'starts_with', 'arage', 'false'],
  ['miner_state.hash_rate.unit', 'starts_with', 'TH', 'unknown'],
  ['timestamp.time_zone', 'ends_with', '/Rome', 'true'],
  ['timestamp.time_zone', 'ends_with', 'Europe', 'false'],
  ['timestamp.iso', 'ends_with', 'Z', 'unknown'],
  ['miner.model', 'regex', 'Antminer S(19|21)', 'true'],
  ['miner.model', 'regex', 'S19', 'false'], // anchored at the start, like re.match
  ['miner.model', 'regex', 'Antminer', 'true'], // …but not at the end (not a full match)
  ['miner.hash_rate_max.unit', 'regex', 'TH', 'unknown'],
]

describe('the 12 operators', () => {
  it('lists 12 operators with symbol, description, example and types', () => {
    expect(OPERATORS.map((o) => o.operator)).toEqual([
      'eq',
      'ne',
      'gt',
      'gte',
      'lt',
      'lte',
      'in',
      'not_in',
      'contains',
      'starts_with',
      'ends_with',
      'regex',
    ])
    for (const info of operatorInfo()) {
      expect(info.symbol).not.toBe('')
      expect(info.description).not.toBe('')
      expect(info.example_usage.operator).toBe(info.operator)
      expect(info.supported_types.length).toBeGreaterThan(0)
    }
  })

  it.each(cases)('%s %s %j → %s', (field, operator, value, expected) => {
    expect(truthOf({ field, operator, value } as never, ctx)).toBe(expected)
  })

  it('covers true, false and unknown for every operator', () => {
    for (const { operator } of OPERATORS) {
      const outcomes = new Set(cases.filter((c) => c[1] === operator).map((c) => c[3]))
      expect([operator, [...outcomes].sort()]).toEqual([operator, ['false', 'true', 'unknown']])
    }
  })
})

describe('numeric operators', () => {
  it('read numeric strings on either side (§10.4 trap 3)', () => {
    const soc = 'energy_state.battery.state_of_charge' // "45.5" in the context
    expect(truthOf({ field: soc, operator: 'gt', value: 45 }, ctx)).toBe('true')
    expect(truthOf({ field: soc, operator: 'lt', value: '46' } as never, ctx)).toBe('true')
    expect(
      truthOf({ field: 'energy_state.production', operator: 'gte', value: '3e3' } as never, ctx),
    ).toBe('true')
  })

  it('make a non-numeric operand unknown, never an exception', () => {
    expect(truthOf({ field: 'home_load_forecast', operator: 'gt', value: 0 }, ctx)).toBe('unknown')
    expect(
      truthOf(
        { field: 'home_load_forecast', operator: 'gt', value: 0 },
        { home_load_forecast: {} },
      ),
    ).toBe('unknown')
    expect(
      truthOf(
        { field: 'home_load_forecast', operator: 'gt', value: 0 },
        { home_load_forecast: '' },
      ),
    ).toBe('unknown')
    expect(
      truthOf(
        { field: 'home_load_forecast', operator: 'gt', value: 0 },
        { home_load_forecast: true },
      ),
    ).toBe('unknown')
  })
})

describe('enums compare case-insensitively (§10.4 trap 2)', () => {
  it('matches miner_state.status eq "ERROR" and the stored lower case', () => {
    expect(truthOf({ field: 'miner_state.status', operator: 'eq', value: 'ERROR' }, ctx)).toBe(
      'true',
    )
    expect(truthOf({ field: 'miner_state.status', operator: 'eq', value: 'error' }, ctx)).toBe(
      'true',
    )
    expect(truthOf({ field: 'miner_state.status', operator: 'eq', value: 'on' }, ctx)).toBe('false')
    expect(
      truthOf(
        { field: 'miner_state.status', operator: 'eq', value: 'Error' },
        { miner_state: { status: 'ERROR' } },
      ),
    ).toBe('true')
  })

  it('keeps PayoutFrequency membership working, in any case', () => {
    const field = 'mining_performance.payout_schedule.frequency'
    expect(truthOf({ field, operator: 'in', value: ['hourly', 'DAILY'] }, ctx)).toBe('true')
    expect(truthOf({ field, operator: 'not_in', value: ['unknown'] }, ctx)).toBe('true')
  })

  it('contains "ERROR" matches the status itself (upstream matched "MinerStatus.ERROR")', () => {
    expect(
      truthOf({ field: 'miner_state.status', operator: 'contains', value: 'ERROR' }, ctx),
    ).toBe('true')
    expect(truthOf({ field: 'miner_state.status', operator: 'regex', value: 'ERR' }, ctx)).toBe(
      'true',
    )
  })
})

describe('regex', () => {
  it('accepts Python named groups and inline flags', () => {
    expect(
      truthOf({ field: 'miner.model', operator: 'regex', value: '(?P<brand>Antminer) S\\d+' }, ctx),
    ).toBe('true')
    expect(truthOf({ field: 'miner.model', operator: 'regex', value: '(?i)antminer' }, ctx)).toBe(
      'true',
    )
  })

  it('anchors every alternative at the start', () => {
    expect(truthOf({ field: 'miner.model', operator: 'regex', value: 'x|S19' }, ctx)).toBe('false')
    expect(truthOf({ field: 'miner.model', operator: 'regex', value: 'x|Ant' }, ctx)).toBe('true')
  })
})

describe('value_ref compares with another path', () => {
  const energy = {
    energy_state: { production: 2500, consumption: { current_power: 1800 }, grid: null },
    forecast: { next_hour_power: '2600' },
  }
  it('is true/false by the other value, unknown when it is missing', () => {
    const leaf = (operator: string, value_ref: string) =>
      truthOf({ field: 'energy_state.production', operator, value_ref } as never, energy)
    expect(leaf('gt', 'energy_state.consumption.current_power')).toBe('true')
    expect(leaf('lt', 'energy_state.consumption.current_power')).toBe('false')
    expect(leaf('lt', 'forecast.next_hour_power')).toBe('true') // numeric string on the other side
    expect(leaf('eq', 'energy_state.grid.current_power')).toBe('unknown')
  })
})
