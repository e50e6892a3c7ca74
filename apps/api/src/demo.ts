import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MiningPerformanceTracker } from '@edge-mining/domain'
import { startBraiinsSimulator, startOceanSimulator } from '@edge-mining/pool-simulator'
import { type RunningApi, type StartApiOptions, startApi } from './server'

export interface DemoOptions extends Omit<StartApiOptions, 'env'> {
  /** API_HOST / API_PORT / LOG_LEVEL / API_TOKEN as for the server; DB_PATH is a fresh temporary file. */
  env?: Record<string, string | undefined>
}

export interface RunningDemo {
  api: RunningApi
  ocean: MiningPerformanceTracker
  braiins: MiningPerformanceTracker
  /** The temporary database file (deleted by `close()`). */
  databasePath: string
  /** What to open, one `label  url` per line. */
  urls: { label: string; url: string }[]
  /** Stops the API and both simulators and deletes the temporary database. */
  close(): Promise<void>
}

/**
 * The demo: fake Ocean and Braiins pools on loopback, the API on a fresh temporary database,
 * one tracker of each kind pointing at the fakes — live data with no pool account, no internet.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const folder = mkdtempSync(join(tmpdir(), 'edge-mining-demo-'))
  const ocean = await startOceanSimulator()
  const braiins = await startBraiinsSimulator()
  const cleanup = async () => {
    await Promise.allSettled([ocean.close(), braiins.close()])
    rmSync(folder, { recursive: true, force: true })
  }
  const databasePath = join(folder, 'edgemining.db')
  let api: RunningApi
  try {
    const env = options.env ?? process.env
    api = await startApi({
      ...options,
      env: { ...env, DB_PATH: databasePath, POLICIES_DIR: join(folder, 'policies') },
    })
  } catch (error) {
    await cleanup()
    throw error
  }
  try {
    const oceanTracker = await api.runtime.services.trackers.create({
      name: 'Demo miner on Ocean (simulated)',
      adapter_type: 'ocean',
      config: { bitcoin_address: ocean.address(), api_base_url: ocean.url },
    })
    const braiinsTracker = await api.runtime.services.trackers.create({
      name: 'Demo miner on Braiins Pool (simulated)',
      adapter_type: 'braiins_pool',
      config: { api_token: braiins.token(), api_base_url: braiins.url },
    })
    const base = `${api.url}/api/v1/mining-performance-trackers`
    const urls = [
      { label: 'API docs', url: `${api.url}/docs` },
      { label: 'OpenAPI', url: `${api.url}/openapi.json` },
      { label: 'Trackers', url: base },
      { label: 'Ocean stats', url: `${base}/${oceanTracker.id}/stats` },
      { label: 'Ocean snapshot', url: `${base}/${oceanTracker.id}/snapshot` },
      { label: 'Braiins stats', url: `${base}/${braiinsTracker.id}/stats` },
      { label: 'Braiins workers', url: `${base}/${braiinsTracker.id}/workers` },
      { label: 'Metrics', url: `${api.url}/metrics` },
    ]
    return {
      api,
      ocean: oceanTracker,
      braiins: braiinsTracker,
      databasePath,
      urls,
      async close() {
        await api.close()
        await cleanup()
      },
    }
  } catch (error) {
    await api.close()
    await cleanup()
    throw error
  }
}
