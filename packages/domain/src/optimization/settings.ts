import * as v from 'valibot'

/** Upstream's defaults (Rome). */
export const DEFAULT_SETTINGS = Object.freeze({
  timezone: 'Europe/Rome',
  latitude: 41.9028,
  longitude: 12.4964,
  scheduler_interval_seconds: 5,
})

// Building an Intl.DateTimeFormat costs tens of microseconds; the answer never changes.
const knownTimeZones = new Map<string, boolean>()

/** True for a time zone name the runtime knows (IANA, e.g. `Europe/Rome`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  let known = knownTimeZones.get(name)
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name })
      known = true
    } catch {
      known = false
    }
    if (knownTimeZones.size < 1000) knownTimeZones.set(name, known)
  }
  return known
}

export const TimeZoneSchema = v.pipe(
  v.string('expected an IANA time zone name'),
  v.trim(),
  v.check(isTimeZone, 'expected an IANA time zone such as "Europe/Rome"'),
)

export const LatitudeSchema = v.pipe(
  v.number('expected a number of degrees'),
  v.finite(),
  v.minValue(-90, 'expected a latitude from -90 to 90'),
  v.maxValue(90, 'expected a latitude from -90 to 90'),
)

export const LongitudeSchema = v.pipe(
  v.number('expected a number of degrees'),
  v.finite(),
  v.minValue(-180, 'expected a longitude from -180 to 180'),
  v.maxValue(180, 'expected a longitude from -180 to 180'),
)

export const SchedulerIntervalSchema = v.pipe(
  v.number('expected a number of seconds'),
  v.integer('expected a whole number of seconds'),
  v.minValue(1, 'expected at least 1 second'),
  v.maxValue(86_400, 'expected at most 86400 seconds'),
)

/** The site's settings (`GET|PUT /system/settings`): time zone, location, loop interval. */
export const SystemSettingsSchema = v.object({
  timezone: TimeZoneSchema,
  latitude: LatitudeSchema,
  longitude: LongitudeSchema,
  scheduler_interval_seconds: SchedulerIntervalSchema,
})
export type SystemSettings = v.InferOutput<typeof SystemSettingsSchema>
