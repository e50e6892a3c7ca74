/**
 * The process `kill.test.ts` kills with SIGKILL. Run with `node --conditions=source --import
 * tsx kill-child.ts <start ISO>` and DB_PATH / POLICIES_DIR set: it opens a runtime on the
 * database, configures the site with a `for_seconds` start rule, runs the server's loop (which
 * takes the lease) on a driven clock for 90 s, holds "Spare" with a manual start, prints the ids
 * as one JSON line and waits to be killed — it never closes anything.
 */
import { openRuntime } from '../runtime'
import { configureSite, createSite, createTestPlatform, siteDefinitions } from './site'

const start = process.argv[2] ?? '2026-06-21T10:00:00.000Z'
const seconds = (value: number) => new Date(Date.parse(start) + value * 1000).toISOString()

const clock = createTestPlatform(start)
const site = createSite(4000)
const runtime = openRuntime({ platform: clock, adapters: () => siteDefinitions(site) })
const ids = configureSite(runtime.services, { forSeconds: 600 })
const runner = runtime.startLoop()
await clock.advanceTo(seconds(90)) // cycles at 0, 5, …, 90: the start rule is waiting
const override = await runtime.loop.override(ids.spare.id, 'start', 3600)
process.stdout.write(
  `${JSON.stringify({
    unit: ids.unit.id,
    policy: ids.policy.id,
    rule: ids.start.id,
    rig: ids.rig.id,
    spare: ids.spare.id,
    holder: runner.stats().holder,
    cycles: runner.stats().runs,
    held_until: override.held_until,
  })}\n`,
)
// Stay up until killed.
setInterval(() => {}, 60_000)
