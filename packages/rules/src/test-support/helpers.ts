import { createDecisionalContext, type DecisionalContextInput } from '@edge-mining/domain'
import { compilePolicy } from '../compile'
import { traceCondition } from '../evaluate'
import type { Condition, Policy, Rule } from '../types'

export const TRUTH = ['false', 'true', 'unknown'] as const
export type TruthName = (typeof TRUTH)[number]

export function rule(conditions: Condition, extra: Partial<Rule> = {}): Rule {
  return {
    id: extra.id ?? `rule-${extra.name ?? 'r'}`,
    name: 'r',
    description: null,
    priority: 0,
    enabled: true,
    for_seconds: null,
    conditions,
    ...extra,
  }
}

export function policy(start: Rule[], stop: Rule[] = [], id = 'p'): Policy {
  return {
    id,
    name: 'test',
    description: null,
    start_rules: start,
    stop_rules: stop,
    metadata: null,
  }
}

/**
 * Truth of one condition on a context, checked to be the same through the generated evaluator,
 * the interpreter and the trace (so every semantic test covers all three).
 */
export function truthOf(condition: Condition, context: unknown): TruthName {
  const generated = compilePolicy(policy([rule(condition)]))
  const interpreted = compilePolicy(policy([rule(condition)]), { codegen: false })
  const first = generated.start.rules[0]
  const second = interpreted.start.rules[0]
  if (!first || !second) throw new Error('rule did not compile')
  if (generated.mode !== 'generated') throw new Error('code generation unavailable')
  const a = TRUTH[first.test(context)]
  const b = TRUTH[second.test(context)]
  const c = traceCondition(first.checked, context).result
  if (a !== b || a !== c)
    throw new Error(`evaluators disagree: generated ${a}, interpreted ${b}, trace ${c}`)
  return a as TruthName
}

/** A validated context at a fixed instant (UTC calendar fields). */
export function context(input: DecisionalContextInput, at = '2026-01-05T10:00:00Z') {
  return createDecisionalContext({ timestamp: at, ...input }, { timeZone: 'UTC' })
}
