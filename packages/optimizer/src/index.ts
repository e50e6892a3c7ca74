export {
  type Control,
  type Hold,
  type HoldReason,
  type MinerInput,
  type MinerPlan,
  type PlanKind,
  planUnit,
  ruleStateKey,
  type UnitInput,
  type UnitNotice,
  type UnitPlan,
} from './plan'
