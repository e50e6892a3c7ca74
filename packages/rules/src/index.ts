export type { CheckedNode, CompareAs } from './analyze'
export {
  COMPARABLE_TYPES,
  contextFields,
  type FieldInfo,
  type FieldType,
  lookupField,
  suggestFields,
} from './catalogue'
export {
  type CompiledPolicy,
  type CompiledRule,
  type CompiledSection,
  type CompileOptions,
  compilePolicy,
  createMemoryRuleStateStore,
  PolicyCompileError,
  type RuleStateStore,
} from './compile'
export {
  type DecidingLeaf,
  type Decision,
  decideNextAction,
  decidingLeaves,
  decidingLeavesNegated,
  decidingSentence,
  type EvaluateOptions,
  type EvaluationOutcome,
  evaluatePolicy,
  explain,
  type HoldTrace,
  leafSentence,
  type RuleStatus,
  type TraceNode,
  type Truth,
} from './evaluate'
export type { RuleIssue, RuleIssueCode } from './issues'
export {
  lookupOperator,
  OPERATOR_NAMES,
  OPERATORS,
  type Operator,
  type OperatorInfo,
  type OperatorKind,
  operatorInfo,
} from './operators'
export {
  type ParseOptions,
  parsePolicy,
  parseRuleFile,
  type ValidateConditionsOptions,
  validateConditions,
} from './parse'
export type {
  AllOfCondition,
  AnyOfCondition,
  Condition,
  LeafCondition,
  NotCondition,
  Policy,
  PolicyMetadata,
  Rule,
  RuleRef,
  RuleType,
  Scalar,
} from './types'
export { LIMITS } from './yaml-source'
