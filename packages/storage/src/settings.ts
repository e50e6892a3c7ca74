import {
  parseWith,
  type SettingsRepository,
  type SystemSettings,
  SystemSettingsSchema,
} from '@edge-mining/domain'
import * as v from 'valibot'
import { changeClockOf, createReadMemo } from './change-clock'
import type { StorageConnection } from './database'
import { guarded, type UnreadableRowReporter, warnUnreadableRow } from './rows'

/** Upstream's id of the one settings row. */
export const SETTINGS_ROW_ID = 'global_settings'

export interface SettingsRepositoryOptions {
  /** Told about a stored setting that is dropped on read. Default: a process warning. */
  onUnreadableRow?: UnreadableRowReporter
}

/**
 * The `settings` row. `get` answers the stored keys that are still valid: as upstream, a missing
 * key falls back to its default in the services, and so does one that no longer validates
 * (reported, not thrown — the loop keeps running on defaults rather than stopping). `save`
 * validates the whole object and replaces the row.
 */
export function createSettingsRepository(
  connection: Pick<StorageConnection, 'sqlite' | 'path'>,
  options: SettingsRepositoryOptions = {},
): SettingsRepository {
  const { sqlite, path } = connection
  const report = options.onUnreadableRow ?? warnUnreadableRow
  const statements = guarded(path, 'prepare the settings statements on', () => ({
    select: sqlite.prepare('SELECT settings_json FROM settings WHERE id = ?').pluck(),
    upsert: sqlite.prepare(
      `INSERT INTO settings (id, settings_json) VALUES (?, ?)
       ON CONFLICT(id) DO UPDATE SET settings_json = excluded.settings_json`,
    ),
  }))
  const unreadable = (field: string, reason: string) =>
    report({
      table: 'settings',
      id: SETTINGS_ROW_ID,
      field,
      message: `Stored settings are unreadable: ${field} ${reason}; its default applies`,
    })

  const clock = changeClockOf(sqlite)
  const memo = createReadMemo<Partial<SystemSettings> | null>(clock)

  function read(): Partial<SystemSettings> | null {
    const text = guarded(path, 'read', () => statements.select.get(SETTINGS_ROW_ID))
    if (typeof text !== 'string') return null
    let stored: unknown
    try {
      stored = JSON.parse(text)
    } catch {
      unreadable('settings_json', 'is not valid JSON')
      return null
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
      unreadable('settings_json', 'is not a JSON object')
      return null
    }
    const settings: Record<string, unknown> = {}
    for (const [key, schema] of Object.entries(SystemSettingsSchema.entries)) {
      if (!(key in stored)) continue
      const result = v.safeParse(schema, (stored as Record<string, unknown>)[key])
      if (result.success) settings[key] = result.output
      else unreadable(key, `is invalid (${result.issues[0].message})`)
    }
    return settings as Partial<SystemSettings>
  }

  return {
    // The loop and every adapter instance read the settings; the memo answers from memory until a write.
    get: () => memo.read('', read),

    save(settings) {
      const valid = parseWith(SystemSettingsSchema, settings, 'settings')
      guarded(path, 'write to', () => {
        try {
          statements.upsert.run(SETTINGS_ROW_ID, JSON.stringify(valid))
        } finally {
          clock.bump()
        }
      })
    },
  }
}
