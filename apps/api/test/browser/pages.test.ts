import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { pickEncoding } from '../../src/dashboard/assets'
import { makeApp } from '../support'

const ownFile = (name: string) =>
  readFileSync(new URL(`../../src/dashboard/public/${name}`, import.meta.url))
const uplotFile = (name: string) =>
  readFileSync(createRequire(import.meta.url).resolve(`uplot/dist/${name}`))

/** The versioned asset URLs a page links to. */
function assetLinks(page: string): string[] {
  return [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '')
}

describe('the dashboard pages', () => {
  it('are served without the token, carry no data and load only this server’s files', async () => {
    const { request } = makeApp({ apiToken: 'pages-token-1234' })
    for (const path of ['/', '/charts', '/decisions', '/pool']) {
      const res = await request(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
      expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'")
      const page = await res.text()
      expect(page).toContain(`<body data-page="${path === '/' ? 'overview' : path.slice(1)}">`)
      const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '')
      for (const source of sources) expect(source, path).toMatch(/^(\/|#|data:)/)
    }
    expect((await request('/api/v1/optimization-units')).status).toBe(401)
    const charts = await (await request('/charts')).text()
    expect(assetLinks(charts).map((link) => link.split('?')[0])).toEqual([
      '/assets/dashboard.css',
      '/assets/uPlot.min.css',
      '/assets/uPlot.iife.min.js',
      '/assets/dashboard.js',
    ])
    // Only the charts page pays for the charting library.
    const overview = await (await request('/')).text()
    expect(overview).not.toContain('uPlot')
  })

  it('are not API routes: the OpenAPI document leaves them out', async () => {
    const { request } = makeApp()
    const spec = (await (await request('/openapi.json')).json()) as { paths: object }
    const paths = Object.keys(spec.paths)
    for (const page of ['/', '/charts', '/decisions', '/pool', '/assets/{name}']) {
      expect(paths).not.toContain(page)
    }
  })
})

describe('the dashboard assets', () => {
  it('are compressed for the client, cached for good under their versioned URL, revalidated otherwise', async () => {
    const { request } = makeApp()
    const links = assetLinks(await (await request('/charts')).text())
    const byName = new Map(links.map((link) => [link.split('?')[0]?.split('/').pop() ?? '', link]))
    const expected: Record<string, Buffer> = {
      'dashboard.js': ownFile('dashboard.js'),
      'dashboard.css': ownFile('dashboard.css'),
      'uPlot.iife.min.js': uplotFile('uPlot.iife.min.js'),
      'uPlot.min.css': uplotFile('uPlot.min.css'),
    }
    for (const [name, bytes] of Object.entries(expected)) {
      const link = byName.get(name) ?? ''
      const br = await request(link, { headers: { 'accept-encoding': 'gzip, deflate, br' } })
      expect(br.headers.get('content-encoding'), name).toBe('br')
      expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(br.headers.get('vary')).toBe('Accept-Encoding')
      const compressed = Buffer.from(await br.arrayBuffer())
      expect(brotliDecompressSync(compressed).equals(bytes), name).toBe(true)
      expect(compressed.length).toBeLessThan(bytes.length)

      const gzip = await request(link, { headers: { 'accept-encoding': 'gzip' } })
      expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).equals(bytes), name).toBe(true)
      const plain = await request(link)
      expect(plain.headers.get('content-encoding')).toBe(null)
      expect(Buffer.from(await plain.arrayBuffer()).equals(bytes), name).toBe(true)

      const etag = br.headers.get('etag') ?? ''
      expect(etag).toBe(`"${new URL(link, 'http://x').searchParams.get('v')}"`)
      const again = await request(link, { headers: { 'if-none-match': etag } })
      expect(again.status).toBe(304)
      expect(await again.text()).toBe('')
      const unversioned = await request(`/assets/${name}`)
      expect(unversioned.headers.get('cache-control')).toBe('public, no-cache')
    }
  })

  it('are only the listed files', async () => {
    const { request } = makeApp()
    for (const path of ['/assets/package.json', '/assets/..%2Fpages.ts', '/assets/uPlot.d.ts']) {
      expect((await request(path)).status, path).toBe(404)
    }
  })

  it('take the best encoding the client accepts', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br')
    expect(pickEncoding('gzip, br;q=0')).toBe('gzip')
    expect(pickEncoding('identity')).toBe(null)
    expect(pickEncoding(undefined)).toBe(null)
    expect(pickEncoding('*')).toBe('br')
    expect(pickEncoding('*, br;q=0')).toBe('gzip')
  })
})
