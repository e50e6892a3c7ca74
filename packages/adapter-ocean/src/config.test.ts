import { TrackerConfigurationError } from '@edge-mining/domain'
import { describe, expect, it } from 'vitest'
import {
  isBitcoinAddressShape,
  oceanTrackerConfigJsonSchema,
  parseOceanTrackerConfig,
} from './config'

const P2WPKH = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'
const P2TR = 'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297'

function configError(input: unknown): TrackerConfigurationError {
  try {
    parseOceanTrackerConfig(input)
  } catch (error) {
    if (error instanceof TrackerConfigurationError) return error
    throw error
  }
  throw new Error('expected a TrackerConfigurationError')
}

describe('Ocean tracker config', () => {
  it('fills the defaults', () => {
    expect(parseOceanTrackerConfig({ bitcoin_address: P2WPKH })).toEqual({
      bitcoin_address: P2WPKH,
      api_base_url: 'https://api.ocean.xyz',
      request_timeout_seconds: 10,
    })
  })

  it('keeps an explicit payout threshold, trims the address and the base URL', () => {
    expect(
      parseOceanTrackerConfig({
        bitcoin_address: `  ${P2TR} `,
        api_base_url: 'http://127.0.0.1:8080/',
        request_timeout_seconds: 2.5,
        payout_threshold_sats: 500_000,
      }),
    ).toEqual({
      bitcoin_address: P2TR,
      api_base_url: 'http://127.0.0.1:8080',
      request_timeout_seconds: 2.5,
      payout_threshold_sats: 500_000,
    })
  })

  it('lower-cases an upper-case bech32 address (bech32 is case-insensitive)', () => {
    expect(parseOceanTrackerConfig({ bitcoin_address: P2WPKH.toUpperCase() }).bitcoin_address).toBe(
      P2WPKH,
    )
  })

  it.each([
    P2WPKH,
    P2TR,
    'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
    'bcrt1qs758ursh4q9z627kt3pp5yysm78ddny6txaqgw',
    '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
    '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
    '1111111111111111111114oLvT2',
  ])('accepts the address shape %s', (address) => {
    expect(isBitcoinAddressShape(address)).toBe(true)
  })

  it.each([
    ['', 'blank'],
    ['   ', 'blank'],
    [`${P2WPKH}.rig1`, 'worker suffix'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdb', "bech32 has no 'b'"],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdQ', 'mixed case'],
    ['bc1qar0sr', 'too short'],
    [`bc1q${'q'.repeat(80)}`, 'too long'],
    ['ltc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'other chain'],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0', "base58 has no '0'"],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVNl', "base58 has no 'l'"],
    ['1BvBMSEYst', 'too short'],
    ['2NBFNJTktNa7GZusGbDbGKRZTxdK9VVez3n', 'testnet P2SH is not accepted'],
  ])('rejects the bitcoin_address %j (%s), naming the field', (address) => {
    const error = configError({ bitcoin_address: address })
    expect(error.field).toBe('bitcoin_address')
    expect(error.message).toMatch(/^ocean config bitcoin_address: /)
  })

  it('rejects a missing or non-string address', () => {
    expect(configError({}).field).toBe('bitcoin_address')
    expect(configError({ bitcoin_address: 42 }).field).toBe('bitcoin_address')
  })

  it.each([
    [{ api_base_url: 'ftp://api.ocean.xyz' }, 'api_base_url'],
    [{ api_base_url: 'api.ocean.xyz' }, 'api_base_url'],
    [{ api_base_url: '' }, 'api_base_url'],
    [{ request_timeout_seconds: 0 }, 'request_timeout_seconds'],
    [{ request_timeout_seconds: -3 }, 'request_timeout_seconds'],
    [{ request_timeout_seconds: 120.5 }, 'request_timeout_seconds'],
    [{ request_timeout_seconds: '10' }, 'request_timeout_seconds'],
    [{ payout_threshold_sats: 0 }, 'payout_threshold_sats'],
    [{ payout_threshold_sats: 0.5 }, 'payout_threshold_sats'],
    [{ api_token: 'x' }, 'api_token'],
  ])('rejects %j naming %s', (fields, field) => {
    const error = configError({ bitcoin_address: P2WPKH, ...fields })
    expect(error).toBeInstanceOf(TrackerConfigurationError)
    expect(error.field).toBe(field)
  })

  it('accepts a 120 s timeout', () => {
    expect(
      parseOceanTrackerConfig({ bitcoin_address: P2WPKH, request_timeout_seconds: 120 })
        .request_timeout_seconds,
    ).toBe(120)
  })

  it('describes itself as JSON Schema with defaults; only the address is required', () => {
    expect(oceanTrackerConfigJsonSchema).toMatchObject({
      type: 'object',
      required: ['bitcoin_address'],
      additionalProperties: false,
      properties: {
        bitcoin_address: { type: 'string' },
        api_base_url: { type: 'string', default: 'https://api.ocean.xyz' },
        request_timeout_seconds: { type: 'number', default: 10 },
        payout_threshold_sats: { type: 'integer' },
      },
    })
  })
})
