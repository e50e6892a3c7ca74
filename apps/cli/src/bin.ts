#!/usr/bin/env node
import { fileURLToPath } from 'node:url'
import { openServices } from './compose'
import { runCli } from './run'
import { createTerminal } from './terminal'

const terminal = createTerminal()
const code = await runCli(process.argv.slice(2), {
  terminal,
  // The build copies storage's migrations beside the bundle (dist/drizzle).
  openServices: () =>
    openServices({
      env: process.env,
      migrationsFolder: fileURLToPath(new URL('./drizzle', import.meta.url)),
    }),
})
process.exitCode = code
