import type { Logger, Notification } from '@edge-mining/domain'
import { ConfigurationError } from '@edge-mining/domain'
import { describe, expect, it, vi } from 'vitest'
import { createDummyNotifier, dummyNotifierDefinition } from './notifier'
import { contextOn, fakeClock } from './test-helpers'

function recordingLogger() {
  const lines: { level: keyof Logger; message: string }[] = []
  const at =
    (level: keyof Logger) =>
    (message: string): void => {
      lines.push({ level, message })
    }
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  }
  return { logger, lines }
}

const notification = (index: number): Notification => ({
  event: 'miner_started',
  title: 'Edge Mining Info',
  message: `Miner ${index} started.`,
  at: '2026-06-21T10:00:00.000Z',
})

describe('dummy notifier', () => {
  it('logs the notification at info and records it, writing nothing to stdout', async () => {
    const { logger, lines } = recordingLogger()
    const stdout = vi.spyOn(process.stdout, 'write')
    const consoleLog = vi.spyOn(console, 'log')
    const notifier = createDummyNotifier({}, { logger })
    await notifier.send(notification(1))
    expect(lines).toEqual([
      { level: 'info', message: 'Notification: Edge Mining Info — Miner 1 started.' },
    ])
    expect(notifier.sent()).toEqual([notification(1)])
    expect(stdout).not.toHaveBeenCalled()
    expect(consoleLog).not.toHaveBeenCalled()
  })

  it('keeps the last 100, oldest first', async () => {
    const notifier = createDummyNotifier({}, recordingLogger())
    for (let index = 1; index <= 105; index += 1) await notifier.send(notification(index))
    const sent = notifier.sent()
    expect(sent).toHaveLength(100)
    expect(sent[0]?.message).toBe('Miner 6 started.')
    expect(sent[99]?.message).toBe('Miner 105 started.')
  })

  it("accepts upstream's message field and rejects unknown keys", () => {
    const { logger } = recordingLogger()
    expect(createDummyNotifier({}, { logger }).config).toEqual({
      message: 'This is a dummy notification',
    })
    expect(createDummyNotifier({ message: 'hi' }, { logger }).config.message).toBe('hi')
    expect(() => createDummyNotifier({ chat_id: '1' } as never, { logger })).toThrow(
      ConfigurationError,
    )
  })

  it('is created by its definition with the context logger', async () => {
    const { logger, lines } = recordingLogger()
    const port = dummyNotifierDefinition.create({}, contextOn(fakeClock(0), { logger }))
    await port.send(notification(2))
    expect(lines.map((line) => line.message)).toEqual([
      'Notification: Edge Mining Info — Miner 2 started.',
    ])
  })
})
