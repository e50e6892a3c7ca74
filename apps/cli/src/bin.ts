#!/usr/bin/env node
import { fileURLToPath } from 'node:url'
import { runCli } from './run'
import { createTerminal } from './terminal'

const options = {
  env: process.env,
  // The build copies storage's migrations beside the bundle (dist/drizzle).
  migrationsFolder: fileURLToPath(new URL('./drizzle', import.meta.url)),
}
// The runtime (database, adapters) loads only when a command needs it, never for `--help`.
const compose = () => import('./compose')
process.exitCode = await runCli(process.argv.slice(2), {
  terminal: createTerminal(),
  openRuntime: async () => (await compose()).openCliRuntime(options),
  describeAdapters: async () => (await compose()).describeShippedAdapters(options),
})
