/**
 * What this package's tests run on: a platform whose clock and timers the test drives (fetch is
 * the real one, to the loopback simulator), a logger that keeps what it was told, and a site
 * simulator on the same clock with a client to it. Not exported from the package.
 */
import { type ManualPlatform, manualPlatform, memoryLogger } from '@edge-mining/domain'
import {
  type SiteSimulator,
  type SiteSimulatorOptions,
  startSiteSimulator,
} from '@edge-mining/site-simulator'
import { createHomeAssistantClient } from './client'

export {
  type ManualPlatform as TestPlatform,
  manualPlatform as createTestPlatform,
  memoryLogger as captureLogger,
} from '@edge-mining/domain'

/** Lets pending I/O run (loopback requests, their callbacks) without moving the clock. */
export async function flush(rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round++) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * Waits (real time, a few ms at a time) until `condition` holds, up to ~10 s: a loaded CI
 * machine running every package's tests at once can take seconds to answer a loopback request.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 2000; turn++) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`never happened: ${what}`)
}

export const NOON = '2026-06-21T10:00:00.000Z'

const open: SiteSimulator[] = []

/** A simulator and a client on one test clock. Close them with `closeAll()`. */
export async function harness(options: SiteSimulatorOptions = {}, startIso = NOON) {
  const platform: ManualPlatform = manualPlatform(startIso)
  const logger = memoryLogger()
  const sim = await startSiteSimulator({
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
    weather: { cloudiness: 0 },
    miners: [{ name: 'Garage S21', powerW: 3500 }],
    ...options,
  })
  open.push(sim)
  const client = createHomeAssistantClient({
    url: sim.url,
    token: sim.token,
    timeoutMs: 10_000,
    platform,
    logger,
  })
  const context = { platform, logger, externalService: client }
  return { platform, logger, sim, client, context }
}

export async function closeAll(): Promise<void> {
  while (open.length > 0) await open.pop()?.close()
}
