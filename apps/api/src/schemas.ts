import {
  HashRateSchema,
  MAX_REWARDS_LIMIT,
  MiningPerformanceTrackerSchema,
  TRACKER_ADAPTER_TYPES,
} from '@edge-mining/domain'
import * as v from 'valibot'

/**
 * Request and response shapes of the REST API. Response shapes reuse the domain's value-object
 * schemas so the OpenAPI document and the JSON the server sends come from one definition.
 */

export const ErrorSchema = v.pipe(
  v.object({
    detail: v.pipe(v.string(), v.description('What went wrong; names the offending field')),
  }),
  v.description('Error body, as upstream (FastAPI): {"detail": "…"}'),
)

export const HealthSchema = v.object({ status: v.literal('ok') })

const UuidSchema = v.pipe(v.string(), v.uuid('expected a UUID'))

export const TrackerIdParamSchema = v.object({
  tracker_id: v.pipe(UuidSchema, v.description('Tracker id (UUID)')),
})

export const AdapterTypeParamSchema = v.object({
  adapter_type: v.picklist(
    TRACKER_ADAPTER_TYPES,
    `expected one of ${TRACKER_ADAPTER_TYPES.join(', ')}`,
  ),
})

export const RewardsQuerySchema = v.object({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,6}$/, `expected a whole number from 1 to ${MAX_REWARDS_LIMIT}`),
      v.transform(Number),
      v.minValue(1, `expected a whole number from 1 to ${MAX_REWARDS_LIMIT}`),
      v.maxValue(MAX_REWARDS_LIMIT, `expected a whole number from 1 to ${MAX_REWARDS_LIMIT}`),
      v.description('How many rewards, newest first (1–500, default 10)'),
    ),
  ),
})

/** A JSON object; arrays are refused before `record` (which would copy one into `{"0": …}`). */
export const JsonObject = v.pipe(
  v.unknown(),
  v.check((input) => !Array.isArray(input), 'expected an object, not a list'),
  v.record(v.string(), v.unknown(), 'expected an object'),
)

const ConfigSchema = v.pipe(
  JsonObject,
  v.description(
    'Adapter configuration; see …/types/{adapter_type}/config-schema. Secret fields are write-only.',
  ),
)

const ExternalServiceIdSchema = v.nullish(
  v.pipe(UuidSchema, v.description('Unused by mining performance trackers: null')),
)

export const CreateTrackerBodySchema = v.object({
  name: v.optional(v.string('expected a string'), ''),
  adapter_type: v.optional(
    v.picklist(TRACKER_ADAPTER_TYPES, `expected one of ${TRACKER_ADAPTER_TYPES.join(', ')}`),
    'dummy',
  ),
  config: v.nullish(ConfigSchema),
  external_service_id: ExternalServiceIdSchema,
})
export type CreateTrackerBody = v.InferOutput<typeof CreateTrackerBodySchema>

export const UpdateTrackerBodySchema = v.pipe(
  v.object({
    name: v.optional(v.pipe(v.string('expected a string'), v.description('Omit to keep'))),
    config: v.optional(
      v.pipe(
        v.nullable(ConfigSchema),
        v.description('Omit to keep; an omitted (or "***") secret keeps the stored one'),
      ),
    ),
    external_service_id: ExternalServiceIdSchema,
  }),
  v.description('Partial update: fields left out keep their stored values'),
)
export type UpdateTrackerBody = v.InferOutput<typeof UpdateTrackerBodySchema>

export const TrackerSchema = v.pipe(
  MiningPerformanceTrackerSchema,
  v.description('A tracker; secret config values are shown as "***"'),
)

export const ConnectivityReportSchema = v.object({
  status: v.picklist(['success', 'stale']),
  message: v.string(),
  latency_ms: v.number(),
  current_hashrate: v.nullable(HashRateSchema),
  from_cache: v.boolean(),
  data_age_seconds: v.nullable(v.number()),
})

export const AdapterTypesSchema = v.array(v.picklist(TRACKER_ADAPTER_TYPES))

export const JsonObjectSchema = v.pipe(
  v.record(v.string(), v.unknown()),
  v.description('A JSON Schema document'),
)
