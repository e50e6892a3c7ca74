import { describe, expect, it } from 'vitest'
import { EnvironmentError, isLoopback, parseEnv } from './env'

describe('parseEnv', () => {
  it('has the defaults of DESIGN.md', () => {
    expect(parseEnv({})).toEqual({
      host: '127.0.0.1',
      port: 8001,
      dbPath: 'data/db/edgemining.db',
      policiesDir: 'data/policies',
      apiToken: undefined,
      logLevel: 'info',
      decisionLogRetentionDays: 30,
    })
  })

  it('reads every variable; blank ones count as unset', () => {
    expect(
      parseEnv({
        API_HOST: '0.0.0.0',
        API_PORT: ' 9000 ',
        DB_PATH: '/tmp/x.db',
        POLICIES_DIR: '/tmp/policies',
        API_TOKEN: ' s3cret ',
        LOG_LEVEL: 'DEBUG',
        DECISION_LOG_RETENTION_DAYS: '7',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dbPath: '/tmp/x.db',
      policiesDir: '/tmp/policies',
      apiToken: 's3cret',
      logLevel: 'debug',
      decisionLogRetentionDays: 7,
    })
    expect(parseEnv({ API_PORT: '', API_TOKEN: '   ' })).toMatchObject({
      port: 8001,
      apiToken: undefined,
    })
  })

  it.each(['abc', '70000', '-1', '80.5', '8001x'])('API_PORT=%s is a clear error', (port) => {
    expect(() => parseEnv({ API_PORT: port })).toThrow(EnvironmentError)
    expect(() => parseEnv({ API_PORT: port })).toThrow(
      `API_PORT: expected a whole number from 0 to 65535, got "${port}"`,
    )
  })

  it('a bad LOG_LEVEL names the choices', () => {
    expect(() => parseEnv({ LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL: expected one of silent, fatal/,
    )
  })

  it('DECISION_LOG_RETENTION_DAYS names the variable and the value', () => {
    expect(() => parseEnv({ DECISION_LOG_RETENTION_DAYS: 'forever' })).toThrow(
      'DECISION_LOG_RETENTION_DAYS: expected a whole number from 1 to 3650, got "forever"',
    )
  })
})

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
  ])('%s → %s', (host, expected) => expect(isLoopback(host)).toBe(expected))
})
