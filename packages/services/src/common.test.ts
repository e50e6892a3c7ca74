import { DeviceError, InvalidValueError } from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { parseInput, withTimeout } from './common'
import { maskSecrets, mergeConfig, scrubSecrets, secretValues } from './secrets'
import { createFakePlatform, hang } from './test-support/fakes'

describe('withTimeout', () => {
  it('answers what the work answers and clears its timer', async () => {
    const platform = createFakePlatform()
    expect(await withTimeout(platform, Promise.resolve(7), 1000, 'meter')).toBe(7)
    await expect(
      withTimeout(platform, Promise.reject(new Error('no')), 1000, 'meter'),
    ).rejects.toThrow('no')
    expect(platform.pendingTimers()).toBe(0)
  })

  it('rejects with DeviceError unreachable when the fake clock passes the limit', async () => {
    const platform = createFakePlatform()
    let outcome: unknown = 'pending'
    const timed = withTimeout(platform, hang(), 2500, 'Meter').catch((error: unknown) => {
      outcome = error
    })
    await platform.advance(2499)
    expect(outcome).toBe('pending')
    await platform.advance(1)
    await timed
    expect(outcome).toBeInstanceOf(DeviceError)
    expect(outcome).toMatchObject({ code: 'unreachable', message: 'Meter: no answer within 2.5 s' })
  })
})

describe('parseInput', () => {
  const Body = v.object({
    name: v.string('expected a string'),
    ids: v.array(v.pipe(v.string(), v.uuid('expected a UUID'))),
  })

  it('names the first offending field and its value', () => {
    const error = (() => {
      try {
        parseInput(Body, { name: 'x', ids: ['00000000-0000-4000-8000-000000000001', 'nope'] })
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(InvalidValueError)
    expect(error).toMatchObject({ field: 'ids.1', message: 'ids.1: expected a UUID, got "nope"' })
    expect(() => parseInput(Body, 'text')).toThrow(/^body: /)
    expect(() => parseInput(v.number('expected a number'), 'x', 'priority')).toThrow(
      'priority: expected a number, got "x"',
    )
  })
})

describe('secrets', () => {
  it('masks, merges and scrubs', () => {
    expect(maskSecrets({ token: 'abcd', url: 'u', empty: '' }, ['token', 'empty'])).toEqual({
      token: '***',
      url: 'u',
      empty: '',
    })
    expect(secretValues({ token: 'abcd', n: 5 }, ['token', 'n'])).toEqual(['abcd'])
    expect(
      mergeConfig({ token: 'abcd', url: 'u', port: 80 }, { token: '***', port: null, url: 'v' }, [
        'token',
      ]),
    ).toEqual({ token: 'abcd', url: 'v' })
    // A placeholder for a field that is not secret is a value like any other.
    expect(mergeConfig({ url: 'u' }, { url: '***' }, ['token'])).toEqual({ url: '***' })
    expect(scrubSecrets('token abcd and abc', ['abcd', 'abc'])).toBe('token *** and abc')
  })
})
