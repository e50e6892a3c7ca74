#!/usr/bin/env node
import { runCli } from './cli.ts'

try {
  const running = await runCli(process.argv.slice(2), (line) => console.log(line))
  if (running !== null) {
    console.log('Press Ctrl+C to stop.')
    const stop = () => {
      running.close().then(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}
