import { forecastContext } from '@edge-mining/domain'
import { FORECAST_ENTITIES } from '@edge-mining/site-simulator'
import { afterEach, describe, expect, it } from 'vitest'
import { createHomeAssistantForecast } from './forecast'
import { closeAll, harness } from './test-support'

afterEach(closeAll)

const FORECAST_SOLAR = {
  entity_forecast_power_actual_h: FORECAST_ENTITIES.powerNow,
  entity_forecast_power_next_1h: FORECAST_ENTITIES.powerNextHour,
  entity_forecast_power_next_12h: FORECAST_ENTITIES.powerNext12Hours,
  entity_forecast_power_next_24h: FORECAST_ENTITIES.powerNext24Hours,
  entity_forecast_energy_actual_h: FORECAST_ENTITIES.energyCurrentHour,
  entity_forecast_energy_next_1h: FORECAST_ENTITIES.energyNextHour,
  entity_forecast_energy_today: FORECAST_ENTITIES.energyToday,
  entity_forecast_energy_tomorrow: FORECAST_ENTITIES.energyTomorrow,
  entity_forecast_energy_remaining_today: FORECAST_ENTITIES.energyRemainingToday,
}

describe('home_assistant_api forecast provider', () => {
  it("turns Forecast.Solar's sensors into the context's forecast part", async () => {
    const { sim, context, platform } = await harness()
    const provider = createHomeAssistantForecast(FORECAST_SOLAR, context)
    const snapshot = await provider.getForecast()
    expect(snapshot).not.toBeNull()
    if (!snapshot) return
    const state = (id: string) => Number(sim.state(id)?.state)
    // kWh sensors → Wh; W stays W.
    expect(snapshot.energy_remaining_today).toBe(
      Math.round(state(FORECAST_ENTITIES.energyRemainingToday) * 1000),
    )
    expect(snapshot.energy_tomorrow).toBe(
      Math.round(state(FORECAST_ENTITIES.energyTomorrow) * 1000),
    )
    expect(
      snapshot.intervals.map((interval) => [
        interval.start,
        interval.end,
        interval.power,
        interval.energy,
      ]),
    ).toEqual([
      [
        '2026-06-21T10:00:00.000Z',
        '2026-06-21T10:30:00.000Z',
        state(FORECAST_ENTITIES.powerNow),
        null,
      ],
      [
        '2026-06-21T10:00:00.000Z',
        '2026-06-21T11:00:00.000Z',
        null,
        Math.round(state(FORECAST_ENTITIES.energyCurrentHour) * 1000),
      ],
      [
        '2026-06-21T10:30:00.000Z',
        '2026-06-21T11:30:00.000Z',
        state(FORECAST_ENTITIES.powerNextHour),
        null,
      ],
      [
        '2026-06-21T11:00:00.000Z',
        '2026-06-21T12:00:00.000Z',
        null,
        Math.round(state(FORECAST_ENTITIES.energyNextHour) * 1000),
      ],
      ['2026-06-21T21:30:00.000Z', '2026-06-21T22:30:00.000Z', 0, null],
      [
        '2026-06-22T09:30:00.000Z',
        '2026-06-22T10:30:00.000Z',
        state(FORECAST_ENTITIES.powerNext24Hours),
        null,
      ],
    ])
    // What rules read: next_hour_power averages "now" and "in one hour".
    const forecast = forecastContext(snapshot, platform.now())
    expect(forecast.next_hour_power).toBe(
      Math.round((state(FORECAST_ENTITIES.powerNow) + state(FORECAST_ENTITIES.powerNextHour)) / 2),
    )
    expect(forecast.energy_remaining_today).toBe(snapshot.energy_remaining_today)
    // energy_today is accepted but never read.
    expect(sim.requests().log.some((entry) => entry.entity === FORECAST_ENTITIES.energyToday)).toBe(
      false,
    )
    expect(sim.requests().total).toBe(8)
  })

  it('leaves out what cannot be read; with nothing readable (or nothing configured) there is no forecast', async () => {
    const { sim, context } = await harness()
    sim.set({ entities: { [FORECAST_ENTITIES.powerNextHour]: { state: 'unavailable' } } })
    const partial = await createHomeAssistantForecast(FORECAST_SOLAR, context).getForecast()
    expect(
      partial?.intervals.some((interval) => interval.start === '2026-06-21T10:30:00.000Z'),
    ).toBe(false)
    const only = createHomeAssistantForecast(
      { entity_forecast_power_next_1h: FORECAST_ENTITIES.powerNextHour },
      context,
    )
    expect(await only.getForecast()).toBeNull()
    expect(await createHomeAssistantForecast({}, context).getForecast()).toBeNull()
    sim.set({ faults: [{ fault: { kind: 'down' } }] })
    await expect(
      createHomeAssistantForecast(FORECAST_SOLAR, context).getForecast(),
    ).rejects.toMatchObject({
      code: 'unreachable',
    })
  })
})
