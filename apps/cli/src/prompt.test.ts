import { PassThrough } from 'node:stream'
import { expect, test } from 'vitest'
import { createPrompter, PromptClosedError } from './prompt'

/** A fake terminal: keystrokes in, what the screen would show out. */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input })
  const output = new PassThrough()
  let screen = ''
  output.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8')
  })
  return { input, output, screen: () => screen }
}

test('on a terminal, a hidden answer is read without being echoed; others are echoed', async () => {
  const tty = fakeTerminal()
  const prompter = createPrompter({ input: tty.input, output: tty.output })
  const name = prompter.ask('Name')
  tty.input.write('Garage\r')
  expect(await name).toBe('Garage')
  const token = prompter.ask('Braiins Pool API token', { hidden: true })
  tty.input.write('s3cret-token\r')
  expect(await token).toBe('s3cret-token')
  prompter.close()
  expect(tty.screen()).toContain('Garage')
  expect(tty.screen()).toContain('Braiins Pool API token: ')
  expect(tty.screen()).not.toContain('s3cret')
})

test('answers piped in ahead of the questions are read in order; defaults fill blanks', async () => {
  const input = new PassThrough()
  const output = new PassThrough()
  input.end('first\n\nthird\n')
  const prompter = createPrompter({ input, output })
  expect(await prompter.ask('One')).toBe('first')
  expect(await prompter.ask('Two', { default: '10' })).toBe('10')
  expect(await prompter.ask('Three')).toBe('third')
  await expect(prompter.ask('Four')).rejects.toBeInstanceOf(PromptClosedError)
  prompter.close()
})

test('Ctrl-C while asking rejects with PromptClosedError', async () => {
  const tty = fakeTerminal()
  const prompter = createPrompter({ input: tty.input, output: tty.output })
  const asked = prompter.ask('Choose an option')
  tty.input.write('\u0003')
  await expect(asked).rejects.toBeInstanceOf(PromptClosedError)
  prompter.close()
})
