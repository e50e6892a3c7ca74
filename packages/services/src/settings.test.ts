import { ConfigurationError, type SystemSettings } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { setup } from './test-support/fakes'

const ROME = {
  timezone: 'Europe/Rome',
  latitude: 41.9028,
  longitude: 12.4964,
  scheduler_interval_seconds: 5,
}

function thrown(work: () => unknown): Error & Record<string, unknown> {
  try {
    work()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected it to throw')
}

describe('settings', () => {
  it("answers upstream's defaults before anything is saved", () => {
    const { services, repositories } = setup()
    expect(services.settings.get()).toEqual(ROME)
    expect(repositories.settings.get()).toBeNull()
  })

  it('changes only the fields given and stores the whole row', () => {
    const { services, repositories } = setup()
    expect(services.settings.update({ latitude: 45.4642, longitude: 9.19 })).toEqual({
      ...ROME,
      latitude: 45.4642,
      longitude: 9.19,
    })
    expect(services.settings.update({ timezone: ' UTC ' })).toEqual({
      ...ROME,
      timezone: 'UTC',
      latitude: 45.4642,
      longitude: 9.19,
    })
    expect(repositories.settings.get()).toEqual(services.settings.get())
    expect(services.settings.update({})).toEqual(services.settings.get())
  })

  it('refuses a bad value, naming the field and the value', () => {
    const { services } = setup()
    const cases: [Record<string, unknown>, string, string][] = [
      [{ timezone: 'Mars/Olympus' }, 'timezone', '"Mars/Olympus"'],
      [{ latitude: 91 }, 'latitude', '91'],
      [{ longitude: -180.5 }, 'longitude', '-180.5'],
      [{ scheduler_interval_seconds: 0 }, 'scheduler_interval_seconds', '0'],
      [{ scheduler_interval_seconds: 2.5 }, 'scheduler_interval_seconds', '2.5'],
      [{ latitude: '41.9' }, 'latitude', '"41.9"'],
    ]
    for (const [change, field, value] of cases) {
      const error = thrown(() => services.settings.update(change))
      expect(error).toBeInstanceOf(ConfigurationError)
      expect(error.field).toBe(field)
      expect(error.message.startsWith(`${field}: `)).toBe(true)
      expect(error.message).toContain(`got ${value}`)
    }
    const unknown = thrown(() => services.settings.update({ theme: 'dark' }))
    expect(unknown).toMatchObject({ field: 'theme', message: 'theme: unknown setting' })
    expect(thrown(() => services.settings.update([1]))).toMatchObject({ field: 'settings' })
    expect(services.settings.get()).toEqual(ROME)
  })

  it('tells onChange listeners after every change, until they unsubscribe', () => {
    const { services } = setup()
    const seen: SystemSettings[] = []
    const unsubscribe = services.settings.onChange((settings) => seen.push(settings))
    services.settings.update({ scheduler_interval_seconds: 30 })
    expect(() => services.settings.update({ latitude: 100 })).toThrow(ConfigurationError)
    unsubscribe()
    services.settings.update({ scheduler_interval_seconds: 60 })
    expect(seen).toEqual([{ ...ROME, scheduler_interval_seconds: 30 }])
  })

  it('a stored value that no longer validates falls back to its default, the others kept', () => {
    const { services, repositories } = setup()
    repositories.settings.save({
      timezone: 'Atlantis/Capital',
      latitude: 48.8566,
      longitude: 2.3522,
      scheduler_interval_seconds: -4,
    } as SystemSettings)
    expect(services.settings.get()).toEqual({
      timezone: 'Europe/Rome',
      latitude: 48.8566,
      longitude: 2.3522,
      scheduler_interval_seconds: 5,
    })
  })
})
