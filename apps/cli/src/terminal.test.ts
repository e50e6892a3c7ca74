import { PassThrough } from 'node:stream'
import { expect, test } from 'vitest'
import { createTerminal } from './terminal'

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY })
  let text = ''
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8')
  })
  return { out, text: () => text }
}

/** Interval timers run by hand: the spinner draws once per tick. */
function manualTimers() {
  const ticks: (() => void)[] = []
  return {
    setInterval: (callback: () => void) => ticks.push(callback),
    clearInterval: () => {
      ticks.length = 0
    },
    tick: () => {
      for (const tick of ticks) tick()
    },
  }
}

test('on a terminal: colours, and a spinner on stderr while a pool is called', async () => {
  const stdout = stream(true)
  const stderr = stream(true)
  const timers = manualTimers()
  const terminal = createTerminal({ stdout: stdout.out, stderr: stderr.out, env: {}, ...timers })
  expect(terminal.fancy).toBe(true)
  expect(terminal.paint.red('x')).toBe('\u001B[31mx\u001B[39m')
  const result = await terminal.spin('Asking the pool…', async () => {
    timers.tick()
    return 42
  })
  expect(result).toBe(42)
  expect(stderr.text()).toContain('Asking the pool…')
  expect(stderr.text().endsWith('\r\u001B[2K')).toBe(true)
  expect(stdout.text()).toBe('')
})

test.each([
  ['stdout is a pipe', false, {}],
  ['NO_COLOR is set', true, { NO_COLOR: '1' }],
])('%s: no colours, no spinner', async (_case, isTTY, env) => {
  const stdout = stream(isTTY)
  const stderr = stream(true)
  const timers = manualTimers()
  const terminal = createTerminal({ stdout: stdout.out, stderr: stderr.out, env, ...timers })
  expect(terminal.fancy).toBe(false)
  expect(terminal.paint.red('x')).toBe('x')
  await terminal.spin('Asking the pool…', async () => timers.tick())
  expect(stderr.text()).toBe('')
  terminal.logger.error('Pool unreachable: timeout')
  terminal.logger.success('done')
  expect(stderr.text()).toBe('error: Pool unreachable: timeout\n')
  expect(stdout.text()).toBe('done\n')
})

test('in JSON mode every message goes to stderr', () => {
  const stdout = stream(false)
  const stderr = stream(false)
  const terminal = createTerminal({ stdout: stdout.out, stderr: stderr.out, env: {} })
  terminal.setJsonMode(true)
  terminal.logger.success('added')
  terminal.logger.warn('stale')
  expect(stdout.text()).toBe('')
  expect(stderr.text()).toBe('added\nwarning: stale\n')
})
