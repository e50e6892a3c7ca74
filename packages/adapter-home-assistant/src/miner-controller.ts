import {
  type AdapterContext,
  type AdapterDefinition,
  DeviceError,
  type MinerControllerPort,
  type MinerFeatureType,
  type MinerStatus,
  parseAdapterConfig,
} from '@edge-mining/domain'
import * as v from 'valibot'
import type { HaState } from './client'
import { entityField, maxAgeField, optionalEntityField, powerUnitField } from './config'
import { HOME_ASSISTANT_SERVICE_TYPE, requireClient } from './external-service'
import { createProblemLog } from './problems'
import { readNumber } from './units'

export const GENERIC_SOCKET_TYPE = 'generic_socket_home_assistant_api'

/** Domains whose entities switch with `turn_on` / `turn_off` (upstream: switch, light, fan). */
export const SOCKET_DOMAINS = ['switch', 'light', 'fan', 'input_boolean'] as const

/** Upstream's `{entity_switch, entity_power, unit_power}`, plus how long a switch may take. */
export const GenericSocketConfigSchema = v.strictObject({
  entity_switch: entityField(
    'The plug: a switch, light, fan or input_boolean entity, e.g. switch.garage_plug',
    SOCKET_DOMAINS,
  ),
  entity_power: optionalEntityField("The plug's power sensor, e.g. sensor.garage_plug_power"),
  unit_power: powerUnitField('Unit of the power sensor'),
  max_age_seconds: maxAgeField(120),
  confirm_timeout_seconds: v.optional(
    v.pipe(
      v.number('must be a number of seconds'),
      v.description('How long the plug may take to report the new state after turn_on/turn_off'),
      v.minValue(0, 'must be 0 or more'),
      v.maxValue(120, 'must be at most 120 seconds'),
    ),
    10,
  ),
})
export type GenericSocketConfig = v.InferOutput<typeof GenericSocketConfigSchema>
export type GenericSocketConfigInput = v.InferInput<typeof GenericSocketConfigSchema>

export const GENERIC_SOCKET_FEATURES = [
  'status_monitoring',
  'power_monitoring',
  'power_control',
] as const satisfies readonly MinerFeatureType[]

/** The re-read that confirms a switch is repeated this often until it matches. */
const CONFIRM_POLL_MS = 1000

export type GenericSocketController = Required<
  Pick<MinerControllerPort, 'getStatus' | 'getPower' | 'powerOn' | 'powerOff'>
> & { readonly config: GenericSocketConfig }

const ON = new Set(['on', 'true', '1'])
const OFF = new Set(['off', 'false', '0'])

/**
 * A miner on a smart plug seen through Home Assistant: status from the switch entity, power
 * from its sensor, power control through `<domain>.turn_on` / `turn_off`, confirmed by re-reading
 * the state (HA's answer lists only what changed during the call, often nothing). The loop uses
 * it for plug-only miners through power control (upstream's optimizer could not, trap T2).
 */
export function createGenericSocketController(
  config: GenericSocketConfigInput,
  context: Pick<AdapterContext, 'platform' | 'logger' | 'externalService' | 'miner'>,
): GenericSocketController {
  const parsed = parseAdapterConfig(GenericSocketConfigSchema, config, {
    adapterType: GENERIC_SOCKET_TYPE,
  })
  const client = requireClient(context, `${GENERIC_SOCKET_TYPE} miner controller`)
  const { platform } = context
  const entity = parsed.entity_switch
  const domain = entity.slice(0, entity.indexOf('.'))
  const problems = createProblemLog(
    context.logger,
    `Miner controller${context.miner ? ` of '${context.miner.name}'` : ''}`,
  )

  /** on/off of the switch's state, or the DeviceError that says why it is neither. */
  function statusOf(state: HaState | null): 'on' | 'off' {
    if (state === null) {
      throw new DeviceError(
        'bad_response',
        `Home Assistant has no entity ${entity} (check entity_switch)`,
      )
    }
    const text = state.state.trim().toLowerCase()
    if (ON.has(text)) return 'on'
    if (OFF.has(text)) return 'off'
    if (text === 'unavailable') {
      throw new DeviceError(
        'unreachable',
        `${entity} is unavailable in Home Assistant (the plug is offline)`,
      )
    }
    if (text === 'unknown') {
      throw new DeviceError(
        'unreachable',
        `${entity} has no known state in Home Assistant (unknown)`,
      )
    }
    throw new DeviceError(
      'bad_response',
      `${entity} reads ${JSON.stringify(state.state.slice(0, 24))}, not on or off`,
    )
  }

  const sleep = (ms: number) => new Promise<void>((resolve) => platform.setTimeout(resolve, ms))

  async function switchTo(wanted: 'on' | 'off') {
    const service = wanted === 'on' ? 'turn_on' : 'turn_off'
    await client.callService(domain, service, { entity_id: entity })
    const deadline = platform.now() + parsed.confirm_timeout_seconds * 1000
    let last = 'unknown'
    for (;;) {
      const state = await client.getState(entity)
      try {
        if (statusOf(state) === wanted) return
        last = state?.state ?? 'missing'
      } catch (error) {
        last = state?.state ?? 'missing'
        if (!(error instanceof DeviceError) || error.code === 'bad_response') throw error
      }
      if (platform.now() >= deadline) {
        throw new DeviceError(
          'unreachable',
          `${entity} still reads '${last}' ${parsed.confirm_timeout_seconds} s after ${domain}.${service}: the plug did not switch`,
        )
      }
      await sleep(Math.min(CONFIRM_POLL_MS, Math.max(1, deadline - platform.now())))
    }
  }

  return {
    config: parsed,
    async getStatus(): Promise<MinerStatus> {
      return statusOf(await client.getState(entity))
    },
    async getPower() {
      if (parsed.entity_power === '') return null
      const reading = readNumber(await client.getState(parsed.entity_power), {
        dimension: 'power',
        configuredUnit: parsed.unit_power,
        maxAgeMs: parsed.max_age_seconds * 1000,
        nowMs: platform.now(),
      })
      problems.update(reading.problem === null ? {} : { [parsed.entity_power]: reading.problem })
      if (reading.value === null) return null
      return Math.round(Math.max(0, reading.value) * 10) / 10
    },
    powerOn: () => switchTo('on'),
    powerOff: () => switchTo('off'),
  }
}

/** `generic_socket_home_assistant_api`: upstream's name and config. */
export const genericSocketDefinition: AdapterDefinition<'miner_controller'> = {
  kind: 'miner_controller',
  type: GENERIC_SOCKET_TYPE,
  label: 'Smart plug through Home Assistant',
  configSchema: GenericSocketConfigSchema,
  secretFields: [],
  externalServiceTypes: [HOME_ASSISTANT_SERVICE_TYPE],
  requiresExternalService: true,
  features: GENERIC_SOCKET_FEATURES,
  create: (config, context) =>
    createGenericSocketController(config as GenericSocketConfigInput, context),
}
