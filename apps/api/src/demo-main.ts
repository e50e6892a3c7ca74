import type { DecisionRecord } from '@edge-mining/domain'
import { consola } from 'consola'
import { startDemo } from './demo'

const logger = consola.withTag('demo')
const speed = Number(process.env.DEMO_SPEED ?? 60)

/** `13:05` in Rome, the demo site's time zone. */
function localTime(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso))
}

/** One decision-log entry as a line a person reads. */
function line(record: DecisionRecord): string | null {
  const who = (record.miner_name ?? record.unit_name ?? '').padEnd(11)
  const when = localTime(record.at)
  switch (record.kind) {
    case 'action':
      return `${when}  ${who} ${record.outcome === 'executed' ? '▶' : '✖'} ${record.reason}`
    case 'hold':
    case 'notice':
    case 'skip':
      return `${when}  ${who} · ${record.reason}`
    case 'notification':
      return `${when}  ${who} ✉ ${record.reason}`
    default:
      // Plain "maintain" decisions would fill the screen; the log keeps them.
      return null
  }
}

try {
  if (!(speed > 0))
    throw new Error(`DEMO_SPEED: expected a positive number, got ${process.env.DEMO_SPEED}`)
  const demo = await startDemo({
    env: { LOG_LEVEL: 'warn', ...process.env },
    speed,
    onDecision: (record) => {
      const text = line(record)
      if (text) process.stdout.write(`${text}\n`)
    },
    onNote: (note, at) => process.stdout.write(`${localTime(at)}  ${note}\n`),
  })
  const width = Math.max(...demo.urls.map((entry) => entry.label.length))
  logger.box(
    [
      `Edge Mining demo: a simulated home site on 21 June, ${speed}× real time (DEMO_SPEED).`,
      'A 9 kWp roof under passing clouds, a 10 kWh battery and two miners on smart plugs, all',
      'read and switched through a simulated Home Assistant; simulated Ocean and Braiins pools;',
      'the pool-aware example policy; one unit, the decision loop deciding every simulated minute.',
      '',
      ...demo.urls.map((entry) => `${entry.label.padEnd(width)}  ${entry.url}`),
      '',
      'Below: every start, stop, hold and notice with its reason, and the site every hour.',
      'Ctrl+C stops everything.',
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
