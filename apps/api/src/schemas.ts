import {
  AdapterEntitySchema,
  AdapterTypeNameSchema,
  EnergySourceSchema,
  HashRateSchema,
  MAX_REWARDS_LIMIT,
  MinerEntitySchema,
  MinerFeatureSchema,
  MinerFeatureTypeSchema,
  MinerInfoSchema,
  MinerLimitsSchema,
  MinerStateSnapshotSchema,
  OptimizationUnitSchema,
  SystemSettingsSchema,
} from '@edge-mining/domain'
import * as v from 'valibot'

/**
 * Request and response shapes of the REST API. Response shapes reuse the domain's schemas so
 * the OpenAPI document and the JSON the server sends come from one definition; request bodies
 * are validated by the services, whose input schemas document them here.
 */

export const ErrorSchema = v.pipe(
  v.object({
    detail: v.pipe(v.string(), v.description('What went wrong; names the offending field')),
  }),
  v.description('Error body, as upstream (FastAPI): {"detail": "…"}'),
)

export const HealthSchema = v.object({ status: v.literal('ok') })

/** A UUID in any case, answered lower-case: ids are stored lower-case, as upstream's UUIDs compare. */
export const UuidSchema = v.pipe(v.string(), v.uuid('expected a UUID'), v.toLowerCase())

export const idParam = <const K extends string>(name: K, what: string) =>
  v.object({ [name]: v.pipe(UuidSchema, v.description(`${what} id (UUID)`)) } as unknown as {
    [P in K]: typeof UuidSchema
  })

export const AdapterTypeParamSchema = v.object({
  adapter_type: v.pipe(AdapterTypeNameSchema, v.description('Adapter type name')),
})

export const ForceQuerySchema = v.object({
  force: v.optional(
    v.pipe(
      v.picklist(['true', 'false', '1', '0'], 'expected true or false'),
      v.transform((value) => value === 'true' || value === '1'),
      v.description('Detach whatever still refers to the entity instead of refusing (409)'),
    ),
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

/**
 * A JSON object. `v.record` alone accepts a list and answers it as an object (`[]` became the
 * config `{}`), so a list is refused first.
 */
export const JsonRecordSchema = v.pipe(
  v.unknown(),
  v.check((input) => !Array.isArray(input), 'expected an object, not a list'),
  v.record(v.string(), v.unknown(), 'expected an object'),
)

const ConfigSchema = v.pipe(
  JsonRecordSchema,
  v.description(
    'Adapter configuration; see …/types/{adapter_type}/config-schema. Secret fields are write-only.',
  ),
)

export const CreateAdapterEntityBodySchema = v.object({
  name: v.optional(v.string()),
  adapter_type: v.optional(
    v.pipe(AdapterTypeNameSchema, v.description('One of …/types (trackers default to dummy)')),
  ),
  config: v.nullish(ConfigSchema),
  external_service_id: v.nullish(UuidSchema),
})

export const UpdateAdapterEntityBodySchema = v.pipe(
  v.object({
    name: v.optional(v.pipe(v.string(), v.description('Omit to keep'))),
    config: v.optional(
      v.pipe(
        v.nullable(ConfigSchema),
        v.description(
          'Keys left out are kept; a key sent as null resets to its default; "***" keeps a secret',
        ),
      ),
    ),
    external_service_id: v.optional(
      v.pipe(v.nullable(UuidSchema), v.description('Omit to keep, null to unlink')),
    ),
  }),
  v.description('Partial update: fields left out keep their stored values'),
)

export const AdapterEntityResponseSchema = v.pipe(
  AdapterEntitySchema,
  v.description('A configured adapter; secret config values are shown as "***"'),
)

export const ConnectivityReportSchema = v.object({
  status: v.picklist(['success', 'stale']),
  message: v.string(),
  latency_ms: v.number(),
  current_hashrate: v.nullable(HashRateSchema),
  from_cache: v.boolean(),
  data_age_seconds: v.nullable(v.number()),
})

export const TypesSchema = v.pipe(v.array(v.string()), v.description('Registered adapter types'))

export const JsonObjectSchema = v.pipe(
  v.record(v.string(), v.unknown()),
  v.description('A JSON Schema document'),
)

export const ExternalServiceTypesSchema = v.pipe(
  v.nullable(v.array(v.string())),
  v.description('External-service types the adapter may link to; null when none'),
)

export const ControllerTestReportSchema = v.object({
  success: v.boolean(),
  message: v.string(),
  latency_ms: v.number(),
  status: v.nullable(v.string()),
  hash_rate: v.nullable(HashRateSchema),
  power: v.nullable(v.number()),
  device_info: v.nullable(MinerInfoSchema),
  supported_features: v.array(MinerFeatureTypeSchema),
})

export const NotifierTestReportSchema = v.object({
  status: v.picklist(['success', 'failed']),
  message: v.string(),
})

export const ExternalServiceStatusSchema = v.object({
  name: v.string(),
  status: v.picklist(['connected', 'disconnected', 'unauthorized']),
  last_check: v.string(),
  latency_ms: v.nullable(v.number()),
  error_message: v.nullable(v.string()),
  message: v.nullable(v.string()),
})

export const LinkedEntitiesSchema = v.record(v.string(), v.array(AdapterEntityResponseSchema))

export const MinerSchema = MinerEntitySchema
export const MinerFeaturesSchema = v.array(MinerFeatureSchema)
export const MinerStatusResponseSchema = MinerStateSnapshotSchema
export const MinerInfoResponseSchema = v.nullable(MinerInfoSchema)
export const MinerLimitsResponseSchema = MinerLimitsSchema

export const MinerActionResultSchema = v.object({
  miner_id: v.string(),
  action: v.picklist(['start', 'stop']),
  control: v.picklist(['mining_control', 'power_control']),
  status_before: v.string(),
  status_after: v.string(),
  message: v.string(),
})

export const ControllerQuerySchema = v.object({
  controller_id: v.pipe(UuidSchema, v.description('Miner controller id')),
})

export const FeatureParamSchema = v.object({
  miner_id: UuidSchema,
  controller_id: UuidSchema,
  feature_type: MinerFeatureTypeSchema,
})

export const EnergySourceResponseSchema = EnergySourceSchema
export const UnitSchema = OptimizationUnitSchema
export const SettingsSchema = SystemSettingsSchema

export const IssueSchema = v.object({
  severity: v.picklist(['error', 'warning']),
  message: v.string(),
  path: v.string(),
  source: v.nullable(v.string()),
  line: v.nullable(v.number()),
  column: v.nullable(v.number()),
  code: v.string(),
})

const RuleSchema = v.object({
  id: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  priority: v.number(),
  enabled: v.boolean(),
  for_seconds: v.nullable(v.number()),
  conditions: v.unknown(),
})
export const RuleResponseSchema = RuleSchema
export const RulesResponseSchema = v.array(RuleSchema)

export const PolicyResponseSchema = v.object({
  id: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  start_rules: v.array(RuleSchema),
  stop_rules: v.array(RuleSchema),
  metadata: v.nullable(v.record(v.string(), v.unknown())),
  valid: v.boolean(),
  issues: v.array(IssueSchema),
  modified_at: v.string(),
})

export const PolicyCheckSchema = v.object({
  valid: v.boolean(),
  policy_id: v.string(),
  policy_name: v.string(),
  errors: v.array(v.string()),
  warnings: v.array(v.string()),
  start_rules_count: v.number(),
  stop_rules_count: v.number(),
  enabled_start_rules_count: v.number(),
  enabled_stop_rules_count: v.number(),
})

export const ContextResponseSchema = v.pipe(
  v.record(v.string(), v.unknown()),
  v.description(
    'The DecisionalContext (see /decisional-context/structure) plus `errors`: the parts that could not be read, each null in the context',
  ),
)
