import { defineProject } from 'vitest/config'

// Workspace packages export `source` → src/index.ts, so tests run against sources
// without building dependencies first; plain Node resolves the built `dist` instead.
const conditions = ['source', 'import', 'module', 'node', 'default']

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    restoreMocks: true,
    // Loopback-server tests share two cores with parallel turbo tasks; 5 s was seen to flake.
    testTimeout: 20_000,
  },
})
