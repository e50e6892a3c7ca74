import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts', 'src/demo-main.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: true,
})
