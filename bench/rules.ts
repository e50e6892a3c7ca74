/**
 * Rule evaluation throughput: @edge-mining/rules (compiled policy) against a hand-written
 * function testing the same conditions with direct property access, and json-rules-engine on
 * the same rules. Two workloads: the shipped example policy and a generated 1 000-rule policy.
 * Prints evaluations per second; asserts nothing.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createDecisionalContext,
  type DecisionalContext,
  type MiningDecision,
} from '@edge-mining/domain'
import {
  type Condition,
  compilePolicy,
  decideNextAction,
  evaluatePolicy,
  type Policy,
  parsePolicy,
  type Rule,
} from '@edge-mining/rules'
import { Engine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine'

const RUN_MS = Number(process.env.BENCH_MS ?? 1000)
const ROUNDS = 3

/** Deterministic pseudo-random numbers (no Math.random: figures are reproducible). */
function lcg(seed: number) {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

function contexts(count: number, seed: number): DecisionalContext[] {
  const random = lcg(seed)
  return Array.from({ length: count }, (_, i) =>
    createDecisionalContext(
      {
        energy_state: {
          production: Math.round(random() * 5000),
          battery: {
            state_of_charge: Math.round(random() * 100),
            remaining_capacity: Math.round(random() * 10_000),
            current_power: Math.round(random() * 4000 - 2000),
          },
          grid: { current_power: Math.round(random() * 6000 - 3000) },
        },
        forecast: {
          next_hour_power: Math.round(random() * 4000),
          avg_next_4_hours_power: Math.round(random() * 4000),
          next_hour_energy: Math.round(random() * 4000),
        },
        home_load_forecast: Math.round(random() * 4000),
        miner_state: { status: i % 2 === 0 ? 'off' : 'on' } as never,
        timestamp: new Date(Date.UTC(2026, 0, 5 + (i % 7), Math.floor(random() * 24))),
      },
      { timeZone: 'UTC' },
    ),
  )
}

/** Runs `fn` over the contexts for about RUN_MS and answers evaluations per second. */
async function measure(
  fn: (context: DecisionalContext) => unknown,
  list: DecisionalContext[],
): Promise<number> {
  let sink = 0
  const warmUntil = performance.now() + RUN_MS / 4
  let i = 0
  while (performance.now() < warmUntil) {
    if ((await fn(list[i++ % list.length] as DecisionalContext)) !== undefined) sink++
  }
  let count = 0
  const start = performance.now()
  let elapsed = 0
  do {
    for (let k = 0; k < 256; k++) {
      if ((await fn(list[count++ % list.length] as DecisionalContext)) !== undefined) sink++
    }
    elapsed = performance.now() - start
  } while (elapsed < RUN_MS)
  if (sink < 0) console.log(sink)
  return (count / elapsed) * 1000
}

function measureSync(fn: (context: DecisionalContext) => unknown, list: DecisionalContext[]) {
  let sink = 0
  const warmUntil = performance.now() + RUN_MS / 4
  let i = 0
  while (performance.now() < warmUntil) if (fn(list[i++ % list.length] as DecisionalContext)) sink++
  let count = 0
  const start = performance.now()
  let elapsed = 0
  do {
    for (let k = 0; k < 1024; k++) if (fn(list[count++ % list.length] as DecisionalContext)) sink++
    elapsed = performance.now() - start
  } while (elapsed < RUN_MS)
  if (sink < 0) console.log(sink)
  return (count / elapsed) * 1000
}

// ─── json-rules-engine on the same rules ────────────────────────────────────────────────────

const JRE_OPERATORS: Record<string, string> = {
  eq: 'equal',
  ne: 'notEqual',
  gt: 'greaterThan',
  gte: 'greaterThanInclusive',
  lt: 'lessThan',
  lte: 'lessThanInclusive',
  in: 'in',
  not_in: 'notIn',
}

function toJre(condition: Condition): NestedCondition {
  if ('all_of' in condition) return { all: condition.all_of.map(toJre) }
  if ('any_of' in condition) return { any: condition.any_of.map(toJre) }
  if ('not_' in condition) return { not: toJre(condition.not_) }
  if (!('value' in condition)) throw new Error('value_ref is not used by the benchmark')
  const operator = JRE_OPERATORS[condition.operator]
  if (!operator) throw new Error(`no json-rules-engine operator for ${condition.operator}`)
  return { fact: 'ctx', path: `$.${condition.field}`, operator, value: condition.value }
}

function topLevel(condition: Condition): TopLevelCondition {
  const nested = toJre(condition)
  return 'all' in nested || 'any' in nested || 'not' in nested ? nested : { all: [nested] }
}

function jreDecider(policy: Policy) {
  const engine = (rules: Rule[], decision: MiningDecision) => {
    const e = new Engine([], { allowUndefinedFacts: true })
    for (const rule of rules)
      e.addRule({
        conditions: topLevel(rule.conditions),
        event: { type: decision },
        priority: Math.max(1, rule.priority + 1),
      })
    return e
  }
  const start = engine(policy.start_rules, 'start_mining')
  const stop = engine(policy.stop_rules, 'stop_mining')
  return async (context: DecisionalContext): Promise<MiningDecision> => {
    const status = context.miner_state?.status ?? 'unknown'
    const e = status === 'on' ? stop : status === 'starting' || status === 'stopping' ? null : start
    if (!e) return 'maintain_state'
    const { events } = await e.run({ ctx: context })
    return (events[0]?.type as MiningDecision | undefined) ?? 'maintain_state'
  }
}

// ─── Hand-written functions ─────────────────────────────────────────────────────────────────

const n = (value: number | null | undefined) => value ?? Number.NaN

/** The example policy's rules written by hand with direct property access. */
function handWrittenExample(c: DecisionalContext): MiningDecision {
  const es = c.energy_state
  const soc = n(es?.battery?.state_of_charge)
  const production = n(es?.production)
  const weekday = c.timestamp?.weekday
  const hour = c.timestamp?.hour
  const status = c.miner_state?.status
  if (status === 'on') {
    if (
      soc < 15 ||
      n(es?.battery?.remaining_capacity) < 800 ||
      (n(es?.battery?.current_power) < -1000 && soc < 25)
    )
      return 'stop_mining'
    if (
      n(es?.grid?.importing_power) > 2500 &&
      (n(c.forecast?.next_hour_power) < 1000 || soc < 60) &&
      !(hour !== undefined && hour >= 1 && hour <= 5 && soc < 30)
    )
      return 'stop_mining'
    if (
      n(c.home_load_forecast) > 2800 &&
      hour !== undefined &&
      hour >= 17 &&
      hour <= 22 &&
      (soc < 70 || production < 1500)
    )
      return 'stop_mining'
    return 'maintain_state'
  }
  if (status === 'starting' || status === 'stopping') return 'maintain_state'
  if (production > 3000 && soc > 40) return 'start_mining'
  if (
    (weekday === 5 || weekday === 6) &&
    ((n(c.forecast?.avg_next_4_hours_power) > 2000 && soc > 70) ||
      (n(es?.grid?.exporting_power) < 800 && soc > 50)) &&
    !(hour === 2 || hour === 3 || hour === 4)
  )
    return 'start_mining'
  if (
    soc >= 85 &&
    production > 1800 &&
    (weekday === 5 ||
      weekday === 6 ||
      (weekday !== undefined && weekday <= 4 && hour !== undefined && hour >= 11 && hour <= 14))
  )
    return 'start_mining'
  return 'maintain_state'
}

// ─── A generated 1 000-rule policy ──────────────────────────────────────────────────────────

interface Thresholds {
  production: number
  soc: number
  hours: number[]
  grid: number
}

function thousandRules(): { yaml: string; thresholds: Thresholds[] } {
  const random = lcg(42)
  const thresholds: Thresholds[] = []
  const lines = ['name: Generated 1000-rule policy', 'start_rules:']
  for (let i = 0; i < 1000; i++) {
    const t: Thresholds = {
      // Mostly unreachable production levels: most rules are evaluated and fail, as in practice.
      production: 4000 + Math.round(random() * 3000),
      soc: Math.round(random() * 90),
      hours: [Math.floor(random() * 24), Math.floor(random() * 24), Math.floor(random() * 24)],
      grid: Math.round(random() * 2000),
    }
    thresholds.push(t)
    lines.push(
      `  - name: rule ${i}`,
      `    priority: ${1000 - i}`,
      '    conditions:',
      '      all_of:',
      `        - {field: energy_state.production, operator: gt, value: ${t.production}}`,
      `        - {field: energy_state.battery.state_of_charge, operator: gte, value: ${t.soc}}`,
      '        - any_of:',
      `            - {field: timestamp.hour, operator: in, value: [${t.hours.join(', ')}]}`,
      `            - {field: energy_state.grid.exporting_power, operator: gt, value: ${t.grid}}`,
    )
  }
  return { yaml: `${lines.join('\n')}\n`, thresholds }
}

/**
 * "Hand-written" for 1 000 rules: the code a person would write — one `if` per rule with direct
 * property access, split into functions of 32 rules (one function of 1 000 ifs is too large for
 * V8's optimising compiler and runs several times slower) — produced from the same thresholds
 * (nobody types 1 000 ifs).
 */
function handWrittenThousand(thresholds: Thresholds[]): (c: DecisionalContext) => MiningDecision {
  const chunks: string[] = []
  for (let from = 0; from < thresholds.length; from += 32) {
    const body = thresholds
      .slice(from, from + 32)
      .map(
        (t) =>
          `if (p > ${t.production} && s >= ${t.soc} && (${t.hours.map((h) => `h === ${h}`).join(' || ')} || x > ${t.grid})) return true;`,
      )
      .join('\n')
    chunks.push(`function chunk${chunks.length}(p, s, x, h) {\n${body}\nreturn false; }`)
  }
  const source = `
    ${chunks.join('\n')}
    return function decide(c) {
      const st = c.miner_state?.status;
      if (st === 'on' || st === 'starting' || st === 'stopping') return 'maintain_state';
      const es = c.energy_state;
      const p = es?.production ?? NaN, s = es?.battery?.state_of_charge ?? NaN;
      const x = es?.grid?.exporting_power ?? NaN, h = c.timestamp?.hour;
      if (${chunks.map((_, i) => `chunk${i}(p, s, x, h)`).join(' || ')}) return 'start_mining';
      return 'maintain_state';
    }`
  return new Function(source)() as (c: DecisionalContext) => MiningDecision
}

// ─── Run ────────────────────────────────────────────────────────────────────────────────────

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US').padStart(13)
}

async function workload(
  label: string,
  policy: Policy,
  hand: (c: DecisionalContext) => MiningDecision,
  list: DecisionalContext[],
) {
  const compiled = compilePolicy(policy)
  const jre = jreDecider(policy)
  let disagreements = 0
  const decisions: Record<string, number> = {}
  for (const c of list) {
    const ours = evaluatePolicy(compiled, c).decision
    decisions[ours] = (decisions[ours] ?? 0) + 1
    if (ours !== hand(c) || ours !== (await jre(c))) disagreements++
  }
  const rules = policy.start_rules.length + policy.stop_rules.length
  console.log(`\n${label} (${rules} rules, ${list.length} rotating contexts)`)
  console.log(
    `  decisions: ${JSON.stringify(decisions)}; all three implementations agree: ${disagreements === 0 ? 'yes' : `NO (${disagreements} differ)`}`,
  )
  // Rounds alternate between implementations; the best round counts (the host is noisy).
  let handRate = 0
  let oursRate = 0
  let decideRate = 0
  let traceRate = 0
  let jreRate = 0
  for (let round = 0; round < ROUNDS; round++) {
    handRate = Math.max(handRate, measureSync(hand, list))
    oursRate = Math.max(
      oursRate,
      measureSync((c) => evaluatePolicy(compiled, c).decision, list),
    )
    decideRate = Math.max(
      decideRate,
      measureSync((c) => decideNextAction(compiled, c).decision, list),
    )
    traceRate = Math.max(
      traceRate,
      measureSync((c) => evaluatePolicy(compiled, c).trace.length, list),
    )
    jreRate = Math.max(jreRate, await measure(jre, list))
  }
  console.log(`  hand-written function            ${fmt(handRate)} evaluations/s`)
  console.log(
    `  @edge-mining/rules evaluatePolicy${fmt(oursRate)} evaluations/s  (${(handRate / oursRate).toFixed(2)}× slower than hand-written)`,
  )
  console.log(
    `  @edge-mining/rules decideNextAction${fmt(decideRate)} evaluations/s  (${(handRate / decideRate).toFixed(2)}× slower than hand-written)`,
  )
  console.log(`  … with the explain trace read    ${fmt(traceRate)} evaluations/s`)
  console.log(
    `  json-rules-engine                ${fmt(jreRate)} evaluations/s  (@edge-mining/rules is ${Math.round(oursRate / jreRate)}× faster)`,
  )
}

const examples = join(import.meta.dirname, '../data/examples/policies')
const exampleText = readFileSync(
  join(examples, '550e8400-e29b-41d4-a716-446655440000.yaml'),
  'utf8',
)
const example = parsePolicy(exampleText)
if (!example.policy || example.issues.length > 0) throw new Error('example policy did not load')

const generated = thousandRules()
let t0 = performance.now()
const big = parsePolicy(generated.yaml)
const parseMs = performance.now() - t0
if (!big.policy || big.issues.length > 0) throw new Error('generated policy did not load')
t0 = performance.now()
compilePolicy(big.policy)
const compileMs = performance.now() - t0

console.log(
  `Node ${process.version}; best of ${ROUNDS} rounds of about ${RUN_MS} ms per implementation`,
)
await workload('Example policy', example.policy, handWrittenExample, contexts(64, 7))
await workload(
  'Generated policy',
  big.policy,
  handWrittenThousand(generated.thresholds),
  contexts(64, 11),
)
console.log(
  `\nGenerated policy: parse + validate ${parseMs.toFixed(0)} ms (${(generated.yaml.length / 1024).toFixed(0)} KiB of YAML), compile ${compileMs.toFixed(0)} ms`,
)
