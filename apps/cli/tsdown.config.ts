import { defineConfig } from 'tsdown'

const LAZY_DRIVER = '\0lazy-better-sqlite3'

/**
 * better-sqlite3 is native, so it stays outside the bundle. A plain external import would be
 * hoisted to the top of the file and load the driver for every run, `--help` included; this
 * stand-in requires it on the first `new Database(…)` instead.
 */
const lazyNativeDriver = {
  name: 'lazy-better-sqlite3',
  resolveId: (id: string) => (id === 'better-sqlite3' ? LAZY_DRIVER : null),
  load: (id: string) =>
    id === LAZY_DRIVER
      ? [
          "import { createRequire } from 'node:module'",
          'let driver',
          'export default function Database(...args) {',
          "  driver ??= createRequire(import.meta.url)('better-sqlite3')",
          '  return new driver(...args)',
          '}',
        ].join('\n')
      : null,
}

// One executable entry, everything bundled except the native SQLite driver (see above). Each
// dynamic import (a command group, its actions, the runtime) is its own chunk beside it, so
// `--help` reads and compiles the entry's few kilobytes, not the whole application.
export default defineConfig({
  entry: { 'edge-mining': 'src/bin.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: false,
  deps: { alwaysBundle: () => true, onlyBundle: false },
  plugins: [lazyNativeDriver],
  // Sibling packages are bundled from their sources (the `source` export condition).
  inputOptions: { resolve: { conditionNames: ['source', 'import', 'node', 'default'] } },
  // The database migrations travel with the bundle (see src/bin.ts).
  copy: [{ from: '../../packages/storage/drizzle', to: 'dist' }],
})
