/**
 * Dashboard page weight and time to first render: the browser tests' site (apps/api/test/browser/
 * fixture.ts: the site simulator's Home Assistant energy, three dummy miners and a dummy pool,
 * with BENCH_HISTORY_HOURS of history, default 24, on a real runtime and SQLite file) served by
 * the API in this process, the overview loaded in the system's Chromium (headless,
 * playwright-core). For a cold load (a new browser profile) and a warm one (the same
 * profile, reloaded): bytes transferred (sum of CDP `Network.loadingFinished` encodedDataLength,
 * plus what the still-open events stream had received), the number of requests, first
 * contentful paint and "overview filled" (the `overview-filled` performance mark the client sets
 * once every unit is drawn), medians over BENCH_RUNS loads (default 5). Then the weight of each
 * resource of one cold overview load, and the cold weight of the other pages. Prints figures,
 * asserts nothing.
 */
import {
  type BrowserContext,
  type CDPSession,
  launchChromium,
} from '../apps/api/test/browser/chromium'
import { startDashboardSite } from '../apps/api/test/browser/fixture'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const HISTORY_HOURS = Number(process.env.BENCH_HISTORY_HOURS ?? 24)
const PAGES = { overview: '/', charts: '/charts', decisions: '/decisions', pool: '/pool' }

interface Transfer {
  url: string
  type: string
  status: number
  /** Bytes on the wire: headers and (compressed) body. */
  encoded: number
  /** Body bytes after decompression. */
  decoded: number
  fromCache: boolean
  finished: boolean
}

/** Records every request of a page through CDP, keyed by request id. */
async function recordTransfers(cdp: CDPSession) {
  const transfers = new Map<string, Transfer>()
  const entry = (id: string) => {
    let transfer = transfers.get(id)
    if (!transfer) {
      transfer = {
        url: '',
        type: '',
        status: 0,
        encoded: 0,
        decoded: 0,
        fromCache: false,
        finished: false,
      }
      transfers.set(id, transfer)
    }
    return transfer
  }
  cdp.on('Network.requestWillBeSent', (event) => {
    const transfer = entry(event.requestId)
    transfer.url = event.request.url
    transfer.type = event.type ?? ''
  })
  cdp.on('Network.responseReceived', (event) => {
    const transfer = entry(event.requestId)
    transfer.status = event.response.status
    transfer.fromCache = Boolean(event.response.fromDiskCache || event.response.fromPrefetchCache)
  })
  cdp.on('Network.requestServedFromCache', (event) => {
    entry(event.requestId).fromCache = true
  })
  cdp.on('Network.dataReceived', (event) => {
    const transfer = entry(event.requestId)
    transfer.decoded += event.dataLength
    if (!transfer.finished) transfer.encoded += event.encodedDataLength
  })
  cdp.on('Network.loadingFinished', (event) => {
    const transfer = entry(event.requestId)
    // The final figure includes the headers; it replaces the running sum.
    transfer.encoded = event.encodedDataLength
    transfer.finished = true
  })
  await cdp.send('Network.enable')
  return transfers
}

interface Load {
  bytes: number
  requests: number
  fcpMs: number
  filledMs: number
  transfers: Transfer[]
}

/** Loads one page in `context` and waits until its script marks it filled. */
async function loadPage(
  context: BrowserContext,
  url: string,
  page: keyof typeof PAGES,
): Promise<Load> {
  const tab = await context.newPage()
  const cdp = await context.newCDPSession(tab)
  const transfers = await recordTransfers(cdp)
  await tab.goto(url)
  await tab.waitForSelector(`body[data-ready="${page}"]`, { timeout: 30_000 })
  // Let the paint timing entry land and the events stream deliver its `ready`.
  await tab.waitForTimeout(200)
  const timing = await tab.evaluate((mark: string) => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0]
    const filled = performance.getEntriesByName(mark)[0]
    return { fcp: paint?.startTime ?? Number.NaN, filled: filled?.startTime ?? Number.NaN }
  }, `${page}-filled`)
  const list = [...transfers.values()].filter((transfer) => transfer.url.startsWith('http'))
  await tab.close()
  return {
    bytes: list.reduce((sum, transfer) => sum + transfer.encoded, 0),
    requests: list.length,
    fcpMs: timing.fcp,
    filledMs: timing.filled,
    transfers: list,
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

const site = await startDashboardSite({ historyHours: HISTORY_HOURS })
const browser = await launchChromium()
try {
  console.log(
    `simulated site (energy through Home Assistant, 3 miners, 1 tracker, ${HISTORY_HOURS} h of history) on ${site.url}, Chromium ${browser.version()}, ${RUNS} loads each`,
  )
  const cold: Load[] = []
  const warm: Load[] = []
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    cold.push(await loadPage(context, `${site.url}/`, 'overview'))
    warm.push(await loadPage(context, `${site.url}/`, 'overview'))
    await context.close()
  }
  for (const [label, loads] of [
    ['overview, cold cache', cold],
    ['overview, warm cache', warm],
  ] as const) {
    console.log(
      `${label.padEnd(22)} ${kb(median(loads.map((load) => load.bytes))).padStart(9)} transferred in ${median(loads.map((load) => load.requests))} requests   first contentful paint ${median(loads.map((load) => load.fcpMs)).toFixed(0)} ms   overview filled ${median(loads.map((load) => load.filledMs)).toFixed(0)} ms`,
    )
  }

  console.log('\none cold overview load, per resource (bytes on the wire incl. headers / body):')
  const sample = cold[0]?.transfers ?? []
  for (const transfer of sample) {
    const path = new URL(transfer.url).pathname + (new URL(transfer.url).search ? '?…' : '')
    const note = transfer.finished ? '' : ' (stream, still open)'
    console.log(
      `  ${String(transfer.status).padStart(3)} ${path.padEnd(58)} ${kb(transfer.encoded).padStart(9)} / ${kb(transfer.decoded).padStart(9)}${note}`,
    )
  }

  console.log('\nother pages, cold cache:')
  for (const page of ['charts', 'decisions', 'pool'] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const load = await loadPage(context, `${site.url}${PAGES[page]}`, page)
    await context.close()
    const biggest = [...load.transfers].sort((a, b) => b.encoded - a.encoded)[0]
    const heaviest = biggest
      ? `; heaviest ${new URL(biggest.url).pathname} ${kb(biggest.encoded)} (${kb(biggest.decoded)} unpacked)`
      : ''
    console.log(
      `  ${page.padEnd(10)} ${kb(load.bytes).padStart(9)} in ${load.requests} requests   first contentful paint ${load.fcpMs.toFixed(0)} ms   filled ${load.filledMs.toFixed(0)} ms${heaviest}`,
    )
  }
} finally {
  await browser.close()
  await site.close()
}
