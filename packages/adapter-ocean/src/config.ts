import {
  apiBaseUrlField,
  configJsonSchema,
  requestTimeoutSecondsField,
} from '@edge-mining/adapter-kit'
import { parseTrackerConfig } from '@edge-mining/domain'
import * as v from 'valibot'

export const DEFAULT_OCEAN_API_BASE_URL = 'https://api.ocean.xyz'

/** Ocean's minimum on-chain payout (0.01048576 BTC); no API field exposes it. */
export const DEFAULT_OCEAN_PAYOUT_THRESHOLD_SATS = 1_048_576

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
// After the `1` separator: witness version (1 char) + program (4..64 chars) + checksum (6 chars).
const BECH32_PATTERN = new RegExp(`^(bc|tb|bcrt)1[${BECH32_CHARSET}]{11,71}$`)
// P2PKH (`1…`) and P2SH (`3…`): base58 without 0, O, I and l; 26 to 35 characters.
const BASE58_PATTERN = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/

/**
 * Checks the shape of a mainnet/testnet/regtest Bitcoin address — bech32 (`bc1…`, `tb1…`,
 * `bcrt1…`, one case only) or base58 (`1…`, `3…`) character set and length. The checksum is
 * not verified: Ocean rejects unknown addresses itself, and the shape check catches typos
 * such as a pasted worker suffix, blanks or a wrong alphabet.
 */
export function isBitcoinAddressShape(address: string): boolean {
  if (BASE58_PATTERN.test(address)) return true
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false
  return BECH32_PATTERN.test(address.toLowerCase())
}

const bitcoinAddressField = v.pipe(
  v.string('must be a string'),
  v.description('Payout Bitcoin address the Ocean account is keyed by'),
  v.trim(),
  v.nonEmpty('must not be blank'),
  v.check(
    isBitcoinAddressShape,
    'must be a Bitcoin address (bech32 bc1…/tb1…/bcrt1… or base58 1…/3…)',
  ),
  // Bech32 is case-insensitive; Ocean keys accounts by the lower-case form.
  v.transform((address) => (/^(bc|tb|bcrt)1/i.test(address) ? address.toLowerCase() : address)),
)

export const OceanTrackerConfigSchema = v.strictObject({
  bitcoin_address: bitcoinAddressField,
  api_base_url: apiBaseUrlField(DEFAULT_OCEAN_API_BASE_URL, 'Base URL of the Ocean API'),
  request_timeout_seconds: requestTimeoutSecondsField,
  payout_threshold_sats: v.optional(
    v.pipe(
      v.number('must be a number of satoshis'),
      v.safeInteger('must be a whole number of satoshis'),
      v.minValue(1, 'must be at least 1 satoshi'),
      v.description(
        `Payout threshold reported by the payout schedule, in sats (default ${DEFAULT_OCEAN_PAYOUT_THRESHOLD_SATS}, Ocean's on-chain minimum)`,
      ),
    ),
  ),
})

export type OceanTrackerConfig = v.InferOutput<typeof OceanTrackerConfigSchema>
export type OceanTrackerConfigInput = v.InferInput<typeof OceanTrackerConfigSchema>

/** JSON Schema of the Ocean tracker config (for the API's config-schema endpoint and the CLI). */
export const oceanTrackerConfigJsonSchema: Record<string, unknown> =
  configJsonSchema(OceanTrackerConfigSchema)

/** Validates an Ocean tracker config; throws TrackerConfigurationError naming the bad field. */
export function parseOceanTrackerConfig(input: unknown): OceanTrackerConfig {
  return parseTrackerConfig(OceanTrackerConfigSchema, input, { adapterType: 'ocean' })
}
