import { consola } from 'consola'
import { startDemo } from './demo'

const logger = consola.withTag('demo')
try {
  const demo = await startDemo({ env: process.env })
  const width = Math.max(...demo.urls.map((entry) => entry.label.length))
  logger.box(
    [
      'Edge Mining demo: simulated Ocean and Braiins pools, fresh temporary database.',
      '',
      ...demo.urls.map((entry) => `${entry.label.padEnd(width)}  ${entry.url}`),
      '',
      'Ctrl+C stops everything and deletes the temporary database.',
    ].join('\n'),
  )
  const stop = () => {
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
} catch (error) {
  logger.error(`Cannot start the demo: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
}
