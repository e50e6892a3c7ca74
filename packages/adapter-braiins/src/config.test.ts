import { inspect } from 'node:util'
import { TrackerConfigurationError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { braiinsTrackerConfigJsonSchema, parseBraiinsTrackerConfig } from './config'

const TOKEN = 'Zx9TopSecretBraiinsToken42'

function configError(input: unknown): TrackerConfigurationError {
  try {
    parseBraiinsTrackerConfig(input)
  } catch (error) {
    if (error instanceof TrackerConfigurationError) return error
    throw error
  }
  throw new Error('expected a TrackerConfigurationError')
}

describe('parseBraiinsTrackerConfig', () => {
  it('applies the defaults', () => {
    const config = parseBraiinsTrackerConfig({ api_token: TOKEN })
    expect({ ...config }).toEqual({
      api_token: TOKEN,
      api_base_url: 'https://pool.braiins.com',
      request_timeout_seconds: 10,
    })
  })

  it('keeps the token out of JSON.stringify and util.inspect', () => {
    const config = parseBraiinsTrackerConfig({
      api_token: TOKEN,
      api_base_url: 'http://127.0.0.1:9/',
      request_timeout_seconds: 2.5,
    })
    expect(JSON.parse(JSON.stringify(config))).toEqual({
      api_token: '***',
      api_base_url: 'http://127.0.0.1:9',
      request_timeout_seconds: 2.5,
    })
    expect(inspect(config, { depth: 5 })).not.toContain(TOKEN)
    expect(JSON.stringify({ nested: [config] })).not.toContain(TOKEN)
    expect(config.api_token).toBe(TOKEN)
  })

  it.each([
    ['blank token', { api_token: '' }, 'api_token', /must not be blank/],
    ['spaces only', { api_token: '   ' }, 'api_token', /must not be blank/],
    ['token with a space', { api_token: `${TOKEN} x` }, 'api_token', /whitespace/],
    ['token with a newline', { api_token: `${TOKEN}\n` }, 'api_token', /whitespace/],
    ['token with a control char', { api_token: `${TOKEN}\u0007` }, 'api_token', /control/],
    ['non-ASCII token', { api_token: `${TOKEN}é` }, 'api_token', /printable ASCII/],
    ['numeric token', { api_token: 12345 }, 'api_token', /must be a string/],
    ['missing token', {}, 'api_token', /api_token: required/],
    ['ftp base URL', { api_token: TOKEN, api_base_url: 'ftp://pool' }, 'api_base_url', /http/],
    ['base URL not a URL', { api_token: TOKEN, api_base_url: 'pool' }, 'api_base_url', /http/],
    ['timeout 0', { api_token: TOKEN, request_timeout_seconds: 0 }, 'request_timeout_seconds', /0/],
    [
      'timeout < 0',
      { api_token: TOKEN, request_timeout_seconds: -1 },
      'request_timeout_seconds',
      /0/,
    ],
    [
      'timeout > 120',
      { api_token: TOKEN, request_timeout_seconds: 121 },
      'request_timeout_seconds',
      /120/,
    ],
    ['unknown key', { api_token: TOKEN, token: TOKEN }, 'token', /unknown key/],
  ])('rejects a %s naming the field, never the token', (_, input, field, message) => {
    const error = configError(input)
    expect(error.field).toBe(field)
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/^braiins_pool config/)
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(TOKEN)
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN)
  })

  it('rejects a non-object config', () => {
    expect(configError('token').field).toBeNull()
  })
})

describe('braiinsTrackerConfigJsonSchema', () => {
  it('describes the fields with defaults, the token required and write-only', () => {
    expect(braiinsTrackerConfigJsonSchema).toMatchObject({
      type: 'object',
      required: ['api_token'],
      additionalProperties: false,
      properties: {
        api_token: { type: 'string', writeOnly: true, format: 'password' },
        api_base_url: { type: 'string', default: 'https://pool.braiins.com' },
        request_timeout_seconds: { type: 'number', default: 10 },
      },
    })
  })
})
