import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { AssetStore } from './assets'

/** The dashboard's pages: path, menu label, heading. */
export const PAGES = {
  overview: { path: '/', label: 'Overview', heading: 'What your miners are doing' },
  charts: { path: '/charts', label: 'Charts', heading: 'Energy and mining over time' },
  decisions: { path: '/decisions', label: 'Decisions', heading: 'Decision log' },
  pool: { path: '/pool', label: 'Pool', heading: 'Pool accounts' },
} as const

export type PageName = keyof typeof PAGES

type Html = HtmlEscapedString | Promise<HtmlEscapedString>

/**
 * What each page holds before its script fills it: the containers and controls, never data, so
 * a page may be served without the token and show nothing the token guards.
 */
const BODIES: Record<PageName, Html> = {
  overview: html`<div id="units" class="units" aria-busy="true">
    <p class="muted">Loading the site…</p>
  </div>`,
  charts: html`<form id="chart-controls" class="controls">
      <label>Unit <select id="chart-unit" name="unit"></select></label>
      <fieldset class="range">
        <legend>Range</legend>
        <label><input type="radio" name="range" value="24h" checked> 24 h</label>
        <label><input type="radio" name="range" value="7d"> 7 days</label>
      </fieldset>
    </form>
    <p class="legend-note">
      <span class="mark mark-start" aria-hidden="true"></span> start
      <span class="mark mark-stop" aria-hidden="true"></span> stop: the loop's and manual starts
      and stops, on every chart's time axis.
    </p>
    <div id="charts" class="charts" aria-busy="true"><p class="muted">Loading…</p></div>`,
  decisions: html`<form id="decision-filters" class="controls">
      <label>Unit <select id="filter-unit" name="unit"><option value="">All units</option></select></label>
      <label>Miner <select id="filter-miner" name="miner"><option value="">All miners</option></select></label>
    </form>
    <ol id="decision-list" class="decisions" aria-busy="true"></ol>
    <p><button id="older" type="button" hidden>Show older entries</button></p>`,
  pool: html`<div id="trackers" class="trackers" aria-busy="true">
    <p class="muted">Loading the pool accounts…</p>
  </div>`,
}

/**
 * One page: the shared header (menu, live-updates status, the token control), the token form
 * (hidden until an API call answers 401) and the page's containers. The server's clock rides
 * along so the page asks for "the last 24 h" of the server's time, not the browser's.
 */
export function renderPage(name: PageName, assets: AssetStore, serverNowMs: number): Html {
  const page = PAGES[name]
  const menu = (Object.keys(PAGES) as PageName[]).map((key) => {
    const entry = PAGES[key]
    return key === name
      ? html`<li><a href="${entry.path}" aria-current="page">${entry.label}</a></li>`
      : html`<li><a href="${entry.path}">${entry.label}</a></li>`
  })
  const charting =
    name === 'charts'
      ? html`<link rel="stylesheet" href="${assets.url('uPlot.min.css')}">
  <script defer src="${assets.url('uPlot.iife.min.js')}"></script>`
      : ''
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <meta name="edge-mining-server-time" content="${String(serverNowMs)}">
  <title>${page.label} · Edge Mining</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${assets.url('dashboard.css')}">
  ${charting}
  <script type="module" src="${assets.url('dashboard.js')}"></script>
</head>
<body data-page="${name}">
  <a class="skip" href="#main">Skip to the content</a>
  <header class="top">
    <a class="brand" href="/">Edge Mining</a>
    <nav aria-label="Pages"><ul class="menu">${menu}</ul></nav>
    <p id="live" class="live" role="status" aria-live="polite"></p>
    <button id="forget-token" class="link" type="button" hidden>Forget token</button>
  </header>
  <main id="main" tabindex="-1">
    <form id="token-form" class="token" hidden>
      <h1>This server asks for its API token</h1>
      <p>Enter the <code>API_TOKEN</code> the server was started with. It is kept in this
        browser only and sent with each request as <code>Authorization: Bearer</code>, never in
        an address.</p>
      <input type="text" name="username" autocomplete="username" value="edge-mining" hidden>
      <label for="token-input">API token</label>
      <input id="token-input" name="token" type="password" autocomplete="current-password" required>
      <button type="submit">Use this token</button>
      <p id="token-error" class="error" role="alert"></p>
    </form>
    <div id="content">
      <h1>${page.heading}</h1>
      <p id="page-error" class="error" role="alert" hidden></p>
      ${BODIES[name]}
    </div>
  </main>
  <noscript><p class="error">The dashboard needs JavaScript. The API and its documentation are at <a href="/docs">/docs</a>.</p></noscript>
</body>
</html>
`
}
