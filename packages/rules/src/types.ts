import type { Operator } from './operators'

export type Scalar = string | number | boolean

/** `{field, operator, value}` — or `value_ref`: compare against another context path. */
export type LeafCondition =
  | { field: string; operator: Operator; value: Scalar | Scalar[] }
  | { field: string; operator: Operator; value_ref: string }

export interface AllOfCondition {
  all_of: Condition[]
}
export interface AnyOfCondition {
  any_of: Condition[]
}
export interface NotCondition {
  not_: Condition
}
export type Condition = LeafCondition | AllOfCondition | AnyOfCondition | NotCondition

export interface Rule {
  id: string
  name: string
  description: string | null
  /** Higher is tried first. */
  priority: number
  enabled: boolean
  /** Anti-flapping: fires only after the conditions were true this long across evaluations. */
  for_seconds: number | null
  conditions: Condition
}

export interface PolicyMetadata {
  author: string
  version: number
  created: string | null
  last_modified: string | null
}

export interface Policy {
  id: string
  name: string
  description: string | null
  /** Sorted by priority, highest first (stable). */
  start_rules: Rule[]
  stop_rules: Rule[]
  metadata: PolicyMetadata | null
}

export type RuleType = 'start' | 'stop'

export interface RuleRef {
  id: string
  name: string
  priority: number
}
