import type { AdapterDefinition } from '@edge-mining/domain'
import { createAdapterRegistry } from '@edge-mining/services'
import * as v from 'valibot'
import { describe, expect, test } from 'vitest'
import { configFields } from './config-fields'
import { configFlagArgs, configFromFlags } from './config-flags'
import type { AskOptions, Prompter } from './prompt'
import { createTerminal } from './terminal'
import { runConfigWizard } from './wizard'

const unused = (): never => {
  throw new Error('not created in these tests')
}

/** A third pool the CLI has never heard of: its wizard and flags come from its schema alone. */
const thirdPool: AdapterDefinition<'mining_performance_tracker'> = {
  kind: 'mining_performance_tracker',
  type: 'dummy',
  label: 'Third pool',
  configSchema: v.strictObject({
    account_key: v.pipe(
      v.string(),
      v.description('Account key'),
      v.minLength(8, 'must be at least 8 characters'),
    ),
    region: v.optional(v.pipe(v.string(), v.description('Pool region')), 'eu'),
    max_workers: v.optional(
      v.pipe(
        v.number('must be a number'),
        v.integer('must be whole'),
        v.description('Workers to track'),
      ),
    ),
  }),
  secretFields: ['account_key'],
  create: unused,
}

const channel = v.optional(v.pipe(v.string(), v.description('Channel')), 'alerts')
const notifier = (type: string, configSchema: v.GenericSchema): AdapterDefinition<'notifier'> => ({
  kind: 'notifier',
  type,
  label: type,
  configSchema,
  secretFields: [],
  create: unused,
})
/** Two notifiers sharing a field: one flag for both, described once, naming both. */
const notifiers = [
  notifier('chat', v.object({ channel })),
  notifier('pager', v.object({ channel, urgent: v.optional(v.boolean()) })),
  notifier(
    'siren',
    v.object({
      tone: v.optional(
        v.pipe(v.picklist(['low', 'high'], 'must be low or high'), v.description('Tone')),
        'low',
      ),
    }),
  ),
]

const adapters = createAdapterRegistry([thirdPool, ...notifiers])
const registry = adapters.forKind('mining_performance_tracker')
const { paint } = createTerminal({ env: { NO_COLOR: '1' } })

/** Answers from a script; records what was asked and whether it was hidden. */
function scripted(answers: string[]) {
  const asked: { question: string; options: AskOptions }[] = []
  const said: string[] = []
  const prompter: Prompter = {
    ask: async (question, options = {}) => {
      asked.push({ question, options })
      const answer = answers.shift()
      if (answer === undefined) throw new Error(`unexpected question ${question}`)
      return answer === '' && options.default !== undefined ? options.default : answer
    },
    say: (text) => {
      said.push(text)
    },
    close: () => {},
  }
  return { prompter, asked, said }
}

describe('a wizard generated from the config schema', () => {
  test('fields in order with descriptions, required marks and defaults; secrets hidden', () => {
    expect(configFields(registry, 'dummy')).toEqual(
      [
        {
          key: 'account_key',
          flag: 'account-key',
          type: 'string',
          description: 'Account key',
          default: undefined,
          required: true,
          secret: true,
        },
        {
          key: 'region',
          flag: 'region',
          type: 'string',
          description: 'Pool region',
          default: 'eu',
          required: false,
          secret: false,
        },
        {
          key: 'max_workers',
          flag: 'max-workers',
          type: 'number',
          description: 'Workers to track',
          default: undefined,
          required: false,
          secret: false,
        },
      ].map((field) =>
        field.key === 'max_workers'
          ? { ...field, type: expect.stringMatching(/integer|number/) }
          : field,
      ),
    )
  })

  test('each answer is checked by the schema as typed and asked again until it passes', async () => {
    const { prompter, asked, said } = scripted(['', 'short', 'long-enough-key', '', 'many', '3'])
    const config = await runConfigWizard(prompter, registry, 'dummy', { paint })
    expect(config).toEqual({ account_key: 'long-enough-key', region: 'eu', max_workers: 3 })
    expect(asked.map((a) => a.question)).toEqual([
      'Account key (account_key) *',
      'Account key (account_key) *',
      'Account key (account_key) *',
      'Pool region (region)',
      'Workers to track (max_workers)',
      'Workers to track (max_workers)',
    ])
    expect(asked[0]?.options).toEqual({ hidden: true, default: undefined })
    expect(asked[3]?.options).toEqual({ hidden: false, default: 'eu' })
    expect(said).toEqual([
      'Fields marked * are required.',
      'account_key is required.',
      'account_key: must be at least 8 characters. Try again.',
      'max_workers: must be a number. Try again.',
    ])
    expect(said.join('\n')).not.toContain('short')
  })

  test('a field with listed values shows them and takes only one of them', async () => {
    const sirens = adapters.forKind('notifier')
    expect(configFields(sirens, 'siren')[0]?.choices).toEqual(['low', 'high'])
    const { prompter, asked, said } = scripted(['loud', 'high'])
    expect(await runConfigWizard(prompter, sirens, 'siren', { paint })).toEqual({ tone: 'high' })
    expect(asked[0]).toEqual({
      question: 'Tone (tone: low, high)',
      options: { hidden: false, default: 'low' },
    })
    expect(said).toEqual(['tone: must be low or high. Try again.'])
    expect(configFlagArgs(sirens).tone?.description).toBe('Tone: low, high (default low) [siren]')
  })

  test('updating: Enter keeps the stored secret and the current values', async () => {
    const { prompter, asked } = scripted(['', '', ''])
    const config = await runConfigWizard(prompter, registry, 'dummy', {
      paint,
      current: { account_key: 'stored-secret', region: 'us', max_workers: 4 },
    })
    expect(config).toEqual({ region: 'us', max_workers: 4 })
    expect(asked[0]?.question).toContain('Enter keeps the current one')
    expect(asked[0]?.options.default).toBeUndefined()
  })
})

describe('config flags generated from the config schemas', () => {
  test('one flag per field of any adapter of the kind, described with its default and adapters', () => {
    const args = configFlagArgs(adapters.forKind('notifier'))
    expect(Object.keys(args)).toEqual(['channel', 'urgent', 'tone'])
    expect(args.channel?.description).toBe('Channel (default alerts) [chat, pager]')
    expect(args.urgent?.description).toBe('urgent [pager]')
    expect(Object.keys(configFlagArgs(registry))).toEqual(['account-key', 'region', 'max-workers'])
  })

  test('a flag of another adapter of the kind is a usage error naming what this one takes', () => {
    expect(() => configFromFlags(adapters.forKind('notifier'), 'chat', { urgent: 'yes' })).toThrow(
      '--urgent is not a setting of chat notifiers (they take --channel)',
    )
  })

  test('values are coerced by type and checked by the schema; errors name the flag, never the secret', () => {
    expect(
      configFromFlags(registry, 'dummy', { 'account-key': 'long-enough-key', 'max-workers': '2' }),
    ).toEqual({
      account_key: 'long-enough-key',
      max_workers: 2,
    })
    expect(() => configFromFlags(registry, 'dummy', { 'account-key': 'short' })).toThrow(
      '--account-key: must be at least 8 characters',
    )
    expect(() => configFromFlags(registry, 'dummy', { 'max-workers': '2.5' })).toThrow(
      '--max-workers: must be whole',
    )
    expect(
      configFromFlags(registry, 'dummy', { 'account-key': '-' }, () => 'from-standard-input\n'),
    ).toEqual({
      account_key: 'from-standard-input',
    })
  })
})
