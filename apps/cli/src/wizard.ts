import type { KindRegistry } from '@edge-mining/services'
import { type ConfigField, checkField, coerceFieldValue, configFields } from './config-fields'
import type { Prompter } from './prompt'
import type { Paint } from './terminal'

export interface WizardOptions {
  /** The stored config when updating: its values become the defaults; secrets may be kept. */
  current?: Record<string, unknown> | undefined
  paint: Paint
}

function question(field: ConfigField): string {
  const key = field.choices ? `${field.key}: ${field.choices.join(', ')}` : field.key
  const label = field.description ? `${field.description} (${key})` : key
  return field.required ? `${label} *` : label
}

function defaultText(
  field: ConfigField,
  current: Record<string, unknown> | undefined,
): string | undefined {
  const value = current?.[field.key] ?? field.default
  if (value === undefined || value === null) return undefined
  return String(value)
}

/**
 * Asks for every field of `type`'s config, generated from the adapter's config schema: its
 * descriptions, defaults and required marks; secrets are read hidden. Each answer is checked
 * by the adapter's schema as it is typed, and asked again until it passes.
 */
export async function runConfigWizard(
  prompter: Prompter,
  registry: KindRegistry,
  type: string,
  options: WizardOptions,
): Promise<Record<string, unknown>> {
  const { paint, current } = options
  const fields = configFields(registry, type)
  const config: Record<string, unknown> = {}
  if (fields.some((field) => field.required))
    prompter.say(paint.gray('Fields marked * are required.'))
  for (const field of fields) {
    const keepSecret = field.secret && current?.[field.key] !== undefined
    for (;;) {
      const answer = await prompter.ask(
        keepSecret ? `${question(field)} (Enter keeps the current one)` : question(field),
        {
          hidden: field.secret,
          default: field.secret ? undefined : defaultText(field, current),
        },
      )
      if (answer === '') {
        if (keepSecret) break
        if (field.required) {
          prompter.say(paint.red(`${field.key} is required.`))
          continue
        }
        break
      }
      const value = coerceFieldValue(field, answer)
      const problem = checkField(registry, type, field.key, value)
      if (problem) {
        prompter.say(paint.red(`${field.key}: ${problem}. Try again.`))
        continue
      }
      config[field.key] = value
      break
    }
  }
  return config
}
