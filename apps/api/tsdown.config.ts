import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts', 'src/demo-main.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: true,
  // The dashboard's client script and style are served as they are written (no bundling):
  // copied beside the chunks, where src/dashboard/assets.ts looks for them.
  copy: [{ from: 'src/dashboard/public/*', to: 'dist/public' }],
  // dist/main.mjs is the package's `edge-mining-api` executable (the CLI's `serve` runs it).
  // rolldown's per-chunk banner: tsdown's own evaluates a function banner for the first chunk only.
  outputOptions: {
    banner: (chunk) => (chunk.fileName === 'main.mjs' ? '#!/usr/bin/env node' : ''),
  },
})
