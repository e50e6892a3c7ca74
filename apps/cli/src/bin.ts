#!/usr/bin/env node
import { fileURLToPath } from 'node:url'
import { describeShippedAdapters, openCliRuntime } from './compose'
import { runCli } from './run'
import { createTerminal } from './terminal'

const terminal = createTerminal()
const compose = {
  env: process.env,
  // The build copies storage's migrations beside the bundle (dist/drizzle).
  migrationsFolder: fileURLToPath(new URL('./drizzle', import.meta.url)),
}
process.exitCode = await runCli(process.argv.slice(2), {
  terminal,
  openRuntime: () => openCliRuntime(compose),
  describeAdapters: () => describeShippedAdapters(compose),
})
