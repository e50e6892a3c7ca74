import { describe, expect, it } from 'vitest'
import { InvalidValueError } from '../shared/errors'
import { createDecisionalContext, timestampContext } from './context'

describe('timestampContext', () => {
  it('exposes weekday as a number, 0 = Monday', () => {
    // 2026-11-26 is a Thursday; 2026-11-29 a Sunday.
    expect(timestampContext('2026-11-26T12:00:00Z').weekday).toBe(3)
    expect(timestampContext('2026-11-29T12:00:00Z').weekday).toBe(6)
    expect(timestampContext('2026-11-30T00:00:00Z').weekday).toBe(0)
  })

  it('computes calendar fields in the given time zone', () => {
    const utc = timestampContext('2026-11-29T23:30:00Z')
    expect(utc).toMatchObject({ hour: 23, minute: 30, day: 29, weekday: 6, time_zone: 'UTC' })
    const rome = timestampContext('2026-11-29T23:30:00Z', 'Europe/Rome')
    expect(rome).toMatchObject({ hour: 0, minute: 30, day: 30, month: 11, weekday: 0 })
    expect(rome.iso).toBe('2026-11-29T23:30:00.000Z')
  })

  it('rejects unknown zones and invalid dates with a named field', () => {
    expect(() => timestampContext('2026-11-29T23:30:00Z', 'Mars/Olympus')).toThrow(/time_zone/)
    expect(() => timestampContext('nope')).toThrow(InvalidValueError)
  })
})

describe('createDecisionalContext', () => {
  it('derives battery and grid flows from signed power', () => {
    const context = createDecisionalContext({
      energy_state: {
        production: 3200,
        battery: { state_of_charge: 80, current_power: -1200 },
        grid: { current_power: -650 },
      },
      timestamp: '2026-11-26T12:00:00Z',
    })
    expect(context.energy_state?.battery).toMatchObject({
      charging_power: 0,
      discharging_power: 1200,
    })
    expect(context.energy_state?.grid).toMatchObject({ importing_power: 0, exporting_power: 650 })
  })

  it('derives the surplus miners may use: production minus home consumption, unknown without either', () => {
    const sunny = createDecisionalContext({
      energy_state: { production: 5200, consumption: { current_power: 900 } },
      timestamp: '2026-11-26T12:00:00Z',
    })
    expect(sunny.energy_state?.surplus_power).toBe(4300)
    const evening = createDecisionalContext({
      energy_state: { production: 100, consumption: { current_power: 1400 } },
      timestamp: '2026-11-26T19:00:00Z',
    })
    expect(evening.energy_state?.surplus_power).toBe(-1300)
    const noHouse = createDecisionalContext({
      energy_state: { production: 5200, consumption: { current_power: null } },
      timestamp: '2026-11-26T12:00:00Z',
    })
    expect(noHouse.energy_state?.surplus_power).toBeNull()
  })

  it('leaves every missing part null and stamps the time', () => {
    const context = createDecisionalContext({}, { now: () => new Date('2026-11-26T08:15:00Z') })
    expect(context.energy_state).toBeNull()
    expect(context.mining_performance).toBeNull()
    expect(context.miner_state).toBeNull()
    expect(context.timestamp).toMatchObject({ hour: 8, minute: 15, weekday: 3 })
  })

  it('rejects a bad reading naming its path', () => {
    expect(() =>
      createDecisionalContext({
        energy_state: { production: Number.NaN },
        timestamp: '2026-11-26T12:00:00Z',
      }),
    ).toThrow(/context\.energy_state\.production/)
    expect(() =>
      createDecisionalContext({
        miner_state: { status: 'broken' as never },
        timestamp: '2026-11-26T12:00:00Z',
      }),
    ).toThrow(/miner_state\.status/)
  })
})
