import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'

/** Swagger UI assets served from the installed swagger-ui-dist: the docs work offline. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}

const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false,
})
`

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Edge Mining API</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`

function assetFolder(): string {
  const require = createRequire(import.meta.url)
  return dirname(require.resolve('swagger-ui-dist/package.json'))
}

/** `/docs` (Swagger UI page) and `/docs/assets/*`, all from local files, no CDN. */
export function createDocsRoutes() {
  const docs = new Hono({ strict: false })
  const loaded = new Map<string, Uint8Array>()
  const read = (name: string) => {
    let bytes = loaded.get(name)
    if (!bytes) {
      bytes = readFileSync(join(assetFolder(), name))
      loaded.set(name, bytes)
    }
    return bytes
  }
  docs.get('/', (c) => c.html(PAGE))
  docs.get('/assets/init.js', (c) =>
    c.body(INIT_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  )
  docs.get('/assets/:name', (c) => {
    const name = c.req.param('name')
    const type = ASSETS[name]
    if (!type) return c.json({ detail: 'Not found' }, 404)
    return c.body(new Uint8Array(read(name)), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
    })
  })
  return docs
}
