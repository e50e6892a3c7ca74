import type { CycleReport, DecisionLoop } from '@edge-mining/services'

/** What the loop routes need: the loop, and how to run a cycle now in this server. */
export interface LoopControl {
  loop: DecisionLoop
  /**
   * Runs a cycle now (joining one in flight); null when another process runs the loop on this
   * database (it holds the scheduler lease).
   */
  runCycle(): Promise<CycleReport | null>
  /** The wall clock (the runtime's platform), ms. */
  now(): number
}
