import {
  ConfigurationError,
  DEFAULT_SETTINGS,
  issuePath,
  type SettingsRepository,
  type SystemSettings,
  SystemSettingsSchema,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { isRecord } from './common'

export interface SettingsService {
  /** The settings: what is stored, the defaults for the rest (upstream's: Rome, 5 s). */
  get(): SystemSettings
  /** Changes the fields given (others are kept); throws ConfigurationError naming the field. */
  update(changes: unknown): SystemSettings
  /** Called after every change (the scheduler reschedules, the sun moves). */
  onChange(listener: (settings: SystemSettings) => void): () => void
}

export function createSettingsService(repository: SettingsRepository): SettingsService {
  const listeners = new Set<(settings: SystemSettings) => void>()

  let last: { text: string; settings: SystemSettings } | undefined

  function read(): SystemSettings {
    const stored = repository.get() ?? {}
    // Read on every adapter lookup: parse only when what is stored changed.
    const text = JSON.stringify(stored)
    if (last?.text === text) return last.settings
    // A stored value that no longer validates (edited by hand) falls back to its default.
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS }
    for (const [key, value] of Object.entries(stored)) {
      const entry = SystemSettingsSchema.entries[key as keyof SystemSettings]
      if (entry && v.is(entry, value)) merged[key] = value
    }
    const settings = v.parse(SystemSettingsSchema, merged)
    last = { text, settings }
    return settings
  }

  return {
    // Read every time (one row by key): the CLI may change them under a running server.
    get: read,
    update(changes) {
      if (!isRecord(changes)) {
        throw new ConfigurationError('settings: expected an object', { field: 'settings' })
      }
      const unknown = Object.keys(changes).find((key) => !(key in SystemSettingsSchema.entries))
      if (unknown !== undefined) {
        throw new ConfigurationError(`${unknown}: unknown setting`, { field: unknown })
      }
      const result = v.safeParse(SystemSettingsSchema, { ...read(), ...changes })
      if (!result.success) {
        const [issue] = result.issues
        const field = issuePath(issue, '').replace(/^\./, '') || 'settings'
        throw new ConfigurationError(
          `${field}: ${issue.message}, got ${JSON.stringify(issue.input)}`,
          { field },
        )
      }
      repository.save(result.output)
      for (const listener of listeners) listener(result.output)
      return result.output
    },
    onChange(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
