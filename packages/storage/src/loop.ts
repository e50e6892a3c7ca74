import type { LoopRepositories } from '@edge-mining/domain'
import type { StorageConnection } from './database'
import { createDecisionLogRepository } from './decision-log'
import { createHistoryRepository } from './history'
import { createSchedulerLeaseRepository } from './lease'
import {
  createMinerRuntimeRepository,
  createOverrideRepository,
  createRuleStateRepository,
} from './loop-state'

/** The decision loop's own persistence, on one connection. */
export function createLoopRepositories(
  connection: Pick<StorageConnection, 'sqlite' | 'path'>,
): LoopRepositories {
  return {
    ruleState: createRuleStateRepository(connection),
    overrides: createOverrideRepository(connection),
    minerRuntime: createMinerRuntimeRepository(connection),
    decisions: createDecisionLogRepository(connection),
    lease: createSchedulerLeaseRepository(connection),
    history: createHistoryRepository(connection),
  }
}
