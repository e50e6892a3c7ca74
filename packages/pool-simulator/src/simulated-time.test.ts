import { afterEach, describe, expect, it } from 'vitest'
import { startBraiinsSimulator } from './index'
import { createSimulatedTime } from './simulated-time'

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.()
})

describe('createSimulatedTime', () => {
  it('jumps the clock to each timer once no request is in flight', async () => {
    const time = createSimulatedTime(Date.UTC(2026, 7, 30, 12))
    const sim = await startBraiinsSimulator({
      now: time.now,
      rateLimit: { intervalMs: 5000, mode: 'synthetic-429' },
    })
    closers.push(() => sim.close())
    const get = () =>
      time
        .fetch(`${sim.url}/accounts/profile/json/btc/`, {
          headers: { 'Pool-Auth-Token': sim.token() },
        })
        .then((response) => response.status)
    const later = new Promise<number>((resolve) => time.setTimeout(() => resolve(get()), 5000))
    const statuses = await time.run(Promise.all([get(), later]))
    // 5 s of simulated time passed between the two requests: the rate limit let both through.
    expect(statuses).toEqual([200, 200])
    const [first, second] = sim.requests().log
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBe(5000)
    expect(time.sentHeaders()[0]?.['pool-auth-token']).toBe(sim.token())
  })
})
