import * as v from 'valibot'
import { UuidSchema } from '../shared/primitives'

/** Default minimum time a miner stays on (or off) before the loop may switch it again. */
export const DEFAULT_MIN_ON_SECONDS = 300
export const DEFAULT_MIN_OFF_SECONDS = 300

export const DwellSecondsSchema = v.pipe(
  v.number('expected a number of seconds'),
  v.integer('expected a whole number of seconds'),
  v.minValue(0, 'expected 0 (off) or more seconds'),
  v.maxValue(86_400, 'expected at most 86400 seconds (one day)'),
)

/**
 * An energy optimization unit (upstream's EnergyOptimizationUnit JSON): one policy deciding for
 * its miners from one energy source, optionally a pool tracker and notifiers. `min_on_seconds`
 * and `min_off_seconds` keep a miner from flapping (0 disables them).
 */
export const OptimizationUnitSchema = v.object({
  id: UuidSchema,
  name: v.string(),
  description: v.nullable(v.string()),
  is_enabled: v.boolean(),
  policy_id: v.nullable(UuidSchema),
  target_miner_ids: v.array(UuidSchema),
  energy_source_id: v.nullable(UuidSchema),
  performance_tracker_id: v.nullable(UuidSchema),
  home_loads_profile_id: v.nullable(UuidSchema),
  notifier_ids: v.array(UuidSchema),
  climate_zone_ids: v.array(UuidSchema),
  min_on_seconds: DwellSecondsSchema,
  min_off_seconds: DwellSecondsSchema,
})
export type OptimizationUnit = v.InferOutput<typeof OptimizationUnitSchema>
