import { expect, it } from 'vitest'
import { CLI_USAGE, runCli } from './cli.ts'

it('the bin prints its usage, or starts a site and says where and with which token', async () => {
  const help: string[] = []
  expect(await runCli(['--help'], (line) => help.push(line))).toBeNull()
  expect(help).toEqual([CLI_USAGE])
  const lines: string[] = []
  const running = await runCli(
    ['--port', '0', '--token', 'cli-token-for-tests', '--miner', 'attic:900', '--power-unit', 'kW'],
    (line) => lines.push(line),
  )
  try {
    expect(running).not.toBeNull()
    const url = running?.simulator.url ?? ''
    expect(lines[0]).toContain(url)
    expect(lines).toContain('Token: cli-token-for-tests')
    expect(lines.some((line) => line.includes('switch.attic (power sensor.attic_power)'))).toBe(
      true,
    )
    const state = await fetch(`${url}/api/states/sensor.attic_power`, {
      headers: { authorization: 'Bearer cli-token-for-tests' },
    }).then((response) => response.json())
    expect(state).toMatchObject({ state: '0', attributes: { unit_of_measurement: 'kW' } })
  } finally {
    await running?.close()
  }
  await expect(runCli(['--miner', 'nope'], () => {})).rejects.toThrow(
    /--miner: expected <name>:<watts>/,
  )
})
