import { ConfigurationError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import { mqttUrlProblem, parseBridgeSettings, topicProblem } from './options'
import { redact, withoutCredentials } from './redact'

describe('bridge settings', () => {
  it('fill in the defaults', () => {
    const settings = parseBridgeSettings({ url: 'mqtt://broker.local:1883' })
    expect(settings).toMatchObject({
      url: 'mqtt://broker.local:1883',
      username: undefined,
      password: undefined,
      discoveryPrefix: 'homeassistant',
      baseTopic: 'edge_mining',
      minIntervalSeconds: 30,
      reconnect: { initialMs: 1000, maxMs: 60_000 },
    })
    expect(settings.expireAfterSeconds).toBeUndefined()
  })

  it('take credentials out of the URL; explicit ones win', () => {
    const fromUrl = parseBridgeSettings({ url: 'mqtt://ha%20user:p%40ss@broker.local:1883' })
    expect(fromUrl).toMatchObject({
      url: 'mqtt://broker.local:1883',
      username: 'ha user',
      password: 'p@ss',
    })
    const explicit = parseBridgeSettings({
      url: 'mqtts://old:old@broker.local',
      username: 'new',
      password: 'secret',
    })
    expect(explicit).toMatchObject({
      url: 'mqtts://broker.local',
      username: 'new',
      password: 'secret',
    })
  })

  it('refuse what is not a broker URL, naming the field and never the password', () => {
    const refuse = (url: string) => {
      try {
        parseBridgeSettings({ url })
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError)
        return error as ConfigurationError
      }
      throw new Error(`accepted ${url}`)
    }
    const http = refuse('http://user:hunter22@broker.local')
    expect(http.field).toBe('url')
    expect(http.message).toContain('mqtt://')
    expect(http.message).toContain('http://broker.local')
    expect(http.message).not.toContain('hunter22')
    expect(refuse('broker.local:1883').message).toMatch(/^url: expected a URL/)
  })

  it('refuse topics with wildcards or empty levels and intervals below zero', () => {
    expect(topicProblem('edge_mining')).toBeNull()
    expect(topicProblem('sites/home')).toBeNull()
    expect(topicProblem('edge/#')).toMatch(/wildcards/)
    expect(topicProblem('a/+/b')).toMatch(/wildcards/)
    expect(topicProblem('/edge')).toMatch(/empty levels/)
    expect(topicProblem('edge/')).toMatch(/empty levels/)
    expect(() => parseBridgeSettings({ url: 'mqtt://b', baseTopic: 'x/#' })).toThrow(
      /^baseTopic: expected a topic without the wildcards/,
    )
    expect(() => parseBridgeSettings({ url: 'mqtt://b', minIntervalSeconds: -1 })).toThrow(
      /minIntervalSeconds/,
    )
    expect(() =>
      parseBridgeSettings({ url: 'mqtt://b', minIntervalSeconds: 30, expireAfterSeconds: 45 }),
    ).toThrow('expireAfterSeconds: expected at least twice minIntervalSeconds (60), got 45')
    expect(mqttUrlProblem('ws://broker.local:9001/mqtt')).toBeNull()
    expect(mqttUrlProblem('mqtt://')).not.toBeNull()
  })
})

describe('redaction', () => {
  it('strips user and password from URLs, anywhere in a text', () => {
    expect(withoutCredentials('mqtt://u:pw@host:1883')).toBe('mqtt://host:1883')
    expect(withoutCredentials('u:pw@host:1883')).toBe('host:1883')
    expect(withoutCredentials('not a url: u:pw@host')).toBe('host')
    expect(withoutCredentials('mqtt://host/path@x')).toBe('mqtt://host/path@x')
    expect(redact('connect mqtt://u:pw@host:1883 failed; see wss://a:b@x/mqtt', [])).toBe(
      'connect mqtt://host:1883 failed; see wss://x/mqtt',
    )
  })

  it('replaces every occurrence of a secret', () => {
    expect(redact('bad password hunter22 (hunter22)', ['hunter22'])).toBe('bad password *** (***)')
    expect(redact('nothing to hide', [''])).toBe('nothing to hide')
  })
})
