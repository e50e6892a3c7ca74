import { describe, expect, it } from 'vitest'
import { runCli } from './cli.ts'
import { getJson, httpGet } from './test-support.ts'

describe('pool-simulator bin', () => {
  it('starts both simulators and prints their URLs, the Ocean address and the Braiins token', async () => {
    const lines: string[] = []
    const running = await runCli(['--scenario', 'reference'], (line) => lines.push(line))
    try {
      const output = lines.join('\n')
      const oceanUrl = /Ocean simulator\s+(\S+)/.exec(output)?.[1]
      const braiinsUrl = /Braiins simulator\s+(\S+)/.exec(output)?.[1]
      const address = /address\s+(\S+)/.exec(output)?.[1]
      const token = /token\s+(\S+)/.exec(output)?.[1]
      expect(oceanUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(braiinsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const snap = await getJson(`${oceanUrl}/v1/statsnap/${address}`)
      expect(snap.json).toHaveProperty('result.unpaid', '0.00412345')
      const profile = await getJson(`${braiinsUrl}/accounts/profile/json/btc/`, {
        'Pool-Auth-Token': token ?? '',
      })
      expect(profile.json).toHaveProperty('btc.current_balance', '0.00412300')
    } finally {
      await running?.close()
    }
  })

  it('starts one pool with a JSON scenario and the Braiins rate limit', async () => {
    const lines: string[] = []
    const running = await runCli(
      [
        '--pool',
        'braiins',
        '--rate-limit',
        'synthetic-429',
        '--scenario',
        '{"upperCaseOkState":true}',
      ],
      (line) => lines.push(line),
    )
    try {
      expect(running?.ocean).toBeNull()
      const braiins = running?.braiins
      if (braiins == null) throw new Error('braiins not started')
      const headers = { 'Pool-Auth-Token': braiins.token() }
      const first = await getJson(`${braiins.url}/accounts/workers/json/btc`, headers)
      expect(first.json).toHaveProperty(['btc', 'workers', 'miner_alice.s21', 'state'], 'OK')
      expect((await httpGet(`${braiins.url}/accounts/workers/json/btc`, headers)).status).toBe(429)
    } finally {
      await running?.close()
    }
  })

  it('rejects bad arguments naming the flag', async () => {
    const print = () => {}
    await expect(runCli(['--pool', 'slush'], print)).rejects.toThrow(/--pool/)
    await expect(runCli(['--port', 'abc'], print)).rejects.toThrow(/--port/)
    await expect(runCli(['--scenario', 'nope'], print)).rejects.toThrow(/--scenario/)
    await expect(runCli(['--scenario', '{"data":"bogus"}'], print)).rejects.toThrow(
      /scenario\.data/,
    )
    const help: string[] = []
    expect(await runCli(['--help'], (line) => help.push(line))).toBeNull()
    expect(help.join('\n')).toMatch(/--pool/)
  })
})
