import type { FieldType } from './catalogue'

export const OPERATOR_NAMES = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'ends_with',
  'regex',
] as const
export type Operator = (typeof OPERATOR_NAMES)[number]

/** What an operator compares, which decides the value types it accepts. */
export type OperatorKind = 'equality' | 'numeric' | 'membership' | 'text' | 'pattern'

export interface OperatorInfo {
  operator: Operator
  symbol: string
  description: string
  /** A leaf using it, as in upstream's `OPERATOR_EXAMPLES`. */
  example_usage: {
    field: string
    operator: Operator
    value: string | number | boolean | string[] | number[]
  }
  /** Field types it applies to. */
  supported_types: readonly FieldType[]
  kind: OperatorKind
  /** Whether the leaf may compare against another field with `value_ref`. */
  value_ref: boolean
}

const SCALARS: readonly FieldType[] = ['string', 'number', 'boolean', 'enum']

/** The 12 operators of upstream (§3.4), with our semantics (see the README). */
export const OPERATORS: readonly OperatorInfo[] = Object.freeze([
  {
    operator: 'eq',
    symbol: '==',
    description: 'Equal (enum values compare case-insensitively)',
    example_usage: { field: 'miner_state.status', operator: 'eq', value: 'error' },
    supported_types: SCALARS,
    kind: 'equality',
    value_ref: true,
  },
  {
    operator: 'ne',
    symbol: '!=',
    description: 'Not equal (unknown when the field is missing)',
    example_usage: {
      field: 'mining_performance.payout_schedule.frequency',
      operator: 'ne',
      value: 'unknown',
    },
    supported_types: SCALARS,
    kind: 'equality',
    value_ref: true,
  },
  {
    operator: 'gt',
    symbol: '>',
    description: 'Greater than; numeric strings are read as numbers on either side',
    example_usage: { field: 'energy_state.production', operator: 'gt', value: 3000 },
    supported_types: ['number'],
    kind: 'numeric',
    value_ref: true,
  },
  {
    operator: 'gte',
    symbol: '>=',
    description: 'Greater than or equal',
    example_usage: { field: 'mining_performance.payout_progress', operator: 'gte', value: 0.9 },
    supported_types: ['number'],
    kind: 'numeric',
    value_ref: true,
  },
  {
    operator: 'lt',
    symbol: '<',
    description: 'Less than',
    example_usage: { field: 'energy_state.battery.state_of_charge', operator: 'lt', value: 20 },
    supported_types: ['number'],
    kind: 'numeric',
    value_ref: true,
  },
  {
    operator: 'lte',
    symbol: '<=',
    description: 'Less than or equal',
    example_usage: {
      field: 'mining_performance.current_hashrate.value',
      operator: 'lte',
      value: 50,
    },
    supported_types: ['number'],
    kind: 'numeric',
    value_ref: true,
  },
  {
    operator: 'in',
    symbol: '∈',
    description: 'Equal to one of the listed values',
    example_usage: { field: 'timestamp.weekday', operator: 'in', value: [5, 6] },
    supported_types: SCALARS,
    kind: 'membership',
    value_ref: false,
  },
  {
    operator: 'not_in',
    symbol: '∉',
    description: 'Equal to none of the listed values (unknown when the field is missing)',
    example_usage: { field: 'timestamp.hour', operator: 'not_in', value: [2, 3, 4] },
    supported_types: SCALARS,
    kind: 'membership',
    value_ref: false,
  },
  {
    operator: 'contains',
    symbol: '⊃',
    description: 'The field, as text, contains the value',
    example_usage: { field: 'miner.model', operator: 'contains', value: 'S19' },
    supported_types: SCALARS,
    kind: 'text',
    value_ref: false,
  },
  {
    operator: 'starts_with',
    symbol: '^',
    description: 'The field, as text, starts with the value',
    example_usage: { field: 'miner.name', operator: 'starts_with', value: 'garage' },
    supported_types: SCALARS,
    kind: 'text',
    value_ref: false,
  },
  {
    operator: 'ends_with',
    symbol: '$',
    description: 'The field, as text, ends with the value',
    example_usage: { field: 'timestamp.time_zone', operator: 'ends_with', value: '/Rome' },
    supported_types: SCALARS,
    kind: 'text',
    value_ref: false,
  },
  {
    operator: 'regex',
    symbol: '~',
    description: 'The pattern matches at the start of the field as text (like Python re.match)',
    example_usage: { field: 'miner.model', operator: 'regex', value: 'Antminer S(19|21)' },
    supported_types: SCALARS,
    kind: 'pattern',
    value_ref: false,
  },
] satisfies OperatorInfo[])

const BY_NAME: ReadonlyMap<string, OperatorInfo> = new Map(OPERATORS.map((o) => [o.operator, o]))

export function lookupOperator(name: string): OperatorInfo | undefined {
  return BY_NAME.get(name)
}

/** A copy of the operator table, e.g. for `GET /rule-engine/info`. */
export function operatorInfo(): OperatorInfo[] {
  return OPERATORS.map((o) => ({
    ...o,
    supported_types: [...o.supported_types],
    example_usage: { ...o.example_usage },
  }))
}
