// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a person reads, which is what these tests check
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MiningPoolRateLimitedError } from '@edge-mining/domain'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { scriptedPool } from '../support'
import { launchChromium } from './chromium'
import { type DashboardSite, startDashboardSite } from './fixture'

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url))
const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 800 }
const PAGES = { overview: '/', charts: '/charts', decisions: '/decisions', pool: '/pool' }
/** How long the page may take to show what an API call or an event changed. */
const SHOWN_MS = 10_000

let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

/** A page in a fresh browser context (its own localStorage), failing the test on a page error. */
async function openPage(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'en-GB' })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  onTestFinished(async () => {
    await context.close()
    expect(errors).toEqual([])
  })
  return page
}

/** Opens a page of the dashboard and waits until its script says it is filled. */
async function load(page: Page, site: DashboardSite, name: keyof typeof PAGES, query = '') {
  await page.goto(`${site.url}${PAGES[name]}${query}`)
  await page.waitForSelector(`body[data-ready="${name}"]`, { timeout: SHOWN_MS })
}

/**
 * The browser globals the page callbacks touch, typed here: the package compiles without the DOM
 * library. The casts vanish when the callback is sent to the page.
 */
interface InPage {
  document: {
    body: { dataset: Record<string, string | undefined> }
    documentElement: { scrollWidth: number }
    getElementById(
      id: string,
    ): { hasAttribute(name: string): boolean; textContent: string | null } | null
    querySelectorAll(selector: string): { length: number }
  }
  innerWidth: number
  localStorage: { getItem(key: string): string | null }
}
interface CanvasInPage {
  width: number
  height: number
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> }
  } | null
}

const minerItem = (page: Page, id: string): Locator =>
  page.locator(`li.miner[data-miner-id="${id}"]`)

/** The page's own number formatting (en-GB), to compare what it shows with what the API says. */
const kilowatts = (watts: number) =>
  `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(watts / 1000)} kW`

describe('the dashboard on the midday site (11:55 in Rome, the policy mines from noon)', () => {
  let site: DashboardSite
  const pool = scriptedPool()
  let scriptedTracker: string

  beforeAll(async () => {
    // The scripted pool as a type of its own: the shipped braiins_pool stays registered.
    site = await startDashboardSite({ adapters: [{ ...pool.definition, type: 'scripted_pool' }] })
    scriptedTracker = (
      await site.call('POST', '/mining-performance-trackers', {
        name: 'Throttled pool',
        adapter_type: 'scripted_pool',
        config: { api_token: 'scripted-secret-4471' },
      })
    ).id
  }, 30_000)
  afterAll(async () => {
    await site?.close()
  })

  it('the overview shows each miner’s state, decision and the reason in words', async () => {
    const page = await openPage()
    await load(page, site, 'overview')

    const s19 = minerItem(page, site.ids.s19)
    await expect(s19.getAttribute('data-status')).resolves.toBe('off')
    await expect(s19.getAttribute('data-decision')).resolves.toBe('maintain_state')
    const s19Text = await s19.innerText()
    expect(s19Text).toContain('Keep as it is')
    expect(s19Text).toContain('Maintain: no start rule fired (miner off)')
    // What keeps it off: the first condition of the start rule, at 11 local time.
    expect(s19Text).toContain('Midday sun: Hour of the day 11 ≥ 12')

    const s21 = minerItem(page, site.ids.s21)
    await expect(s21.getAttribute('data-decision')).resolves.toBe('stop_mining')
    await expect(s21.getAttribute('data-kind')).resolves.toBe('hold')
    // Held an hour from 09:55 UTC: until 12:55 in Rome, not 10:55.
    expect(await s21.innerText()).toMatch(/a manual override — (59|60) min left \(until 12:55\)/)

    const bitaxe = minerItem(page, site.ids.bitaxe)
    expect(await bitaxe.locator('.badge.status').innerText()).toBe('Deactivated')
    expect(await bitaxe.innerText()).toContain('Skipped: the miner is deactivated')

    const context = await site.call(
      'GET',
      `/optimization-units/${site.ids.unit}/decisional-context`,
    )
    const solar = page.locator('[data-flow="solar"] .tile-value')
    expect(await solar.innerText()).toBe(kilowatts(context.energy_state.production))
    const battery = page.locator('[data-flow="battery"] .tile-value')
    expect(await battery.innerText()).toBe(
      `${Math.round(context.energy_state.battery.state_of_charge)} %`,
    )
    const performance = context.mining_performance
    const workers = page.locator('.pool-now .figure', { hasText: 'Workers online' })
    expect(await workers.locator('dd').innerText()).toBe(
      `${performance.workers_online} of ${performance.workers_total}`,
    )
    await expect(page.locator('.unit-head').innerText()).resolves.toContain('Policy Midday mining')
  })

  it('a start decision appears live, without a reload', async () => {
    const page = await openPage()
    await load(page, site, 'overview')
    await page.waitForSelector('#live[data-state="live"]', { timeout: SHOWN_MS })
    let navigations = 0
    page.on('framenavigated', () => {
      navigations += 1
    })
    await page.evaluate(() => {
      ;(globalThis as unknown as InPage).document.body.dataset.loadedOnce = 'yes'
    })

    site.advance(5 * 60_000)
    const cycle = await site.evaluate()
    expect(
      cycle.units[0].miners.find((m: { miner_id: string }) => m.miner_id === site.ids.s19),
    ).toMatchObject({ decision: 'start_mining', action: 'start' })

    const s19 = minerItem(page, site.ids.s19)
    await page.waitForSelector(
      `li.miner[data-miner-id="${site.ids.s19}"][data-decision="start_mining"][data-status="starting"]`,
      { timeout: SHOWN_MS },
    )
    const text = await s19.innerText()
    expect(text).toContain('Start mining')
    expect(text).toContain('acting now')
    expect(text).toContain('Midday sun (start rule, priority 10)')
    expect(text).toContain('✓ Hour of the day 12 ≥ 12')
    // The override has 5 minutes less to run: the page follows the server's clock.
    expect(await minerItem(page, site.ids.s21).innerText()).toMatch(/(54|55) min left/)
    expect(navigations).toBe(0)
    await expect(
      page.evaluate(() => (globalThis as unknown as InPage).document.body.dataset.loadedOnce),
    ).resolves.toBe('yes')
  })

  it('the charts draw every series and mark the starts and stops', async () => {
    const page = await openPage()
    await load(page, site, 'charts')
    const figures = page.locator('figure.chart')
    await expect(figures.count()).resolves.toBe(4)
    for (const figure of await figures.all()) {
      const points = JSON.parse((await figure.getAttribute('data-points')) ?? '{}')
      const title = await figure.locator('figcaption').innerText()
      expect(Object.keys(points).length, title).toBeGreaterThan(0)
      for (const [series, count] of Object.entries(points)) {
        expect(count, `${title}: ${series}`).toBeGreaterThan(0)
      }
    }
    const labels = await figures.locator('figcaption').allInnerTexts()
    expect(labels).toEqual([
      'Energy (W)',
      'Battery charge (%)',
      'Miner power (W)',
      'Hash rate: pool vs miners (TH/s)',
    ])
    // Drawn, not only fed: each chart's canvas has lines on it.
    const inked = await page.$$eval('figure.chart canvas', (canvases) =>
      canvases.map((element) => {
        const canvas = element as unknown as CanvasInPage
        const { data } = canvas
          .getContext('2d')
          ?.getImageData(0, 0, canvas.width, canvas.height) ?? {
          data: [],
        }
        let painted = 0
        for (let index = 3; index < data.length; index += 4)
          if ((data[index] ?? 0) > 0) painted += 1
        return painted
      }),
    )
    expect(inked).toHaveLength(4)
    for (const painted of inked) expect(painted).toBeGreaterThan(500)

    // Every executed start and stop of the last 24 h is a mark: yesterday's three starts at
    // noon and three stops at 18:00, the S21 stopped by hand, the S19 started live.
    const since = new Date(site.now() - 86_400_000).toISOString()
    const log = await site.call(
      'GET',
      `/decisions?unit_id=${site.ids.unit}&since=${since}&limit=1000`,
    )
    const actions = log.decisions.filter(
      (entry: { kind: string; outcome: string }) =>
        entry.kind === 'action' && entry.outcome === 'executed',
    )
    expect(actions.length).toBeGreaterThanOrEqual(7)
    for (const figure of await figures.all()) {
      await expect(figure.getAttribute('data-marks')).resolves.toBe(String(actions.length))
    }

    await page.locator('input[name="range"][value="7d"]').check()
    await page.waitForURL(/range=7d/, { timeout: SHOWN_MS })
    await page.waitForFunction(
      () =>
        (globalThis as unknown as InPage).document.querySelectorAll('figure.chart').length === 4 &&
        !(globalThis as unknown as InPage).document
          .getElementById('charts')
          ?.hasAttribute('aria-busy'),
      undefined,
      { timeout: SHOWN_MS },
    )
    const energy = JSON.parse((await figures.first().getAttribute('data-points')) ?? '{}')
    expect(energy['Solar production']).toBeGreaterThan(0)
  })

  it('the decision log expands an entry to its explain trace and filters by miner', async () => {
    const page = await openPage()
    await load(page, site, 'decisions')
    const start = page
      .locator('li.entry', { hasText: 'S19 Pro' })
      .filter({ hasText: 'Start mining' })
      .first()
    const trace = start.locator('.trace')
    await expect(trace.isVisible()).resolves.toBe(false)
    await start.locator('summary').click()
    await expect(trace.isVisible()).resolves.toBe(true)
    const fired = trace.locator('.trace-rule.rule-fired')
    expect(await fired.innerText()).toContain('start rule “Midday sun” (priority 10)')
    const leaves = fired.locator('.trace-leaf')
    await expect(leaves.count()).resolves.toBe(3)
    await expect(
      leaves.evaluateAll((items) => items.map((item) => item.getAttribute('data-result'))),
    ).resolves.toEqual(['true', 'true', 'true'])
    expect(await leaves.first().innerText()).toContain('Hour of the day 12 ≥ 12')

    await page.selectOption('#filter-miner', site.ids.s21)
    await page.waitForURL(new RegExp(`miner=${site.ids.s21}`), { timeout: SHOWN_MS })
    await page.waitForFunction(
      () =>
        !(globalThis as unknown as InPage).document
          .getElementById('decision-list')
          ?.hasAttribute('aria-busy'),
      undefined,
      { timeout: SHOWN_MS },
    )
    const who = await page.locator('li.entry .who').allInnerTexts()
    expect(who.length).toBeGreaterThan(0)
    for (const name of who) expect(name).toBe('Garage · S21')

    // The overview's "decision log" link lands here filtered the same way.
    await load(page, site, 'decisions', `?miner=${site.ids.s21}`)
    await expect(page.locator('#filter-miner').inputValue()).resolves.toBe(site.ids.s21)
  })

  it('the pool page shows stats, workers, rewards and payouts, and marks stale and rate-limited data', async () => {
    pool.set({ freshness: { source: 'stats', stale: true, age_seconds: 240 } })
    const page = await openPage()
    await load(page, site, 'pool')
    const dummy = page.locator(`section.tracker[data-tracker-id="${site.ids.tracker}"]`)
    const workers = await site.call(
      'GET',
      `/mining-performance-trackers/${site.ids.tracker}/workers`,
    )
    await expect(dummy.locator('.part[data-part="workers"] tbody tr').count()).resolves.toBe(
      workers.length,
    )
    const rewards = await site.call(
      'GET',
      `/mining-performance-trackers/${site.ids.tracker}/rewards?limit=10`,
    )
    await expect(dummy.locator('.part[data-part="recent-rewards"] tbody tr').count()).resolves.toBe(
      rewards.length,
    )
    await expect(dummy.locator('.stale').count()).resolves.toBe(0)

    const throttled = page.locator(`section.tracker[data-tracker-id="${scriptedTracker}"]`)
    expect(await throttled.locator('.part[data-part="statistics"] h3').innerText()).toContain(
      'stale, 4 min old',
    )

    pool.set({ error: new MiningPoolRateLimitedError('slow down', { retry_after_seconds: 30 }) })
    await load(page, site, 'pool')
    const stats = throttled.locator('.part[data-part="statistics"]')
    await expect(stats.getAttribute('data-failed')).resolves.toBe('true')
    expect(await stats.innerText()).toContain('pool rate-limited, retry in 30 s')
    // The token form is for the API's own token: a pool's refusal never asks for it.
    await expect(page.locator('#token-form').isVisible()).resolves.toBe(false)
    expect(await page.content()).not.toContain('scripted-secret-4471')
    pool.set({})
  })

  it('writes a screenshot of each page at phone and desktop width', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    for (const [width, viewport] of Object.entries({ phone: PHONE, desktop: DESKTOP })) {
      const page = await openPage(viewport)
      for (const name of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
        await load(page, site, name)
        const path = `${SCREENSHOTS}${name}-${width}.png`
        await page.screenshot({ path, fullPage: true })
        // Nothing wider than the screen: no sideways scrolling on a phone.
        const overflow = await page.evaluate(() => {
          const { document, innerWidth } = globalThis as unknown as InPage
          return document.documentElement.scrollWidth - innerWidth
        })
        expect(overflow, `${name} at ${width} width`).toBeLessThanOrEqual(0)
      }
    }
  })

  it('shows names as text, never as markup', async () => {
    const name = '<img src=x onerror="document.body.dataset.pwned=1">Garage'
    await site.call('PUT', `/optimization-units/${site.ids.unit}`, { name })
    const page = await openPage()
    await load(page, site, 'overview')
    await expect(page.locator('.unit-head h2').innerText()).resolves.toBe(name)
    await expect(page.locator('.unit img').count()).resolves.toBe(0)
    await expect(
      page.evaluate(() => (globalThis as unknown as InPage).document.body.dataset.pwned),
    ).resolves.toBeUndefined()
  })
})

describe('the dashboard with API_TOKEN set', () => {
  const token = 'dashboard-token-5f1c9e'
  let site: DashboardSite

  beforeAll(async () => {
    site = await startDashboardSite({ apiToken: token, historyHours: 1 })
  }, 30_000)
  afterAll(async () => {
    await site?.close()
  })

  it('serves the pages without the token, and they carry no data', async () => {
    const res = await fetch(`${site.url}/`)
    expect(res.status).toBe(200)
    const page = await res.text()
    for (const data of ['Garage', 'S19', 'Midday']) expect(page).not.toContain(data)
    expect((await fetch(`${site.url}/api/v1/optimization-units`)).status).toBe(401)
  })

  it('asks for the token once, keeps it in the browser, never in a URL, and forgets it on request', async () => {
    const page = await openPage()
    const requests: { url: string; authorization: string | undefined }[] = []
    page.on('request', (request) => {
      requests.push({ url: request.url(), authorization: request.headers().authorization })
    })
    await page.goto(`${site.url}/`)
    await page.waitForSelector('#token-form:not([hidden])', { timeout: SHOWN_MS })
    await expect(page.locator('#content').isVisible()).resolves.toBe(false)

    await page.fill('#token-input', 'not-the-token')
    await page.click('#token-form button[type="submit"]')
    await page.waitForFunction(
      () =>
        (globalThis as unknown as InPage).document
          .getElementById('token-error')
          ?.textContent?.includes('refused'),
      undefined,
      { timeout: SHOWN_MS },
    )

    await page.fill('#token-input', token)
    await page.click('#token-form button[type="submit"]')
    await page.waitForSelector('body[data-ready="overview"]', { timeout: SHOWN_MS })
    await page.waitForSelector('#live[data-state="live"]', { timeout: SHOWN_MS })
    await expect(minerItem(page, site.ids.s21).getAttribute('data-decision')).resolves.toBe(
      'stop_mining',
    )

    await page.reload()
    await page.waitForSelector('body[data-ready="overview"]', { timeout: SHOWN_MS })
    await expect(page.locator('#token-form').isVisible()).resolves.toBe(false)
    await expect(
      page.evaluate(() =>
        (globalThis as unknown as InPage).localStorage.getItem('edge-mining.api-token'),
      ),
    ).resolves.toBe(token)

    for (const request of requests) expect(request.url).not.toContain(token)
    const api = requests.filter((request) => new URL(request.url).pathname.startsWith('/api/v1/'))
    expect(api.some((request) => request.url.includes('/api/v1/events'))).toBe(true)
    const sent = api.filter((request) => request.authorization === `Bearer ${token}`)
    expect(sent.length).toBeGreaterThan(5)

    await page.click('#forget-token')
    await page.waitForSelector('#token-form:not([hidden])', { timeout: SHOWN_MS })
    await expect(
      page.evaluate(() =>
        (globalThis as unknown as InPage).localStorage.getItem('edge-mining.api-token'),
      ),
    ).resolves.toBeNull()
  })
})
