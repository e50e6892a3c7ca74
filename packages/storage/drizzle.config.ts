import { defineConfig } from 'drizzle-kit'

// `pnpm --filter @edge-mining/storage run db:generate` writes a new migration into ./drizzle
// after a change to src/schema.ts; openDatabase() applies pending ones at open.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: './drizzle',
})
