import { describe, expect, it } from 'vitest'
import {
  describeValue,
  isEdgeMiningError,
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
  TrackerConfigurationError,
  TrackerNotFoundError,
} from './errors'

describe('domain errors', () => {
  it('carry stable codes and class names', () => {
    const errors = [
      new MiningPoolRateLimitedError('x'),
      new MiningPoolAuthError('x'),
      new MiningPoolUnreachableError('x'),
      new MiningPoolResponseError('x'),
      new TrackerNotFoundError('id-1'),
      new TrackerConfigurationError('x', { field: 'bitcoin_address' }),
    ]
    expect(errors.map((error) => error.code)).toEqual([
      'rate_limited',
      'auth_failed',
      'unreachable',
      'bad_response',
      'not_found',
      'invalid_config',
    ])
    expect(errors.map((error) => error.name)).toContain('MiningPoolAuthError')
    expect(errors.every(isEdgeMiningError)).toBe(true)
    expect(isEdgeMiningError(new Error('x'))).toBe(false)
  })

  it('round retry-after up to whole seconds and drop nonsense', () => {
    expect(
      new MiningPoolRateLimitedError('x', { retry_after_seconds: 29.2 }).retry_after_seconds,
    ).toBe(30)
    expect(
      new MiningPoolRateLimitedError('x', { retry_after_seconds: -3 }).retry_after_seconds,
    ).toBeNull()
    expect(new MiningPoolRateLimitedError('x').retry_after_seconds).toBeNull()
  })

  it('describe offending values briefly', () => {
    expect(describeValue('x'.repeat(100))).toHaveLength(43)
    expect(describeValue({ a: 1 })).toBe('a object')
    expect(describeValue(null)).toBe('null')
  })
})
