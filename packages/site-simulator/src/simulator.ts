import * as v from 'valibot'
import { createSimClock, type SimClock } from './clock.ts'
import { BAD_REQUEST, type HaBackend, route } from './ha/api.ts'
import {
  FORECAST_ENTITIES,
  forecastSensors,
  type SensorConventions,
  type SensorSpec,
  SITE_ENTITIES,
  siteSensors,
} from './ha/catalog.ts'
import {
  createFaultBook,
  type HaEndpoint,
  type HaFaultRule,
  HaFaultRuleSchema,
} from './ha/faults.ts'
import { ENTITY_ID_PATTERN, formatPower, slugify } from './ha/format.ts'
import { startShell } from './ha/http.ts'
import { createStateStore, createUlids, type HaContext, type HaState } from './ha/states.ts'
import { createPlugMiner, type PlugMiner } from './model/plug-miner.ts'
import { channel } from './model/random.ts'
import {
  createSiteModel,
  type EnergyLedger,
  type LoadDefinition,
  type LoadHandle,
  type SiteModel,
  type StepReading,
} from './model/site.ts'
import {
  parseOrThrow,
  type SiteSimulatorOptions,
  SiteSimulatorOptionsError,
  SiteSimulatorOptionsSchema,
} from './options.ts'

/** The token the fake accepts unless told otherwise (shaped like HA's long-lived JWTs). */
export const DEFAULT_HA_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzaXRlLXNpbXVsYXRvciJ9.c2ltdWxhdGVkLXRva2Vu'

/** How an entity deviates from what the model says, until cleared (`set({ entities })`). */
export interface EntityOverride {
  /** A fixed state string, written once: `unavailable`, `unknown`, `12,5`, `on`… */
  state?: string
  /** Attributes merged over the model's (a null value removes the key), e.g. `{ unit_of_measurement: 'V' }`. */
  attributes?: Record<string, unknown>
  /** The integration stops writing: value, `last_updated` and `last_reported` freeze. */
  stale?: boolean
  /** The entity is gone: 404 and absent from `/api/states`. */
  removed?: boolean
}

const OverrideSchema = v.strictObject({
  state: v.optional(v.string()),
  attributes: v.optional(v.record(v.string(), v.unknown())),
  stale: v.optional(v.boolean()),
  removed: v.optional(v.boolean()),
})

/** A run-time change: each key given replaces that part, the rest stays. */
export interface SiteSimulatorPatch {
  /** Replaces every fault rule (fresh `times` counts); `[]` clears them. */
  faults?: HaFaultRule[]
  /** Per entity: an override, or null to go back to the model. */
  entities?: Record<string, EntityOverride | null>
  /** The token HA accepts from now on (the old one is revoked). */
  token?: string
  weather?: { cloudiness?: number }
  house?: { baseW?: number }
  battery?: { soc?: number }
  /** Flips plugs as if by their button (no service call). */
  switches?: Record<string, boolean>
}

const PatchSchema = v.strictObject({
  faults: v.optional(v.array(HaFaultRuleSchema)),
  entities: v.optional(v.record(v.string(), v.nullable(OverrideSchema))),
  token: v.optional(v.pipe(v.string(), v.minLength(8, 'token must be at least 8 characters'))),
  weather: v.optional(
    v.strictObject({ cloudiness: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))) }),
  ),
  house: v.optional(v.strictObject({ baseW: v.optional(v.pipe(v.number(), v.minValue(0))) })),
  battery: v.optional(
    v.strictObject({ soc: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))) }),
  ),
  switches: v.optional(v.record(v.string(), v.boolean())),
})

export interface RequestLogEntry {
  /** Simulated ms when the request arrived. */
  at: number
  method: string
  path: string
  endpoint: HaEndpoint | 'unknown'
  /** The entity asked for or switched (first of a service call's). */
  entity: string | null
  /** `ok`, or how the token was wrong (never the token). */
  auth: 'ok' | 'missing' | 'invalid'
  /** The fault applied, if any. */
  fault: string | null
  /** Status sent; null while pending, for a hang or a reset. */
  status: number | null
}

export interface RequestLog {
  total: number
  byEndpoint: Record<string, number>
  log: RequestLogEntry[]
}

/** A notification HA would have delivered (`notify.*`, `persistent_notification.create`). */
export interface SentNotification {
  at: number
  service: string
  title: string | null
  message: string
  data: unknown
}

export interface SwitchEvent {
  at: number
  entity_id: string
  miner: string
  state: 'on' | 'off'
  /** A service call, or `set({ switches })`. */
  by: 'service' | 'set'
}

/** The entity ids a user picks in the adapter configs. */
export interface SiteEntityIds {
  pvPower: string
  houseConsumption: string
  houseConsumptionWithoutMiners: string
  gridPower: string
  batterySoc: string | null
  batteryPower: string | null
  batteryStoredEnergy: string | null
  pvEnergyToday: string
  sun: string
  forecast: typeof FORECAST_ENTITIES | null
  miners: Record<string, { switch: string; power: string }>
  notify: string[]
}

/** A sensor someone adds later (a simulated device that also shows up in HA). */
export type ExtraSensor = SensorSpec

export interface SiteSimulator {
  /** `http://127.0.0.1:<port>`: the HA base URL (the API is below `/api/`). */
  url: string
  /** The token HA accepts now. */
  readonly token: string
  clock: SimClock
  entities: SiteEntityIds
  /** The physical model (readings, ledger, loads); `reading()`/`ledger()` below sync it first. */
  site: SiteModel
  /** Brings the model and HA's states up to `clock.now()`. */
  sync(): void
  /** The last step's readings, after a sync. */
  reading(): StepReading
  /** Where the energy went, after a sync. */
  ledger(): EnergyLedger
  /** Run-time changes: faults, entity overrides, token, weather, house, battery, plugs. */
  set(patch: SiteSimulatorPatch): void
  addFault(rule: HaFaultRule): void
  /** Puts another load on the site (a later simulated device); it draws from now on. */
  addLoad(load: LoadDefinition): LoadHandle
  /** Another sensor in HA, written from the model at its update period. */
  addSensor(sensor: ExtraSensor): void
  /** What `GET /api/states` would answer now (no auth, no faults). */
  states(): HaState[]
  state(entityId: string): HaState | null
  requests(): RequestLog
  resetRequests(): void
  notifications(): SentNotification[]
  switchLog(): SwitchEvent[]
  /** Per miner: whether its plug is on, and its draw now (W). */
  miners(): { name: string; entity_id: string; on: boolean; powerW: number }[]
  close(): Promise<void>
}

interface SimMiner {
  name: string
  plug: PlugMiner
  switchEntity: string
  powerEntity: string
  switchDelayMs: number
}

const SERVICE_TEXT: Record<string, [string, string]> = {
  turn_on: ['Turn on', 'Turns it on.'],
  turn_off: ['Turn off', 'Turns it off.'],
  toggle: ['Toggle', 'Toggles it.'],
}

/**
 * Starts the simulated site: the physical model on a simulated clock and a faithful fake of
 * Home Assistant's REST API over it, on 127.0.0.1.
 */
export async function startSiteSimulator(input: SiteSimulatorOptions = {}): Promise<SiteSimulator> {
  const options = parseOrThrow(SiteSimulatorOptionsSchema, input, 'startSiteSimulator')
  const clock = createSimClock({
    now: options.now,
    setTimeout: options.setTimeout,
    clearTimeout: options.clearTimeout,
    speed: options.speed,
    start: options.start,
  })
  const startMs = clock.now()
  const model = createSiteModel({
    location: options.location,
    pvPeakW: options.pv.peakW,
    weather: { cloudiness: options.weather.cloudiness, seed: channel(options.seed, 'weather') },
    house: { ...options.house, seed: channel(options.seed, 'house') },
    battery: options.battery,
    stepMs: options.stepSeconds * 1000,
    startMs,
  })
  let token = options.token ?? DEFAULT_HA_TOKEN
  const store = createStateStore(createUlids(channel(options.seed, 'context ids')))
  const overrides = new Map<string, EntityOverride>()
  const faults = createFaultBook()
  faults.replace(options.faults.map((rule) => v.parse(HaFaultRuleSchema, rule)))
  const log: RequestLogEntry[] = []
  const sent: SentNotification[] = []
  const switchLog: SwitchEvent[] = []
  const conventions: SensorConventions = options.sensors

  const miners: SimMiner[] = []
  const taken = new Set<string>()
  for (const [index, miner] of options.miners.entries()) {
    const slug = slugify(miner.name)
    const switchEntity = miner.switchEntity ?? `switch.${slug}`
    const powerEntity = miner.powerEntity ?? `sensor.${slug}_power`
    for (const id of [switchEntity, powerEntity]) {
      if (taken.has(id)) {
        throw new SiteSimulatorOptionsError(
          `startSiteSimulator.miners.${index}: entity ${id} is used twice`,
        )
      }
      taken.add(id)
    }
    const plug = createPlugMiner({ ...miner, seed: options.seed }, startMs)
    try {
      model.addLoad({ name: miner.name, kind: 'miner', power: (at) => plug.power(at) })
    } catch {
      throw new SiteSimulatorOptionsError(
        `startSiteSimulator.miners.${index}.name: '${miner.name}' is used twice`,
      )
    }
    miners.push({
      name: miner.name,
      plug,
      switchEntity,
      powerEntity,
      switchDelayMs: miner.switchDelayMs,
    })
  }

  const sensors: SensorSpec[] = [
    ...siteSensors(model, conventions),
    ...(options.forecast ? forecastSensors(model) : []),
    ...miners.map((miner, index): SensorSpec => {
      const unit = options.miners[index]?.powerUnit ?? conventions.powerUnit
      return {
        entity_id: miner.powerEntity,
        friendly_name: `${miner.name} plug power`,
        unit_of_measurement: unit,
        device_class: 'power',
        state_class: 'measurement',
        updateSeconds: conventions.updateSeconds,
        value: (reading) => formatPower(reading.loads[miner.name] ?? 0, unit),
      }
    }),
  ]

  /** Writes through the overrides: removed/stale/fixed entities are not written by the model. */
  function emit(
    entityId: string,
    state: string,
    attributes: Record<string, unknown>,
    at: number,
    context?: HaContext,
  ) {
    const override = overrides.get(entityId)
    if (override?.removed || override?.stale || override?.state !== undefined) return null
    return store.write(entityId, state, withOverride(attributes, override), at, context)
  }

  function withOverride(attributes: Record<string, unknown>, override: EntityOverride | undefined) {
    if (!override?.attributes) return attributes
    const merged = { ...attributes }
    for (const [key, value] of Object.entries(override.attributes)) {
      if (value === null) delete merged[key]
      else merged[key] = value
    }
    return merged
  }

  function sensorAttributes(spec: SensorSpec, reading: StepReading): Record<string, unknown> {
    return {
      ...(spec.state_class ? { state_class: spec.state_class } : {}),
      ...(spec.unit_of_measurement ? { unit_of_measurement: spec.unit_of_measurement } : {}),
      ...(spec.device_class ? { device_class: spec.device_class } : {}),
      ...(spec.attributes ? spec.attributes(reading) : {}),
      friendly_name: spec.friendly_name,
    }
  }

  const lastWrite = new Map<string, number>()
  function writeSensor(spec: SensorSpec, reading: StepReading, force: boolean, at = reading.at) {
    const period = Math.floor(reading.at / (spec.updateSeconds * 1000))
    if (!force && lastWrite.get(spec.entity_id) === period) return
    lastWrite.set(spec.entity_id, period)
    emit(spec.entity_id, spec.value(reading) ?? 'unknown', sensorAttributes(spec, reading), at)
  }
  model.onStep((reading) => {
    for (const spec of sensors) writeSensor(spec, reading, false)
  })

  const domainOf = (entityId: string) => entityId.slice(0, entityId.indexOf('.'))
  function switchAttributes(miner: SimMiner, on: boolean): Record<string, unknown> {
    const name = `${miner.name} plug`
    switch (domainOf(miner.switchEntity)) {
      case 'light':
        return {
          supported_color_modes: ['onoff'],
          color_mode: on ? 'onoff' : null,
          friendly_name: name,
          supported_features: 0,
        }
      case 'fan':
        return {
          percentage: on ? 100 : 0,
          percentage_step: 1,
          friendly_name: name,
          supported_features: 1,
        }
      case 'input_boolean':
        return { editable: true, friendly_name: name }
      default:
        return { device_class: 'outlet', friendly_name: name }
    }
  }
  function writeSwitch(miner: SimMiner, at: number, context?: HaContext) {
    const on = miner.plug.isOn(at)
    return emit(miner.switchEntity, on ? 'on' : 'off', switchAttributes(miner, on), at, context)
  }

  for (const spec of sensors) writeSensor(spec, model.reading(), true)
  for (const miner of miners) writeSwitch(miner, startMs)

  /** Plug switches due later (a plug that confirms after the call). */
  const pending: { at: number; miner: SimMiner; on: boolean }[] = []
  function applySwitch(
    miner: SimMiner,
    on: boolean,
    at: number,
    by: SwitchEvent['by'],
    context?: HaContext,
  ) {
    model.advanceTo(at)
    if (miner.plug.switchTo(on, at)) {
      switchLog.push({
        at,
        entity_id: miner.switchEntity,
        miner: miner.name,
        state: on ? 'on' : 'off',
        by,
      })
    }
    writeSwitch(miner, at, context)
  }

  let lastSync = startMs
  function sync() {
    const now = Math.max(lastSync, clock.now())
    lastSync = now
    pending.sort((a, b) => a.at - b.at)
    while (pending.length > 0 && (pending[0]?.at ?? Number.POSITIVE_INFINITY) <= now) {
      const next = pending.shift()
      if (next) applySwitch(next.miner, next.on, next.at, 'service')
    }
    model.advanceTo(now)
  }

  const ulid = createUlids(channel(options.seed, 'service contexts'))
  const minerBySwitch = new Map(miners.map((miner) => [miner.switchEntity, miner]))
  const switchDomains = [...new Set(miners.map((miner) => domainOf(miner.switchEntity)))]

  function visible(entityId: string): boolean {
    return store.has(entityId) && !overrides.get(entityId)?.removed
  }

  function servicesCatalog(): { domain: string; services: Record<string, unknown> }[] {
    const entityTarget = (domains: string[]) => ({ entity: [{ domain: domains }] })
    const toggles = (domain: string) =>
      Object.fromEntries(
        Object.entries(SERVICE_TEXT).map(([service, [name, description]]) => [
          service,
          { name, description, fields: {}, target: entityTarget([domain]) },
        ]),
      )
    const notifyFields = {
      message: {
        required: true,
        example: 'The garden has been watered.',
        selector: { text: null },
      },
      title: { example: 'Your Garden', selector: { text: null } },
      target: { example: 'platform specific', selector: { object: null } },
      data: { example: 'platform specific', selector: { object: null } },
    }
    return [
      {
        domain: 'homeassistant',
        services: {
          ...toggles('homeassistant'),
          check_config: {
            name: 'Check configuration',
            description: 'Checks the configuration files for errors.',
            fields: {},
          },
        },
      },
      ...[...new Set(['switch', ...switchDomains])].map((domain) => ({
        domain,
        services: toggles(domain),
      })),
      {
        domain: 'notify',
        services: Object.fromEntries(
          options.notifyServices.map((service) => [
            service,
            {
              name: `Send a notification via ${service}`,
              description: 'Sends a notification message.',
              fields: notifyFields,
            },
          ]),
        ),
      },
      {
        domain: 'persistent_notification',
        services: {
          create: {
            name: 'Create',
            description: 'Shows a notification on the notifications panel.',
            fields: {
              message: { required: true, selector: { text: null } },
              title: { selector: { text: null } },
              notification_id: { selector: { text: null } },
            },
          },
          dismiss: {
            name: 'Dismiss',
            description: 'Deletes a notification from the notifications panel.',
            fields: { notification_id: { required: true, selector: { text: null } } },
          },
        },
      },
    ]
  }

  function targetIds(data: Record<string, unknown> | null, domain: string | null): string[] | null {
    const raw = data?.entity_id
    if (raw === undefined) return []
    if (raw === 'all') return store.ids().filter((id) => domain === null || domainOf(id) === domain)
    if (typeof raw === 'string') return raw.split(',').map((id) => id.trim())
    if (Array.isArray(raw) && raw.every((id) => typeof id === 'string')) return raw as string[]
    return null
  }

  function switchService(
    domain: string,
    service: string,
    data: Record<string, unknown> | null,
    at: number,
  ) {
    const ids = targetIds(data, domain === 'homeassistant' ? null : domain)
    const extra = Object.keys(data ?? {}).filter((key) => key !== 'entity_id')
    if (ids === null || ids.some((id) => !ENTITY_ID_PATTERN.test(id)) || extra.length > 0) {
      return { ok: false as const, reply: BAD_REQUEST() }
    }
    const context: HaContext = { id: ulid(at), parent_id: null, user_id: null }
    for (const id of ids) {
      const miner = minerBySwitch.get(id)
      // Missing entities are logged by HA, not refused; unavailable ones are skipped.
      if (!miner || !visible(id)) continue
      if (domain !== 'homeassistant' && domainOf(id) !== domain) continue
      const state = overrides.get(id)?.state
      if (state === 'unavailable') continue
      const on = service === 'toggle' ? !miner.plug.isOn(at) : service === 'turn_on'
      if (miner.switchDelayMs > 0) pending.push({ at: at + miner.switchDelayMs, miner, on })
      else applySwitch(miner, on, at, 'service', context)
    }
    const changed = store
      .all()
      .filter((state) => state.context.id === context.id && visible(state.entity_id))
    return { ok: true as const, changed }
  }

  function notifyService(service: string, data: Record<string, unknown> | null, at: number) {
    const allowed = service.startsWith('persistent_notification.')
      ? ['message', 'title', 'notification_id']
      : ['message', 'title', 'target', 'data']
    const message = data?.message
    if (
      data === null ||
      typeof message !== 'string' ||
      (data.title !== undefined && typeof data.title !== 'string') ||
      Object.keys(data).some((key) => !allowed.includes(key))
    ) {
      return { ok: false as const, reply: BAD_REQUEST() }
    }
    sent.push({
      at,
      service,
      title: typeof data.title === 'string' ? data.title : null,
      message,
      data: data.data ?? null,
    })
    return { ok: true as const, changed: [] }
  }

  const backend: HaBackend = {
    token: () => token,
    sync,
    fault: (endpoint, entities) => faults.take(endpoint, entities),
    config: () => ({
      allowlist_external_dirs: ['/config/www', '/media'],
      allowlist_external_urls: [],
      components: [
        'api',
        'auth',
        'config',
        'forecast_solar',
        'frontend',
        'http',
        'mobile_app',
        'notify',
        'persistent_notification',
        'sensor',
        'sun',
        ...switchDomains,
      ],
      config_dir: '/config',
      config_source: 'storage',
      country: 'IT',
      currency: 'EUR',
      debug: false,
      elevation: options.location.elevation,
      external_url: null,
      internal_url: null,
      language: 'en',
      latitude: options.location.latitude,
      location_name: options.location.name,
      longitude: options.location.longitude,
      radius: 100,
      recovery_mode: false,
      safe_mode: false,
      state: 'RUNNING',
      time_zone: options.location.timeZone,
      unit_system: {
        length: 'km',
        accumulated_precipitation: 'mm',
        area: 'm²',
        mass: 'g',
        pressure: 'Pa',
        temperature: '°C',
        volume: 'L',
        wind_speed: 'm/s',
      },
      version: options.haVersion,
      whitelist_external_dirs: ['/config/www', '/media'],
    }),
    states: () => store.all().filter((state) => visible(state.entity_id)),
    state: (entityId) => (visible(entityId) ? store.get(entityId) : null),
    services: servicesCatalog,
    callService(domain, service, data) {
      const at = clock.now()
      if (
        ['homeassistant', 'switch', ...switchDomains].includes(domain) &&
        service in SERVICE_TEXT
      ) {
        return switchService(domain, service, data, at)
      }
      if (domain === 'notify' && options.notifyServices.includes(service)) {
        return notifyService(`notify.${service}`, data, at)
      }
      if (domain === 'persistent_notification' && service === 'create') {
        return notifyService('persistent_notification.create', data, at)
      }
      if (domain === 'persistent_notification' && service === 'dismiss') {
        return { ok: true, changed: [] }
      }
      return null
    },
  }

  const shell = await startShell({
    host: options.host,
    port: options.port,
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle),
    handle(request) {
      const at = clock.now()
      const routed = route(request, backend)
      const entry: RequestLogEntry = {
        at,
        method: request.method,
        path: request.path,
        endpoint: routed.endpoint,
        entity: routed.entity,
        auth: routed.auth,
        fault: routed.fault,
        status: null,
      }
      log.push(entry)
      return {
        reply: routed.reply,
        sent: (status) => {
          entry.status = status
        },
      }
    },
  })

  const entities: SiteEntityIds = {
    pvPower: SITE_ENTITIES.pvPower,
    houseConsumption: SITE_ENTITIES.houseConsumption,
    houseConsumptionWithoutMiners: SITE_ENTITIES.houseConsumptionWithoutMiners,
    gridPower: SITE_ENTITIES.gridPower,
    batterySoc: model.battery ? SITE_ENTITIES.batterySoc : null,
    batteryPower: model.battery ? SITE_ENTITIES.batteryPower : null,
    batteryStoredEnergy: model.battery ? SITE_ENTITIES.batteryStoredEnergy : null,
    pvEnergyToday: SITE_ENTITIES.pvEnergyToday,
    sun: SITE_ENTITIES.sun,
    forecast: options.forecast ? FORECAST_ENTITIES : null,
    miners: Object.fromEntries(
      miners.map((miner) => [miner.name, { switch: miner.switchEntity, power: miner.powerEntity }]),
    ),
    notify: options.notifyServices.map((service) => `notify.${service}`),
  }

  return {
    url: shell.url,
    get token() {
      return token
    },
    clock,
    entities,
    site: model,
    sync,
    reading() {
      sync()
      return model.reading()
    },
    ledger() {
      sync()
      return model.ledger()
    },
    set(input) {
      const patch = parseOrThrow(PatchSchema, input, 'set')
      sync()
      const at = lastSync
      if (patch.faults) faults.replace(patch.faults)
      if (patch.token) token = patch.token
      if (patch.weather?.cloudiness !== undefined)
        model.setWeather({ cloudiness: patch.weather.cloudiness })
      if (patch.house?.baseW !== undefined) model.setHouse({ baseW: patch.house.baseW })
      if (patch.battery?.soc !== undefined) model.setSoc(patch.battery.soc)
      for (const [entityId, override] of Object.entries(patch.entities ?? {})) {
        if (override === null) {
          overrides.delete(entityId)
          const miner = minerBySwitch.get(entityId)
          if (miner) writeSwitch(miner, at)
          const spec = sensors.find((sensor) => sensor.entity_id === entityId)
          if (spec) writeSensor(spec, model.reading(), true, at)
          continue
        }
        const clean: EntityOverride = {
          ...(override.state === undefined ? {} : { state: override.state }),
          ...(override.attributes === undefined ? {} : { attributes: override.attributes }),
          ...(override.stale === undefined ? {} : { stale: override.stale }),
          ...(override.removed === undefined ? {} : { removed: override.removed }),
        }
        const current = store.get(entityId)
        if (
          !current &&
          !minerBySwitch.has(entityId) &&
          !sensors.some((s) => s.entity_id === entityId)
        ) {
          throw new SiteSimulatorOptionsError(`set.entities: no entity ${entityId}`)
        }
        overrides.delete(entityId)
        if (clean.state !== undefined && current) {
          store.write(entityId, clean.state, withOverride(current.attributes, clean), at)
        } else if (clean.attributes && current && !clean.stale) {
          store.write(entityId, current.state, withOverride(current.attributes, clean), at)
        }
        overrides.set(entityId, clean)
      }
      for (const [entityId, on] of Object.entries(patch.switches ?? {})) {
        const miner = minerBySwitch.get(entityId)
        if (!miner) throw new SiteSimulatorOptionsError(`set.switches: no plug ${entityId}`)
        applySwitch(miner, on, at, 'set')
      }
    },
    addFault(rule) {
      faults.add(parseOrThrow(HaFaultRuleSchema, rule, 'addFault'))
    },
    addLoad(load) {
      sync()
      return model.addLoad(load)
    },
    addSensor(sensor) {
      if (
        sensors.some((spec) => spec.entity_id === sensor.entity_id) ||
        minerBySwitch.has(sensor.entity_id)
      ) {
        throw new SiteSimulatorOptionsError(`addSensor: entity ${sensor.entity_id} exists already`)
      }
      if (!ENTITY_ID_PATTERN.test(sensor.entity_id)) {
        throw new SiteSimulatorOptionsError(`addSensor: '${sensor.entity_id}' is not an entity id`)
      }
      sync()
      sensors.push(sensor)
      writeSensor(sensor, model.reading(), true, lastSync)
    },
    states() {
      sync()
      return backend.states()
    },
    state(entityId) {
      sync()
      return backend.state(entityId)
    },
    requests() {
      const byEndpoint: Record<string, number> = {}
      for (const entry of log) byEndpoint[entry.endpoint] = (byEndpoint[entry.endpoint] ?? 0) + 1
      return { total: log.length, byEndpoint, log: log.map((entry) => ({ ...entry })) }
    },
    resetRequests() {
      log.length = 0
    },
    notifications: () => sent.map((notification) => ({ ...notification })),
    switchLog: () => switchLog.map((event) => ({ ...event })),
    miners() {
      sync()
      const now = lastSync
      return miners.map((miner) => ({
        name: miner.name,
        entity_id: miner.switchEntity,
        on: miner.plug.isOn(now),
        powerW: miner.plug.power(now),
      }))
    },
    close: () => shell.close(),
  }
}
