#!/usr/bin/env node
import { openServices } from './compose'
import { runCli } from './run'
import { createTerminal } from './terminal'

const terminal = createTerminal()
const code = await runCli(process.argv.slice(2), {
  terminal,
  openServices: () => openServices({ env: process.env }),
})
process.exitCode = code
