import { defineConfig } from 'tsdown'

// One executable file: everything bundled except the native SQLite driver. Commands are
// dynamic imports inlined as lazily-initialised modules, so `--help` evaluates almost nothing.
export default defineConfig({
  entry: { 'edge-mining': 'src/bin.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: false,
  deps: {
    neverBundle: ['better-sqlite3'],
    alwaysBundle: (id) => !id.startsWith('better-sqlite3'),
    onlyBundle: false,
  },
  // Sibling packages are bundled from their sources (the `source` export condition).
  inputOptions: { resolve: { conditionNames: ['source', 'import', 'node', 'default'] } },
  outputOptions: { codeSplitting: false },
})
