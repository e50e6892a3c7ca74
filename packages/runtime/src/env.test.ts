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
      mqtt: null,
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
      mqtt: null,
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

describe('parseEnv: MQTT', () => {
  it('is off without MQTT_URL, whatever else is set', () => {
    expect(parseEnv({ MQTT_USERNAME: 'edge', MQTT_PASSWORD: 'pw' }).mqtt).toBeNull()
    expect(parseEnv({ MQTT_URL: '  ' }).mqtt).toBeNull()
  })

  it('reads the broker, the credentials and the topics, with their defaults', () => {
    expect(parseEnv({ MQTT_URL: 'mqtt://homeassistant.local:1883' }).mqtt).toEqual({
      url: 'mqtt://homeassistant.local:1883',
      username: undefined,
      password: undefined,
      discoveryPrefix: 'homeassistant',
      baseTopic: 'edge_mining',
    })
    expect(
      parseEnv({
        MQTT_URL: ' mqtts://broker.lan:8883 ',
        MQTT_USERNAME: ' edge ',
        MQTT_PASSWORD: ' spaces kept ',
        MQTT_DISCOVERY_PREFIX: 'ha',
        MQTT_BASE_TOPIC: 'sites/cabin',
      }).mqtt,
    ).toEqual({
      url: 'mqtts://broker.lan:8883',
      username: 'edge',
      password: ' spaces kept ',
      discoveryPrefix: 'ha',
      baseTopic: 'sites/cabin',
    })
  })

  it('a bad MQTT_URL names the variable and the value, without its password', () => {
    expect(() => parseEnv({ MQTT_URL: 'http://edge:hunter22@broker.lan' })).toThrow(
      'MQTT_URL: expected a URL starting mqtt://, mqtts://, ws://, wss://, got "http://broker.lan/"',
    )
    let message = ''
    try {
      parseEnv({ MQTT_URL: 'edge:hunter22@broker.lan:1883' })
    } catch (error) {
      expect(error).toBeInstanceOf(EnvironmentError)
      expect((error as EnvironmentError).variable).toBe('MQTT_URL')
      message = String(error)
    }
    expect(message).toMatch(/^EnvironmentError: MQTT_URL: expected a URL/)
    expect(message).not.toContain('hunter22')
  })

  it('a bad topic names the variable; MQTT_PASSWORD is never echoed', () => {
    expect(() => parseEnv({ MQTT_URL: 'mqtt://b', MQTT_BASE_TOPIC: 'edge/#' })).toThrow(
      'MQTT_BASE_TOPIC: expected a topic without the wildcards + and #, got "edge/#"',
    )
    expect(() => parseEnv({ MQTT_URL: 'mqtt://b', MQTT_DISCOVERY_PREFIX: 'ha/' })).toThrow(
      /^MQTT_DISCOVERY_PREFIX: expected a topic without empty levels/,
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
