import { createInterface, type Interface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { Writable as WritableStream } from 'node:stream'

/** The person left the prompt: Ctrl-C, Ctrl-D or the end of piped input. */
export class PromptClosedError extends Error {
  override readonly name = 'PromptClosedError'
}

export interface AskOptions {
  /** Shown in brackets and returned for an empty answer. */
  default?: string | undefined
  /** Read without echo (secrets). */
  hidden?: boolean
}

/** Line-by-line questions on a terminal or on piped input (answers are read in order). */
export interface Prompter {
  ask(question: string, options?: AskOptions): Promise<string>
  /** Shows text (menus, results) on the prompter's output. */
  say(text: string): void
  close(): void
}

export interface PrompterOptions {
  input: Readable & { isTTY?: boolean }
  output: Writable
}

export function createPrompter(options: PrompterOptions): Prompter {
  const { input, output } = options
  const terminal = input.isTTY === true
  let muted = false
  // readline echoes what is typed through this stream; muting it hides secrets as they are typed.
  const echo = new WritableStream({
    write(chunk, _encoding, done) {
      if (!muted) output.write(chunk)
      done()
    },
  })
  const rl: Interface = createInterface({ input, output: echo, terminal })
  const lines = rl[Symbol.asyncIterator]()
  let closed = false
  let interrupt: ((error: Error) => void) | undefined
  rl.on('SIGINT', () => {
    closed = true
    interrupt?.(new PromptClosedError('interrupted'))
  })

  return {
    async ask(question, askOptions = {}) {
      if (closed) throw new PromptClosedError('input closed')
      const hint =
        askOptions.default !== undefined && askOptions.default !== ''
          ? ` [${askOptions.default}]`
          : ''
      output.write(`${question}${hint}: `)
      muted = askOptions.hidden === true && terminal
      try {
        const next = await new Promise<IteratorResult<string>>((resolve, reject) => {
          interrupt = reject
          lines.next().then(resolve, reject)
        })
        if (next.done) throw new PromptClosedError('input closed')
        if (muted || !terminal) output.write('\n')
        const answer = next.value.trim()
        return answer === '' && askOptions.default !== undefined ? askOptions.default : answer
      } finally {
        muted = false
        interrupt = undefined
      }
    },
    say(text) {
      output.write(`${text}\n`)
    },
    close() {
      closed = true
      rl.close()
    },
  }
}
