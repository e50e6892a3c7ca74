import * as v from 'valibot'

export const MINING_DECISIONS = ['start_mining', 'stop_mining', 'maintain_state'] as const
export const MiningDecisionSchema = v.picklist(MINING_DECISIONS)
export type MiningDecision = v.InferOutput<typeof MiningDecisionSchema>
