import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib'

/** One file the dashboard serves under `/assets/<name>`, read and compressed once. */
export interface DashboardAsset {
  name: string
  type: string
  /** Short content hash: the ETag and the `?v=` the pages link with. */
  version: string
  identity: Uint8Array<ArrayBuffer>
  gzip: Uint8Array<ArrayBuffer>
  brotli: Uint8Array<ArrayBuffer>
}

/**
 * Where each asset lives. The dashboard's own files sit in `public/` beside this module; the
 * build copies them to `dist/public/` beside the bundled chunks, so the same relative URL finds
 * them from `src/dashboard/` (tests, tsx) and from `dist/` (`pnpm start`, `pnpm demo`).
 */
const SOURCES: Record<string, { type: string; path: () => string }> = {
  'dashboard.js': { type: 'text/javascript; charset=utf-8', path: () => own('dashboard.js') },
  'dashboard.css': { type: 'text/css; charset=utf-8', path: () => own('dashboard.css') },
  'uPlot.iife.min.js': {
    type: 'text/javascript; charset=utf-8',
    path: () => installed('uplot/dist/uPlot.iife.min.js'),
  },
  'uPlot.min.css': {
    type: 'text/css; charset=utf-8',
    path: () => installed('uplot/dist/uPlot.min.css'),
  },
}

function own(name: string): string {
  return fileURLToPath(new URL(`./public/${name}`, import.meta.url))
}

function installed(specifier: string): string {
  return createRequire(import.meta.url).resolve(specifier)
}

function load(name: string): DashboardAsset | null {
  const source = SOURCES[name]
  if (!source) return null
  const identity = new Uint8Array(readFileSync(source.path()))
  return {
    name,
    type: source.type,
    version: createHash('sha256').update(identity).digest('base64url').slice(0, 12),
    identity,
    gzip: new Uint8Array(gzipSync(identity, { level: 9 })),
    // Quality 9 is within a few percent of 11 on these files at a fraction of the time.
    brotli: new Uint8Array(
      brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }),
    ),
  }
}

/** The asset table: each file read and compressed on first use, then kept for the process. */
export function createAssetStore() {
  const loaded = new Map<string, DashboardAsset | null>()
  const get = (name: string): DashboardAsset | null => {
    if (!loaded.has(name)) loaded.set(name, load(name))
    return loaded.get(name) ?? null
  }
  return {
    get,
    /** `/assets/<name>?v=<version>`: a changed file is a new URL, so it may be cached for good. */
    url(name: string): string {
      const asset = get(name)
      if (!asset) throw new Error(`No dashboard asset ${name}`)
      return `/assets/${name}?v=${asset.version}`
    },
  }
}

export type AssetStore = ReturnType<typeof createAssetStore>

/** The best encoding the client accepts among the ones kept: br, then gzip, then none. */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>()
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';')
    if (!token) continue
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find(Boolean)
    accepted.set(token, q === undefined ? 1 : Number(q))
  }
  const allows = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0
  if (allows('br')) return 'br'
  if (allows('gzip')) return 'gzip'
  return null
}
