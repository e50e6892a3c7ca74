import type { BraiinsScenario } from './braiins/simulator.ts'
import type { OceanScenario } from './ocean/simulator.ts'

/** Named scenarios for the bin and the demo: what each simulator gets. */
export const SCENARIO_PRESETS = {
  /** The seeded miners model, no faults. */
  model: { ocean: {}, braiins: {} },
  /** The example responses of pool-apis.md (§1.3 Ocean, §2.3 Braiins). */
  reference: { ocean: { data: 'reference' }, braiins: { data: 'reference' } },
  /** Ocean's live captures (Braiins has none: it keeps the model). */
  captured: { ocean: { data: 'captured' }, braiins: {} },
  'empty-account': {
    ocean: { faults: [{ fault: { kind: 'empty_account' } }] },
    braiins: { faults: [{ fault: { kind: 'empty_account' } }] },
  },
  'unknown-user': {
    ocean: { faults: [{ fault: { kind: 'unknown_user' } }] },
    braiins: { faults: [{ fault: { kind: 'forbidden' } }] },
  },
  'server-errors': {
    ocean: { faults: [{ fault: { kind: 'server_error' } }] },
    braiins: { faults: [{ fault: { kind: 'server_error' } }] },
  },
  'rate-limited': {
    ocean: { faults: [{ fault: { kind: 'too_many_requests', retryAfterSeconds: 30 } }] },
    braiins: { faults: [{ fault: { kind: 'too_many_requests', retryAfterSeconds: 30 } }] },
  },
  slow: {
    ocean: { faults: [{ fault: { kind: 'slow', delayMs: 3000 } }] },
    braiins: { faults: [{ fault: { kind: 'slow', delayMs: 3000 } }] },
  },
  'non-json': {
    ocean: { faults: [{ fault: { kind: 'non_json' } }] },
    braiins: { faults: [{ fault: { kind: 'non_json' } }] },
  },
} satisfies Record<string, { ocean: OceanScenario; braiins: BraiinsScenario }>

export type ScenarioPresetName = keyof typeof SCENARIO_PRESETS
