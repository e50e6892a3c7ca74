import {
  ConfigurationError,
  ConflictError,
  EntityNotFoundError,
  InvalidValueError,
} from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { setup, uuidNumber } from './test-support/fakes'

function thrown(work: () => unknown): Error & Record<string, unknown> {
  try {
    work()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to throw')
}

function arrange() {
  const s = setup()
  const forecast = s.services.adapters.forecast_provider
  return {
    ...s,
    sources: s.services.energySources,
    monitor: s.services.adapters.energy_monitor.create({ adapter_type: 'fake_meter' }),
    solar: forecast.create({ adapter_type: 'dummy_solar' }),
    hubForecast: forecast.create({ adapter_type: 'home_assistant_api' }),
    weather: forecast.create({ adapter_type: 'fake_weather' }),
  }
}

describe('energy sources', () => {
  it('create with upstream defaults', () => {
    const { sources } = arrange()
    expect(sources.types()).toEqual(['solar', 'wind', 'grid', 'hydroelectric', 'other'])
    const source = sources.create({})
    expect(source).toEqual({
      id: uuidNumber(5),
      name: '',
      type: 'solar',
      nominal_power_max: null,
      storage: null,
      grid: null,
      external_source: null,
      energy_monitor_id: null,
      forecast_provider_id: null,
    })
    const full = sources.create({
      name: ' Roof ',
      type: 'solar',
      nominal_power_max: 6000,
      storage: { nominal_capacity: 10_000 },
      grid: { contracted_power: 4500 },
      external_source: 0,
    })
    expect(full).toMatchObject({
      name: 'Roof',
      nominal_power_max: 6000,
      storage: { nominal_capacity: 10_000 },
      grid: { contracted_power: 4500 },
      external_source: 0,
    })
    expect(sources.list()).toHaveLength(2)
  })

  it('names the offending field of a bad body', () => {
    const { sources } = arrange()
    const cases: [unknown, string][] = [
      [{ type: 'nuclear' }, 'type'],
      [{ nominal_power_max: -1 }, 'nominal_power_max'],
      [{ nominal_power_max: 'lots' }, 'nominal_power_max'],
      [{ storage: { nominal_capacity: 0 } }, 'storage.nominal_capacity'],
      [{ grid: { contracted_power: -3 } }, 'grid.contracted_power'],
      [{ energy_monitor_id: 'meter-1' }, 'energy_monitor_id'],
    ]
    for (const [body, field] of cases) {
      const error = thrown(() => sources.create(body))
      expect(error).toBeInstanceOf(InvalidValueError)
      expect(error.field).toBe(field)
    }
    expect(thrown(() => sources.create({ name: 'x'.repeat(201) }))).toMatchObject({ field: 'name' })
    expect(sources.list()).toEqual([])
  })

  it('the forecast provider must exist and be of a type the source type allows (§11.1)', () => {
    const { sources, solar, hubForecast, weather } = arrange()
    expect(
      sources.create({ type: 'solar', forecast_provider_id: solar.id }).forecast_provider_id,
    ).toBe(solar.id)
    expect(
      sources.create({ type: 'solar', forecast_provider_id: hubForecast.id }).forecast_provider_id,
    ).toBe(hubForecast.id)
    expect(
      sources.create({ type: 'wind', forecast_provider_id: hubForecast.id }).forecast_provider_id,
    ).toBe(hubForecast.id)

    const weatherOnSolar = thrown(() =>
      sources.create({ type: 'solar', forecast_provider_id: weather.id }),
    )
    expect(weatherOnSolar).toBeInstanceOf(ConfigurationError)
    expect(weatherOnSolar).toMatchObject({ field: 'forecast_provider_id' })
    expect(weatherOnSolar.message).toContain(
      'a solar source takes a forecast provider of type dummy_solar or home_assistant_api, not fake_weather',
    )
    for (const type of ['wind', 'grid', 'hydroelectric', 'other']) {
      const error = thrown(() => sources.create({ type, forecast_provider_id: solar.id }))
      expect(error).toMatchObject({ field: 'forecast_provider_id' })
      expect(error.message).toContain('of type home_assistant_api, not dummy_solar')
    }
    const missing = thrown(() => sources.create({ forecast_provider_id: uuidNumber(99) }))
    expect(missing).toMatchObject({ field: 'forecast_provider_id' })
    expect(missing.message).toContain('no forecast provider')
  })

  it('the energy monitor must exist (upstream did not check)', () => {
    const { sources, monitor } = arrange()
    expect(sources.create({ energy_monitor_id: monitor.id }).energy_monitor_id).toBe(monitor.id)
    const error = thrown(() => sources.create({ energy_monitor_id: uuidNumber(99) }))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({ field: 'energy_monitor_id' })
  })

  it('updates only what is given; null clears; a type change is checked against the provider', () => {
    const { sources, monitor, solar, hubForecast } = arrange()
    const source = sources.create({
      name: 'Roof',
      nominal_power_max: 6000,
      storage: { nominal_capacity: 10_000 },
      energy_monitor_id: monitor.id,
      forecast_provider_id: solar.id,
    })
    expect(sources.update(source.id, { name: 'Roof west' })).toEqual({
      ...source,
      name: 'Roof west',
    })
    const cleared = sources.update(source.id, { storage: null, energy_monitor_id: null })
    expect(cleared).toEqual({
      ...source,
      name: 'Roof west',
      storage: null,
      energy_monitor_id: null,
    })

    // dummy_solar is a solar-only forecast: wind is refused, and nothing is stored.
    expect(thrown(() => sources.update(source.id, { type: 'wind' }))).toMatchObject({
      field: 'forecast_provider_id',
    })
    expect(sources.get(source.id).type).toBe('solar')
    expect(
      sources.update(source.id, { type: 'wind', forecast_provider_id: hubForecast.id }),
    ).toMatchObject({ type: 'wind', forecast_provider_id: hubForecast.id, nominal_power_max: 6000 })
    expect(thrown(() => sources.update(uuidNumber(99), {}))).toBeInstanceOf(EntityNotFoundError)
  })

  it('remove is refused while a unit uses the source; force detaches it', () => {
    const { sources, services } = arrange()
    const source = sources.create({ name: 'Roof' })
    const unit = services.units.create({ name: 'House', energy_source_id: source.id })
    const error = thrown(() => sources.remove(source.id))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.usages).toEqual([
      { entity: 'optimization_unit', id: unit.id, name: 'House', field: 'energy_source_id' },
    ])
    expect(sources.remove(source.id, { force: true }).id).toBe(source.id)
    expect(() => sources.get(source.id)).toThrow(EntityNotFoundError)
    expect(services.units.get(unit.id).energy_source_id).toBeNull()
  })

  it('closes the monitor and forecast instances built for a source it no longer uses', () => {
    const { sources, services, world, monitor, solar } = arrange()
    const source = sources.create({ energy_monitor_id: monitor.id, forecast_provider_id: solar.id })
    const meterFor = services.instances.get('energy_monitor', monitor.id, { energySource: source })
    const forecastFor = services.instances.get('forecast_provider', solar.id, {
      energySource: source,
    })
    expect(world.recordOf(meterFor).energySource).toBe(source.id)

    const otherMeter = services.adapters.energy_monitor.create({ adapter_type: 'fake_meter' })
    const moved = sources.update(source.id, { energy_monitor_id: otherMeter.id })
    expect(world.recordOf(meterFor).closed).toBe(1)
    expect(world.recordOf(forecastFor).closed).toBe(0)
    const otherFor = services.instances.get('energy_monitor', otherMeter.id, {
      energySource: moved,
    })

    sources.remove(source.id)
    expect(world.recordOf(forecastFor).closed).toBe(1)
    expect(world.recordOf(otherFor).closed).toBe(1)
  })
})
