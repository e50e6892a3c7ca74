import type { Logger } from '@edge-mining/domain'
import type { HaState, HomeAssistantClient } from './client'

/**
 * Reads entities in parallel and waits for every answer, so nothing is left in flight; if HA
 * could not be asked, the first entity's error (in config order, so the same every time) is
 * thrown.
 */
export async function readAll(
  client: HomeAssistantClient,
  entities: readonly string[],
): Promise<Map<string, HaState | null>> {
  const settled = await Promise.allSettled(entities.map((entity) => client.getState(entity)))
  const states = new Map<string, HaState | null>()
  for (const [index, result] of settled.entries()) {
    if (result.status === 'rejected') throw result.reason
    states.set(entities[index] ?? '', result.value)
  }
  return states
}

/**
 * Which entities have no reading, and why, logged on change only: a sensor that goes missing is
 * told once (warn), and once more when it reads again (info), not at every cycle.
 */
export function createProblemLog(logger: Logger, who: string) {
  let current: Record<string, string> = {}
  return {
    update(seen: Record<string, string>): void {
      for (const [entity, why] of Object.entries(seen)) {
        if (current[entity] !== why)
          logger.warn(`${who}: ${entity} ${why}; its reading is missing (never 0)`)
      }
      for (const entity of Object.keys(current)) {
        if (!(entity in seen)) logger.info(`${who}: ${entity} reads again`)
      }
      current = { ...seen }
    },
    current: (): Record<string, string> => ({ ...current }),
  }
}
