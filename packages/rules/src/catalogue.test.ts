import { DecisionalContextSchema, MINER_STATUSES, PAYOUT_FREQUENCIES } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { contextFields, suggestFields } from './catalogue'

const fields = contextFields()
const byPath = new Map(fields.map((f) => [f.path, f]))

describe('contextFields', () => {
  it('lists every top-level part of the DecisionalContext schema', () => {
    const top = fields.filter((f) => !f.path.includes('.')).map((f) => f.path)
    expect(top).toEqual(Object.keys(DecisionalContextSchema.entries))
  })

  it('describes the fields rules use, with types, units and enum values', () => {
    expect(byPath.get('energy_state.battery.state_of_charge')).toEqual({
      path: 'energy_state.battery.state_of_charge',
      type: 'number',
      description: 'Battery state of charge',
      unit: '%',
      optional: true,
    })
    expect(byPath.get('timestamp.weekday')).toMatchObject({
      type: 'number',
      description: expect.stringContaining('0 = Monday'),
    })
    for (const part of ['hour', 'minute', 'day', 'month', 'year', 'iso', 'time_zone'])
      expect(byPath.has(`timestamp.${part}`)).toBe(true)
    expect(byPath.get('miner_state.status')).toMatchObject({
      type: 'enum',
      enum_values: [...MINER_STATUSES],
    })
    expect(byPath.get('mining_performance.payout_schedule.frequency')).toMatchObject({
      type: 'enum',
      enum_values: [...PAYOUT_FREQUENCIES],
    })
    expect(byPath.get('home_load_forecast')).toMatchObject({ type: 'number', unit: 'W' })
    expect(byPath.get('mining_performance.current_hashrate.value')).toMatchObject({
      type: 'number',
      unit: 'TH/s',
    })
    expect(byPath.get('mining_performance.pool_stats.workers')).toMatchObject({ type: 'array' })
    expect(byPath.get('energy_state.battery')).toMatchObject({ type: 'object' })
  })

  it('includes the snapshot and its derived fields', () => {
    for (const path of [
      'mining_performance.seconds_since_last_share',
      'mining_performance.hashrate_ratio_24h',
      'mining_performance.payout_progress',
      'mining_performance.stale',
      'mining_performance.data_age_seconds',
      'mining_performance.workers_online',
      'mining_performance.workers_total',
      'mining_performance.pool_stats.unpaid_balance',
    ])
      expect(byPath.has(path), path).toBe(true)
    expect(byPath.get('mining_performance.stale')?.type).toBe('boolean')
    expect(byPath.get('mining_performance.seconds_since_last_share')?.unit).toBe('s')
  })

  it('gives every field a description and the pool amounts their units, from the domain schema', () => {
    for (const field of fields) {
      expect(field.description, field.path).not.toBe('')
      expect(field.description, field.path).not.toBe(field.path.split('.').pop())
    }
    expect(byPath.get('mining_performance.pool_stats.unpaid_balance')?.unit).toBe('sats')
    expect(byPath.get('mining_performance.payout_schedule.threshold')?.unit).toBe('sats')
    expect(byPath.get('mining_performance.data_age_seconds')?.unit).toBe('s')
    expect(byPath.get('mining_performance.current_hashrate.value')?.unit).toBe('TH/s')
  })

  it('returns copies (callers cannot corrupt the catalogue)', () => {
    const copy = contextFields()
    copy[0] = { ...copy[0], path: 'x' } as never
    const values = contextFields().find((f) => f.enum_values)?.enum_values as string[] | undefined
    values?.push('bogus')
    expect(contextFields()[0]?.path).toBe(fields[0]?.path)
    expect(contextFields().find((f) => f.path === 'miner_state.status')?.enum_values).toEqual([
      ...MINER_STATUSES,
    ])
  })
})

describe('suggestFields', () => {
  it('suggests the nearest valid paths', () => {
    expect(suggestFields('timestamp.hours')[0]).toBe('timestamp.hour')
    expect(suggestFields('energy_state.battery.soc')).toContain(
      'energy_state.battery.state_of_charge',
    )
    expect(suggestFields('battery.state_of_charge')).toContain(
      'energy_state.battery.state_of_charge',
    )
    expect(suggestFields('mining_performance.seconds_since_share')).toContain(
      'mining_performance.seconds_since_last_share',
    )
  })
})
