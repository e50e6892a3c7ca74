import * as v from 'valibot'
import { HaFaultRuleSchema } from './ha/faults.ts'
import { ENTITY_ID_PATTERN } from './ha/format.ts'
import { DEFAULT_HOUSE_PROFILE } from './model/house.ts'
import { checkTimeZone } from './model/local-time.ts'

/** Thrown for invalid simulator options or patches; the message names the field. */
export class SiteSimulatorOptionsError extends Error {
  readonly code = 'invalid_simulator_options'
  constructor(message: string) {
    super(message)
    this.name = 'SiteSimulatorOptionsError'
  }
}

const fn = <T>(what: string) =>
  v.custom<T>((value) => typeof value === 'function', `${what} must be a function`)
const finite = v.pipe(v.number(), v.finite())
const positive = v.pipe(v.number(), v.finite(), v.gtValue(0))
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0))
const percent = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(100))
const share = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1))
const entityId = v.pipe(
  v.string(),
  v.regex(ENTITY_ID_PATTERN, 'must be an entity id such as switch.garage_plug'),
)
const switchEntityId = v.pipe(
  entityId,
  v.regex(
    /^(switch|light|fan|input_boolean)\./,
    'must be a switch, light, fan or input_boolean entity',
  ),
)

export const LocationSchema = v.strictObject({
  latitude: v.optional(v.pipe(finite, v.minValue(-90), v.maxValue(90)), 41.9028),
  longitude: v.optional(v.pipe(finite, v.minValue(-180), v.maxValue(180)), 12.4964),
  elevation: v.optional(finite, 21),
  timeZone: v.optional(
    v.pipe(
      v.string(),
      v.check((zone) => {
        try {
          checkTimeZone(zone)
          return true
        } catch {
          return false
        }
      }, 'must be an IANA time zone such as Europe/Rome'),
    ),
    'Europe/Rome',
  ),
  name: v.optional(v.string(), 'Home'),
})

export const BatterySchema = v.strictObject({
  capacityWh: v.optional(positive, 10_000),
  maxChargeW: v.optional(nonNegative, 5000),
  maxDischargeW: v.optional(nonNegative, 5000),
  initialSoc: v.optional(percent, 50),
  minSoc: v.optional(percent, 10),
  maxSoc: v.optional(percent, 100),
  efficiency: v.optional(v.pipe(finite, v.gtValue(0), v.maxValue(1)), 0.95),
})

export const MinerSchema = v.strictObject({
  /** Its name: the load in the ledger, and the default entity ids (`switch.<slug>`). */
  name: v.pipe(v.string(), v.nonEmpty('must not be empty')),
  powerW: positive,
  switchEntity: v.optional(switchEntityId),
  powerEntity: v.optional(entityId),
  /** Unit of its plug's power sensor; default the sensors' `powerUnit`. */
  powerUnit: v.optional(v.picklist(['W', 'kW'])),
  bootSeconds: v.optional(nonNegative, 20),
  bootW: v.optional(nonNegative, 50),
  rampSeconds: v.optional(nonNegative, 60),
  initiallyOn: v.optional(v.boolean(), false),
  /** Simulated ms the plug takes to switch after a service call; 0 switches during the call. */
  switchDelayMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
})

export const SiteSimulatorOptionsSchema = v.strictObject({
  host: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535)), 0),
  now: v.optional(fn<() => number>('now')),
  setTimeout: v.optional(fn<(callback: () => void, ms: number) => unknown>('setTimeout')),
  clearTimeout: v.optional(fn<(handle: unknown) => void>('clearTimeout')),
  speed: v.optional(positive, 1),
  /** ms since the epoch or an ISO-8601 instant. */
  start: v.optional(
    v.union([
      finite,
      v.pipe(
        v.string(),
        v.check((text) => Number.isFinite(Date.parse(text)), 'must be an ISO-8601 instant'),
        v.transform((text) => Date.parse(text)),
      ),
    ]),
  ),
  seed: v.optional(v.pipe(v.number(), v.integer()), 1),
  /** The long-lived access token HA accepts (`Authorization: Bearer <token>`). */
  token: v.optional(
    v.pipe(
      v.string('token must be a string'),
      v.minLength(8, 'token must be at least 8 characters'),
    ),
  ),
  haVersion: v.optional(v.string(), '2026.9.1'),
  location: v.optional(LocationSchema, {}),
  pv: v.optional(v.strictObject({ peakW: v.optional(nonNegative, 6000) }), {}),
  weather: v.optional(v.strictObject({ cloudiness: v.optional(share, 0.3) }), {}),
  house: v.optional(
    v.strictObject({
      baseW: v.optional(nonNegative, 300),
      profile: v.optional(
        v.pipe(v.array(nonNegative), v.length(24, 'must have 24 hourly factors')),
        [...DEFAULT_HOUSE_PROFILE],
      ),
      noise: v.optional(share, 0.15),
      appliances: v.optional(v.boolean(), true),
    }),
    {},
  ),
  /** null: a site without a battery. */
  battery: v.optional(v.nullable(BatterySchema), {}),
  miners: v.optional(v.array(MinerSchema), []),
  sensors: v.optional(
    v.strictObject({
      powerUnit: v.optional(v.picklist(['W', 'kW']), 'W'),
      energyUnit: v.optional(v.picklist(['Wh', 'kWh']), 'kWh'),
      gridSign: v.optional(v.picklist(['import_positive', 'export_positive']), 'import_positive'),
      batterySign: v.optional(
        v.picklist(['charge_positive', 'discharge_positive']),
        'charge_positive',
      ),
      updateSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(1)), 10),
    }),
    {},
  ),
  /** Forecast.Solar's nine sensors. */
  forecast: v.optional(v.boolean(), true),
  /** `notify.<name>` services (mobile app, …). */
  notifyServices: v.optional(
    v.array(
      v.pipe(
        v.string(),
        v.regex(/^[a-z0-9_]+$/, 'must be a service name such as mobile_app_phone'),
      ),
    ),
    ['mobile_app_phone'],
  ),
  stepSeconds: v.optional(v.pipe(v.number(), v.finite(), v.minValue(1), v.maxValue(60)), 5),
  faults: v.optional(v.array(HaFaultRuleSchema), []),
})

export type SiteSimulatorOptions = v.InferInput<typeof SiteSimulatorOptionsSchema>
export type ResolvedOptions = v.InferOutput<typeof SiteSimulatorOptionsSchema>
export type MinerOptions = v.InferInput<typeof MinerSchema>

/** Parses `input` or throws a SiteSimulatorOptionsError naming the field. */
export function parseOrThrow<const S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = v.getDotPath(issue)
  const field = path === null ? what : `${what}.${path}`
  const message = issue.expected === 'never' ? 'unknown key' : issue.message
  throw new SiteSimulatorOptionsError(`${field}: ${message}`)
}
