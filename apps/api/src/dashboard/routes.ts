import { Hono } from 'hono'
import { describeRoute } from 'hono-openapi'
import { createAssetStore, pickEncoding } from './assets'
import { PAGES, type PageName, renderPage } from './pages'

export interface DashboardOptions {
  /** The server's wall clock (the runtime's platform), ms: the pages' notion of "now". */
  now: () => number
}

/**
 * Pages only ever load this server's own files and talk to its own API: a name a user typed
 * that slipped past the escaping still could not load or send anything elsewhere.
 */
const PAGE_HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
}

const hidden = describeRoute({ hide: true })

/**
 * The dashboard: `/`, `/charts`, `/decisions`, `/pool` and `/assets/<name>`. The pages are
 * static shells (no token needed, no data in them); their script reads everything from
 * `/api/v1` with the browser's stored token.
 */
export function createDashboardRoutes(options: DashboardOptions) {
  const assets = createAssetStore()
  const routes = new Hono({ strict: false })

  for (const name of Object.keys(PAGES) as PageName[]) {
    routes.get(PAGES[name].path, hidden, (c) =>
      c.html(renderPage(name, assets, options.now()), 200, PAGE_HEADERS),
    )
  }

  routes.get('/assets/:name', hidden, (c) => {
    const asset = assets.get(c.req.param('name'))
    if (!asset) return c.json({ detail: 'Not Found' }, 404)
    const etag = `"${asset.version}"`
    // A versioned URL never changes content; an unversioned one is checked each time.
    const cacheControl =
      c.req.query('v') === asset.version
        ? 'public, max-age=31536000, immutable'
        : 'public, no-cache'
    const common = { ETag: etag, 'Cache-Control': cacheControl, Vary: 'Accept-Encoding' }
    const wanted = c.req.header('if-none-match')
    if (wanted?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      return c.body(null, 304, common)
    }
    const encoding = pickEncoding(c.req.header('accept-encoding'))
    const body =
      encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.identity
    return c.body(body, 200, {
      ...common,
      'Content-Type': asset.type,
      'X-Content-Type-Options': 'nosniff',
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
    })
  })

  return routes
}
