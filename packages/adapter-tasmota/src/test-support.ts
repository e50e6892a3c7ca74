/**
 * What this package's tests run on: a platform whose clock and timers the test drives (fetch is
 * the real one, to a loopback fake device on the same clock) and a logger that keeps what it was
 * told. Not exported from the package.
 */
import type { ManualPlatform } from '@edge-mining/domain'

export {
  type ManualPlatform as TestPlatform,
  manualPlatform as createTestPlatform,
  memoryLogger as captureLogger,
} from '@edge-mining/domain'

/** Waits for `work` while the clock moves `stepMs` at a time (real ms between steps). */
export async function settle<T>(
  platform: ManualPlatform,
  work: Promise<T>,
  stepMs: number,
): Promise<T> {
  let done = false
  const watched = work.finally(() => {
    done = true
  })
  watched.catch(() => {})
  for (let turn = 0; turn < 400 && !done; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (!done) platform.advance(stepMs)
  }
  return watched
}

export const NOON = '2026-06-21T10:00:00.000Z'
