import { runMain } from './run'

await runMain({ env: process.env, signals: process, exit: (code) => process.exit(code) })
