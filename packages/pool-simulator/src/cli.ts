import { parseArgs } from 'node:util'
import { type BraiinsSimulator, startBraiinsSimulator } from './braiins/simulator.ts'
import { SimulatorOptionsError } from './core/errors.ts'
import { type OceanSimulator, startOceanSimulator } from './ocean/simulator.ts'
import { SCENARIO_PRESETS, type ScenarioPresetName } from './scenarios.ts'

export const CLI_USAGE = `pool-simulator — fake Ocean.xyz and Braiins Pool APIs for local trials

Usage: pool-simulator [--pool ocean|braiins|both] [--host 127.0.0.1] [--port 0]
                      [--scenario <name>|<json>] [--seed 1] [--rate-limit off|synthetic-429|drop]

  --pool        which simulator(s) to start (default both)
  --port        Ocean's port; Braiins takes the next one when both run (default 0 = ephemeral)
  --scenario    ${Object.keys(SCENARIO_PRESETS).join(', ')} (default model),
                or a scenario as JSON applied to each simulator started
  --rate-limit  Braiins per-token limit of one request per 5 s (default off)`

export type RunningSimulators = {
  ocean: OceanSimulator | null
  braiins: BraiinsSimulator | null
  close(): Promise<void>
}

function fail(field: string, message: string): never {
  throw new SimulatorOptionsError(`${field}: ${message}`)
}

function integerArg(field: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  if (!/^-?\d+$/.test(text)) fail(field, `expected an integer, got '${text}'`)
  return Number(text)
}

function scenarioArg(text: string | undefined): { ocean: unknown; braiins: unknown } {
  if (text === undefined) return SCENARIO_PRESETS.model
  if (text.trimStart().startsWith('{')) {
    try {
      const scenario: unknown = JSON.parse(text)
      return { ocean: scenario, braiins: scenario }
    } catch {
      fail('--scenario', 'is not valid JSON')
    }
  }
  if (!(text in SCENARIO_PRESETS)) {
    fail(
      '--scenario',
      `unknown scenario '${text}' (one of ${Object.keys(SCENARIO_PRESETS).join(', ')})`,
    )
  }
  return SCENARIO_PRESETS[text as ScenarioPresetName]
}

/** Starts the simulators the arguments ask for and prints where they are and how to call them. */
export async function runCli(
  argv: string[],
  print: (line: string) => void,
): Promise<RunningSimulators | null> {
  const { values } = parseArgs({
    args: argv,
    options: {
      pool: { type: 'string', default: 'both' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      'rate-limit': { type: 'string', default: 'off' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help === true) {
    print(CLI_USAGE)
    return null
  }
  const pool = values.pool
  if (pool !== 'ocean' && pool !== 'braiins' && pool !== 'both') {
    fail('--pool', `expected ocean, braiins or both, got '${pool}'`)
  }
  const rateLimit = values['rate-limit']
  if (rateLimit !== 'off' && rateLimit !== 'synthetic-429' && rateLimit !== 'drop') {
    fail('--rate-limit', `expected off, synthetic-429 or drop, got '${rateLimit}'`)
  }
  const port = integerArg('--port', values.port, 0)
  const seed = integerArg('--seed', values.seed, 1)
  const scenario = scenarioArg(values.scenario)
  const host = values.host

  const ocean =
    pool === 'braiins'
      ? null
      : await startOceanSimulator({ host, port, seed, scenario: scenario.ocean as object })
  let braiins: BraiinsSimulator | null = null
  try {
    braiins =
      pool === 'ocean'
        ? null
        : await startBraiinsSimulator({
            host,
            port: port === 0 || pool === 'braiins' ? port : port + 1,
            seed,
            scenario: scenario.braiins as object,
            rateLimit: { intervalMs: 5000, mode: rateLimit },
          })
  } catch (error) {
    await ocean?.close()
    throw error
  }

  if (ocean !== null) {
    print(`Ocean simulator    ${ocean.url}`)
    print(`  address          ${ocean.address()}`)
    print(`  try              curl ${ocean.url}/v1/statsnap/${ocean.address()}`)
  }
  if (braiins !== null) {
    print(`Braiins simulator  ${braiins.url}`)
    print(`  token            ${braiins.token()}  (fake; send it as Pool-Auth-Token)`)
    print(
      `  try              curl -H 'Pool-Auth-Token: ${braiins.token()}' ${braiins.url}/accounts/profile/json/btc/`,
    )
  }
  return {
    ocean,
    braiins,
    async close() {
      await Promise.all([ocean?.close(), braiins?.close()])
    },
  }
}
