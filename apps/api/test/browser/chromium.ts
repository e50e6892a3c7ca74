/**
 * The system's Chromium for the browser tests and the dashboard benchmark: playwright-core
 * drives it, nothing is downloaded.
 */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome']

/** `CHROMIUM_PATH`, else the first of chromium, chromium-browser, google-chrome on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CHROMIUM_PATH?.trim()
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new Error(`CHROMIUM_PATH=${explicit} is not an executable file`)
    }
    return explicit
  }
  const folders = (env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const name of CANDIDATES) {
    for (const folder of folders) {
      const path = join(folder, name)
      if (isExecutable(path)) return path
    }
  }
  throw new Error(
    `No Chromium found (looked for CHROMIUM_PATH, then ${CANDIDATES.join(', ')} on PATH). Install it with \`apt-get install -y chromium\` (Debian/Ubuntu; .ci/run does this) or point CHROMIUM_PATH at a Chrome or Chromium binary.`,
  )
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Headless Chromium; `--no-sandbox` because CI runs as root. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox'] })
}

export type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core'
