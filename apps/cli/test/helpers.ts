import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'

/** The built, bundled bin: what users run. */
export const BIN = fileURLToPath(new URL('../dist/edge-mining.mjs', import.meta.url))

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI as its own process, on a pipe (not a terminal). */
export function runBin(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** A fresh folder for a test's database file. */
export function temporaryFolder(): { dir: string; dbPath: string; remove(): void } {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'edge-mining-cli-'))
  return {
    dir,
    dbPath: nodePath.join(dir, 'db', 'edgemining.db'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

export const hasAnsi = (text: string) => text.includes('\u001B[')
