import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { type OpenDatabaseOptions, openDatabase, type StorageConnection } from './database'

/** Test support (not exported from the package): a temp folder per test, removed after. */
export function useTempFolder(prefix: string) {
  const state = { dir: '', connections: [] as StorageConnection[] }
  beforeEach(() => {
    state.dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), `edge-mining-${prefix}-`))
  })
  afterEach(() => {
    for (const connection of state.connections.splice(0)) connection.close()
    fs.rmSync(state.dir, { recursive: true, force: true })
  })
  return {
    get dir() {
      return state.dir
    },
    /** A connection to the test's database file (each one stands for a process). */
    open(options: Partial<OpenDatabaseOptions> = {}): StorageConnection {
      const connection = openDatabase({
        path: nodePath.join(state.dir, 'db', 'edgemining.db'),
        ...options,
      })
      state.connections.push(connection)
      return connection
    },
  }
}

export function errorOf(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

/** Every message, stack and cause message in an error chain, plus its JSON. */
export function everythingSaidBy(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  while (current instanceof Error) {
    parts.push(current.message, String(current.stack), JSON.stringify(current))
    current = current.cause
  }
  return parts.join('\n')
}
