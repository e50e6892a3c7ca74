import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { parseTrackerConfig } from './config'
import { TrackerConfigurationError } from './errors'

const Schema = v.strictObject({
  api_token: v.pipe(v.string(), v.regex(/^\S+$/, 'must not contain whitespace')),
  request_timeout_seconds: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(120)), 10),
})

function errorOf(input: unknown): TrackerConfigurationError {
  try {
    parseTrackerConfig(Schema, input, { adapterType: 'braiins_pool', secretFields: ['api_token'] })
  } catch (error) {
    if (error instanceof TrackerConfigurationError) return error
  }
  throw new Error('expected a TrackerConfigurationError')
}

describe('parseTrackerConfig', () => {
  it('applies defaults', () => {
    expect(
      parseTrackerConfig(Schema, { api_token: 'abc' }, { adapterType: 'braiins_pool' }),
    ).toEqual({ api_token: 'abc', request_timeout_seconds: 10 })
  })

  it('names the field and shows ordinary bad values', () => {
    const error = errorOf({ api_token: 'abc', request_timeout_seconds: 500 })
    expect(error.field).toBe('request_timeout_seconds')
    expect(error.message).toMatch(/request_timeout_seconds.*500/)
  })

  it('names unknown keys', () => {
    const error = errorOf({ api_token: 'abc', bitcoin_address: 'bc1q' })
    expect(error.field).toBe('bitcoin_address')
    expect(error.message).toMatch(/unknown key/)
  })

  it('says a missing key is required, not unknown', () => {
    const error = errorOf({ request_timeout_seconds: 5 })
    expect(error.field).toBe('api_token')
    expect(error.message).toBe('braiins_pool config api_token: required')
  })

  it('never shows a secret value', () => {
    const error = errorOf({ api_token: 'secret token-value' })
    expect(error.field).toBe('api_token')
    expect(error.message).not.toContain('secret token-value')
    expect(JSON.stringify(error)).not.toContain('secret token-value')
  })

  it('rejects a non-object config', () => {
    expect(errorOf('nope').message).toMatch(/expected an object/)
    expect(errorOf(null).field).toBeNull()
  })
})
